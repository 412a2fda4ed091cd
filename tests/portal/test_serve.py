"""`make serve` for real: gunicorn with production settings, checked over HTTP."""

import http.client
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.production_server import clean_env

BASE_DIR = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


class Server:
    def __init__(self, port: int, log: Path):
        self.port = port
        self.log = log

    def get(self, path, headers=None, *, https=True, method="GET"):
        """One request; https=True says so the way the reverse proxy does."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        headers = {"Host": "localhost", **(headers or {})}
        if https:
            headers["X-Forwarded-Proto"] = "https"
        connection.request(method, path, headers=headers)
        response = connection.getresponse()
        response.body = response.read()
        connection.close()
        return response


@pytest.fixture
def server(production_server):
    return Server(production_server.port, production_server.log)


def test_serve_refuses_to_start_without_a_secret_key(tmp_path):
    result = subprocess.run(
        ["make", "--no-print-directory", "serve"],  # noqa: S607
        cwd=BASE_DIR, env=clean_env(PORTAL_VAR_DIR=str(tmp_path)),
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr
    assert "secrets.token_urlsafe" in result.stderr


def test_serve_refuses_to_start_without_a_base_url_or_a_sender(tmp_path):
    result = subprocess.run(
        ["make", "--no-print-directory", "serve"],  # noqa: S607
        cwd=BASE_DIR, env=clean_env(PORTAL_VAR_DIR=str(tmp_path), DJANGO_SECRET_KEY="k" * 50),
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" not in result.stderr
    assert "PORTAL_BASE_URL is not set" in result.stderr
    assert "DJANGO_DEFAULT_FROM_EMAIL is not set" in result.stderr


def test_page_headers_from_the_production_server(server):
    response = server.get("/en/")
    assert response.status == 200
    assert response.getheader("Server") == "gunicorn"
    assert response.getheader("Strict-Transport-Security") == (
        "max-age=31536000; includeSubDomains; preload"
    )
    csp = response.getheader("Content-Security-Policy")
    assert csp.startswith("default-src 'none'; script-src 'self'") and "unsafe" not in csp
    assert response.getheader("X-Frame-Options") == "DENY"
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert response.getheader("Referrer-Policy") == "same-origin"
    assert response.getheader("Cross-Origin-Opener-Policy") == "same-origin"
    assert response.getheader("Cross-Origin-Resource-Policy") == "same-origin"


def test_plain_http_is_redirected(server):
    response = server.get("/en/", https=False)
    assert response.status == 301
    assert response.getheader("Location") == "https://localhost/en/"


def test_static_files_are_hashed_compressed_and_cached_for_long(server):
    html = server.get("/en/").body.decode()
    [css] = re.findall(r'href="(/static/css/portal\.[0-9a-f]{12}\.css)"', html)
    response = server.get(css, {"Accept-Encoding": "br, gzip"})
    assert response.status == 200
    assert response.getheader("Cache-Control") == "max-age=315360000, public, immutable"
    assert response.getheader("Content-Encoding") == "br"
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert response.getheader("Cross-Origin-Resource-Policy") == "same-origin"
    assert response.getheader("Strict-Transport-Security")
    assert response.getheader("Access-Control-Allow-Origin") is None
    # An unhashed name is still served, but only cached briefly.
    unhashed = server.get("/static/css/portal.css")
    assert unhashed.getheader("Cache-Control") == "max-age=60, public"


def test_admin_login_from_the_production_server(server):
    response = server.get("/admin/login/")
    assert response.status == 200
    cookie = response.getheader("Set-Cookie")
    assert cookie.startswith("__Host-csrftoken=")
    for attribute in ("HttpOnly", "Path=/", "SameSite=Lax", "Secure"):
        assert attribute in cookie
    assert "Domain" not in cookie
    assert "no-store" in response.getheader("Cache-Control")
    assert "default-src 'none'" in response.getheader("Content-Security-Policy")


def test_logs_are_json_lines_with_the_request_id(server):
    server.get("/en/news/", {"X-Request-ID": "trace-from-proxy-42"})
    # The access line is written (and flushed) before the response is sent: no waiting.
    [line] = [
        json.loads(line)
        for line in server.log.read_text().splitlines()
        if line.startswith("{") and "trace-from-proxy-42" in line
    ]
    assert line["logger"] == "portal.request"
    assert line["message"] == "GET /en/news/ 200"


def test_health_check_answers_plain_http_without_a_redirect(server):
    response = server.get("/healthz", https=False)
    assert response.status == 200
    assert response.body == b"ok\n"


def test_the_app_server_refuses_trace_on_every_kind_of_url(server):
    paths = ["/healthz", "/robots.txt", "/sitemap.xml", "/en/news/feed/", "/en/events/calendar.ics",
             "/en/", "/admin/login/", "/static/css/portal.css"]  # fmt: skip
    for path in paths:
        assert server.get(path).status in (200, 302), path  # GET works
        response = server.get(path, method="TRACE")
        assert response.status == 405, path
        # WhiteNoise answers for static files itself (no POST there).
        assert response.getheader("Allow") in ("GET, HEAD, POST", "GET, HEAD"), path
    # Plain HTTP is redirected to HTTPS first, except the health check, asked for on the app
    # server itself.
    assert server.get("/healthz", method="TRACE", https=False).status == 405
