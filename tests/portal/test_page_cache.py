"""The anonymous page cache (portal.pagecache) and conditional GET (portal.conditional)."""

import time
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.core.cache.backends import locmem
from django.test import Client
from django.urls import reverse
from django.utils import translation

from events.models import Registration
from portal import pagecache
from portal.models import NewsArticle
from portal.pagecache import HEADER
from tests.factories import (
    AgreementFactory,
    EventFactory,
    MeasureFactory,
    NewsArticleFactory,
    ProgressReportFactory,
    RegistrationFactory,
    SectorFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.PORTAL_PAGE_CACHE_SECONDS = 60
    with translation.override("en"):
        yield


def test_second_anonymous_visit_is_served_from_the_cache(client, django_assert_num_queries):
    NewsArticleFactory(title="First story")
    url = reverse("portal:news-list")
    first = client.get(url)
    assert first[HEADER] == "miss"
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second[HEADER] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert "Content-Security-Policy" in second  # middleware still adds the headers


def test_each_language_and_query_string_has_its_own_entry(client):
    EventFactory(title="Forum", title_ru="Форум")
    assert client.get("/en/events/")[HEADER] == "miss"
    assert client.get("/ru/events/")[HEADER] == "miss"
    assert "Форум" in client.get("/ru/events/").content.decode()
    assert "Форум" not in client.get("/en/events/").content.decode()
    assert client.get("/en/events/?when=past")[HEADER] == "miss"


def test_a_staff_save_shows_on_the_next_request(client, staff_client):
    article = NewsArticleFactory(title="Old title")
    url = article.get_absolute_url()
    client.get(url)
    assert client.get(url)[HEADER] == "hit"
    response = staff_client.post(
        reverse("admin:portal_newsarticle_change", args=[article.pk]),
        {
            "title_en": "New title", "slug": article.slug, "lead_en": article.lead,
            "body_en": article.body, "status": "published",
            "publish_at_0": article.publish_at.strftime("%Y-%m-%d"),
            "publish_at_1": article.publish_at.strftime("%H:%M:%S"),
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    fresh = client.get(url)
    assert HEADER not in fresh or fresh[HEADER] == "miss"
    assert "New title" in fresh.content.decode()


@pytest.mark.parametrize(
    "change",
    [
        lambda: NewsArticle.objects.update(title="x") or NewsArticleFactory(title="Added"),
        lambda: EventFactory(title="Added"),
        lambda: AgreementFactory(title="Added"),
    ],
)
def test_content_changes_make_cached_pages_stale(client, change):
    url = reverse("portal:home")
    client.get(url)
    assert client.get(url)[HEADER] == "hit"
    change()
    assert "Added" in client.get(url).content.decode()


def test_logged_in_staff_never_get_or_fill_the_cache(client, staff_client):
    article = NewsArticleFactory(title="Public", status=NewsArticle.Status.PUBLISHED)
    url = article.get_absolute_url()
    assert HEADER not in staff_client.get(url)
    assert HEADER not in staff_client.get(url)
    assert client.get(url)[HEADER] == "miss"


def test_pages_with_forms_or_personal_data_are_never_cached(client):
    event = EventFactory()
    urls = [
        reverse("events:register", args=[event.slug]),
        reverse("events:lost-link", args=[event.slug]),
    ]
    for url in urls:
        client.get(url)
        assert HEADER not in client.get(url)
    registration_url = client.post(
        urls[0],
        {"full_name": "A B", "email": "a@example.org", "organisation": "O", "position": "P",
         "consent": "on"},
    )  # fmt: skip
    assert registration_url.status_code == 302
    personal = Registration.objects.get().get_absolute_url()
    anonymous = Client()
    anonymous.get(personal)
    assert HEADER not in anonymous.get(personal)


def test_errors_are_not_cached(client):
    client.get("/en/news/no-such-article/")
    NewsArticleFactory(slug="no-such-article")
    assert client.get("/en/news/no-such-article/").status_code == 200


def test_seat_counts_are_never_staler_than_the_lifetime(client, settings, monkeypatch):
    settings.PORTAL_PAGE_CACHE_SECONDS = 60
    event = EventFactory(capacity=5)
    url = event.get_absolute_url()
    assert "5 seats left" in client.get(url).content.decode()
    RegistrationFactory(event=event)  # registrations do not invalidate: too frequent
    cached = client.get(url)
    assert cached[HEADER] == "hit" and "5 seats left" in cached.content.decode()
    # The clocks of the cache and of the worker's memory move on by the lifetime (plus a
    # moment) instead of the test waiting.
    started, started_monotonic, monotonic = time.time(), time.monotonic(), time.monotonic

    def later(seconds):
        monkeypatch.setattr(locmem, "time", SimpleNamespace(time=lambda: started + seconds))
        monkeypatch.setattr(time, "monotonic", lambda: started_monotonic + seconds)

    later(59)
    assert client.get(url)[HEADER] == "hit"  # still within the lifetime
    later(61)
    fresh = client.get(url)
    monkeypatch.setattr(time, "monotonic", monotonic)
    assert fresh[HEADER] == "miss" and "4 seats left" in fresh.content.decode()


# ---- conditional GET ----


@pytest.mark.parametrize(
    "url_name", ["portal:news-feed", "agreements:feed", "events:calendar", "event-calendar"]
)
def test_feeds_and_calendars_answer_conditional_requests(client, url_name):
    NewsArticleFactory()
    ProgressReportFactory(measure=MeasureFactory())
    event = EventFactory()
    if url_name == "event-calendar":
        url = reverse("events:event-calendar", args=[event.slug])
    else:
        url = reverse(url_name)
    first = client.get(url)
    assert first.status_code == 200
    etag, modified = first["ETag"], first["Last-Modified"]
    assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    assert client.get(url, headers={"if-modified-since": modified}).status_code == 304
    EventFactory()
    NewsArticleFactory()
    ProgressReportFactory(measure=MeasureFactory())
    event.save()
    changed = client.get(url, headers={"if-none-match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_sitemap_lists_public_events_in_every_language(client):
    event = EventFactory(slug="caspian-forum")
    EventFactory(slug="draft-forum", status="draft")
    assert "sitemap-events.xml" in client.get("/sitemap.xml").content.decode()
    xml = client.get("/sitemap-events.xml").content.decode()
    for language in ("en", "ru", "az"):
        assert f"http://testserver/{language}/events/{event.slug}/</loc>" in xml
        assert (
            f'hreflang="{language}" href="http://testserver/{language}/events/caspian-forum/"'
            in xml
        )
    assert "draft-forum" not in xml


def test_filter_choices_follow_a_staff_change(client):
    NewsArticleFactory(publish_at=datetime(2021, 12, 8, tzinfo=UTC))
    assert client.get("/en/news/").context["years"] == [2021]
    NewsArticleFactory(publish_at=datetime(2019, 5, 1, tzinfo=UTC))  # a save: new generation
    assert client.get("/en/news/").context["years"] == [2021, 2019]


# ---- answered early, replayed faithfully, keyed by what the page understands ----


def test_a_hit_is_answered_before_sessions_auth_messages_history_and_axes(client, monkeypatch):
    NewsArticleFactory()
    url = reverse("portal:news-list")
    assert client.get(url)[HEADER] == "miss"
    from axes.middleware import AxesMiddleware
    from django.contrib.auth.middleware import AuthenticationMiddleware
    from django.contrib.sessions.middleware import SessionMiddleware
    from django.middleware.csrf import CsrfViewMiddleware

    from portal.django_layers import LazyMessageMiddleware as MessageMiddleware

    def not_reached(self, request, *args, **kwargs):
        raise AssertionError(f"{type(self).__name__} ran for a cache hit")

    for middleware in (SessionMiddleware, AuthenticationMiddleware, MessageMiddleware):
        monkeypatch.setattr(middleware, "process_request", not_reached)
    monkeypatch.setattr(CsrfViewMiddleware, "process_view", not_reached)
    monkeypatch.setattr(AxesMiddleware, "__call__", not_reached)
    hit = client.get(url)
    assert hit[HEADER] == "hit" and hit.status_code == 200
    assert hit["X-Request-ID"] and "Content-Security-Policy" in hit  # the outer middleware


def test_a_worker_answers_a_page_it_served_before_from_memory(client, monkeypatch):
    NewsArticleFactory()
    url = reverse("portal:news-list")
    assert client.get(url)[HEADER] == "miss"
    calls = []
    for name in ("get", "get_many", "set", "add"):
        monkeypatch.setattr(cache, name, lambda *args, name=name: calls.append(name))
    hit = client.get(url)
    assert hit[HEADER] == "hit" and calls == []  # no round trip to the cache at all


def test_a_page_another_worker_stored_is_shared_for_the_rest_of_its_lifetime(client):
    article = NewsArticleFactory(title="Shared story")
    url = reverse("portal:news-list")
    assert client.get(url)[HEADER] == "miss"
    pagecache._local_pages.clear()  # as in another worker, which has not served it
    NewsArticle.objects.filter(pk=article.pk).update(title="Changed without a save")
    shared = client.get(url)
    assert shared[HEADER] == "hit" and "Shared story" in shared.content.decode()
    [(key, entry)] = pagecache._local_pages._entries.items()
    assert entry[0] <= time.monotonic() + 60  # kept no longer than the stored page lives


def test_another_workers_change_shows_within_a_second(client, monkeypatch):
    article = NewsArticleFactory(title="Old title")
    url = article.get_absolute_url()
    assert client.get(url)[HEADER] == "miss"
    # Another worker process saves the article: the table and the generation change there.
    NewsArticle.objects.filter(pk=article.pk).update(title="New title")
    cache.set(pagecache.GENERATION_KEY, "another-workers-generation")
    assert "Old title" in client.get(url).content.decode()  # this worker has not asked yet
    later = time.monotonic() + pagecache.GENERATION_CHECK_SECONDS
    monkeypatch.setattr(time, "monotonic", lambda: later)
    fresh = client.get(url)
    assert fresh[HEADER] == "miss" and "New title" in fresh.content.decode()


def test_a_hit_replays_the_original_headers(client):
    NewsArticleFactory()
    for url in ("/sitemap.xml", "/sitemap-news.xml", reverse("portal:news-list")):
        first = client.get(url)
        assert first[HEADER] == "miss", url
        hit = client.get(url)
        assert hit[HEADER] == "hit", url
        per_request = {HEADER.lower(), "x-request-id", "content-security-policy"}
        original = {k.lower(): v for k, v in first.items() if k.lower() not in per_request}
        replayed = {k.lower(): v for k, v in hit.items() if k.lower() not in per_request}
        assert replayed == original, url
    # Django's sitemap views set these two; a hit used to drop them.
    sitemap = client.get("/sitemap-news.xml")
    assert sitemap[HEADER] == "hit"
    assert sitemap["X-Robots-Tag"] == "noindex, noodp, noarchive"
    assert "Last-Modified" in sitemap


def test_cached_pages_are_public_for_a_proxy_for_a_few_seconds(client):
    NewsArticleFactory()
    url = reverse("portal:news-list")
    for expected in ("miss", "hit"):
        response = client.get(url)
        assert response[HEADER] == expected
        assert response["Cache-Control"] == "public, max-age=10"
        assert "Cookie" in response["Vary"]


def test_junk_query_parameters_map_to_the_one_entry(client, django_assert_num_queries):
    NewsArticleFactory(title="Only story")
    url = reverse("portal:news-list")
    assert client.get(url)[HEADER] == "miss"
    for junk in ("?utm_source=mail", "?utm_source=x&fbclid=1", "?a=1&b=2&c=3", "?q=nothing"):
        with django_assert_num_queries(0):
            response = client.get(url + junk)
        assert response[HEADER] == "hit", junk
    # Parameters the page understands make their own entries, in any order.
    sector = SectorFactory(slug="trade")
    NewsArticleFactory(sectors=[sector])
    assert client.get(url + "?sector=trade&page=1")[HEADER] == "miss"
    assert client.get(url + "?page=1&sector=trade")[HEADER] == "hit"
    assert client.get(url + "?page=1&utm=1&sector=trade")[HEADER] == "hit"


def test_junk_values_and_junk_names_are_never_stored(client):
    NewsArticleFactory()
    url = reverse("portal:news-list")
    from django.core.cache import cache

    def entries() -> int:
        return sum(1 for key in cache._cache if ":portal:page:" in key)

    before = entries()
    for query in (
        "?utm_source=mail",  # a name the page does not understand (the page's links keep it)
        "?sector=no-such-sector",  # ignored by the filter
        "?year=abcd",
        "?page=99999",  # shows the last page
        "?page=1&page=2",
    ):
        response = client.get(url + query)
        assert response.status_code == 200 and HEADER not in response, query
        assert "public" not in response.get("Cache-Control", ""), query
    assert entries() == before
    client.get(url)
    assert entries() == before + 1


def test_what_a_hit_remembers_of_a_request_is_bounded_and_never_passes_a_bad_host(
    client, monkeypatch
):
    """The URL's resolution, host check and key are remembered per path, query string and
    host headers (pagecache._page_and_key), so junk URLs are bounded and another Host
    header is checked again."""
    NewsArticleFactory()
    url = reverse("portal:news-list")
    monkeypatch.setattr(pagecache, "MAX_LOOKUPS", 3)
    for number in range(10):
        client.get(f"{url}?utm_source={number}")
        assert len(pagecache._lookups) <= 3
    assert client.get(url)[HEADER] == "miss" and client.get(url)[HEADER] == "hit"
    assert client.get(url, headers={"host": "evil.example"}).status_code == 400
    assert client.get(url + "?q=%00").status_code == 400
    assert client.get(url + "?q=%00").status_code == 400  # the same answer when remembered


def test_private_pages_are_never_cached_or_public(client):
    event = EventFactory()
    registration = RegistrationFactory(event=event)
    urls = [
        reverse("events:register", args=[event.slug]),  # a form with a CSRF token
        reverse("events:lost-link", args=[event.slug]),
        registration.get_absolute_url(),  # personal data
        reverse("admin:login"),
    ]
    for url in urls:
        for _ in range(2):
            response = client.get(url)
            assert response.status_code == 200, url
            assert HEADER not in response, url
            assert "public" not in response.get("Cache-Control", ""), url
            assert (
                "private" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
            ), url


def test_a_page_whose_view_uses_a_csrf_token_is_not_stored(client, rf):
    from django.http import HttpResponse
    from django.middleware.csrf import get_token

    from portal.pagecache import PageCacheMiddleware, cache_public_page

    def view(request):
        return HttpResponse(f"<input value='{get_token(request)}'>")

    wrapped = cache_public_page(view)
    request = rf.get("/en/")
    response = PageCacheMiddleware(lambda request: wrapped(request))
    from unittest import mock

    with mock.patch("portal.pagecache._cached_page", return_value=(wrapped.cached_page, "en")):
        first = response(request)
    assert HEADER not in first and "public" not in first.get("Cache-Control", "")
