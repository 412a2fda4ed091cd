"""No email address, phone number or registrant token in any log line or URL
(portal.logs.RedactFilter on every handler; the check-in search kept out of URLs)."""

import json
import logging
import socketserver
import threading

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from events import emails, outbox
from events.models import OutboxEmail
from portal.logs import RedactFilter, redact, redact_path
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db
ADDRESS = "Ann.Caspian+forum@example.org"
PHONE = "+7 (900) 123-45-67"


def lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def assert_nothing_personal(text: str, *secrets: str) -> None:
    for secret in (ADDRESS, ADDRESS.lower(), "example.org", PHONE, "123-45-67", *secrets):
        assert secret not in text, secret


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/en/registrations/AbC-12_x/", "/en/registrations/…/"),
        ("/ru/registrations/AbC-12_x/cancel/", "/ru/registrations/…/cancel/"),
        ("/az/registrations/AbC-12_x", "/az/registrations/…"),
        ("/en/news/registrations-open/", "/en/news/registrations-open/"),
        ("/en/events/forum/", "/en/events/forum/"),
    ],
)
def test_redact_path(path, expected):
    assert redact_path(path) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"{{'{ADDRESS}': (550, b'rejected')}}", "{'[email]': (550, b'rejected')}"),
        ("Иван.Петров@почта.рф wrote", "[email] wrote"),
        (f"phone {PHONE}.", "phone [phone]."),
        ("+994 50 123 45 67", "[phone]"),
        ("89001234567", "[phone]"),
        ("(900) 123-4567", "[phone]"),
        (
            "https://portal.example.org/en/registrations/Tok-1_x/",
            "https://portal.example.org/en/registrations/…/",
        ),
        # Numbers that are no phone stay: dates, times, addresses, ids, durations, counts.
        ("2026-12-01 23:15:21", "2026-12-01 23:15:21"),
        ("from 203.0.113.10", "from 203.0.113.10"),
        ("request 3f2a1234567b8c9d0e1f2a3b4c5d6e7f", "request 3f2a1234567b8c9d0e1f2a3b4c5d6e7f"),
        ("550e8400-e29b-41d4-a716-446655440000", "550e8400-e29b-41d4-a716-446655440000"),
        ("took 1234.5 ms for 12 rows", "took 1234.5 ms for 12 rows"),
        ("GET /en/news/?page=2 200", "GET /en/news/?page=2 200"),
    ],
)
def test_redact(text, expected):
    assert redact(text) == expected


def test_every_configured_handler_redacts():
    loggers = [logging.getLogger(), *map(logging.getLogger, logging.root.manager.loggerDict)]
    handlers = {h for logger in loggers for h in logger.handlers if h.name}  # LOGGING's ones
    assert {handler.name for handler in handlers} == {"console", "mail_admins"}
    for handler in handlers:
        assert any(isinstance(f, RedactFilter) for f in handler.filters), handler.name


def test_the_access_log_hides_registrant_tokens(console_log):
    registration = RegistrationFactory()
    client = Client()
    assert client.get(registration.get_absolute_url()).status_code == 200
    client.post(f"/en/registrations/{registration.token}/cancel/")
    assert client.get("/en/registrations/no-such-token-abc/").status_code == 404
    text = console_log()
    assert registration.token not in text and "no-such-token-abc" not in text
    entries = lines(text)
    access = [line for line in entries if line["logger"] == "portal.request"]
    assert [line["path"] for line in access] == [
        "/en/registrations/…/",
        "/en/registrations/…/cancel/",
        "/en/registrations/…/",
    ]
    assert access[0]["message"] == "GET /en/registrations/…/ 200"
    # Django's own "Not Found: <path>" line is redacted too.
    [not_found] = [line for line in entries if line["logger"] == "django.request"]
    assert not_found["message"] == "Not Found: /en/registrations/…/"


def test_a_registration_leaves_nothing_personal_in_the_log(client, console_log):
    event = EventFactory()
    data = {
        "full_name": "Ann Caspian",
        "email": ADDRESS,
        "organisation": "Port LLC",
        "position": "Director",
        "phone": PHONE,
        "consent": "on",
    }
    register = f"/en/events/{event.slug}/register/?email={ADDRESS}"
    assert client.post(register, data).status_code == 302
    registration = event.registrations.get()
    assert (registration.email, registration.phone) == (ADDRESS, PHONE)
    assert client.get(f"/en/events/{event.slug}/register/done/").status_code == 200
    assert client.get(registration.get_absolute_url() + f"?phone={PHONE}").status_code == 200
    assert client.get(f"/en/registrations/{registration.token}x/").status_code == 404
    text = console_log()
    assert len(lines(text)) >= 4  # the requests were logged, without what is personal
    assert_nothing_personal(text, registration.token)


class RefusingSMTPHandler(socketserver.StreamRequestHandler):
    """A mail server that refuses every recipient the way real ones do: naming the address."""

    def handle(self):
        self.wfile.write(b"220 test ESMTP\r\n")
        for raw in self.rfile:
            command = raw.decode().strip()
            verb = command.split(" ", 1)[0].upper()
            if verb == "QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            if verb == "RCPT":
                address = command.split(":", 1)[1].strip()
                self.wfile.write(f"550 5.1.1 {address}: Recipient address rejected\r\n".encode())
            else:
                self.wfile.write(b"250 ok\r\n")


@pytest.fixture
def refusing_smtp():
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), RefusingSMTPHandler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield server.server_address[1]
        server.shutdown()


def test_a_failed_delivery_logs_the_email_by_number_not_the_address(refusing_smtp, console_log):
    registration = RegistrationFactory(email=ADDRESS, phone=PHONE)
    email = emails.queue_registration_email(registration, "confirmed")
    smtp = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": refusing_smtp, "timeout": 5},
        }
    }
    with override_settings(MAILERS=smtp):
        assert outbox.deliver_outbox_email(email.pk) is False
    email.refresh_from_db()
    assert ADDRESS in email.last_error  # the mail server named it: staff see it in the admin
    [line] = [line for line in lines(console_log()) if line["logger"] == "events.outbox"]
    assert line["level"] == "WARNING"
    assert line["message"].startswith(f"Email {email.pk} failed")
    assert_nothing_personal(console_log(), registration.token)
    assert OutboxEmail.objects.get().status == OutboxEmail.Status.QUEUED


def test_whoever_logs_an_address_or_a_phone_the_line_is_redacted(console_log):
    """Not only our own log calls: a library's message, its arguments, extra fields and the
    traceback of an exception that names the address."""
    try:
        raise ValueError(f"{{'{ADDRESS}': (550, b'5.1.1 rejected')}}")
    except ValueError:
        logging.getLogger("some.library").exception(
            "Delivery to %s failed",
            ADDRESS,
            extra={"phone": PHONE, "path": "/en/registrations/x1/"},
        )
    [line] = lines(console_log())
    assert line["message"] == "Delivery to [email] failed"
    assert (line["phone"], line["path"]) == ("[phone]", "/en/registrations/…/")
    assert "ValueError: {'[email]': (550" in line["exc"]
    assert_nothing_personal(console_log(), "x1")


def test_the_check_in_search_stays_out_of_urls_and_logs(staff_client, console_log):
    event = EventFactory()
    ann = RegistrationFactory(event=event, full_name="Ann Caspian", email=ADDRESS, phone=PHONE)
    RegistrationFactory(event=event, full_name="Bob Volga", email="bob@example.net")
    url = reverse("events:check-in", args=[event.slug])
    response = staff_client.post(url, {"q": ADDRESS})
    assert response.status_code == 302 and response["Location"] == url
    html = staff_client.get(url).content.decode()
    assert "Ann Caspian" in html and "Bob Volga" not in html  # the search is kept
    toggle = reverse("events:check-in-toggle", args=[event.slug, ann.pk])
    response = staff_client.post(toggle, {"action": "in"})
    assert response["Location"] == f"{url}#registration-{ann.pk}"
    html = staff_client.get(response["Location"]).content.decode()
    assert "Ann Caspian" in html and "Bob Volga" not in html  # still searching after a tap
    staff_client.get(url, {"q": ADDRESS})  # an old bookmark: the address is not read from URLs
    assert_nothing_personal(console_log(), ann.token)
    assert staff_client.post(url, {"q": ""})["Location"] == url
    assert "Bob Volga" in staff_client.get(url).content.decode()  # search cleared


@pytest.mark.urls("tests.portal.error_urls")
def test_the_error_report_to_the_admins_is_redacted_too(settings):
    settings.ADMINS = ["ops@example.org"]
    response = Client(raise_request_exception=False).post(
        f"/broken/?email={ADDRESS}", {"phone": PHONE, "email": ADDRESS}, secure=True
    )
    assert response.status_code == 500
    [report] = mail.outbox
    assert "ZeroDivisionError" in report.body and "/broken/" in report.subject
    assert ADDRESS not in report.body + report.subject and PHONE not in report.body
    assert "[email]" in report.body  # the form data was there, redacted
