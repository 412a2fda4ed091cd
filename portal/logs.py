"""Logging for log collectors: JSON lines on stdout, each carrying the request id, and
nothing personal in any of them."""

import json
import logging
import re
from contextvars import ContextVar
from datetime import UTC, datetime

from django.views.debug import ExceptionReporter

# The id of the request being served in this thread/task ("-" outside a request).
request_id_var: ContextVar[str] = ContextVar("request_id", default="-")

# Attributes every LogRecord has; anything else on a record came from ``extra=``.
_STANDARD_ATTRIBUTES = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
# Extras that are objects, not facts worth a field (Django's loggers pass the request).
_SKIPPED_EXTRAS = {"request", "server_time"}


# A registrant's secret link (/<lang>/registrations/<token>/…) opens their personal data:
# the token never reaches a log line.
_REGISTRANT_TOKEN = re.compile(r"(/registrations/)[^/?#\s]+")
_EMAIL = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)+")
# Seven to fifteen digits with the usual separators: +7 (900) 123-45-67, +994 50 123 45 67.
_PHONE_LIKE = re.compile(r"(?<![\w+.:/-])\+?\(?\d[\d ().-]{5,}\d(?![\w:/-])")
# Digits that look like a phone number but are not: dates and IPv4 addresses.
_NOT_A_PHONE = re.compile(r"\d{4}-\d{2}-\d{2}.*|\d{1,3}(?:\.\d{1,3}){3}")


def redact_path(path: str) -> str:
    """``/en/registrations/<token>/cancel/`` -> ``/en/registrations/…/cancel/``."""
    return _REGISTRANT_TOKEN.sub("\\1…", path)


def _phone(match: re.Match) -> str:
    text = match.group()
    digits = sum(char.isdigit() for char in text)
    if not 7 <= digits <= 15 or _NOT_A_PHONE.fullmatch(text):
        return text
    return "[phone]"


def redact(text: str) -> str:
    """No email address, phone number or registrant token in ``text``."""
    text = _EMAIL.sub("[email]", redact_path(text))
    return _PHONE_LIKE.sub(_phone, text)


class RedactFilter(logging.Filter):
    """Personal data never reaches a log line: emails, phone numbers and registrant tokens
    are removed from the message, the extra fields and the traceback of every record (it is
    on every handler, so whoever logged it — our code, Django, a library — is covered)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        for key, value in list(vars(record).items()):
            if key not in _STANDARD_ATTRIBUTES and isinstance(value, str):
                setattr(record, key, redact(value))
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class RedactingExceptionReporter(ExceptionReporter):
    """The error report emailed to the admins, with the same redaction as the logs (the
    report shows the request's form data, headers and local variables)."""

    def get_traceback_text(self):
        return redact(super().get_traceback_text())

    def get_traceback_html(self):
        return redact(super().get_traceback_html())


class RequestIdFilter(logging.Filter):
    """Adds ``record.request_id`` so that every format can show it."""

    def filter(self, record: logging.LogRecord) -> bool:
        # Django logs 4xx/5xx responses (logger django.request) after the middleware chain
        # has returned, with the request attached: take the id from there first.
        request = getattr(record, "request", None)
        record.request_id = getattr(request, "request_id", None) or request_id_var.get()
        return True


class AsWarning(logging.Filter):
    """Turns a logger's records into warnings without a traceback (Django logs a bad Host
    header as an ERROR, which would page the admins for every scanner on the internet)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        record.exc_info = record.exc_text = None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id, extras, exc."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id_var.get()),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRIBUTES and key not in _SKIPPED_EXTRAS:
                entry.setdefault(key, value)
        if record.exc_info:
            entry["exc"] = record.exc_text or self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
