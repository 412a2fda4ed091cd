"""Personal data: consent and policy version, erasure by the registrant, the retention purge,
no-store caching, header injection through names, the export log and the change history."""

import datetime
import email
import io

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from events import services
from events.models import Event, OutboxEmail, PersonalDataExport, Registration
from portal.models import Page
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db
Status = Registration.Status
DAY = datetime.timedelta(days=1)
PERSONAL = ("full_name", "email", "organisation", "position", "phone")


@pytest.fixture
def privacy_page():
    return Page.objects.create(slug="privacy", title="Privacy", body="We care.", version="2026-02")


def register(event, **fields):
    data = {"full_name": "Ann Example", "email": "ann@example.org", "consent": True, **fields}
    return services.register_attendee(event=event, **data).registration


# ---- consent and policy version ------------------------------------------------------------


def test_registration_records_consent_time_and_policy_version(privacy_page):
    moment = timezone.now() - datetime.timedelta(minutes=5)
    registration = services.register_attendee(
        event=EventFactory(), full_name="Ann", email="ann@example.org", consent=True, now=moment
    ).registration
    registration.refresh_from_db()
    assert registration.consent is True
    assert registration.consent_at == moment
    assert registration.policy_version == "2026-02"
    # A new version applies to registrations from then on; earlier ones keep theirs.
    Page.objects.filter(slug="privacy").update(version="2026-03")
    later = register(EventFactory(), email="bob@example.org")
    assert later.policy_version == "2026-03"
    registration.refresh_from_db()
    assert registration.policy_version == "2026-02"


def test_without_a_privacy_page_the_version_is_empty():
    assert register(EventFactory()).policy_version == ""


def test_the_form_shows_the_policy_version_and_the_view_records_it(client, privacy_page):
    event = EventFactory()
    url = reverse("events:register", args=[event.slug])
    html = client.get(url).content.decode()
    assert "Read the privacy policy</a> (version 2026-02)" in html
    client.post(
        url,
        {
            "full_name": "Ann Example",
            "email": "ann@example.org",
            "organisation": "Example LLC",
            "position": "Director",
            "consent": "on",
        },
    )
    registration = Registration.objects.get()
    assert registration.policy_version == "2026-02" and registration.consent_at is not None


def test_the_privacy_page_shows_its_version(client, privacy_page):
    html = client.get(privacy_page.get_absolute_url()).content.decode()
    assert "Version 2026-02" in html


# ---- erasure by the registrant -------------------------------------------------------------


def test_erasing_frees_the_seat_and_removes_the_personal_data_everywhere(
    django_capture_on_commit_callbacks, run_worker
):
    event = EventFactory(capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        ann = register(
            event, full_name="Ann Secret", phone="+7 900 1234567", organisation="Org", position="P"
        )
        bob = register(event, full_name="Bob Waiting", email="bob@example.org")
    assert (ann.status, bob.status) == (Status.CONFIRMED, Status.WAITING)
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Registration),
        object_id=str(ann.pk),
        object_repr=str(ann),
        action_flag=CHANGE,
        user_id=_any_user().pk,
    )
    run_worker()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.erase_personal_data(registration=ann)
    run_worker()
    assert promoted == [bob]
    ann.refresh_from_db()
    bob.refresh_from_db()
    assert ann.status == Status.CANCELLED and bob.status == Status.CONFIRMED
    assert all(getattr(ann, field) == "" for field in PERSONAL)
    assert ann.is_anonymised and str(ann).startswith("(personal data erased)")
    # Its emails, the copies in the change history and the admin's log are gone too;
    # the erased address gets no email, the promoted person does.
    assert not OutboxEmail.objects.filter(registration=ann).exists()
    assert not Registration.history.filter(id=ann.pk, full_name="Ann Secret").exists()
    assert not Registration.history.filter(id=ann.pk).exclude(phone="").exists()
    assert Registration.history.filter(id=ann.pk).count() >= 3
    assert not LogEntry.objects.filter(object_repr__contains="Ann Secret").exists()
    assert [message.to for message in mail.outbox] == [["bob@example.org"]]
    # The event's counts stay right, and erasing again changes nothing.
    assert services.erase_personal_data(registration=ann) == []
    counts = Event.objects.with_seat_counts().get(pk=event.pk)
    assert (counts.n_confirmed, counts.n_waiting, counts.n_cancelled) == (1, 0, 1)


def _any_user():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user("logger")


def test_erasing_after_the_event_keeps_the_attendance(client):
    event = EventFactory(
        starts_at=timezone.now() - 3 * DAY, ends_at=timezone.now() - 3 * DAY + DAY / 8
    )
    registration = RegistrationFactory(event=event, checked_in_at=event.starts_at)
    services.erase_personal_data(registration=registration)
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED and registration.checked_in_at
    assert registration.email == "" and registration.is_anonymised


def test_registrant_page_erase_flow(client):
    registration = RegistrationFactory(full_name="Ann Visible", email="ann@example.org")
    page = registration.get_absolute_url()
    erase_url = reverse("registrations:erase", args=[registration.token])
    html = client.get(page).content.decode()
    assert "Ann Visible" in html and erase_url in html
    confirm = client.get(erase_url)
    assert confirm.status_code == 200
    assert "Yes, erase my personal data" in confirm.content.decode()
    assert "no-store" in confirm["Cache-Control"]
    registration.refresh_from_db()
    assert not registration.is_anonymised  # looking at the confirm page changes nothing
    response = client.post(erase_url, follow=True)
    assert response.redirect_chain[-1][0] == page
    html = response.content.decode()
    assert "Your personal data has been erased." in html
    assert "Your personal data is erased." in html  # the message
    assert "Ann Visible" not in html and "ann@example.org" not in html
    assert "Cancel my registration" not in html and erase_url not in html
    registration.refresh_from_db()
    assert registration.status == Status.CANCELLED and registration.full_name == ""
    # Afterwards the link only says "erased": the erase page sends back, cancel does nothing.
    assert client.get(erase_url)["Location"] == page
    client.post(reverse("registrations:cancel", args=[registration.token]))
    assert client.get(page).status_code == 200


def test_erase_needs_a_csrf_token_and_the_right_token():
    registration = RegistrationFactory(full_name="Ann Kept")
    strict = Client(enforce_csrf_checks=True)
    erase_url = reverse("registrations:erase", args=[registration.token])
    assert strict.post(erase_url).status_code == 403
    assert Client().post(reverse("registrations:erase", args=["not-a-token"])).status_code == 404
    registration.refresh_from_db()
    assert registration.full_name == "Ann Kept"


# ---- purge after the retention period --------------------------------------------------------


def old_event(days_ago: float, **fields):
    ends = timezone.now() - days_ago * DAY
    return EventFactory(starts_at=ends - DAY / 4, ends_at=ends, **fields)


def test_purge_keeps_counts_and_removes_names_emails_and_phones(settings):
    settings.PORTAL_RETENTION_DAYS = 365
    old = old_event(400, capacity=5)
    RegistrationFactory.create_batch(3, event=old, phone="+7 900 0000000")
    RegistrationFactory(event=old, checked_in_at=old.starts_at, phone="+994 12 3456789")
    RegistrationFactory(event=old, status=Status.CANCELLED)
    RegistrationFactory(event=old, status=Status.WAITING)
    recent = old_event(30)
    kept = RegistrationFactory(event=recent, full_name="Recent Person", phone="+7 900 1111111")
    upcoming = RegistrationFactory(full_name="Future Person")
    before = Event.objects.with_seat_counts().get(pk=old.pk)

    out = io.StringIO()
    call_command("purge_personal_data", stdout=out)
    assert "Anonymised 6 registration(s)" in out.getvalue()
    after = Event.objects.with_seat_counts().get(pk=old.pk)
    for count in ("n_confirmed", "n_waiting", "n_cancelled", "n_checked_in"):
        assert getattr(after, count) == getattr(before, count)
    assert after.n_confirmed == 4 and after.n_checked_in == 1
    purged = Registration.objects.filter(event=old)
    assert purged.count() == 6
    for registration in purged:
        assert all(getattr(registration, field) == "" for field in PERSONAL)
        assert registration.anonymised_at is not None
    assert not Registration.history.filter(event_id=old.pk).exclude(email="").exists()
    kept.refresh_from_db()
    upcoming.refresh_from_db()
    assert kept.full_name == "Recent Person" and kept.phone == "+7 900 1111111"
    assert upcoming.full_name == "Future Person"

    # Idempotent: a second run finds nothing to do.
    out = io.StringIO()
    call_command("purge_personal_data", stdout=out)
    assert "Anonymised 0 registration(s)" in out.getvalue()

    # A shorter period reaches the recent event too.
    out = io.StringIO()
    call_command("purge_personal_data", "--days", "7", stdout=out)
    assert "Anonymised 1 registration(s)" in out.getvalue()
    kept.refresh_from_db()
    assert kept.full_name == "" and kept.phone == ""
    upcoming.refresh_from_db()
    assert upcoming.full_name == "Future Person"


def test_purge_uses_the_retention_setting(settings):
    registration = RegistrationFactory(event=old_event(40))
    settings.PORTAL_RETENTION_DAYS = 60
    call_command("purge_personal_data", stdout=io.StringIO())
    registration.refresh_from_db()
    assert not registration.is_anonymised
    settings.PORTAL_RETENTION_DAYS = 30
    out = io.StringIO()
    call_command("purge_personal_data", stdout=out)
    assert "more than 30 days ago" in out.getvalue()
    registration.refresh_from_db()
    assert registration.is_anonymised


def test_purge_deletes_old_sent_emails(django_capture_on_commit_callbacks):
    event = old_event(400)
    registration = RegistrationFactory(event=event)
    from events.emails import queue_registration_email

    with django_capture_on_commit_callbacks(execute=True):
        queue_registration_email(registration, "confirmed")
    OutboxEmail.objects.update(created_at=timezone.now() - 400 * DAY)
    services.purge_personal_data(older_than_days=365)
    assert not OutboxEmail.objects.exists()


# ---- no-store on pages with personal data ----------------------------------------------------


def assert_no_store(response):
    assert response.status_code == 200, response.status_code
    assert "no-store" in response["Cache-Control"]


def test_pages_with_personal_data_are_never_stored(client, staff_client):
    registration = RegistrationFactory()
    event = registration.event
    assert_no_store(client.get(registration.get_absolute_url()))
    assert_no_store(client.get(reverse("registrations:erase", args=[registration.token])))
    assert_no_store(client.get(reverse("events:register", args=[event.slug])))
    response = client.post(
        reverse("events:register", args=[event.slug]),
        {
            "full_name": "Ann",
            "email": "ann-nostore@example.org",
            "organisation": "Org",
            "position": "Boss",
            "consent": "on",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("events:registered", args=[event.slug])
    assert_no_store(response)
    assert_no_store(staff_client.get(reverse("events:check-in", args=[event.slug])))
    assert_no_store(staff_client.get(reverse("events:check-in-counts", args=[event.slug])))
    assert_no_store(staff_client.get(reverse("admin:events_registration_changelist")))
    assert_no_store(
        staff_client.get(reverse("admin:events_registration_change", args=[registration.pk]))
    )
    assert_no_store(
        staff_client.get(reverse("admin:events_registration_history", args=[registration.pk]))
    )
    export = staff_client.post(
        reverse("admin:events_registration_changelist"),
        {"action": "export_csv", "_selected_action": [registration.pk]},
    )
    assert export["Content-Type"].startswith("text/csv")
    assert_no_store(export)


# ---- header injection through a name ---------------------------------------------------------

INJECTED_NAME = "Ann Example\r\nBcc: evil@example.org"


def test_a_name_with_a_bcc_line_injects_no_email_header(
    django_capture_on_commit_callbacks, run_worker
):
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(EventFactory(), full_name=INJECTED_NAME)
    run_worker()
    [sent] = mail.outbox
    assert sent.recipients() == ["ann@example.org"]
    assert sent.bcc == []
    raw = sent.message().as_bytes()
    parsed = email.message_from_bytes(raw)
    assert parsed.get_all("Bcc") is None
    header_block = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    assert b"evil@example.org" not in header_block
    assert OutboxEmail.objects.get(registration=registration).to == "ann@example.org"


@pytest.mark.parametrize("field", ["full_name", "organisation", "position"])
def test_the_form_refuses_line_breaks_in_names(client, field):
    event = EventFactory()
    data = {
        "full_name": "Ann",
        "email": "ann@example.org",
        "organisation": "Org",
        "position": "Boss",
        "consent": "on",
        field: "Ann\r\nBcc: evil@example.org",
    }
    response = client.post(reverse("events:register", args=[event.slug]), data)
    assert response.status_code == 200
    assert "Please keep this on one line, without line breaks or tabs." in response.content.decode()
    assert not Registration.objects.exists()


# ---- export log and change history -----------------------------------------------------------


def test_exports_are_logged_and_shown_to_superusers(staff_client):
    forum = EventFactory(title="Caspian Forum")
    fair = EventFactory(title="Volga Fair")
    RegistrationFactory.create_batch(2, event=forum)
    RegistrationFactory(event=fair)
    response = staff_client.post(
        reverse("admin:events_registration_changelist"),
        {
            "action": "export_csv",
            "_selected_action": list(Registration.objects.values_list("pk", flat=True)),
        },
    )
    assert response.status_code == 200
    [export] = PersonalDataExport.objects.all()
    assert export.username == "staff" and export.user.username == "staff"
    assert export.row_count == 3
    assert set(export.events.all()) == {forum, fair}
    assert timezone.now() - export.exported_at < datetime.timedelta(minutes=1)
    html = staff_client.get(reverse("admin:events_personaldataexport_changelist")).content.decode()
    assert "Caspian Forum" in html and "Volga Fair" in html and "Registrations (CSV)" in html
    change = reverse("admin:events_personaldataexport_change", args=[export.pk])
    assert staff_client.post(change, {"row_count": 0}).status_code == 403
    delete = reverse("admin:events_personaldataexport_delete", args=[export.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
    assert PersonalDataExport.objects.get().row_count == 3


def test_change_history_records_who_changed_what(staff_client):
    event = EventFactory(title="Forum", capacity=10)
    registration = RegistrationFactory(event=event)
    staff_client.post(
        reverse("admin:events_registration_changelist"),
        {"action": "cancel", "_selected_action": [registration.pk], "with_message": "1"},
    )
    check_in_target = RegistrationFactory(event=event)
    staff_client.post(reverse("events:check-in-toggle", args=[event.slug, check_in_target.pk]))
    latest = registration.history.first()
    assert latest.status == Status.CANCELLED and latest.history_user.username == "staff"
    assert latest.history_type == "~"
    checked = check_in_target.history.first()
    assert checked.checked_in_at is not None and checked.history_user.username == "staff"
    html = staff_client.get(
        reverse("admin:events_registration_history", args=[registration.pk])
    ).content.decode()
    assert '<a href="/admin/auth/user/' in html and ">staff</a>" in html
    # The change reads as the form reads: status labels, not stored values.
    assert "Confirmed\n" in html and "&rarr;&nbsp;&nbsp;Cancelled" in html


def test_agreement_and_measure_history_in_the_admin(staff_client):
    from tests.factories import MeasureFactory

    measure = MeasureFactory(title="Build a port")
    agreement = measure.agreement
    services_before = agreement.history.count()
    measure.title = "Build two ports"
    measure.save()
    agreement.title = "Renamed agreement"
    agreement.save()
    assert agreement.history.count() == services_before + 1
    for name, obj in (("agreement", agreement), ("measure", measure)):
        response = staff_client.get(reverse(f"admin:agreements_{name}_history", args=[obj.pk]))
        assert response.status_code == 200
    html = staff_client.get(
        reverse("admin:agreements_measure_history", args=[measure.pk])
    ).content.decode()
    assert "Build two ports" in html


def test_the_erase_pages_speak_russian_and_azerbaijani(client):
    registration = RegistrationFactory()
    erase = f"/ru/registrations/{registration.token}/erase/"
    # override() restores English afterwards: requests leave their language active.
    with translation.override("en"):
        assert "Да, удалить мои персональные данные" in client.get(erase).content.decode()
        client.post(erase)
        html = client.get(f"/az/registrations/{registration.token}/").content.decode()
    assert "Şəxsi məlumatlarınız silinib." in html
