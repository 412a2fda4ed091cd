"""Delivery by the task worker (events.outbox): never in the request, retries with back-off,
a hung mail server, staff retries, lost tasks. Real SMTP servers on 127.0.0.1 (tests/smtp.py),
the real database task backend, the worker run in this process."""

import datetime
import email.header
import email.utils
import threading
import time

import pytest
from django.core import mail
from django.tasks import TaskResultStatus
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from events import outbox, services
from events.management.commands.run_worker import sweep_periodically
from events.models import OutboxEmail
from portal.models import SiteProfile
from tests.events.test_views import form_data, register_url
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db
Status = OutboxEmail.Status
READY = TaskResultStatus.READY


def register(event, email="ann@example.org"):
    return services.register_attendee(
        event=event, full_name="Ann Example", email=email, consent=True
    ).registration


def outbox_email(**fields) -> OutboxEmail:
    """An outbox row with no delivery task, as a crash right after the commit leaves it."""
    return OutboxEmail.objects.create(to="lost@example.org", subject="Lost", body="Hi", **fields)


@pytest.mark.django_db(transaction=True)
def test_a_registration_sends_nothing_until_the_worker_runs(client, smtp_server, run_worker):
    event = EventFactory(title="Caspian forum")
    response = client.post(register_url(event), form_data())
    assert response.status_code == 302
    # Committed, with its email queued and a task waiting, but no word to the mail server.
    email = OutboxEmail.objects.get()
    assert email.status == Status.QUEUED and email.attempts == 0
    assert DBTaskResult.objects.filter(status=READY).count() == 1
    assert smtp_server.connections == 0 and smtp_server.messages == []

    assert run_worker() == 1
    [message] = smtp_server.messages
    assert message["To"] == "ann@example.org"
    assert message["Subject"] == "Your registration is confirmed: Caspian forum"
    email.refresh_from_db()
    assert email.status == Status.SENT and email.attempts == 1 and email.sent_at
    assert run_worker() == 0
    assert len(smtp_server.messages) == 1


@pytest.mark.django_db(transaction=True)
def test_a_hung_mail_server_does_not_hold_up_the_registration(client, hung_smtp_server, run_worker):
    """The issue's case: a server that accepts connections and never answers. The request
    returns at once and the server sees no connection; only the worker waits for it."""
    event = EventFactory()
    client.get(register_url(event))  # warm up (templates, translations)
    started = time.monotonic()
    response = client.post(register_url(event), form_data())
    took = time.monotonic() - started
    assert response.status_code == 302
    assert took < 1.0, f"the registration took {took:.2f} s"
    time.sleep(0.2)  # let a stray connection arrive, if there were one
    assert hung_smtp_server.connections == 0

    started = time.monotonic()
    run_worker()
    assert time.monotonic() - started >= 2  # the worker waited for the mailer's timeout
    assert hung_smtp_server.connections == 1
    email = OutboxEmail.objects.get()
    assert email.status == Status.QUEUED and email.attempts == 1
    assert "timed out" in email.last_error
    assert email.next_attempt_at > timezone.now()


def test_a_failing_server_is_retried_with_a_growing_delay(
    django_capture_on_commit_callbacks, smtp_server, run_worker, later
):
    smtp_server.failing = True
    with django_capture_on_commit_callbacks(execute=True):
        register(EventFactory())
    run_worker()
    email = OutboxEmail.objects.get()
    assert (email.status, email.attempts) == (Status.QUEUED, 1)
    assert email.last_error.startswith("SMTPDataError: (451")
    # The next attempt is a task of its own, due when the back-off ends.
    retry = DBTaskResult.objects.get(status=READY)
    assert retry.run_after == email.next_attempt_at
    assert email.next_attempt_at - timezone.now() == pytest.approx(
        datetime.timedelta(minutes=1), abs=datetime.timedelta(seconds=5)
    )

    assert run_worker() == 0  # not due yet: the server hears nothing
    assert smtp_server.connections == 1
    later(minutes=1)
    assert run_worker() == 1
    email.refresh_from_db()
    assert email.attempts == 2 and smtp_server.connections == 2
    assert email.next_attempt_at - timezone.now() == pytest.approx(
        datetime.timedelta(minutes=2), abs=datetime.timedelta(seconds=5)
    )

    smtp_server.failing = False
    later(minutes=1)
    assert run_worker() == 0  # one minute of two
    later(minutes=1)
    assert run_worker() == 1
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == (Status.SENT, 3, "")
    assert [m["To"] for m in smtp_server.messages] == ["ann@example.org"]
    later(hours=7)
    assert run_worker() == 0  # nothing left to retry


def test_the_outbox_gives_up_after_many_attempts_and_staff_can_retry(
    django_capture_on_commit_callbacks, smtp_server, run_worker, staff_client
):
    smtp_server.failing = True
    with django_capture_on_commit_callbacks(execute=True):
        register(EventFactory())
    email = OutboxEmail.objects.get()
    OutboxEmail.objects.filter(pk=email.pk).update(attempts=outbox.MAX_ATTEMPTS - 1)
    run_worker()
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Status.FAILED, outbox.MAX_ATTEMPTS)
    assert not DBTaskResult.objects.filter(status=READY).exists()  # no further attempt

    smtp_server.failing = False
    connections = smtp_server.connections
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("admin:events_outboxemail_changelist"),
            {"action": "retry_now", "_selected_action": [email.pk]},
            follow=True,
        )
    assert "1 email is queued" in response.content.decode()
    assert smtp_server.connections == connections  # the admin request sent nothing
    email.refresh_from_db()
    assert email.status == Status.QUEUED
    assert run_worker() == 1
    email.refresh_from_db()
    assert email.status == Status.SENT
    assert len(smtp_server.messages) == 1


def test_two_tasks_for_one_email_send_it_once(
    django_capture_on_commit_callbacks, smtp_server, run_worker
):
    with django_capture_on_commit_callbacks(execute=True):
        register(EventFactory())
    outbox.deliver_email.enqueue(OutboxEmail.objects.get().pk)
    assert run_worker() == 2
    assert len(smtp_server.messages) == 1


def test_an_email_left_without_a_task_is_rescued_by_the_sweep(smtp_server, run_worker, later):
    lost = outbox_email(next_attempt_at=timezone.now())
    assert run_worker() == 0  # just due: its task may still be on the way
    later(minutes=5, seconds=1)
    assert run_worker() == 1
    lost.refresh_from_db()
    assert lost.status == Status.SENT
    assert [m["To"] for m in smtp_server.messages] == ["lost@example.org"]


def test_an_email_whose_worker_died_while_sending_is_sent_again(smtp_server, run_worker, later):
    # A worker claimed it (the lease) and was killed before it could record anything.
    dying = outbox_email(next_attempt_at=timezone.now() + outbox.SEND_LEASE)
    later(minutes=14)
    assert run_worker() == 0  # the lease ran out 4 minutes ago: maybe it is only slow
    later(minutes=1, seconds=1)
    assert run_worker() == 1
    dying.refresh_from_db()
    assert dying.status == Status.SENT and len(smtp_server.messages) == 1


def test_an_erased_registrants_pending_email_is_never_sent(
    django_capture_on_commit_callbacks, smtp_server, run_worker
):
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(EventFactory())
    services.erase_personal_data(registration=registration)
    assert run_worker() == 1
    assert smtp_server.messages == [] and smtp_server.connections == 0


@pytest.mark.django_db(transaction=True)
def test_the_workers_sweep_runs_by_itself_every_interval():
    lost = outbox_email(next_attempt_at=timezone.now() - datetime.timedelta(minutes=6))
    stop = threading.Event()
    sweeper = threading.Thread(target=sweep_periodically, args=(stop, 0.05))
    sweeper.start()
    try:
        deadline = time.monotonic() + 10
        while not DBTaskResult.objects.exists():
            assert time.monotonic() < deadline, "the sweep did not run"
            time.sleep(0.05)
        time.sleep(0.3)  # several more sweeps: they leave the rescued email to its task
    finally:
        stop.set()
        sweeper.join(timeout=10)
    [rescue] = DBTaskResult.objects.all()
    assert rescue.args_kwargs == {"args": [lost.pk], "kwargs": {}}
    lost.refresh_from_db()
    assert lost.next_attempt_at > timezone.now() - datetime.timedelta(seconds=10)


@pytest.mark.parametrize(
    "language, name",
    [
        ("ru", "Астраханский деловой центр"),
        ("az", "Həştərxan Biznes Mərkəzi"),
        ("en", 'Astrakhan Business Center, "ABC"'),  # a comma and quotes need quoting
    ],
)
def test_emails_come_from_the_centre_by_name_in_the_registrants_language(
    django_capture_on_commit_callbacks, run_worker, settings, language, name
):
    settings.DEFAULT_FROM_EMAIL = "Old Name <noreply@centre.example>"  # only its address counts
    SiteProfile.objects.create(
        name='Astrakhan Business Center, "ABC"',
        name_ru="Астраханский деловой центр",
        name_az="Həştərxan Biznes Mərkəzi",
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.register_attendee(
            event=EventFactory(), full_name="Ann", email="ann@example.org", consent=True,
            language=language,
        )  # fmt: skip
    run_worker()
    [message] = mail.outbox
    # The bytes that go to the mail server, decoded as RFC 2047 says.
    raw_from = email.message_from_bytes(message.message().as_bytes())["From"]
    assert raw_from.isascii()
    decoded = str(email.header.make_header(email.header.decode_header(raw_from)))
    assert email.utils.getaddresses([decoded]) == [(name, "noreply@centre.example")]
