"""Requests no view should see: control characters, methods the site does not use, bad Host
headers. Whatever a visitor or a scanner sends, the answer is a 4xx, never a 500."""

import logging
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import pytest
from django.contrib import admin
from django.core import mail
from django.db import DataError, connection
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from portal.models import Page
from tests import test_query_counts
from tests.factories import EventFactory, NewsArticleFactory, RegistrationFactory

pytestmark = pytest.mark.django_db
# Every public page, with its query parameters, as the query-count test knows them.
PAGES = test_query_counts.PAGES
world = test_query_counts.world  # the fixture with the data those pages show

# NUL, other C0 controls, DEL and a C1 control (NEL).
CONTROL_CHARACTERS = ["\x00", "\x01", "\x08", "\x1b", "\x7f", "\x85"]


def with_control_characters(url: str, char: str) -> list[str]:
    """The URL with `char` in each query parameter's value in turn, in a key, in an added
    parameter and in the path."""
    parts = urlsplit(url)
    params = parse_qsl(parts.query, keep_blank_values=True)
    variants = [
        f"{parts.path}?{urlencode(params[:i] + [(key, value + char)] + params[i + 1 :])}"
        for i, (key, value) in enumerate(params)
    ]
    variants.append(f"{parts.path}?{urlencode([*params, ('q', f'a{char}b')])}")
    variants.append(f"{parts.path}?{urlencode([*params, (f'k{char}', '1')])}")
    variants.append(f"{parts.path.rstrip('/')}{quote(char)}/")
    return variants


def assert_rejected(client, url: str, data=None) -> None:
    response = client.post(url, data) if data is not None else client.get(url)
    assert response.status_code == 400, (url, data, response.status_code)


@pytest.mark.parametrize("name", list(PAGES))
def test_control_characters_in_any_public_url_are_a_400(client, world, name):
    with translation.override("en"):
        url = PAGES[name](world)
    assert client.get(url).status_code == 200, url  # the clean URL works
    for char in CONTROL_CHARACTERS:
        for variant in with_control_characters(url, char):
            assert_rejected(client, variant)


def test_a_nul_in_the_registrant_path_is_a_400(client):
    for url in (
        "/en/registrations/%00/",
        "/en/registrations/%00/cancel/",
        "/ru/registrations/a%01/",
    ):
        assert_rejected(client, url)


def test_the_400_page_is_the_sites_page_in_the_visitors_language(client):
    NewsArticleFactory()
    response = client.get("/ru/agreements/?q=%00")
    assert response.status_code == 400
    html = response.content.decode()
    assert '<html lang="ru">' in html and "Неверный запрос" in html
    assert 'class="site-header"' in html  # base.html
    assert "\x00" not in html
    assert "default-src 'none'" in response["Content-Security-Policy"]
    az = client.get("/az/agreements/agreements.csv?q=%00")
    assert az.status_code == 400 and "Yanlış sorğu" in az.content.decode()


def registration_form_data(**overrides) -> dict:
    return {
        "full_name": "Ann Caspian",
        "email": "ann@example.org",
        "organisation": "Port LLC",
        "position": "Director",
        "phone": "+7 900 123-45-67",
        "consent": "on",
        **overrides,
    }


@pytest.mark.parametrize("char", CONTROL_CHARACTERS, ids=repr)
def test_control_characters_in_any_public_form_field_are_a_400(client, char):
    event = EventFactory()
    registration = RegistrationFactory(event=event)
    register = reverse("events:register", args=[event.slug])
    for field in registration_form_data():
        data = registration_form_data(**{field: f"x{char}y"})
        assert_rejected(client, register, data)
        assert_rejected(client, register, {**registration_form_data(), f"{field}{char}": "x"})
    lost_link = reverse("events:lost-link", args=[event.slug])
    assert_rejected(client, lost_link, {"email": f"ann{char}@example.org"})
    for action in ("cancel", "erase"):
        url = reverse(f"registrations:{action}", args=[registration.token])
        assert_rejected(client, url, {"confirm": char})
    assert not event.registrations.exclude(pk=registration.pk).exists()
    registration.refresh_from_db()
    assert registration.is_active and not registration.is_anonymised


def test_tabs_and_line_breaks_in_forms_are_left_to_the_form(client, staff_client):
    event = EventFactory()
    response = client.post(
        f"/en/events/{event.slug}/register/",
        registration_form_data(organisation="Port\tLLC", position="Director\r\nof ports"),
    )
    assert response.status_code == 200  # the form explains: names are one line
    assert "Please keep this on one line, without line breaks or tabs." in response.content.decode()
    text = "One.\r\n\r\nTwo.\tTabbed."
    response = staff_client.post(
        reverse("admin:portal_page_add"), {"slug": "lines", "title_en": "Lines", "body_en": text}
    )
    assert response.status_code == 302
    assert Page.objects.get(slug="lines").body_en == text


@pytest.mark.parametrize("char", ["\x00", "\x1b"], ids=repr)
def test_control_characters_on_the_check_in_page_are_a_400(staff_client, char):
    event = EventFactory()
    person = RegistrationFactory(event=event)
    check_in = reverse("events:check-in", args=[event.slug])
    assert staff_client.get(check_in).status_code == 200
    assert_rejected(staff_client, f"{check_in}?q=a{char}")
    assert_rejected(staff_client, check_in, {"q": f"a{char}"})
    toggle = reverse("events:check-in-toggle", args=[event.slug, person.pk])
    assert_rejected(staff_client, toggle, {"action": f"in{char}"})
    walk_in = reverse("events:walk-in", args=[event.slug])
    assert_rejected(staff_client, walk_in, {"full_name": f"Walk{char}Inn"})
    counts = reverse("events:check-in-counts", args=[event.slug])
    assert_rejected(staff_client, f"{counts}?q={char}")
    person.refresh_from_db()
    assert person.checked_in_at is None and event.registrations.count() == 1


def admin_changelists(user):
    """(url, query parameters) of every admin list: search, ordering, page, every filter."""
    factory = RequestFactory()
    for model, model_admin in admin.site._registry.items():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        request = factory.get(url)
        request.user = user
        changelist = model_admin.get_changelist_instance(request)
        params = {"q", "o", "p"}
        for spec in changelist.filter_specs:
            params.update(spec.expected_parameters())
        if model_admin.date_hierarchy:
            params.update(f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month"))
        yield url, sorted(params)


def test_control_characters_in_admin_lists_filters_and_search_are_a_400(
    staff_client, django_user_model
):
    RegistrationFactory()
    lists = list(admin_changelists(django_user_model.objects.get(username="staff")))
    assert len(lists) >= 10
    for url, params in lists:
        assert staff_client.get(url).status_code == 200, url
        for param in params:
            for char in ("\x00", "\x1f"):
                assert_rejected(staff_client, f"{url}?{urlencode({param: f'1{char}'})}")


def test_control_characters_in_admin_forms_are_a_400(staff_client):
    article = NewsArticleFactory(title="Clean title")
    change = reverse("admin:portal_newsarticle_change", args=[article.pk])
    assert_rejected(staff_client, change, {"title": "Evil\x00title"})
    assert_rejected(Client(), reverse("admin:login"), {"username": "a\x00", "password": "x"})
    article.refresh_from_db()
    assert article.title == "Clean title"


@pytest.mark.postgres
def test_without_the_middleware_a_nul_byte_reaches_postgresql(client, settings):
    """The negative control: what the middleware prevents (a 500 on PostgreSQL)."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite stores NUL bytes")
    settings.MIDDLEWARE = [
        name
        for name in settings.MIDDLEWARE
        if not name.endswith("RejectControlCharactersMiddleware")
    ]
    with pytest.raises(DataError, match="cannot contain NUL"):
        client.get("/en/registrations/%00/")


# ---- methods ----

URL_KINDS = {
    "health check": lambda: "/healthz",
    "robots.txt": lambda: "/robots.txt",
    "sitemap index": lambda: "/sitemap.xml",
    "sitemap section": lambda: "/sitemap-news.xml",
    "news feed": lambda: reverse("portal:news-feed"),
    "agreements feed": lambda: reverse("agreements:feed"),
    "calendar": lambda: reverse("events:calendar"),
    "event calendar": lambda: reverse("events:event-calendar", args=[EventFactory().slug]),
    "home page": lambda: reverse("portal:home"),
    "article": lambda: NewsArticleFactory().get_absolute_url(),
    "registration form": lambda: reverse("events:register", args=[EventFactory().slug]),
    "open data": lambda: reverse("agreements:export-csv"),
    "registrant page": lambda: RegistrationFactory().get_absolute_url(),
    "admin": lambda: "/admin/",
    "admin login": lambda: reverse("admin:login"),
    "static file": lambda: "/static/css/portal.css",
    "language redirect": lambda: "/",
    "unknown page": lambda: "/en/no-such-page/",
}


@pytest.mark.parametrize("kind", list(URL_KINDS))
def test_trace_and_other_unused_methods_are_405_everywhere(client, staff_client, kind):
    with translation.override("en"):
        url = URL_KINDS[kind]()
    for method in ("TRACE", "PUT", "PATCH", "DELETE", "OPTIONS", "PROPFIND", "CONNECT"):
        for browser in (client, staff_client):
            response = browser.generic(method, url)
            assert response.status_code == 405, (method, url)
            assert response["Allow"] == "GET, HEAD, POST"
            assert response.content == b""
    assert client.head(url).status_code != 405  # GET's twin stays


# ---- Host header ----


@pytest.fixture
def disallowed_host_records():
    """Records of the DisallowedHost logger, as its configured handlers receive them."""
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = logging.getLogger("django.security.DisallowedHost")
    logger.addHandler(handler)
    yield records
    logger.removeHandler(handler)


def test_a_bad_host_is_a_warning_and_no_email_to_the_admins(settings, disallowed_host_records):
    settings.ADMINS = ["ops@example.org"]
    assert not settings.DEBUG
    for host in ("evil.example.org", "localhost:8000@evil", "x" * 300):
        response = Client().get("/en/", headers={"host": host})
        assert response.status_code == 400
        assert "Bad request" in response.content.decode()  # the bare fallback page
    assert [record.levelname for record in disallowed_host_records] == ["WARNING"] * 3
    assert "evil.example.org" in disallowed_host_records[0].getMessage()
    assert all(record.exc_info is None for record in disallowed_host_records)
    assert mail.outbox == []


def test_a_row_id_is_ascii_digits_that_fit_a_key():
    from portal.lists import is_database_id

    assert is_database_id("42") and is_database_id(7) and is_database_id("9" * 18)
    for junk in ("", "x", "-1", "²", "٣", "4 2", "9" * 19, None):
        assert not is_database_id(junk), junk
