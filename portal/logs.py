"""Logging for log collectors: JSON lines on stdout, each carrying the request id, and
nothing personal in any of them."""

import functools
import json
import logging
import os
import re
import threading
import time
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
    text = redact_path(text)
    if "@" in text:
        text = _EMAIL.sub("[email]", text)
    return _PHONE_LIKE.sub(_phone, text)


class RedactFilter(logging.Filter):
    """Personal data never reaches a log line: emails, phone numbers and registrant tokens
    are removed from the message, the extra fields and the traceback of every record (it is
    on every handler, so whoever logged it — our code, Django, a library — is covered)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if type(record) is AccessRecord:  # redacted when it was made
            return True
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
        if type(record) is AccessRecord:  # made with its request id
            return True
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
        if type(record) is AccessRecord:
            return record.json()
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


access_log = logging.getLogger("portal.request")
# The paths of the pages people ask for repeat: each is redacted once (a tenth of the line).
_redacted_path = functools.lru_cache(maxsize=1024)(redact)
# The fields every record has, as logging.LogRecord sets them, for an access record made
# without LogRecord.__init__ (which looks up the caller's file, the thread's and the
# process's names: a fifth of a bare request's time went into the access log line).
_RECORD_DEFAULTS = {
    "name": access_log.name, "args": None, "levelname": "INFO", "levelno": logging.INFO,
    "pathname": __file__, "filename": os.path.basename(__file__), "module": __name__,
    "exc_info": None, "exc_text": None, "stack_info": None, "lineno": 0,
    "funcName": "log_access", "processName": "MainProcess", "taskName": None,
}  # fmt: skip
_encode = json.encoder.encode_basestring  # what json.dumps(ensure_ascii=False) uses
# The last second's "2026-12-04T19:43:48" (making it with datetime took a quarter of the line).
_last_second: tuple[int, str] = (-1, "")


def _iso_time(created: float) -> str:
    """``datetime.fromtimestamp(created, UTC).isoformat(timespec="milliseconds")``."""
    global _last_second
    second = int(created)
    microseconds = round((created - second) * 1_000_000)  # rounded as datetime rounds
    if microseconds >= 1_000_000:
        second, microseconds = second + 1, microseconds - 1_000_000
    if _last_second[0] != second:
        _last_second = (second, datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%S"))
    return f"{_last_second[1]}.{microseconds // 1000:03d}+00:00"


class ConsoleHandler(logging.StreamHandler):
    """LOGGING's console: a StreamHandler that writes the access log's line in one step.

    When it formats with JsonFormatter and its filters are only RequestIdFilter and
    RedactFilter (which let an AccessRecord through as it is), an AccessRecord's JSON line is
    written and flushed under one lock: without the filter pass, the formatter's dispatch
    and the second lock StreamHandler.flush takes (the handler's part of every request's
    line: 6.2 -> 3.6 µs). The line is the one JsonFormatter writes. Any other record,
    formatter or filter takes StreamHandler's own path."""

    def handle(self, record: logging.LogRecord):
        if not (
            type(record) is AccessRecord
            and type(self.formatter) is JsonFormatter
            and all(type(f) in _LET_ACCESS_THROUGH for f in self.filters)
        ):
            return super().handle(record)
        line = record.json() + self.terminator
        with self.lock:
            try:
                self.stream.write(line)
                self.stream.flush()
            except RecursionError:  # (as StreamHandler.emit)
                raise
            except Exception:
                self.handleError(record)
        return True


class AccessRecord(logging.LogRecord):
    """The access log's one line per request (``log_access``): a LogRecord like any other
    for handlers and formatters, made cheaply, with its message and fields redacted when
    made (RedactFilter lets it through as it is) and its JSON line written directly
    (JsonFormatter's fields, in its order: time, level, logger, message, request_id,
    method, path, status, duration_ms)."""

    def __init__(self, message: str, fields: dict):
        created = time.time()
        thread = threading.get_ident()
        self.__dict__ = {
            **_RECORD_DEFAULTS,
            **fields,
            "msg": message,
            "created": created,
            "msecs": int(created * 1000) % 1000 + 0.0,
            "relativeCreated": (created - logging._startTime) * 1000,
            "thread": thread,
            "threadName": threading.current_thread().name,
            "process": _process_id[0],
            "request_id": request_id_var.get(),
        }

    def json(self) -> str:
        moment = _iso_time(self.created)
        request_id = self.request_id
        return (
            f'{{"time": "{moment}", "level": "{self.levelname}", "logger": "{self.name}", '
            f'"message": {_encode(self.msg)}, "request_id": {_encode(request_id)}, '
            f'"method": {_encode(self.method)}, "path": {_encode(self.path)}, '
            f'"status": {int(self.status)}, "duration_ms": {float(self.duration_ms)!r}}}'
        )


_LET_ACCESS_THROUGH = (RequestIdFilter, RedactFilter)
# os.getpid() is a system call each time: read once per process (and again in a forked one).
_process_id = [os.getpid()]
os.register_at_fork(after_in_child=lambda: _process_id.__setitem__(0, os.getpid()))


def log_access(method: str, path: str, status: int, duration_ms: float) -> None:
    """The access log line of a request, redacted: no registrant token, email address or
    phone number in its path (nor in a method the site does not answer)."""
    if not access_log.isEnabledFor(logging.INFO):
        return
    path = _redacted_path(path)
    if method not in ("GET", "HEAD", "POST"):
        method = redact(method)
    fields = {"method": method, "path": path, "status": status, "duration_ms": duration_ms}
    access_log.handle(AccessRecord(f"{method} {path} {status}", fields))
