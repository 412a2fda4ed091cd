"""Logs are JSON lines on stdout with the request id (portal.logs, portal.middleware)."""

import io
import json
import logging
import multiprocessing
import os

import pytest
from django.test import Client

from portal.logs import AccessRecord, ConsoleHandler, JsonFormatter, RedactFilter, RequestIdFilter

pytestmark = pytest.mark.django_db


@pytest.fixture
def log_lines(console_log):
    """What the production console handler printed, parsed."""
    return lambda: [json.loads(line) for line in console_log().splitlines()]


def test_each_request_gets_an_id_in_its_response_and_log_line(log_lines):
    response = Client().get("/en/")
    request_id = response.headers["X-Request-ID"]
    assert len(request_id) == 32
    [line] = [entry for entry in log_lines() if entry["logger"] == "portal.request"]
    assert line["request_id"] == request_id
    assert line["message"] == "GET /en/ 200"
    assert line["status"] == 200 and line["method"] == "GET" and line["path"] == "/en/"
    assert line["level"] == "INFO" and line["time"].endswith("+00:00")
    assert isinstance(line["duration_ms"], float)
    assert Client().get("/en/").headers["X-Request-ID"] != request_id


def test_the_proxy_request_id_is_kept(log_lines):
    response = Client().get("/en/news/missing/", headers={"x-request-id": "nginx-7f3a.01"})
    assert response.status_code == 404
    assert response.headers["X-Request-ID"] == "nginx-7f3a.01"
    ids = {entry["logger"]: entry["request_id"] for entry in log_lines()}
    # django.request logs 4xx/5xx after the middleware returned: same id.
    assert ids == {"portal.request": "nginx-7f3a.01", "django.request": "nginx-7f3a.01"}


@pytest.mark.parametrize("forged", ["a b", "x" * 129, "id\nFAKE LOG LINE", "<script>"])
def test_a_malformed_request_id_is_replaced(forged):
    response = Client().get("/healthz", headers={"x-request-id": forged})
    assert response.headers["X-Request-ID"] != forged
    assert len(response.headers["X-Request-ID"]) == 32


def test_redirects_get_an_id_too():
    assert Client().get("/").headers["X-Request-ID"]  # the language redirect


@pytest.mark.urls("tests.portal.error_urls")
def test_a_server_error_is_one_json_record_with_the_traceback(log_lines):
    response = Client(raise_request_exception=False).get("/broken/")
    [error] = [entry for entry in log_lines() if entry["logger"] == "django.request"]
    assert error["level"] == "ERROR"
    assert error["request_id"] == response.headers["X-Request-ID"]
    assert "ZeroDivisionError: secret detail" in error["exc"]
    assert error["status_code"] == 500


def _access_record():
    return AccessRecord(
        "GET /en/ 200", {"method": "GET", "path": "/en/", "status": 200, "duration_ms": 1.5}
    )


def _written(handler, record):
    stream = io.StringIO()
    handler.setStream(stream)
    handler.handle(record)
    return stream.getvalue()


def test_the_console_writes_the_access_line_as_a_stream_handler_with_the_json_formatter():
    ours = ConsoleHandler()
    standard = logging.StreamHandler()
    for handler in (ours, standard):
        handler.setFormatter(JsonFormatter())
        handler.addFilter(RequestIdFilter())
        handler.addFilter(RedactFilter())
    record = _access_record()
    line = _written(ours, record)
    assert line == _written(standard, record) and line.endswith("}\n")
    assert json.loads(line)["message"] == "GET /en/ 200"


def test_a_filter_or_formatter_of_another_kind_gets_the_access_record_as_usual():
    handler = ConsoleHandler()
    handler.setFormatter(JsonFormatter())
    handler.addFilter(lambda record: False)  # e.g. an operator's filter that drops it
    assert _written(handler, _access_record()) == ""
    handler = ConsoleHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    assert _written(handler, _access_record()) == "INFO GET /en/ 200\n"


def test_a_forked_worker_logs_its_own_process_id():
    context = multiprocessing.get_context("fork")  # as gunicorn starts its workers
    with context.Pool(1) as pool:
        child_pid, logged_pid = pool.apply(_pids)
    assert logged_pid == child_pid != os.getpid()
    assert _access_record().process == os.getpid()


def _pids():
    return os.getpid(), _access_record().process
