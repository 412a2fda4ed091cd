"""Delivery errors in plain words (events.delivery_errors), from real failures where we can
cause them here, and in the outbox's admin list."""

import smtplib
import socket
import ssl

import pytest
from django.urls import reverse
from django.utils import translation

from events.delivery_errors import explain
from events.models import OutboxEmail


def stored(error: Exception) -> str:
    """The way the outbox stores an error."""
    return f"{type(error).__name__}: {error}"


def failure(connect) -> str:
    try:
        connect()
    except Exception as error:
        return stored(error)
    raise AssertionError("no error")


def test_a_server_that_is_not_running_refused_the_connection():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Nothing listens on the port any more.
    text = failure(lambda: smtplib.SMTP("127.0.0.1", port, timeout=2))
    assert explain(text) == "The mail server refused the connection."


def test_a_server_that_never_answers_timed_out():
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        host, port = silent.getsockname()
        text = failure(lambda: smtplib.SMTP(host, port, timeout=0.2))
    assert explain(text) == "The mail server did not answer in time."


@pytest.mark.parametrize(
    ("error", "sentence"),
    [
        (
            smtplib.SMTPRecipientsRefused({"x@example.org": (550, b"5.1.1 User unknown")}),
            "The address was refused by the mail server.",
        ),
        (
            smtplib.SMTPSenderRefused(553, b"5.7.1 Sender rejected", "portal@localhost"),
            "The mail server refused the sender address.",
        ),
        (
            smtplib.SMTPAuthenticationError(535, b"5.7.8 Bad credentials"),
            "The mail server did not accept the portal's user name or password.",
        ),
        (
            smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
            "The mail server closed the connection unexpectedly.",
        ),
        (
            smtplib.SMTPDataError(451, b"4.3.0 Mailbox temporarily unavailable"),
            "The mail server is busy and asked to try again later.",
        ),
        (
            smtplib.SMTPDataError(554, b"5.6.0 Message rejected"),
            "The mail server refused the message.",
        ),
        (
            socket.gaierror(-2, "Name or service not known"),
            "The mail server's name could not be found.",
        ),
        (
            ssl.SSLCertVerificationError(1, "certificate verify failed"),
            "A secure connection to the mail server could not be made.",
        ),
        (OSError(101, "Network is unreachable"), "The mail server could not be reached."),
        (ValueError("something else"), "The email could not be sent."),
    ],
)
def test_each_kind_of_failure_has_its_sentence(error, sentence):
    assert explain(stored(error)) == sentence


def test_no_error_no_sentence():
    assert explain("") == ""


@pytest.mark.django_db
def test_the_outbox_list_explains_errors_and_shows_no_next_attempt_for_sent_emails(staff_client):
    OutboxEmail.objects.create(
        to="a@example.org",
        subject="Stuck",
        body="x",
        attempts=2,
        last_error="ConnectionRefusedError: [Errno 111] Connection refused",
    )
    OutboxEmail.objects.create(
        to="b@example.org", subject="Went out", body="x", status=OutboxEmail.Status.SENT
    )
    html = staff_client.get(reverse("admin:events_outboxemail_changelist")).content.decode()
    assert "The mail server refused the connection." in html
    assert 'title="ConnectionRefusedError: [Errno 111] Connection refused"' in html
    rows = {row.split("</th>")[0]: row for row in html.split('<th class="field-subject">')[1:]}
    sent = next(row for key, row in rows.items() if "Went out" in key)
    stuck = next(row for key, row in rows.items() if "Stuck" in key)
    assert '<td class="field-next_attempt">—</td>' in sent
    assert '<td class="field-next_attempt">—</td>' not in stuck


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("ru", "Почтовый сервер отказал в соединении."),
        ("az", "Poçt serveri bağlantıdan imtina etdi."),
    ],
)
def test_the_sentences_are_translated(language, sentence):
    with translation.override(language):
        assert explain("ConnectionRefusedError: [Errno 111] Connection refused") == sentence


@pytest.mark.django_db
def test_a_real_refusal_through_the_worker_reads_plainly(
    django_capture_on_commit_callbacks, smtp_server, run_worker, staff_client
):
    from events import services
    from tests.factories import EventFactory

    smtp_server.failing = True  # answers 451 to every message
    with django_capture_on_commit_callbacks(execute=True):
        services.register_attendee(
            event=EventFactory(), full_name="A", email="a@example.org", consent=True
        )
    run_worker()
    email = OutboxEmail.objects.get()
    assert email.last_error.startswith("SMTPDataError: (451")  # as the worker stores it
    sentence = "The mail server is busy and asked to try again later."
    assert explain(email.last_error) == sentence
    html = staff_client.get(reverse("admin:events_outboxemail_changelist")).content.decode()
    assert sentence in html
