import csv
import datetime
import io

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from events.models import Event, OutboxEmail, PersonalDataExport, Registration
from tests.events.admin_forms import event_form
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db
Status = Registration.Status
CHANGELIST = "admin:events_registration_changelist"


def test_event_list_shows_registration_counts(staff_client):
    event = EventFactory(title="Counted event", capacity=10)
    RegistrationFactory.create_batch(3, event=event)
    RegistrationFactory(event=event, checked_in_at=timezone.now())
    RegistrationFactory.create_batch(2, event=event, status=Status.WAITING)
    RegistrationFactory(event=event, status=Status.CANCELLED)
    response = staff_client.get(reverse("admin:events_event_changelist"))
    assert response.status_code == 200
    [row] = response.context["cl"].result_list
    assert (row.n_confirmed, row.n_waiting, row.n_cancelled, row.n_checked_in) == (4, 2, 1, 1)
    html = response.content.decode()
    assert '<td class="field-confirmed">4</td>' in html
    assert '<td class="field-checked_in">1</td>' in html


def action(staff_client, name, registrations, **extra):
    return staff_client.post(
        reverse(CHANGELIST),
        {"action": name, "_selected_action": [r.pk for r in registrations], **extra},
        follow=True,
    )


def test_export_csv_is_utf8_with_bom_and_cyrillic(staff_client):
    event = EventFactory(title="Форум")
    RegistrationFactory(
        event=event, full_name="Иван Петров", organisation="Şirkət MMC", email="ivan@example.org"
    )
    RegistrationFactory(event=event, full_name="=HYPERLINK(1)", organisation="Evil")
    response = action(staff_client, "export_csv", Registration.objects.all())
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="registrations-')
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Event", "Full name", "Email"]
    by_name = {row[1]: row for row in rows[1:]}
    assert by_name["Иван Петров"][2:4] == ["ivan@example.org", "Şirkət MMC"]
    assert by_name["Иван Петров"][0] == "Форум"
    assert by_name["Иван Петров"][6] == "Confirmed"
    assert "'=HYPERLINK(1)" in by_name  # no formula injection


def test_cancel_action_promotes_from_the_waiting_list(staff_client):
    event = EventFactory(capacity=1)
    holder = RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status=Status.WAITING)
    response = action(staff_client, "cancel", [holder], with_message="1")
    assert "1 registration cancelled." in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == Status.CONFIRMED


def test_confirm_from_waiting_list_action_reports_when_full(staff_client):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status=Status.WAITING)
    response = action(staff_client, "confirm_from_waiting_list", [waiting])
    assert "No seats are left" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == Status.WAITING


def test_approve_and_resend_actions_queue_emails(staff_client):
    event = EventFactory(capacity=5, approval_required=True)
    pending = RegistrationFactory(event=event, status=Status.PENDING)
    action(staff_client, "approve", [pending])
    pending.refresh_from_db()
    assert pending.status == Status.CONFIRMED
    action(staff_client, "resend_confirmation", [pending])
    subjects = list(OutboxEmail.objects.order_by("pk").values_list("subject", flat=True))
    assert subjects[0].startswith("Your registration is confirmed")
    assert subjects[1].startswith("Your registration:")


def test_staff_change_of_place_emails_registrants_once_per_change(
    staff_client, django_capture_on_commit_callbacks, run_worker
):
    event = EventFactory(
        starts_at=timezone.now().replace(microsecond=0) + datetime.timedelta(days=5)
    )
    RegistrationFactory(event=event, language="az")
    RegistrationFactory(event=event, status=Status.WAITING)
    RegistrationFactory(event=event, status=Status.CANCELLED)
    url = reverse("admin:events_event_change", args=[event.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, event_form(event, venue_name_en="New hall"))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert mail.outbox == []  # the admin request only queues the notices; the worker sends
    assert run_worker() == 2
    assert len(mail.outbox) == 2
    assert {m.subject.split(":")[0] for m in mail.outbox} == {
        "Changed time or place",
        "Vaxt və ya yer dəyişib",
    }
    event.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(url, event_form(event, title_en="Renamed only"))
    assert run_worker() == 0  # no change of time or place: no email
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(url, event_form(event, status=Event.Status.CANCELLED))
    run_worker()
    assert len(mail.outbox) == 4
    assert mail.outbox[-1].subject.startswith(("Event cancelled", "Tədbir ləğv edildi"))


def test_raising_capacity_in_the_admin_promotes_the_waiting_list(staff_client):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status=Status.WAITING)
    url = reverse("admin:events_event_change", args=[event.pk])
    response = staff_client.post(url, event_form(event, capacity=2))
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == Status.CONFIRMED


def test_outbox_admin_lists_undelivered_emails(staff_client):
    registration = RegistrationFactory()
    OutboxEmail.objects.create(to="a@example.org", subject="Stuck one", body="x", last_error="boom")
    OutboxEmail.objects.create(
        to="b@example.org", subject="Went out", body="x", status=OutboxEmail.Status.SENT
    )
    url = reverse("admin:events_outboxemail_changelist") + "?delivery=undelivered"
    html = staff_client.get(url).content.decode()
    assert "Stuck one" in html and "Went out" not in html
    # The registration's own list finds it by its address.
    found = staff_client.get(reverse(CHANGELIST), {"q": registration.email})
    assert found.status_code == 200
    assert list(found.context["cl"].result_list) == [registration]


def test_changing_an_email_to_one_already_registered_is_a_form_error(staff_client):
    event = EventFactory()
    RegistrationFactory(event=event, email="taken@example.org")
    other = RegistrationFactory(event=event, email="mine@example.org")
    url = reverse("admin:events_registration_change", args=[other.pk])
    response = staff_client.post(
        url,
        {"full_name": other.full_name, "email": "TAKEN@example.org", "organisation": "X",
         "position": "Y", "phone": ""},
    )  # fmt: skip
    assert response.status_code == 200
    assert "This email is already registered for the event." in response.content.decode()
    other.refresh_from_db()
    assert other.email == "mine@example.org"


@pytest.mark.parametrize("query", ["петров", "PETROV", "Petrov example"])
def test_registration_search_ignores_case_and_script(staff_client, query):
    RegistrationFactory(full_name="Иван Петров", email="ivan@example.org")
    RegistrationFactory(full_name="Həsənov Rəşad", email="rashad@example.org")
    html = staff_client.get(reverse(CHANGELIST), {"q": query}).content.decode()
    assert "Иван Петров" in html and "Həsənov" not in html
    html = staff_client.get(reverse(CHANGELIST), {"q": "hasanov"}).content.decode()
    assert "Həsənov" in html and "Иван Петров" not in html


def test_search_through_a_many_to_many_field_lists_each_export_once(staff_client):
    first, second = EventFactory(title="Caspian forum"), EventFactory(title="Caspian fair")
    export = PersonalDataExport.objects.create(username="staff", what="attendees", row_count=3)
    export.events.set([first, second])
    url = reverse("admin:events_personaldataexport_changelist")
    response = staff_client.get(url, {"q": "CASPIAN"})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [export]


def test_postgresql_looks_registrants_up_through_the_trigram_indexes():
    from django.db import connection

    from portal.lookup import matching

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    RegistrationFactory(full_name="Иван Петров")
    fields = ["full_name", "email", "organisation", "position"]
    found = Registration.objects.filter(matching("petrov", fields)).order_by()
    sql, params = found.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a one-row table is read whole
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    for name in fields:
        assert f"Bitmap Index Scan on events_reg_{name}_sk" in plan
    assert found.get().full_name == "Иван Петров"
