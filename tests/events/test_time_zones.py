"""Staff enter an event's times in the event's own zone (EventAdminForm), whatever the site's
zone (Europe/Astrakhan, UTC+4): 10:00 typed for an event in Istanbul is 10:00 in Istanbul on
the public page, in the calendar file and in the emails, and 07:00 UTC in the database."""

import datetime
import zoneinfo

import icalendar
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import Event
from tests.events.admin_forms import event_form
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
NEXT_YEAR = timezone.now().year + 1
WINTER = datetime.date(NEXT_YEAR, 1, 14)
SUMMER = datetime.date(NEXT_YEAR, 7, 14)

CASES = [
    # zone, day, the UTC hour of 10:00 there
    ("Europe/Istanbul", SUMMER, 7),  # UTC+3 all year
    ("Europe/Istanbul", WINTER, 7),
    ("Europe/London", WINTER, 10),  # GMT, UTC+0
    ("Europe/London", SUMMER, 9),  # BST, UTC+1
    ("Asia/Baku", SUMMER, 6),  # UTC+4, as the site's zone
]


def times(day: datetime.date, start: str = "10:00:00", end: str = "12:00:00") -> dict:
    return {
        "starts_at_0": day.isoformat(),
        "starts_at_1": start,
        "ends_at_0": day.isoformat(),
        "ends_at_1": end,
    }


@pytest.mark.parametrize(("zone", "day", "utc_hour"), CASES)
def test_ten_oclock_is_ten_oclock_where_the_event_is(
    staff_client, client, run_worker, django_capture_on_commit_callbacks, zone, day, utc_hour
):
    event = EventFactory(slug="forum", title="Caspian Forum", time_zone="Europe/Astrakhan")
    url = reverse("admin:events_event_change", args=[event.pk])
    response = staff_client.post(url, event_form(event, time_zone=zone, **times(day)))
    assert response.status_code == 302, response.context["adminform"].form.errors

    event.refresh_from_db()
    assert event.time_zone == zone
    assert event.starts_at == datetime.datetime.combine(day, datetime.time(utc_hour), UTC)
    assert event.ends_at - event.starts_at == datetime.timedelta(hours=2)
    local_start = datetime.datetime.combine(day, datetime.time(10), zoneinfo.ZoneInfo(zone))

    # The public page (Russian shows 24-hour times) and its machine-readable time.
    html = client.get("/ru/events/forum/").content.decode()
    assert f'<time datetime="{local_start.isoformat()}">' in html
    assert ", 10:00</time>" in html and "12:00</time>" in html

    # The calendar file: 10:00 with the zone's TZID.
    calendar = icalendar.Calendar.from_ical(client.get("/en/events/forum/calendar.ics").content)
    [vevent] = calendar.walk("VEVENT")
    start = vevent.decoded("dtstart")
    assert (start.hour, start.minute, str(start.tzinfo)) == (10, 0, zone)
    assert start == local_start

    # The email (the worker sends it): 10:00 in the text and in the attached calendar file.
    with django_capture_on_commit_callbacks(execute=True):
        services.register_attendee(
            event=event, full_name="Aysel", email="aysel@example.org", consent=True, language="ru"
        )
    run_worker()
    [sent] = mail.outbox
    assert ", 10:00–12:00 (" in sent.body
    attached = icalendar.Calendar.from_ical(sent.attachments[0][1])
    assert next(iter(attached.walk("VEVENT"))).decoded("dtstart") == local_start

    # The form shows the stored times in the event's zone again.
    form = staff_client.get(url).context["adminform"].form
    assert form["starts_at"].value() == datetime.datetime.combine(day, datetime.time(10))


def test_a_new_event_is_entered_in_its_own_zone(staff_client):
    data = event_form(EventFactory.build(slug="new-event"), time_zone="Europe/Istanbul")
    data.update(times(SUMMER, "18:30:00", "20:00:00"))
    response = staff_client.post(reverse("admin:events_event_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    event = Event.objects.get(slug="new-event")
    assert event.starts_at == datetime.datetime.combine(SUMMER, datetime.time(15, 30), UTC)


def test_registration_opening_and_closing_are_in_the_events_zone_too(staff_client):
    event = EventFactory(time_zone="Europe/London")
    data = event_form(event, **times(SUMMER))
    data.update(
        {
            "registration_opens_at_0": WINTER.isoformat(),
            "registration_opens_at_1": "09:00:00",
            "registration_closes_at_0": SUMMER.isoformat(),
            "registration_closes_at_1": "08:00:00",
        }
    )
    url = reverse("admin:events_event_change", args=[event.pk])
    assert staff_client.post(url, data).status_code == 302
    event.refresh_from_db()
    assert event.registration_opens_at == datetime.datetime.combine(WINTER, datetime.time(9), UTC)
    assert event.registration_closes_at == datetime.datetime.combine(SUMMER, datetime.time(7), UTC)


def test_the_form_shows_stored_times_in_the_events_zone(staff_client):
    start = datetime.datetime.combine(SUMMER, datetime.time(7), UTC)
    event = EventFactory(
        time_zone="Europe/Istanbul", starts_at=start, ends_at=start + datetime.timedelta(hours=1)
    )
    html = staff_client.get(reverse("admin:events_event_change", args=[event.pk])).content
    html = html.decode()
    assert 'name="starts_at_1" value="10:00:00"' in html
    assert 'name="ends_at_1" value="11:00:00"' in html
    # The zone comes first in its section, the times below say which zone they are in.
    assert html.index('name="time_zone"') < html.index('name="starts_at_0"')
    assert "<div>In the event's time zone.</div>" in html
    # The admin's own date-time widgets ("Now", its note on the zone) use the event's zone.
    assert 'data-admin-server-timezone="Europe/Istanbul"' in html
    assert 'data-admin-utc-offset="10800"' in html


def last_sunday_of_march(year: int) -> datetime.date:
    day = datetime.date(year, 3, 31)
    return day - datetime.timedelta(days=(day.weekday() + 1) % 7)


def test_a_time_the_clocks_skip_is_refused(staff_client):
    event = EventFactory(time_zone="Europe/Astrakhan")
    gap = last_sunday_of_march(NEXT_YEAR)  # London: 01:00 → 02:00
    data = event_form(event, time_zone="Europe/London", **times(gap, "01:30:00", "03:00:00"))
    url = reverse("admin:events_event_change", args=[event.pk])
    response = staff_client.post(url, data)
    assert response.status_code == 200
    [error] = response.context["adminform"].form.errors["starts_at"]
    assert "couldn’t be interpreted in time zone Europe/London" in error
    before = event.starts_at
    event.refresh_from_db()
    assert event.starts_at == before
