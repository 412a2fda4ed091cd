import datetime

import factory
from django.utils import timezone

from portal.models import NewsArticle, Sector


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Sector {n}")
    slug = factory.Sequence(lambda n: f"sector-{n}")


class NewsArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NewsArticle
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"News article {n}")
    slug = factory.Sequence(lambda n: f"news-article-{n}")
    lead = "A short lead."
    body = "First paragraph.\n\nSecond paragraph with **bold** text."
    status = NewsArticle.Status.PUBLISHED
    publish_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))

    @factory.post_generation
    def sectors(self, create, extracted, **kwargs):
        if create and extracted:
            self.sectors.set(extracted)


# ---- events ----
from events.models import Event, Registration  # noqa: E402


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Event {n}")
    slug = factory.Sequence(lambda n: f"event-{n}")
    description = "What happens at the event."
    status = Event.Status.PUBLISHED
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda event: event.starts_at + datetime.timedelta(hours=3))
    time_zone = "Europe/Astrakhan"
    venue_name = "Business Centre"
    venue_address = "1 Example Street"
    capacity = 10

    @factory.post_generation
    def sectors(self, create, extracted, **kwargs):
        if create and extracted:
            self.sectors.set(extracted)


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    full_name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    organisation = "Example LLC"
    position = "Manager"
    consent = True
    status = Registration.Status.CONFIRMED
