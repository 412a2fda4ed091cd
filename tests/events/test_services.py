import datetime

import icalendar
import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from events import services
from events.models import Event, OutboxEmail, Registration
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db
Status = Registration.Status


def register(event, email="ann@example.org", **kwargs):
    fields = {
        "full_name": "Ann Example",
        "organisation": "Example LLC",
        "position": "Director",
        "consent": True,
        "language": "en",
    }
    fields.update(kwargs)
    return services.register_attendee(event=event, email=email, **fields)


def fill(event, count, status=Status.CONFIRMED):
    return RegistrationFactory.create_batch(count, event=event, status=status)


# ---- outcomes -------------------------------------------------------------------------


def test_confirmed_while_seats_remain():
    event = EventFactory(capacity=2)
    result = register(event)
    assert result.created
    assert result.registration.status == Status.CONFIRMED
    assert result.registration.consent and result.registration.consent_at is not None
    assert len(result.registration.token) >= 43


def test_unlimited_capacity_always_confirms():
    event = EventFactory(capacity=None)
    fill(event, 50)
    assert register(event).registration.status == Status.CONFIRMED


def test_last_seat_is_confirmed_and_the_next_person_waits():
    event = EventFactory(capacity=1)
    assert register(event, "first@example.org").registration.status == Status.CONFIRMED
    assert register(event, "second@example.org").registration.status == Status.WAITING
    assert event.registrations.filter(status=Status.CONFIRMED).count() == 1


def test_capacity_zero_goes_straight_to_the_waiting_list():
    event = EventFactory(capacity=0)
    assert register(event).registration.status == Status.WAITING


def test_full_without_waiting_list_is_refused():
    event = EventFactory(capacity=1, waiting_list_enabled=False)
    fill(event, 1)
    with pytest.raises(services.RegistrationError) as error:
        register(event)
    assert "fully booked" in str(error.value.message)
    assert event.registrations.count() == 1


def test_approval_required_gives_pending_and_approval_confirms_with_email(
    django_capture_on_commit_callbacks, run_worker
):
    event = EventFactory(capacity=5, approval_required=True)
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(event).registration
    run_worker()
    assert registration.status == Status.PENDING
    assert "We received your registration" in mail.outbox[-1].subject
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_registration(registration=registration)
    run_worker()
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED
    assert "confirmed" in mail.outbox[-1].subject


def test_approval_when_full_puts_the_person_on_the_waiting_list():
    event = EventFactory(capacity=1, approval_required=True)
    fill(event, 1)
    registration = register(event).registration
    services.approve_registration(registration=registration)
    registration.refresh_from_db()
    assert registration.status == Status.WAITING


def test_decline_emails_the_registrant(django_capture_on_commit_callbacks, run_worker):
    event = EventFactory(approval_required=True)
    registration = register(event).registration
    with django_capture_on_commit_callbacks(execute=True):
        services.decline_registration(registration=registration)
    run_worker()
    registration.refresh_from_db()
    assert registration.status == Status.DECLINED
    assert "not accepted" in mail.outbox[-1].subject
    with pytest.raises(services.RegistrationError):
        services.approve_registration(registration=registration)


@pytest.mark.parametrize("status", [Event.Status.CANCELLED, Event.Status.DRAFT])
def test_cancelled_and_draft_events_take_no_registrations(status):
    event = EventFactory(status=status)
    with pytest.raises(services.RegistrationError):
        register(event)
    assert not Registration.objects.exists()


def test_consent_is_required():
    with pytest.raises(services.RegistrationError):
        register(EventFactory(), consent=False)
    assert not Registration.objects.exists()


# ---- the registration window --------------------------------------------------------


def test_window_edges():
    now = timezone.now()
    event = EventFactory(
        registration_opens_at=now,
        registration_closes_at=now + datetime.timedelta(hours=1),
    )
    before = now - datetime.timedelta(microseconds=1)
    with pytest.raises(services.RegistrationError, match="not opened"):
        register(event, now=before)
    assert register(event, "a@example.org", now=now).created  # opens exactly now
    last_moment = event.registration_closes_at - datetime.timedelta(microseconds=1)
    assert register(event, "b@example.org", now=last_moment).created
    with pytest.raises(services.RegistrationError, match="closed"):
        register(event, "c@example.org", now=event.registration_closes_at)
    assert event.registrations.count() == 2


def test_registration_closes_at_the_start_by_default():
    event = EventFactory()
    assert event.registration_closes_at is None
    with pytest.raises(services.RegistrationError, match="closed"):
        register(event, now=event.starts_at)
    assert register(event, now=event.starts_at - datetime.timedelta(seconds=1)).created


# ---- duplicates ------------------------------------------------------------------------


def test_same_email_in_other_letter_case_returns_the_existing_registration_and_emails_its_link():
    event = EventFactory(capacity=1)
    first = register(event, "Ann@Example.org").registration
    again = register(event, "  ann@EXAMPLE.ORG ")
    assert not again.created
    assert again.registration == first
    assert event.registrations.count() == 1
    link = OutboxEmail.objects.latest("pk")
    assert link.registration == first and link.to == "Ann@Example.org"
    assert link.subject.startswith("Your registration:") and first.token in link.body
    assert OutboxEmail.objects.count() == 2  # the confirmation, then the link


def test_a_full_event_refuses_a_registered_address_as_it_refuses_a_new_one():
    event = EventFactory(capacity=1, waiting_list_enabled=False)
    register(event, "holder@example.org")
    for address in ("holder@example.org", "new@example.org"):
        with pytest.raises(services.RegistrationError, match="fully booked"):
            register(event, address)
    assert OutboxEmail.objects.count() == 1  # only the holder's confirmation


def test_waiting_person_registering_again_sees_waiting_status():
    event = EventFactory(capacity=0)
    register(event)
    assert register(event).registration.status == Status.WAITING


def test_database_rejects_a_second_active_registration_for_one_email():
    event = EventFactory()
    RegistrationFactory(event=event, email="ann@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        RegistrationFactory(event=event, email="ANN@example.org", status=Status.WAITING)
    # A cancelled one does not count, and neither does another event.
    RegistrationFactory(event=event, email="ANN@example.org", status=Status.CANCELLED)
    RegistrationFactory(event=EventFactory(), email="ann@example.org")


def test_after_cancelling_the_person_can_register_again():
    event = EventFactory()
    first = register(event).registration
    services.cancel_registration(registration=first)
    second = register(event)
    assert second.created and second.registration != first


# ---- cancellation and promotion -----------------------------------------------------


def test_cancel_frees_the_seat_for_the_first_person_waiting(
    django_capture_on_commit_callbacks, run_worker
):
    event = EventFactory(capacity=1)
    holder = register(event, "holder@example.org").registration
    first_waiting = register(event, "first@example.org", language="ru").registration
    second_waiting = register(event, "second@example.org").registration
    run_worker()  # the registrations' own emails (on PostgreSQL their tasks are committed)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.cancel_registration(registration=holder)
    run_worker()
    assert promoted == [first_waiting]
    statuses = dict(event.registrations.values_list("email", "status"))
    assert statuses == {
        "holder@example.org": Status.CANCELLED,
        "first@example.org": Status.CONFIRMED,
        "second@example.org": Status.WAITING,
    }
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {"holder@example.org", "first@example.org"}
    assert by_recipient["first@example.org"].subject.startswith("Для вас освободилось место")
    assert second_waiting.pk not in [r.pk for r in promoted]


def test_cancelling_a_waiting_registration_promotes_nobody():
    event = EventFactory(capacity=1)
    register(event, "holder@example.org")
    waiting = register(event, "w1@example.org").registration
    register(event, "w2@example.org")
    assert services.cancel_registration(registration=waiting) == []
    assert event.registrations.filter(status=Status.CONFIRMED).count() == 1


def test_cancelling_twice_is_harmless():
    registration = register(EventFactory()).registration
    services.cancel_registration(registration=registration)
    assert services.cancel_registration(registration=registration) == []
    assert OutboxEmail.objects.filter(subject__contains="cancelled").count() == 1


def test_staff_confirm_from_waiting_list_needs_a_free_seat():
    event = EventFactory(capacity=1)
    holder = register(event, "holder@example.org").registration
    waiting = register(event, "w@example.org").registration
    with pytest.raises(services.RegistrationError):
        services.confirm_from_waiting_list(registration=waiting)
    Registration.objects.filter(pk=holder.pk).update(status=Status.CANCELLED)
    services.confirm_from_waiting_list(registration=waiting)
    waiting.refresh_from_db()
    assert waiting.status == Status.CONFIRMED


# ---- emails and their calendar file ---------------------------------------------------


def test_confirmation_email_in_the_registrants_language_with_ics(
    django_capture_on_commit_callbacks, run_worker
):
    event = EventFactory(title="Trade forum", title_ru="Торговый форум", capacity=3)
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(event, "ivan@example.org", full_name="Иван", language="ru")
    run_worker()
    registration = registration.registration
    message = mail.outbox[-1]
    assert message.to == ["ivan@example.org"]
    assert message.subject == "Регистрация подтверждена: Торговый форум"
    assert "Здравствуйте, Иван!" in message.body
    assert "Уважаем" not in message.body
    assert f"/ru/registrations/{registration.token}/" in message.body
    assert "(астраханское время)" in message.body
    (filename, content, mimetype) = message.attachments[0]
    assert filename == "event.ics" and mimetype.startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(content)
    [vevent] = calendar.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Торговый форум"
    assert vevent.decoded("DTSTART") == event.starts_at.replace(microsecond=0)
    assert str(vevent.decoded("DTSTART").tzinfo) == "Europe/Astrakhan"
    assert "ivan@example.org" not in content and "Иван" not in content
    assert OutboxEmail.objects.get().status == OutboxEmail.Status.SENT


def test_calendar_entry_in_the_email_and_the_download_is_the_same_entry(
    client, django_capture_on_commit_callbacks, settings, run_worker
):
    settings.PORTAL_BASE_URL = "http://127.0.0.1:8642"
    event = EventFactory(capacity=3)
    with django_capture_on_commit_callbacks(execute=True):
        register(event, "uid@example.org")
    run_worker()
    [emailed] = icalendar.Calendar.from_ical(mail.outbox[-1].attachments[0][1]).walk("VEVENT")
    response = client.get(f"/en/events/{event.slug}/calendar.ics")  # fetched via "testserver"
    [downloaded] = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert str(emailed["UID"]) == str(downloaded["UID"]) == f"event-{event.pk}@127.0.0.1:8642"
    assert "http://127.0.0.1:8642/en/registrations/" in mail.outbox[-1].body


@pytest.mark.parametrize(
    "kind, calendar_status",
    [
        ("confirmed", "CONFIRMED"),
        ("promoted", "CONFIRMED"),
        ("reminder", "CONFIRMED"),
        ("event_changed", "CONFIRMED"),
        ("cancelled", "CANCELLED"),  # takes the entry out of the registrant's calendar
        ("waiting", None),
        ("pending", None),
        ("declined", None),
        ("link", None),
    ],
)
def test_only_people_with_a_seat_or_losing_one_get_a_calendar_file(kind, calendar_status):
    from events.emails import queue_registration_email

    registration = RegistrationFactory()
    email = queue_registration_email(registration, kind)
    calendars = [item for item in email.attachments if item["mimetype"] == "text/calendar"]
    if calendar_status is None:
        assert calendars == []
        return
    [attachment] = calendars
    assert attachment["filename"] == "event.ics"
    [vevent] = icalendar.Calendar.from_ical(attachment["content"]).walk("VEVENT")
    assert str(vevent["STATUS"]) == calendar_status


# ---- staff changes ---------------------------------------------------------------------


def test_change_of_time_emails_active_registrants_once():
    event = EventFactory()
    active = [
        RegistrationFactory(event=event, status=Status.CONFIRMED),
        RegistrationFactory(event=event, status=Status.WAITING),
    ]
    RegistrationFactory(event=event, status=Status.CANCELLED)
    previous = Event.objects.get(pk=event.pk)
    event.starts_at += datetime.timedelta(hours=2)
    event.ends_at += datetime.timedelta(hours=2)
    event.save()
    assert services.notify_event_changed(event=event, previous=previous) == 2
    assert {e.to for e in OutboxEmail.objects.all()} == {r.email for r in active}
    event.refresh_from_db()
    assert event.sequence == 1
    # Saving again without a change sends nothing.
    unchanged = Event.objects.get(pk=event.pk)
    event.title = "New title"
    event.save()
    assert services.notify_event_changed(event=event, previous=unchanged) == 0
    assert OutboxEmail.objects.count() == 2


def test_cancelling_the_event_emails_everyone_active():
    event = EventFactory()
    RegistrationFactory.create_batch(3, event=event)
    previous = Event.objects.get(pk=event.pk)
    event.status = Event.Status.CANCELLED
    event.save()
    assert services.notify_event_changed(event=event, previous=previous) == 3
    email = OutboxEmail.objects.first()
    assert email.subject.startswith("Event cancelled")
    calendar = icalendar.Calendar.from_ical(email.attachments[0]["content"])
    assert str(calendar.walk("VEVENT")[0]["STATUS"]) == "CANCELLED"
    again = Event.objects.get(pk=event.pk)
    assert services.notify_event_changed(event=event, previous=again) == 0


# ---- reminders -------------------------------------------------------------------------


def test_reminders_go_once_to_confirmed_registrants_of_events_within_a_day():
    soon = EventFactory(starts_at=timezone.now() + datetime.timedelta(hours=20))
    later = EventFactory(starts_at=timezone.now() + datetime.timedelta(days=3))
    confirmed = RegistrationFactory.create_batch(2, event=soon)
    RegistrationFactory(event=soon, status=Status.WAITING)
    RegistrationFactory(event=later)
    assert services.send_reminders() == 2
    assert services.send_reminders() == 0
    assert {e.to for e in OutboxEmail.objects.all()} == {r.email for r in confirmed}
    assert all("Reminder" in e.subject for e in OutboxEmail.objects.all())


# ---- check-in and walk-ins -----------------------------------------------------------


def test_check_in_and_undo():
    registration = RegistrationFactory()
    services.check_in(registration=registration)
    first_time = registration.checked_in_at
    assert first_time is not None
    services.check_in(registration=registration)
    assert registration.checked_in_at == first_time
    services.undo_check_in(registration=registration)
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_only_confirmed_people_can_be_checked_in():
    with pytest.raises(services.RegistrationError):
        services.check_in(registration=RegistrationFactory(status=Status.WAITING))


def test_walk_in_is_checked_in_and_respects_capacity():
    event = EventFactory(capacity=2)
    fill(event, 1)
    person = services.add_walk_in(event=event, full_name="Walk In", organisation="Door LLC")
    assert person.is_walk_in and person.checked_in_at and person.status == Status.CONFIRMED
    with pytest.raises(services.RegistrationError):
        services.add_walk_in(event=event, full_name="One too many")
    assert event.registrations.count() == 2


def test_the_locked_section_is_lock_count_insert():
    """Inside the event's lock only: the lock, the seat count and the INSERTs of the
    registration, its history row and its outbox row; the email is written by the worker
    after commit. On PostgreSQL the count and the INSERTs (with the email's delivery task,
    committed with it) are one statement after the lock's, sent with it in one round trip
    (events.seat_claim); on SQLite, which has one writer, they go through the ORM. The same
    number of queries however full the event is."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    event = EventFactory(capacity=50)
    RegistrationFactory.create_batch(5, event=event)
    counts, pipelined = [], []

    def note_pipeline(execute, sql, params, many, context):
        # PostgreSQL: whether the statement waits in a pipeline for the ones sent with it.
        from psycopg.pq import PipelineStatus

        pipelined.append(connection.connection.pgconn.pipeline_status == PipelineStatus.ON)
        return execute(sql, params, many, context)

    for number in range(3):
        with (
            CaptureQueriesContext(connection) as queries,
            connection.execute_wrapper(
                note_pipeline
                if connection.vendor == "postgresql"
                else lambda execute, *a: execute(*a)
            ),
        ):
            result = services.register_attendee(
                event=event, full_name="Ann", email=f"ann{number}@example.org", consent=True
            )
        sql = [q["sql"] for q in queries.captured_queries]
        # From the lock (SQLite: the read of the event, its write lock being the
        # transaction's) to the transaction's end.
        first = next(i for i, text in enumerate(sql) if 'FROM "events_event"' in text)
        locked = sql[first:]
        counts.append(len(locked))
        assert result.created
    statements = [sql.split()[0] for sql in locked]
    assert counts[0] == counts[1] == counts[2], locked
    if connection.vendor == "postgresql":
        # The lock and the claim (count and four INSERTs), sent together, which in
        # production are a transaction of their own (no BEGIN or COMMIT of Django's).
        assert statements == ["SELECT", "WITH"], locked
        lock, claim = locked
        assert lock.endswith("FOR UPDATE"), lock
        assert pipelined[-2:] == [True, True], pipelined
        # registration, history, outbox and the delivery task
        assert claim.count("INSERT INTO") == 4, claim
        assert 'INSERT INTO "django_tasks_database_dbtaskresult"' in claim
        assert "count(*)" in claim
    else:
        # The transaction's end: a RELEASE inside the test's transaction, a COMMIT in
        # production.
        # lock (SQLite's write lock is the transaction's), count, savepoint, 2 INSERTs,
        # release, outbox INSERT, the end
        assert len(locked) <= 8, locked
        assert statements.count("INSERT") == 3, locked  # registration, history, outbox
    email = OutboxEmail.objects.get(registration=result.registration)
    assert (email.kind, email.subject, email.body) == ("confirmed", "", "")
    # The worker writes it out before sending.
    from events.outbox import deliver_outbox_email

    assert deliver_outbox_email(email.pk)
    email.refresh_from_db()
    assert email.subject.startswith("Your registration is confirmed")
    assert result.registration.get_absolute_url() in email.body
    assert {"event.ics", "text/calendar"} <= {
        value for attachment in email.attachments for value in attachment.values()
    }
    assert email.html  # the HTML part with the ticket, written by the worker too


def test_the_claim_is_kept_prepared_on_the_server(settings):
    """PostgreSQL: after DATABASES' prepare_threshold executions the claim's statement is a
    prepared statement of the connection (events.seat_claim), not parsed and planned again
    for every registration."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")

    def prepared_claims():
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return [sql for (sql,) in cursor.fetchall() if "count(*)" in sql]

    threshold = connection.connection.prepare_threshold
    assert threshold == settings.DATABASES["default"]["OPTIONS"]["prepare_threshold"]
    event = EventFactory(capacity=50)
    for number in range(threshold):
        register(event, f"early{number}@example.org")
    assert prepared_claims() == []
    register(event, "late@example.org")
    assert len(prepared_claims()) == 1
    assert event.registrations.count() == threshold + 1
