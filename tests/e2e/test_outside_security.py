"""Outside checks against the real production-mode server (`make serve` on a loopback port),
talking plain HTTP the way a scanner behind the reverse proxy would:

- security headers and cookies, the ones Mozilla's HTTP Observatory looks at (we assert the
  headers themselves; the suite does not compute or claim a grade);
- XSS payloads in every public form field and filter come back escaped;
- POSTs without a CSRF token are refused;
- a registrant's token opens that registration and no other.
"""

import email
import http.client
import json
import re
import secrets
import shutil
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
PYTHON = BASE_DIR / ".venv" / "bin" / "python"
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("make") is None, reason="needs make"),
]

PAYLOADS = [
    '<script>alert("xss")</script>',
    '"><img src=x onerror=alert(1)>',
    "'><svg/onload=alert(1)>",
]

# Creates what the checks need and prints it as JSON (run with the server's environment).
SETUP_SCRIPT = """
import datetime, json
from django.utils import timezone
from events.models import Event, Registration
from events import services
start = timezone.now() + datetime.timedelta(days=20)
event, _ = Event.objects.get_or_create(slug="outside-check", defaults=dict(
    title="Outside check", description="x", status="published", capacity=50,
    starts_at=start, ends_at=start + datetime.timedelta(hours=2)))
a = services.register_attendee(event=event, full_name="Alice Outside", email="alice@example.org",
                               consent=True).registration
b = services.register_attendee(event=event, full_name="Bob Outside", email="bob@example.org",
                               consent=True).registration
print(json.dumps({"event": event.slug, "a": a.token, "b": b.token}))
"""


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: str

    def header(self, name: str) -> str | None:
        return self.headers.get(name)


@dataclass
class Browser:
    """A tiny HTTP client with its own cookies; says HTTPS the way the proxy does."""

    port: int
    cookies: dict = field(default_factory=dict)
    set_cookie_headers: list = field(default_factory=list)

    def request(self, method, path, *, data=None, headers=None, https=True) -> Response:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
        all_headers = {"Host": "localhost", **(headers or {})}
        if https:
            all_headers["X-Forwarded-Proto"] = "https"
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data, doseq=True)
            all_headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
            all_headers.setdefault("Origin", "https://localhost")
            all_headers.setdefault("Referer", f"https://localhost{path}")
        connection.request(method, path, body=body, headers=all_headers)
        raw = connection.getresponse()
        response = Response(raw.status, raw.headers, raw.read().decode("utf-8", "replace"))
        connection.close()
        for header in raw.headers.get_all("Set-Cookie") or []:
            self.set_cookie_headers.append(header)
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response

    def get(self, path, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)

    def post(self, path, data, **kwargs) -> Response:
        return self.request("POST", path, data=data, **kwargs)

    def csrf_token(self, path: str) -> str:
        html = self.get(path).body
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

    def follow(self, response: Response) -> Response:
        location = response.header("Location")
        return self.get(location.removeprefix("https://localhost"))


@pytest.fixture(scope="module")
def site(production_server):
    data = json.loads(
        production_server.manage("shell", "-c", SETUP_SCRIPT).strip().splitlines()[-1]
    )
    return {"port": production_server.port, "var": production_server.var, **data}


# ---- security headers ------------------------------------------------------------------------


def parse_csp(header: str) -> dict[str, list[str]]:
    policy = {}
    for directive in filter(None, (part.strip() for part in header.split(";"))):
        name, *values = directive.split()
        policy[name.lower()] = values
    return policy


def test_security_headers_and_cookies_seen_from_outside(site):
    browser = Browser(site["port"])
    page = browser.get("/en/", headers={"Origin": "https://evil.example.org"})
    assert page.status == 200
    redirect = browser.get("/en/", https=False)
    assert redirect.status == 301
    assert redirect.header("Location") == "https://localhost/en/"

    csp = parse_csp(page.header("Content-Security-Policy"))
    assert csp["default-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    for directive in ("script-src", "style-src"):
        # 'self', plus the request's nonce when the page uses one; nothing unsafe.
        assert csp[directive][0] == "'self'"
        assert all(source.startswith("'nonce-") for source in csp[directive][1:])
    assert page.header("Strict-Transport-Security") == (
        "max-age=31536000; includeSubDomains; preload"
    )
    assert page.header("X-Frame-Options") == "DENY"
    assert page.header("X-Content-Type-Options") == "nosniff"
    assert page.header("Referrer-Policy") == "same-origin"
    assert page.header("Cross-Origin-Resource-Policy") == "same-origin"
    assert page.header("Cross-Origin-Opener-Policy") == "same-origin"
    assert page.header("Access-Control-Allow-Origin") is None
    scripts = re.findall(r"<script[^>]+src=\"([^\"]+)\"", page.body)
    assert scripts and all(src.startswith("/static/") for src in scripts)  # our own only
    assert browser.get("/crossdomain.xml").status == 404

    # Cookies: the CSRF cookie (login page) and the one that lets the "check your email" page
    # show (after registering; no session).
    browser.get("/admin/login/")
    register = f"/en/events/{site['event']}/register/"
    token = browser.csrf_token(register)
    response = browser.post(
        register,
        {
            "csrfmiddlewaretoken": token,
            "full_name": "Cookie Check",
            "email": "cookie@example.org",
            "organisation": "Org",
            "position": "Tester",
            "consent": "on",
        },
    )
    assert response.status == 302
    cookies = {
        name: morsel
        for header in browser.set_cookie_headers
        for name, morsel in SimpleCookie(header).items()
    }
    assert set(cookies) == {"__Host-csrftoken", "__Host-registered-for"}
    for morsel in cookies.values():
        assert morsel["secure"] and morsel["httponly"] and morsel["samesite"] == "Lax"
        assert morsel["path"] == "/" and not morsel["domain"]


def registrant_path(var: Path, address: str) -> str:
    """The registrant's link, from the email the server wrote to var/mail/."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for path in sorted((var / "mail").glob("*.log")):
            for raw in path.read_text().split("-" * 79):
                message = email.message_from_string(raw.strip())
                if message["To"] != address:
                    continue
                for part in message.walk():
                    if part.get_content_type() == "text/plain":
                        text = part.get_payload(decode=True).decode()
                        return re.search(r"https?://[^/\s]+(/en/registrations/\S+/)", text)[1]
        time.sleep(0.2)
    raise AssertionError(f"no email to {address}")


# ---- XSS -----------------------------------------------------------------------------------


def assert_escaped(html: str, payload: str) -> None:
    assert payload not in html
    for dangerous in ("<script>alert", "<img src=x", "<svg/onload"):
        assert dangerous not in html


def escaped(payload: str) -> str:
    return (
        payload.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#x27;")
    )


@pytest.mark.parametrize("payload", PAYLOADS)
def test_xss_in_every_registration_field_comes_back_escaped(site, payload):
    browser = Browser(site["port"])
    register = f"/en/events/{site['event']}/register/"
    token = browser.csrf_token(register)
    fields = ["full_name", "email", "organisation", "position", "phone", "website"]
    response = browser.post(
        register,
        {"csrfmiddlewaretoken": token, **dict.fromkeys(fields, payload)},  # no consent
    )
    assert response.status == 200  # the form again, with errors
    assert_escaped(response.body, payload)
    assert response.body.count(f'value="{escaped(payload)}"') >= 4


@pytest.mark.parametrize("payload", PAYLOADS)
def test_xss_in_a_stored_registration_comes_back_escaped(site, payload):
    address = f"xss{PAYLOADS.index(payload)}@example.org"
    browser = Browser(site["port"])
    register = f"/en/events/{site['event']}/register/"
    token = browser.csrf_token(register)
    response = browser.post(
        register,
        {
            "csrfmiddlewaretoken": token,
            "full_name": payload,
            "email": address,
            "organisation": payload,
            "position": payload,
            "consent": "on",
        },
    )
    assert response.status == 302, response.body[:2000]
    done = browser.follow(response)
    assert done.status == 200
    assert_escaped(done.body, payload)
    own_page = browser.get(registrant_path(site["var"], address))
    assert own_page.status == 200
    assert_escaped(own_page.body, payload)
    assert escaped(payload) in own_page.body


@pytest.mark.parametrize("payload", PAYLOADS)
def test_xss_in_the_lost_link_form_comes_back_escaped(site, payload):
    browser = Browser(site["port"])
    form = f"/en/events/{site['event']}/lost-link/"
    token = browser.csrf_token(form)
    response = browser.post(form, {"csrfmiddlewaretoken": token, "email": payload})
    assert response.status == 200  # not an address: the form again, with its error
    assert_escaped(response.body, payload)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_xss_in_list_filters_and_search_comes_back_escaped(site, payload):
    browser = Browser(site["port"])
    query = {"sector": payload, "year": payload, "page": payload, "q": payload}
    event_query = {"sector": payload, "kind": payload, "month": payload, "when": payload}
    paths = [
        "/en/news/?" + urlencode(query),
        "/en/events/?" + urlencode({**event_query, "page": payload}),
        "/en/agreements/?" + urlencode({**query, "status": payload}),
        f"/en/events/{site['event']}/?" + urlencode({"q": payload}),
        "/en/search/?" + urlencode({"q": payload}),
    ]
    for path in paths:
        response = browser.get(path)
        assert response.status == 200, path
        assert_escaped(response.body, payload)


# ---- CSRF ----------------------------------------------------------------------------------


def test_posts_without_a_csrf_token_are_refused(site):
    event, token_a = site["event"], site["a"]
    forms = {
        f"/en/events/{event}/register/": {
            "full_name": "No Token",
            "email": "notoken@example.org",
            "organisation": "Org",
            "position": "Tester",
            "consent": "on",
        },
        f"/en/events/{event}/lost-link/": {"email": "alice@example.org"},
        f"/en/registrations/{token_a}/cancel/": {},
        f"/en/registrations/{token_a}/erase/": {},
        "/admin/login/": {"username": "admin", "password": "admin"},
    }
    for path, data in forms.items():
        # No cookie and no token; then the cookie without the token; then a wrong token.
        assert Browser(site["port"]).post(path, data).status == 403, path
        with_cookie = Browser(site["port"])
        with_cookie.csrf_token(f"/en/events/{event}/register/")
        assert with_cookie.post(path, data).status == 403, path
        forged = {**data, "csrfmiddlewaretoken": "x" * 64}
        assert with_cookie.post(path, forged).status == 403, path
        # A token from this very site, but sent from another origin.
        token = with_cookie.csrf_token(f"/en/events/{event}/register/")
        response = with_cookie.post(
            path,
            {**data, "csrfmiddlewaretoken": token},
            headers={"Origin": "https://evil.example.org"},
        )
        assert response.status == 403, path
    # Nothing happened: Alice is still registered and confirmed.
    page = Browser(site["port"]).get(f"/en/registrations/{token_a}/")
    assert "Alice Outside" in page.body and "Your seat is confirmed." in page.body


# ---- registrant tokens ---------------------------------------------------------------------


def test_a_registrant_token_opens_only_its_own_registration(site):
    browser = Browser(site["port"])
    token_a, token_b = site["a"], site["b"]
    page_a = browser.get(f"/en/registrations/{token_a}/")
    page_b = browser.get(f"/en/registrations/{token_b}/")
    assert page_a.status == page_b.status == 200
    assert "Alice Outside" in page_a.body and "Bob Outside" not in page_a.body
    assert "Bob Outside" in page_b.body and "Alice Outside" not in page_b.body
    assert "no-store" in page_a.header("Cache-Control")
    near_misses = [
        token_a[:-1],
        token_a + "A",
        token_a[:-1] + ("A" if token_a[-1] != "A" else "B"),
        token_a.swapcase(),
        token_a[:8],
        secrets.token_urlsafe(32),
    ]
    for token in near_misses:
        for suffix in ("", "cancel/", "erase/"):
            assert browser.get(f"/en/registrations/{token}/{suffix}").status == 404, token
    # Bob's token cancels Bob, never Alice.
    csrf = browser.csrf_token(f"/en/registrations/{token_b}/cancel/")  # the "are you sure?" page
    assert "Your seat is confirmed." in browser.get(f"/en/registrations/{token_b}/").body
    response = browser.post(f"/en/registrations/{token_b}/cancel/", {"csrfmiddlewaretoken": csrf})
    assert response.status == 302
    assert "Your registration is cancelled." in browser.get(f"/en/registrations/{token_b}/").body
    page_a = browser.get(f"/en/registrations/{token_a}/")
    assert "Your seat is confirmed." in page_a.body
