"""Registrant tokens never reach the logs (portal.logs.redact_path)."""

import io
import json
import logging

import pytest
from django.test import Client

from portal.logs import JsonFormatter, RequestIdFilter, redact_path
from tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def log_text():
    """What the production console handler would print."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    loggers = [logging.getLogger(name) for name in ("portal.request", "django.request")]
    for logger in loggers:
        logger.addHandler(handler)
    yield stream.getvalue
    for logger in loggers:
        logger.removeHandler(handler)


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


def test_the_access_log_hides_registrant_tokens(log_text):
    registration = RegistrationFactory()
    client = Client()
    assert client.get(registration.get_absolute_url()).status_code == 200
    client.post(f"/en/registrations/{registration.token}/cancel/")
    assert client.get("/en/registrations/no-such-token-abc/").status_code == 404
    text = log_text()
    assert registration.token not in text and "no-such-token-abc" not in text
    lines = [json.loads(line) for line in text.splitlines()]
    access = [line for line in lines if line["logger"] == "portal.request"]
    assert [line["path"] for line in access] == [
        "/en/registrations/…/",
        "/en/registrations/…/cancel/",
        "/en/registrations/…/",
    ]
    assert access[0]["message"] == "GET /en/registrations/…/ 200"
    # Django's own "Not Found: <path>" line is redacted too.
    [not_found] = [line for line in lines if line["logger"] == "django.request"]
    assert not_found["message"] == "Not Found: /en/registrations/…/"
