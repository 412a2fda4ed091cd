"""The events list and the event page keep what they show of the content in the worker's
memory (events.pages): what no save announces must still show at once — seats taken by
registrations, the clock opening registration, ending an event or making a scheduled
article due — and a staff change on the next request."""

import datetime
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from tests.factories import (
    EventFactory,
    NewsArticleFactory,
    RegistrationFactory,
    SectorFactory,
)

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def listing(client, query="") -> str:
    response = client.get(reverse("events:list") + query)
    assert response.status_code == 200
    return response.content.decode()


def test_seats_taken_by_registrations_show_at_once(client):
    event = EventFactory(title="Roomy", capacity=5)
    assert "5 seats left" in listing(client)
    RegistrationFactory(event=event)  # registrations start no new content generation
    html = listing(client)
    assert "4 seats left" in html and "5 seats left" not in html
    RegistrationFactory.create_batch(4, event=event)
    assert "Full — waiting list" in listing(client)


def test_the_clock_opens_registration_and_ends_events_without_a_save(client):
    soon = timezone.now() + datetime.timedelta(seconds=1.5)
    EventFactory(title="Opening soon", capacity=7, registration_opens_at=soon)
    ending = EventFactory(
        title="Ending soon", starts_at=timezone.now() - DAY, ends_at=soon, capacity=None
    )
    html = listing(client)
    assert "Registration not open yet" in html and "Ending soon" in html
    assert "Ending soon" not in listing(client, "?when=past")
    time.sleep(max((soon - timezone.now()).total_seconds(), 0) + 0.2)
    html = listing(client)
    assert "7 seats left" in html and "Registration not open yet" not in html
    assert "Ending soon" not in html
    past = listing(client, "?when=past")
    assert "Ending soon" in past and ending.get_absolute_url() in past


def test_a_staff_change_shows_on_the_next_request(client):
    event = EventFactory(title="Old title")
    assert "Old title" in listing(client)
    sector = SectorFactory(name="Shipping", slug="shipping")
    event.title = "New title"
    event.save()
    event.sectors.add(sector)
    html = listing(client)
    assert "New title" in html and "Old title" not in html
    assert 'value="shipping"' in html  # the filter bar's new sector
    assert "New title" in listing(client, "?sector=shipping")


def test_filtered_lists_and_pages_are_kept_apart(client):
    forum = EventFactory(title="A forum", kind=Event.Kind.FORUM)
    EventFactory(title="A seminar", kind=Event.Kind.SEMINAR)
    EventFactory.create_batch(12, kind=Event.Kind.SEMINAR, title="Later seminar",
                              starts_at=timezone.now() + 30 * DAY)  # fmt: skip
    assert "A forum" in listing(client)
    forums = listing(client, "?kind=forum")
    assert "A forum" in forums and "A seminar" not in forums and "1 event" in forums
    seminars = listing(client, "?kind=seminar")
    assert "A forum" not in seminars and "13 events" in seminars
    second = listing(client, "?page=2")
    assert "Later seminar" in second and forum.get_absolute_url() not in second


def test_a_cached_page_asks_the_database_only_for_the_seats(client):
    for event in EventFactory.create_batch(3, capacity=10):
        RegistrationFactory(event=event)
    listing(client)
    with CaptureQueriesContext(connection) as queries:
        html = listing(client)
    assert "9 seats left" in html
    assert len(queries) == 1, [query["sql"] for query in queries]


# ---- the event page ----------------------------------------------------------------------


def event_page(client, event) -> str:
    response = client.get(event.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_event_page_seats_and_offer_follow_registrations_at_once(client):
    event = EventFactory(capacity=2)
    html = event_page(client, event)
    assert "2 seats left" in html and "schema.org/InStock" not in html  # 2 of 2: limited
    RegistrationFactory(event=event)
    html = event_page(client, event)
    assert "1 seat left" in html and "2 seats left" not in html
    RegistrationFactory(event=event)
    html = event_page(client, event)
    assert "Join the waiting list" in html and "schema.org/SoldOut" in html


def test_event_page_shows_a_scheduled_related_article_once_it_is_due(client):
    event = EventFactory()
    event.related_news.add(NewsArticleFactory(title="Already out"))
    due = timezone.now() + datetime.timedelta(seconds=1.5)
    event.related_news.add(NewsArticleFactory(title="Coming soon", publish_at=due))
    html = event_page(client, event)
    assert "Already out" in html and "Coming soon" not in html
    time.sleep(max((due - timezone.now()).total_seconds(), 0) + 0.2)
    assert "Coming soon" in event_page(client, event)


def test_event_page_follows_staff_changes_and_keeps_drafts_private(client, staff_client):
    event = EventFactory(title="Old title", description="Old text.")
    assert "Old text." in event_page(client, event)
    event.title, event.description = "New title", "New text."
    event.save()
    html = event_page(client, event)
    assert "New title" in html and "New text." in html and "Old text." not in html
    event.status = Event.Status.DRAFT
    event.save()
    assert client.get(event.get_absolute_url()).status_code == 404
    assert "this event is a draft" in staff_client.get(event.get_absolute_url()).content.decode()
    assert client.get(event.get_absolute_url()).status_code == 404


def test_a_cached_event_page_asks_the_database_only_for_the_seats(client):
    event = EventFactory(capacity=10, sectors=[SectorFactory()])
    event.related_news.add(NewsArticleFactory())
    event_page(client, event)
    with CaptureQueriesContext(connection) as queries:
        html = event_page(client, event)
    assert "10 seats left" in html
    assert len(queries) == 1, [query["sql"] for query in queries]
