"""The anonymous page cache (portal.pagecache) and conditional GET (portal.conditional)."""

import time
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from django.core.cache.backends import locmem
from django.test import Client
from django.urls import reverse
from django.utils import translation

from events.models import Registration
from portal.models import NewsArticle
from portal.pagecache import HEADER
from tests.factories import (
    AgreementFactory,
    EventFactory,
    MeasureFactory,
    NewsArticleFactory,
    ProgressReportFactory,
    RegistrationFactory,
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
    # The cache's clock moves on by the lifetime (plus a moment) instead of the test waiting.
    started = time.time()
    monkeypatch.setattr(locmem, "time", SimpleNamespace(time=lambda: started + 59))
    assert client.get(url)[HEADER] == "hit"  # still within the lifetime
    monkeypatch.setattr(locmem, "time", SimpleNamespace(time=lambda: started + 61))
    fresh = client.get(url)
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
