"""Outside checks against the real production-mode server (`make serve` on a loopback port),
talking plain HTTP the way a scanner behind the reverse proxy would:

- security headers graded by Mozilla HTTP Observatory's rules (must be A+);
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


# ---- Mozilla HTTP Observatory rules ----------------------------------------------------------

GRADES = [
    (100, "A+"), (90, "A"), (85, "A-"), (80, "B+"), (70, "B"), (65, "B-"), (60, "C+"),
    (50, "C"), (45, "C-"), (40, "D+"), (30, "D"), (25, "D-"), (0, "F"),
]  # fmt: skip
PRIVATE_REFERRER = {
    "no-referrer",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
}


def parse_csp(header: str) -> dict[str, list[str]]:
    policy = {}
    for directive in filter(None, (part.strip() for part in header.split(";"))):
        name, *values = directive.split()
        policy[name.lower()] = values
    return policy


def observatory(page: Response, redirect: Response, cookie_headers: list[str]) -> dict:
    """Score one site by the Observatory's tests; returns {test: (result, modifier)}."""
    results = {}
    csp_header = page.header("Content-Security-Policy")
    if not csp_header:
        results["content-security-policy"] = ("csp-not-implemented", -25)
    else:
        csp = parse_csp(csp_header)
        scripts = csp.get("script-src", csp.get("default-src", []))
        styles = csp.get("style-src", csp.get("default-src", []))
        if "'unsafe-inline'" in scripts or any(s in scripts for s in ("http:", "*", "https:")):
            results["content-security-policy"] = ("csp-implemented-with-unsafe-inline", -20)
        elif "'unsafe-eval'" in scripts:
            results["content-security-policy"] = ("csp-implemented-with-unsafe-eval", -10)
        elif "'unsafe-inline'" in styles:
            results["content-security-policy"] = ("csp-implemented-with-unsafe-inline-in-style", 0)
        elif csp.get("default-src") == ["'none'"]:
            result = "csp-implemented-with-no-unsafe-default-src-none"
            results["content-security-policy"] = (result, 10)
        else:
            results["content-security-policy"] = ("csp-implemented-with-no-unsafe", 5)

    cookies = [SimpleCookie(header) for header in cookie_headers]
    morsels = [(name, morsel) for cookie in cookies for name, morsel in cookie.items()]
    if not morsels:
        results["cookies"] = ("cookies-not-found", 0)
    elif not all(morsel["secure"] for _, morsel in morsels):
        results["cookies"] = ("cookies-without-secure-flag", -20)
    elif not all(morsel["httponly"] for name, morsel in morsels if "session" in name):
        results["cookies"] = ("cookies-session-without-httponly-flag", -30)
    elif all(morsel["samesite"] for _, morsel in morsels):
        results["cookies"] = ("cookies-secure-with-httponly-sessionid-and-samesite", 5)
    else:
        results["cookies"] = ("cookies-secure-with-httponly-sessionid", 0)

    acao = page.header("Access-Control-Allow-Origin")
    results["cross-origin-resource-sharing"] = (
        ("cross-origin-resource-sharing-implemented-with-universal-access", -50)
        if acao == "*"
        else ("cross-origin-resource-sharing-not-implemented", 0)
    )

    location = redirect.header("Location") or ""
    results["redirection"] = (
        ("redirection-to-https", 0)
        if redirect.status in (301, 302, 307, 308) and location.startswith("https://localhost")
        else ("redirection-not-to-https", -20)
    )

    referrer = {v.strip() for v in (page.header("Referrer-Policy") or "").split(",") if v}
    results["referrer-policy"] = (
        ("referrer-policy-private", 5)
        if referrer and referrer <= PRIVATE_REFERRER
        else ("referrer-policy-not-implemented", 0)
        if not referrer
        else ("referrer-policy-unsafe", -5)
    )

    hsts = page.header("Strict-Transport-Security") or ""
    max_age = re.search(r"max-age=(\d+)", hsts)
    if not max_age:
        results["strict-transport-security"] = ("hsts-not-implemented", -20)
    elif int(max_age.group(1)) < 15_552_000:  # six months
        results["strict-transport-security"] = ("hsts-max-age-less-than-six-months", -10)
    else:
        results["strict-transport-security"] = ("hsts-implemented-max-age-at-least-six-months", 0)

    external = [
        src
        for src in re.findall(r"<script[^>]+src=\"([^\"]+)\"", page.body)
        if src.startswith(("http:", "https:", "//"))
    ]
    results["subresource-integrity"] = (
        ("sri-not-implemented-but-all-scripts-loaded-from-secure-origin", 0)
        if not external
        else ("sri-not-implemented-and-external-scripts-not-loaded-securely", -50)
    )

    results["x-content-type-options"] = (
        ("x-content-type-options-nosniff", 0)
        if (page.header("X-Content-Type-Options") or "").lower() == "nosniff"
        else ("x-content-type-options-not-implemented", -5)
    )

    frame_ancestors = parse_csp(csp_header or "").get("frame-ancestors")
    xfo = (page.header("X-Frame-Options") or "").upper()
    if frame_ancestors in (["'none'"], ["'self'"]):
        results["x-frame-options"] = ("x-frame-options-implemented-via-csp", 5)
    elif xfo in ("DENY", "SAMEORIGIN"):
        results["x-frame-options"] = ("x-frame-options-sameorigin-or-deny", 0)
    else:
        results["x-frame-options"] = ("x-frame-options-not-implemented", -20)

    corp = page.header("Cross-Origin-Resource-Policy")
    results["cross-origin-resource-policy"] = (
        ("corp-implemented-with-same-origin", 0)
        if corp in ("same-origin", "same-site")
        else ("corp-not-implemented", 0)
    )
    return results


def grade(results: dict) -> tuple[int, str]:
    score = 100 + sum(modifier for _, modifier in results.values() if modifier < 0)
    if score >= 90:  # extra credit only for sites that pass the basics
        score += sum(modifier for _, modifier in results.values() if modifier > 0)
    return score, next(letter for floor, letter in GRADES if score >= floor)


def test_security_headers_grade_a_plus_by_the_observatory_rules(site):
    browser = Browser(site["port"])
    page = browser.get("/en/", headers={"Origin": "https://evil.example.org"})
    assert page.status == 200
    redirect = browser.get("/en/", https=False)
    # Cookies: the CSRF cookie (login page) and the session cookie (after registering).
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
    names = {name for header in browser.set_cookie_headers for name in SimpleCookie(header)}
    assert names == {"__Host-csrftoken", "__Host-sessionid"}
    for header in browser.set_cookie_headers:
        assert "; Secure" in header and "; HttpOnly" in header and "Path=/" in header
        assert "Domain=" not in header

    results = observatory(page, redirect, browser.set_cookie_headers)
    failures = {test: result for test, result in results.items() if result[1] < 0}
    assert failures == {}
    assert results["content-security-policy"][0] == (
        "csp-implemented-with-no-unsafe-default-src-none"
    )
    assert results["cookies"][0] == "cookies-secure-with-httponly-sessionid-and-samesite"
    assert results["x-frame-options"][0] == "x-frame-options-implemented-via-csp"
    assert page.header("X-Frame-Options") == "DENY"
    assert results["referrer-policy"][0] == "referrer-policy-private"
    assert results["cross-origin-resource-policy"][0] == "corp-implemented-with-same-origin"
    assert page.header("Access-Control-Allow-Origin") is None
    assert browser.get("/crossdomain.xml").status == 404
    score, letter = grade(results)
    assert (score, letter) == (125, "A+")


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
    if response.status == 302:
        response = browser.follow(response)
    assert response.status == 200
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
    ]
    search = browser.get("/en/search/?" + urlencode({"q": payload}))
    if search.status != 404:  # the site search, where it exists
        paths.append("/en/search/?" + urlencode({"q": payload}))
    for path in paths:
        response = browser.get(path)
        assert response.status in (200, 404), path
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
        for suffix in ("", "erase/"):
            assert browser.get(f"/en/registrations/{token}/{suffix}").status == 404, token
    # Bob's token cancels Bob, never Alice.
    csrf = browser.csrf_token(f"/en/registrations/{token_b}/")
    response = browser.post(f"/en/registrations/{token_b}/cancel/", {"csrfmiddlewaretoken": csrf})
    assert response.status == 302
    assert "Your registration is cancelled." in browser.get(f"/en/registrations/{token_b}/").body
    page_a = browser.get(f"/en/registrations/{token_a}/")
    assert "Your seat is confirmed." in page_a.body
