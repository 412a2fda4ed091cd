"""Logging for log collectors: JSON lines on stdout, each carrying the request id."""

import json
import logging
import re
from contextvars import ContextVar
from datetime import UTC, datetime

# The id of the request being served in this thread/task ("-" outside a request).
request_id_var: ContextVar[str] = ContextVar("request_id", default="-")

# Attributes every LogRecord has; anything else on a record came from ``extra=``.
_STANDARD_ATTRIBUTES = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
# Extras that are objects, not facts worth a field (Django's loggers pass the request).
_SKIPPED_EXTRAS = {"request", "server_time"}


# A registrant's secret link (/<lang>/registrations/<token>/…) opens their personal data:
# the token never reaches a log line.
_REGISTRANT_TOKEN = re.compile(r"(/registrations/)[^/?#\s]+")


def redact_path(path: str) -> str:
    """``/en/registrations/<token>/cancel/`` -> ``/en/registrations/…/cancel/``."""
    return _REGISTRANT_TOKEN.sub("\\1…", path)


class RequestIdFilter(logging.Filter):
    """Adds ``record.request_id`` so that every format can show it, and redacts registrant
    tokens from the paths that Django's own request loggers put into their messages."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and any(
            isinstance(arg, str) and "/registrations/" in arg for arg in record.args
        ):
            record.args = tuple(
                redact_path(arg) if isinstance(arg, str) else arg for arg in record.args
            )
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
            entry["exc"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
