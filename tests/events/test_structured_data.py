"""schema.org Event data on event pages, and the live seat state endpoint (events:seats)."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation

from events.models import Event
from tests.factories import EventFactory, RegistrationFactory
from tests.structured import json_ld, meta

pytestmark = pytest.mark.django_db
SCHEMA = "https://schema.org/"


def event_data(client, event, language="en") -> dict:
    with translation.override(language):
        url = event.get_absolute_url()
    response = client.get(url)
    assert response.status_code == 200
    return json_ld(response.content.decode(), "Event")


@pytest.mark.parametrize("language", ["en", "ru", "az"])
def test_event_json_ld_has_the_required_properties(client, language):
    starts = datetime.datetime(2030, 3, 12, 6, 0, tzinfo=datetime.UTC)
    event = EventFactory(
        title="Caspian forum", title_ru="Каспийский форум", title_az="Xəzər forumu",
        starts_at=starts, ends_at=starts + datetime.timedelta(hours=8), capacity=100,
        time_zone="Asia/Baku", organisers="Chamber of Commerce, Port of Baku",
        description="A **forum** on trade.",
    )  # fmt: skip
    data = event_data(client, event, language)
    assert data["@context"] == "https://schema.org"
    assert data["name"] == {"en": "Caspian forum", "ru": "Каспийский форум"}.get(
        language, "Xəzər forumu"
    )
    assert data["description"] == "A forum on trade."
    # In the event's own zone, with its offset: 06:00 UTC is 10:00 in Baku.
    assert data["startDate"] == "2030-03-12T10:00:00+04:00"
    assert data["endDate"] == "2030-03-12T18:00:00+04:00"
    assert data["eventStatus"] == SCHEMA + "EventScheduled"
    assert data["eventAttendanceMode"] == SCHEMA + "OfflineEventAttendanceMode"
    location = data["location"]
    assert location["@type"] == "Place" and location["name"] == "Business Centre"
    assert location["address"]["streetAddress"] == "1 Example Street"
    assert data["image"][0].startswith("http://testserver/media/cards/")
    offer = data["offers"]
    assert offer["availability"] == SCHEMA + "InStock"
    assert offer["url"].endswith(reverse("events:register", args=[event.slug]))
    organisers = [organiser["name"] for organiser in data["organizer"]]
    assert organisers[1:] == ["Chamber of Commerce", "Port of Baku"]
    assert data["organizer"][0]["logo"]["url"].endswith(".png")


def test_a_cancelled_event_says_so(client):
    data = event_data(client, EventFactory(status=Event.Status.CANCELLED))
    assert data["eventStatus"] == SCHEMA + "EventCancelled"
    assert data["offers"]["availability"] == SCHEMA + "Discontinued"


def test_online_and_hybrid_events_have_a_virtual_location(client):
    online = EventFactory(venue_name="", venue_address="", online_url="https://meet.example/x")
    data = event_data(client, online)
    assert data["eventAttendanceMode"] == SCHEMA + "OnlineEventAttendanceMode"
    assert data["location"] == {"@type": "VirtualLocation", "url": "https://meet.example/x"}
    hybrid = EventFactory(online_url="https://meet.example/y")
    data = event_data(client, hybrid)
    assert data["eventAttendanceMode"] == SCHEMA + "MixedEventAttendanceMode"
    assert [place["@type"] for place in data["location"]] == ["Place", "VirtualLocation"]


@pytest.mark.parametrize(
    ("capacity", "taken", "waiting_list", "availability"),
    [
        (None, 3, True, "InStock"),
        (100, 10, True, "InStock"),
        (100, 91, True, "LimitedAvailability"),
        (3, 2, True, "LimitedAvailability"),
        (3, 3, True, "SoldOut"),
        (3, 3, False, "SoldOut"),
    ],
)
def test_the_offer_follows_the_seat_state(client, capacity, taken, waiting_list, availability):
    event = EventFactory(capacity=capacity, waiting_list_enabled=waiting_list)
    RegistrationFactory.create_batch(taken, event=event)
    assert event_data(client, event)["offers"]["availability"] == SCHEMA + availability


def test_registration_not_open_yet_is_a_pre_order(client):
    opens = timezone.now() + datetime.timedelta(days=1)
    data = event_data(client, EventFactory(registration_opens_at=opens))
    assert data["offers"]["availability"] == SCHEMA + "PreOrder"
    # The moment, with the event's offset (the date alone differs by zone near midnight).
    valid_from = datetime.datetime.fromisoformat(data["offers"]["validFrom"])
    assert valid_from.utcoffset() is not None
    assert valid_from == opens.replace(microsecond=valid_from.microsecond)


def test_the_card_and_the_json_ld_show_the_same_image(client):
    event = EventFactory()
    html = client.get(event.get_absolute_url()).content.decode()
    assert json_ld(html, "Event")["image"] == [meta(html)["og:image"]]


# ---- the live seat state ----


def seats(client, *events, language="en"):
    with translation.override(language):
        url = reverse("events:seats")
    return client.get(url, {"id": [event.pk for event in events]})


def test_the_seat_endpoint_gives_each_events_badge_and_registration_box(client):
    event = EventFactory(capacity=2)
    RegistrationFactory(event=event)
    response = seats(client, event)
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=2"
    state = response.json()["events"][str(event.pk)]
    assert "1 seat left" in state["badge"]
    assert "Registration is open: 1 seat left." in state["registration"]
    assert reverse("events:register", args=[event.slug]) in state["registration"]


def test_the_seat_endpoint_speaks_the_visitors_language(client):
    event = EventFactory(capacity=5)
    state = seats(client, event, language="ru").json()["events"][str(event.pk)]
    assert "Осталось 5 мест" in state["badge"]


def test_the_seat_endpoint_shows_no_drafts_and_ignores_bad_ids(client):
    draft = EventFactory(status=Event.Status.DRAFT)
    public = EventFactory()
    with translation.override("en"):
        url = reverse("events:seats")
    junk = ["x", "-1", "", "²", "٣", "9" * 30]
    response = client.get(url, {"id": [draft.pk, public.pk, *junk]})
    assert response.status_code == 200
    assert list(response.json()["events"]) == [str(public.pk)]
    assert client.get(url).json() == {"events": {}}


def test_the_seat_endpoint_is_one_query_whatever_the_number_of_events(
    client, django_assert_num_queries
):
    few = EventFactory.create_batch(2)
    RegistrationFactory.create_batch(3, event=few[0])
    with django_assert_num_queries(1):
        seats(client, *few)
    many = EventFactory.create_batch(12)
    for event in many:
        RegistrationFactory.create_batch(2, event=event)
    with django_assert_num_queries(1):
        assert len(seats(client, *many).json()["events"]) == 12
    with django_assert_num_queries(0):  # the same question within two seconds
        seats(client, *many)


def test_the_seat_state_is_at_most_two_seconds_old(client):
    event = EventFactory(capacity=1)
    assert "1 seat left" in seats(client, event).json()["events"][str(event.pk)]["badge"]
    RegistrationFactory(event=event)
    cache.clear()  # what two seconds do
    badge = seats(client, event).json()["events"][str(event.pk)]["badge"]
    assert "Full — waiting list" in badge
