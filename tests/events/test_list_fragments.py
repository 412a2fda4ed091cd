"""The events list keeps its cards, filter bar and list data in the worker's memory
(events.pages): what no save announces must still show at once — seats taken by
registrations, and the clock opening registration or ending an event."""

import datetime
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from tests.factories import EventFactory, RegistrationFactory, SectorFactory

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
