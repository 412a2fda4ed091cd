"""Production configuration: headers, cookies, check --deploy, admin lock-out, error page."""

import datetime
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import NewsArticleFactory

pytestmark = pytest.mark.django_db
BASE_DIR = Path(__file__).resolve().parents[2]
PASSWORD = "a-long-enough-password-2024"


def assert_security_headers(response, *, hsts=True):
    headers = response.headers
    if hsts:
        assert headers["Strict-Transport-Security"] == (
            "max-age=31536000; includeSubDomains; preload"
        )
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert len(headers["X-Request-ID"]) == 32


def csp_directives(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def assert_strict_csp(response):
    csp = csp_directives(response)
    assert csp["default-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["base-uri"] == ["'self'"]
    for directive in ("script-src", "style-src"):
        assert csp[directive][0] == "'self'"
        assert all(v == "'self'" or v.startswith("'nonce-") for v in csp[directive]), csp
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_public_page_headers(client):
    article = NewsArticleFactory()
    response = client.get(article.get_absolute_url(), secure=True)
    assert response.status_code == 200
    assert_security_headers(response)
    assert_strict_csp(response)
    assert "Set-Cookie" not in response.headers  # anonymous visitors get no cookies


def test_the_csp_nonce_in_the_header_is_the_one_in_the_page(staff_client):
    # The admin login page loads its form media with {% csp_nonce_attr %}.
    response = Client().get(reverse("admin:login"), secure=True)
    nonces = [v for v in csp_directives(response)["script-src"] if v.startswith("'nonce-")]
    html = response.content.decode()
    assert len(nonces) == 1, nonces
    assert f'nonce="{nonces[0][7:-1]}"' in html
    other = Client().get(reverse("admin:login"), secure=True)
    assert csp_directives(other)["script-src"] != csp_directives(response)["script-src"]


def test_admin_headers(staff_client):
    response = staff_client.get(reverse("admin:index"), secure=True)
    assert response.status_code == 200
    assert_security_headers(response)
    assert_strict_csp(response)
    assert "no-store" in response.headers["Cache-Control"]


def test_admin_login_cookies_are_host_prefixed_secure_and_http_only():
    browser = Client()
    response = browser.get(reverse("admin:login"), secure=True)
    csrf = response.cookies["__Host-csrftoken"]
    assert csrf["secure"] and csrf["httponly"] and csrf["path"] == "/"
    assert not csrf["domain"]  # the __Host- prefix requires no Domain attribute
    assert csrf["samesite"] == "Lax"


def test_staff_session_cookie_and_expiry(django_user_model):
    django_user_model.objects.create_superuser("editor", "e@example.org", PASSWORD)
    browser = Client()
    response = browser.post(
        reverse("admin:login"), {"username": "editor", "password": PASSWORD}, secure=True
    )
    assert response.status_code == 302
    session_cookie = response.cookies["__Host-sessionid"]
    assert session_cookie["secure"] and session_cookie["httponly"]
    assert session_cookie["path"] == "/" and not session_cookie["domain"]
    assert not session_cookie["max-age"]  # ends when the browser closes...
    session = Session.objects.get(session_key=session_cookie.value)
    expected = timezone.now() + datetime.timedelta(hours=8)  # ...or after 8 hours at most
    assert abs(session.expire_date - expected) < datetime.timedelta(minutes=1)


def test_plain_http_is_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/en/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/en/"


def test_behind_a_proxy_the_forwarded_scheme_counts(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    response = client.get("/en/", headers={"x-forwarded-proto": "https"})
    assert response.status_code == 200
    assert "Strict-Transport-Security" in response.headers
    assert client.get("/en/", headers={"x-forwarded-proto": "http"}).status_code == 301


def run_manage(*args, **env):
    """manage.py in a fresh process with production settings and nothing else inherited."""
    clean_env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        **env,
    }
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=clean_env,
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def production_env(tmp_path, **overrides):
    env = {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "portal.example.org",
        "EMAIL_HOST": "smtp.example.org",
        "PORTAL_BASE_URL": "https://portal.example.org",
        "DJANGO_DEFAULT_FROM_EMAIL": "portal@example.org",
        "PORTAL_VAR_DIR": str(tmp_path),
        **overrides,
    }
    return {key: value for key, value in env.items() if value is not None}


def test_check_deploy_reports_nothing_under_production_settings(tmp_path):
    result = run_manage("check", "--deploy", "--fail-level", "DEBUG", **production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_would_notice_a_missing_smtp_server(tmp_path):
    # Proof that the check above really runs the deployment checks.
    result = run_manage("check", "--deploy", **production_env(tmp_path, EMAIL_HOST=None))
    assert result.returncode != 0
    assert "mail.E001" in result.stderr


def test_without_a_secret_key_production_settings_refuse_to_start(tmp_path):
    result = run_manage("check", PORTAL_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("PORTAL_BASE_URL", "PORTAL_BASE_URL must be set when DJANGO_DEBUG is off"),
        ("DJANGO_DEFAULT_FROM_EMAIL", "DJANGO_DEFAULT_FROM_EMAIL must be set when DJANGO_DEBUG"),
    ],
)
def test_production_settings_refuse_to_start_without_base_url_or_sender(tmp_path, missing, message):
    for value in (None, ""):
        result = run_manage("check", **production_env(tmp_path, **{missing: value}))
        assert result.returncode != 0
        assert f"ImproperlyConfigured: {message}" in result.stderr
    # Everything else was fine: with the setting, the same start-up succeeds.
    assert run_manage("check", **production_env(tmp_path)).returncode == 0


def test_the_base_url_must_be_an_address(tmp_path):
    result = run_manage("check", **production_env(tmp_path, PORTAL_BASE_URL="portal.example.org"))
    assert result.returncode != 0
    assert "PORTAL_BASE_URL must start with https://" in result.stderr


def test_the_prepare_threshold_is_a_number_or_off(tmp_path):
    database = {"DATABASE_URL": "postgres://portal@127.0.0.1:5432/portal"}
    script = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])"
    result = run_manage("check", **production_env(tmp_path, DATABASE_PREPARE_THRESHOLD="many"))
    assert result.returncode == 0  # without PostgreSQL the setting is not read
    result = run_manage(
        "check", **production_env(tmp_path, **database, DATABASE_PREPARE_THRESHOLD="many")
    )
    assert result.returncode != 0
    assert "DATABASE_PREPARE_THRESHOLD must be a number of executions (e.g. 5) or off" in (
        result.stderr
    )
    for value, options in (("off", "{}"), ("2", "{'prepare_threshold': 2}")):
        env = production_env(tmp_path, **database, DATABASE_PREPARE_THRESHOLD=value)
        assert run_manage("shell", "-c", script, **env).stdout.splitlines()[-1] == options


def test_debug_keeps_the_local_defaults_and_production_uses_what_it_is_given(tmp_path):
    script = (
        "from django.conf import settings;"
        "print(settings.PORTAL_BASE_URL, settings.DEFAULT_FROM_EMAIL, settings.SERVER_EMAIL)"
    )
    debug = run_manage("shell", "-c", script, DJANGO_DEBUG="1", PORTAL_VAR_DIR=str(tmp_path))
    assert debug.stdout.splitlines()[-1].split() == [
        "http://localhost:8000",
        "portal@localhost",
        "portal@localhost",
    ]
    production = run_manage("shell", "-c", script, **production_env(tmp_path))
    assert production.stdout.splitlines()[-1].split() == [
        "https://portal.example.org", "portal@example.org", "portal@example.org"
    ]  # fmt: skip


def test_in_debug_the_policy_only_reports_so_that_debug_pages_stay_readable(tmp_path):
    script = (
        "from django.conf import settings;"
        "print(bool(settings.SECURE_CSP), *settings.SECURE_CSP_REPORT_ONLY['default-src'],"
        " settings.SESSION_COOKIE_NAME)"
    )
    result = run_manage("shell", "-c", script, DJANGO_DEBUG="1", PORTAL_VAR_DIR=str(tmp_path))
    assert result.stdout.strip().splitlines()[-1] == "False 'none' sessionid", result.stderr


# --- Admin login brute force (django-axes) --------------------------------------------------


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_superuser("editor", "e@example.org", PASSWORD)


def login(browser, username, password, *, address="203.0.113.5", language="en"):
    return browser.post(
        reverse("admin:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        headers={"accept-language": language},
    )


def test_five_failures_lock_the_username_from_that_address(editor):
    browser = Client()
    for _attempt in range(4):
        response = login(browser, "editor", "wrong password")
        assert response.status_code == 200  # the login form again, with its error
    locked = login(browser, "editor", "wrong password")
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "Login temporarily blocked" in html
    assert "after 5 failed attempts" in html and "30 minutes" in html
    assert_strict_csp(locked)
    # Even the right password does not get in while locked...
    assert login(browser, "editor", PASSWORD).status_code == 429
    # ...but the same user from another address, and another user here, still can.
    assert login(Client(), "editor", PASSWORD, address="198.51.100.7").status_code == 302


def test_lock_out_only_concerns_that_username(editor, django_user_model):
    django_user_model.objects.create_superuser("other", "o@example.org", PASSWORD)
    for _attempt in range(5):
        login(Client(), "editor", "wrong password")
    assert login(Client(), "other", PASSWORD).status_code == 302


def test_lock_out_message_is_translated(editor):
    for _attempt in range(4):
        login(Client(), "editor", "wrong", language="ru")
    html = login(Client(), "editor", "wrong", language="ru").content.decode()
    assert "Вход временно заблокирован" in html
    html = login(Client(), "editor", "wrong", language="az").content.decode()
    assert "Giriş müvəqqəti bloklanıb" in html


def test_lock_out_ends_after_the_cool_off(editor, settings):
    settings.AXES_COOLOFF_TIME = datetime.timedelta(seconds=0)
    for _attempt in range(5):
        login(Client(), "editor", "wrong")
    assert login(Client(), "editor", PASSWORD).status_code == 302


def test_behind_a_proxy_the_address_is_the_one_the_proxy_added(editor, settings):
    settings.BEHIND_PROXY = True
    for _attempt in range(5):
        Client().post(
            reverse("admin:login"),
            {"username": "editor", "password": "wrong"},
            REMOTE_ADDR="127.0.0.1",
            headers={"x-forwarded-for": "1.2.3.4, 203.0.113.9"},  # first entry forged
        )
    # A forged first entry does not escape the lock: the address is the proxy's last entry.
    forged = Client().post(
        reverse("admin:login"),
        {"username": "editor", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        headers={"x-forwarded-for": "8.8.8.8, 203.0.113.9"},
    )
    assert forged.status_code == 429
    elsewhere = Client().post(
        reverse("admin:login"),
        {"username": "editor", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        headers={"x-forwarded-for": "203.0.113.10"},
    )
    assert elsewhere.status_code == 302


def test_force_login_still_works_for_tests(staff_client):
    assert staff_client.get(reverse("admin:index")).status_code == 200


# --- Error page ------------------------------------------------------------------------------


@pytest.mark.urls("tests.portal.error_urls")
@pytest.mark.parametrize(
    "language, heading", [("en", "Something went wrong"), ("ru", "Что-то пошло не так")]
)
def test_server_error_page_is_generic(language, heading):
    response = Client(raise_request_exception=False).get(
        "/broken/", headers={"accept-language": language}, secure=True
    )
    assert response.status_code == 500
    html = response.content.decode()
    assert heading in html
    for leak in ("Traceback", "ZeroDivisionError", "secret detail", "broken_view"):
        assert leak not in html
    assert_security_headers(response)


@pytest.mark.urls("tests.portal.error_urls")
def test_the_error_page_survives_a_missing_static_manifest(settings, tmp_path):
    # 500.html links its CSS with {% static %}: without collectstatic that fails too.
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    response = Client(raise_request_exception=False).get(
        "/broken/", headers={"accept-language": "az"}, secure=True
    )
    assert response.status_code == 500
    html = response.content.decode()
    assert "Nə isə səhv getdi" in html
    assert "Traceback" not in html and "manifest" not in html


@pytest.mark.urls("tests.portal.error_urls")
def test_server_errors_are_mailed_to_admins_when_configured(settings):
    settings.ADMINS = ["ops@example.org"]
    response = Client(raise_request_exception=False).get("/broken/", secure=True)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ops@example.org"]
    assert "/broken/" in message.subject
    assert "ZeroDivisionError" in message.body  # the details go to the admins only
    assert response.headers["X-Request-ID"]
