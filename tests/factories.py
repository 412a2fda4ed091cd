import datetime

import factory
from django.utils import timezone

from agreements.models import (
    Agreement,
    AgreementDocument,
    Measure,
    Party,
    ProgressReport,
    Signatory,
)
from events.models import Event, EventQuestion, EventQuestionChoice, Registration
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


# ---- agreements ----


class PartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Party
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Party {n}")
    slug = factory.Sequence(lambda n: f"party-{n}")


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Agreement {n}")
    slug = factory.Sequence(lambda n: f"agreement-{n}")
    kind = Agreement.Kind.MEMORANDUM
    status = Agreement.Status.IN_FORCE
    signed_on = datetime.date(2021, 12, 7)

    @factory.post_generation
    def parties(self, create, extracted, **kwargs):
        if create and extracted:
            self.parties.set(extracted)

    @factory.post_generation
    def sectors(self, create, extracted, **kwargs):
        if create and extracted:
            self.sectors.set(extracted)


class SignatoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Signatory

    agreement = factory.SubFactory(AgreementFactory)
    name = factory.Sequence(lambda n: f"Signatory {n}")
    position = "Minister"


class AgreementDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgreementDocument

    agreement = factory.SubFactory(AgreementFactory)
    title = "The signed text"
    file = factory.django.FileField(filename="text.pdf", data=b"%PDF-1.4\n%%EOF\n")


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure
        skip_postgeneration_save = True

    agreement = factory.SubFactory(AgreementFactory)
    number = factory.Sequence(lambda n: f"{n}.1")
    title = factory.Sequence(lambda n: f"Measure {n}")

    @factory.post_generation
    def responsible_bodies(self, create, extracted, **kwargs):
        if create and extracted:
            self.responsible_bodies.set(extracted)


class ProgressReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressReport

    measure = factory.SubFactory(MeasureFactory)
    text = "Work goes on."


# ---- events ----


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


class EventQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventQuestion
        skip_postgeneration_save = True

    event = factory.SubFactory(EventFactory)
    label = factory.Sequence(lambda n: f"Question {n}")
    kind = EventQuestion.Kind.SHORT_TEXT
    position = factory.Sequence(lambda n: n)

    @factory.post_generation
    def choices(self, create, extracted, **kwargs):
        """``choices=["Tea", "Coffee"]``: English labels, in this order."""
        for position, label in enumerate(extracted or []):
            EventQuestionChoice.objects.create(question=self, label=label, position=position)
