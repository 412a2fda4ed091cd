"""Every public page makes a fixed number of queries, at most 8, whatever the data size.

Each page is requested at a small size (warm-up first: the site profile and the filters'
choices are cached per content change), the data grows, and once warm again the page must make
exactly as many queries as before; the first request after a change may make a few more. The
page cache is off in tests, so these are the real, uncached counts.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from agreements import services as agreement_services
from portal.models import Page
from tests.factories import (
    AgreementDocumentFactory,
    AgreementFactory,
    EventFactory,
    MeasureFactory,
    NewsArticleFactory,
    PartyFactory,
    RegistrationFactory,
    SectorFactory,
    SignatoryFactory,
)

pytestmark = pytest.mark.django_db
MAX_QUERIES = 8


def grow(world: dict, size: int) -> None:
    """Add ``size`` of everything, attached to the objects the pages show."""
    sectors, parties = world["sectors"], world["parties"]
    news = NewsArticleFactory.create_batch(size, sectors=sectors, title="Caspian trade news")
    world["article"].sectors.add(*sectors)
    agreement, event = world["agreement"], world["event"]
    agreement.related_news.add(*news[:3])
    event.related_news.add(*news[:3])
    for index in range(size):
        measure = MeasureFactory(
            agreement=agreement, sector=sectors[index % len(sectors)], responsible_bodies=parties,
            title="Caspian trade measure", due_on=timezone.localdate(),
        )  # fmt: skip
        agreement_services.record_progress(measure=measure, progress=index % 100, text="Report")
        SignatoryFactory(agreement=agreement, party=parties[index % len(parties)])
        other = AgreementFactory(parties=parties, sectors=sectors, title="Caspian trade memo")
        MeasureFactory(agreement=other, title="Caspian trade step")
        for upcoming in (True, False):
            start = timezone.now() + datetime.timedelta(days=(3 if upcoming else -30) + index)
            other_event = EventFactory(
                sectors=sectors, starts_at=start, title="Caspian trade forum", capacity=None
            )
            RegistrationFactory.create_batch(2, event=other_event)
    RegistrationFactory.create_batch(size, event=event)
    AgreementDocumentFactory(agreement=agreement)


@pytest.fixture
def world():
    with translation.override("en"):
        sectors = [SectorFactory(), SectorFactory()]
        parties = [PartyFactory(), PartyFactory()]
        article = NewsArticleFactory(title="Caspian trade founding article", sectors=sectors)
        agreement = AgreementFactory(parties=parties, sectors=sectors)
        agreement.related_news.add(article)
        event = EventFactory(sectors=sectors, capacity=1000)
        event.related_news.add(article)
        registration = RegistrationFactory(event=event)
        page = Page.objects.create(slug="about", title="About", body="About us.")
        world = {
            "sectors": sectors, "parties": parties, "article": article, "agreement": agreement,
            "event": event, "registration": registration, "page": page,
        }  # fmt: skip
        grow(world, 2)
        yield world


PAGES = {
    "home": lambda w: reverse("portal:home"),
    "news list": lambda w: reverse("portal:news-list"),
    "news list filtered": lambda w: (
        reverse("portal:news-list") + f"?sector={w['sectors'][0].slug}&year={timezone.now().year}"
    ),
    "article": lambda w: w["article"].get_absolute_url(),
    "news feed": lambda w: reverse("portal:news-feed"),
    "page": lambda w: w["page"].get_absolute_url(),
    "search": lambda w: reverse("portal:search") + "?q=caspian+trade",
    "search one kind": lambda w: reverse("portal:search") + "?q=caspian+trade&kind=measures",
    "agreements list": lambda w: reverse("agreements:list"),
    "agreements list filtered": lambda w: (
        reverse("agreements:list") + f"?sector={w['sectors'][0].slug}&party={w['parties'][0].slug}"
    ),
    "agreement": lambda w: w["agreement"].get_absolute_url(),
    "agreements overview": lambda w: reverse("agreements:overview"),
    "agreements csv": lambda w: reverse("agreements:export-csv"),
    "agreements json": lambda w: reverse("agreements:export-json"),
    "measures csv": lambda w: reverse("agreements:measures-csv"),
    "measures json": lambda w: reverse("agreements:measures-json"),
    "agreement measures csv": lambda w: reverse(
        "agreements:agreement-measures-csv", args=[w["agreement"].slug]
    ),
    "agreements feed": lambda w: reverse("agreements:feed"),
    "events list": lambda w: reverse("events:list"),
    "events list filtered": lambda w: reverse("events:list") + f"?sector={w['sectors'][0].slug}",
    "past events": lambda w: reverse("events:list") + "?when=past",
    "event": lambda w: w["event"].get_absolute_url(),
    "register form": lambda w: reverse("events:register", args=[w["event"].slug]),
    "lost link form": lambda w: reverse("events:lost-link", args=[w["event"].slug]),
    "event calendar": lambda w: reverse("events:event-calendar", args=[w["event"].slug]),
    "events calendar": lambda w: reverse("events:calendar"),
    "registrant page": lambda w: w["registration"].get_absolute_url(),
    "sitemap index": lambda w: "/sitemap.xml",
    "sitemap news": lambda w: "/sitemap-news.xml",
    "sitemap events": lambda w: "/sitemap-events.xml",
    "sitemap agreements": lambda w: "/sitemap-agreements.xml",
    "sitemap pages": lambda w: "/sitemap-pages.xml",
    "robots.txt": lambda w: "/robots.txt",
}


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("name", list(PAGES))
def test_query_count_is_fixed_and_small(client, world, name):
    with translation.override("en"):
        url = PAGES[name](world)
    _count(client, url)  # warm the caches: site profile, filter choices
    small = _count(client, url)
    with translation.override("en"):
        grow(world, 12)
    after_change = _count(client, url)  # filter choices are computed again once per change
    large = _count(client, url)
    assert small == large, f"{name}: {small} queries with little data, {large} with more"
    assert after_change <= MAX_QUERIES, f"{name}: {after_change} queries"
