"""The event workspace: counts by status, registrations per day, and actions that go through
events.services (the same rules and emails as everywhere else)."""

import csv
import datetime
import io
import re

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import OutboxEmail, PersonalDataExport, Registration
from events.workspace import registrations_per_day, status_counts
from portal.roles import EDITORS, EVENT_MANAGERS
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db
Status = Registration.Status
DAY = datetime.timedelta(days=1)


def url(event, **query):
    base = reverse("admin:events_event_workspace", args=[event.pk])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def event():
    """Capacity 5: three confirmed (one checked in) and a checked-in walk-in, one on the
    waiting list, two pending, one cancelled, one declined."""
    event = EventFactory(title="Workspace forum", capacity=5, approval_required=True)
    RegistrationFactory.create_batch(2, event=event)
    RegistrationFactory(event=event, full_name="Arrived Early", checked_in_at=timezone.now())
    services.add_walk_in(event=event, full_name="Walked In")
    RegistrationFactory(event=event, full_name="Waiting Person", status=Status.WAITING)
    RegistrationFactory(event=event, full_name="Pending One", status=Status.PENDING)
    RegistrationFactory(event=event, full_name="Pending Two", status=Status.PENDING)
    RegistrationFactory(event=event, status=Status.CANCELLED)
    RegistrationFactory(event=event, status=Status.DECLINED)
    RegistrationFactory(full_name="Someone Elsewhere")  # another event
    return event


def test_counts_by_status(event, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        counts = status_counts(event)
    assert (counts.confirmed, counts.waiting, counts.pending) == (4, 1, 2)
    assert (counts.cancelled, counts.declined) == (1, 1)
    assert (counts.checked_in, counts.walk_ins, counts.seats_left) == (2, 1, 1)


def test_the_page_shows_the_counts_and_only_this_events_registrations(staff_client, event):
    html = staff_client.get(url(event)).content.decode()
    shown = dict(re.findall(r'data-count="(\w+)"[^>]*><dt>[^<]+</dt><dd>(\d+)', html))
    assert shown == {
        "confirmed": "4", "waiting": "1", "pending": "2", "cancelled": "1",
        "checked_in": "2", "walk_ins": "1", "seats_left": "1",
    }  # fmt: skip
    assert "Pending One" in html and "Someone Elsewhere" not in html
    assert reverse("events:check-in", args=[event.slug]) in html
    assert event.get_absolute_url() in html
    pending = staff_client.get(url(event, status="pending")).content.decode()
    assert "Pending One" in pending and "Waiting Person" not in pending


def test_the_status_comes_first_in_each_row(staff_client, event):
    html = staff_client.get(url(event)).content.decode()
    header = re.search(r'<table class="workspace-table">.*?</thead>', html, re.S).group(0)
    columns = re.findall(r'<th scope="col"[^>]*>(.*?)</th>', header)
    assert "Status" in columns[1] and "Name" in columns[2] and "Checked in" in columns[3]


def test_registrations_per_day_in_the_events_time_zone(event):
    day = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0)
    Registration.objects.filter(event=event).update(created_at=day - 3 * DAY)
    RegistrationFactory(event=event, created_at=day - DAY)
    RegistrationFactory(event=event, created_at=day - DAY, status=Status.WAITING)
    chart = registrations_per_day(event)
    local = [timezone.localtime(d, event.zone).date() for d in (day - 3 * DAY, day - DAY)]
    counts = {bar.date: bar.count for bar in chart.days}
    assert counts == {local[0]: 8, local[0] + DAY: 0, local[1]: 2}  # the walk-in is left out
    tallest = max(chart.days, key=lambda bar: bar.count)
    assert tallest.height == 100 and counts[local[1]] == 2
    assert next(bar for bar in chart.days if bar.date == local[1]).height == 25
    assert registrations_per_day(EventFactory()) is None


def test_approve_from_a_rows_button(role_client, event):
    client = role_client(EVENT_MANAGERS)
    pending = Registration.objects.get(full_name="Pending One")
    page = client.get(url(event, status="pending")).content.decode()
    assert f'name="row" value="approve:{pending.pk}"' in page
    response = client.post(url(event), {"row": f"approve:{pending.pk}", "next": url(event)})
    assert response.status_code == 302 and response["Location"] == url(event)
    pending.refresh_from_db()
    assert pending.status == Status.CONFIRMED  # the last free seat
    assert (
        OutboxEmail.objects.filter(registration=pending)
        .get()
        .subject.startswith("Your registration is confirmed")
    )
    assert LogEntry.objects.filter(object_id=str(pending.pk), user=client.user).exists()

    # The event is full now: the rule in services puts the next one on the waiting list.
    second = Registration.objects.get(full_name="Pending Two")
    client.post(url(event), {"row": f"approve:{second.pk}"})
    second.refresh_from_db()
    assert second.status == Status.WAITING


def test_bulk_actions_on_the_ticked_rows(role_client, event):
    client = role_client(EVENT_MANAGERS)
    confirmed = Registration.objects.filter(event=event, full_name="Arrived Early").get()
    asked = client.post(url(event), {"action": "cancel", "ids": [confirmed.pk]})
    assert "Message to the person (optional)" in asked.content.decode()  # the page in between
    sent_back = {"action": "cancel", "_selected_action": [confirmed.pk], "with_message": "1"}
    response = client.post(url(event), sent_back, follow=True)
    assert "1 registration cancelled." in response.content.decode()
    confirmed.refresh_from_db()
    waiting = Registration.objects.get(full_name="Waiting Person")
    assert confirmed.status == Status.CANCELLED
    assert waiting.status == Status.CONFIRMED  # the freed seat went to the waiting list

    pending = list(Registration.objects.filter(event=event, status=Status.PENDING))
    client.post(
        url(event),
        {"action": "decline", "_selected_action": [r.pk for r in pending], "with_message": "1"},
    )
    assert set(Registration.objects.filter(pk__in=[r.pk for r in pending]).values_list(
        "status", flat=True
    )) == {Status.DECLINED}  # fmt: skip

    elsewhere = Registration.objects.get(full_name="Someone Elsewhere")
    response = client.post(url(event), {"action": "cancel", "ids": [elsewhere.pk]}, follow=True)
    assert "Tick at least one registration first." in response.content.decode()
    elsewhere.refresh_from_db()
    assert elsewhere.status == Status.CONFIRMED  # another event's registration is untouched


def test_resend_and_give_free_seats_to_the_waiting_list(role_client):
    client = role_client(EVENT_MANAGERS)
    event = EventFactory(capacity=3)
    holder = RegistrationFactory(event=event)
    first, second = RegistrationFactory.create_batch(2, event=event, status=Status.WAITING)
    client.post(url(event), {"action": "resend_confirmation", "ids": [holder.pk]})
    assert OutboxEmail.objects.get(registration=holder).subject.startswith("Your registration:")
    response = client.post(url(event), {"promote": "1"}, follow=True)
    assert "2 people moved from the waiting list to confirmed." in response.content.decode()
    assert set(Registration.objects.filter(pk__in=[first.pk, second.pk]).values_list(
        "status", flat=True
    )) == {Status.CONFIRMED}  # fmt: skip


def test_export_csv_of_this_event_is_logged(role_client, event):
    client = role_client(EVENT_MANAGERS)
    ids = list(event.registrations.values_list("pk", flat=True))
    response = client.post(url(event), {"action": "export_csv", "ids": ids})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 1 + len(ids)
    assert {row[0] for row in rows[1:]} == {"Workspace forum"}
    export = PersonalDataExport.objects.get()
    assert export.row_count == len(ids) and export.username == client.user.username


def test_the_events_undelivered_emails_in_plain_words(staff_client, event):
    registration = Registration.objects.get(full_name="Pending One")
    OutboxEmail.objects.create(
        to="p@example.org", subject="Stuck reply", body="x", registration=registration,
        last_error="TimeoutError: timed out",
    )  # fmt: skip
    OutboxEmail.objects.create(
        to="q@example.org", subject="Went out", body="x", registration=registration,
        status=OutboxEmail.Status.SENT,
    )  # fmt: skip
    html = staff_client.get(url(event)).content.decode()
    assert "Stuck reply" in html and "The mail server did not answer in time." in html
    assert "Went out" not in html


@pytest.mark.parametrize(("role", "status"), [(EVENT_MANAGERS, 200), (EDITORS, 403)])
def test_only_staff_who_may_see_registrations(role_client, event, role, status):
    client = role_client(role)
    assert client.get(url(event)).status_code == status
    pending = Registration.objects.get(full_name="Pending One")
    client.post(url(event), {"row": f"approve:{pending.pk}"})
    pending.refresh_from_db()
    assert (pending.status == Status.CONFIRMED) is (status == 200)


def test_linked_from_the_event_list_and_form(staff_client, event):
    changelist = staff_client.get(reverse("admin:events_event_changelist")).content.decode()
    change = staff_client.get(reverse("admin:events_event_change", args=[event.pk]))
    assert url(event) in changelist and url(event) in change.content.decode()


def test_the_page_does_not_grow_queries_with_registrations(staff_client, event):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get(url(event)).status_code == 200
        return len(captured)

    queries()  # the first request also fills caches (session, content types)
    few = queries()
    RegistrationFactory.create_batch(30, event=event, status=Status.PENDING)
    assert queries() == few
