"""Redis outages degrade the cache instead of failing pages (portal.cache.ResilientRedisCache)."""

import logging
import socket
import time
import uuid

import pytest
import redis
from django.core.cache import caches
from django.test import Client

from portal.cache import ResilientRedisCache
from portal.models import NewsArticle, SiteProfile
from portal.pagecache import GENERATION_CHECK_SECONDS
from tests.factories import NewsArticleFactory
from tests.needs import unavailable

# Database 5: the tests' own, never the site's (0) or the benchmark's (15).
REAL_REDIS = "redis://127.0.0.1:6379/5"


def closed_port() -> int:
    """A local port nobody listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_cache(location: str) -> ResilientRedisCache:
    return ResilientRedisCache(location, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})


@pytest.fixture
def real_redis():
    try:
        redis.Redis.from_url(REAL_REDIS, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        unavailable("Redis is not running on 127.0.0.1:6379", flag="PORTAL_REQUIRE_REDIS")
    cache = redis_cache(REAL_REDIS)
    yield cache
    cache.delete_many(["key", "counter", "a", "b"])


def test_against_the_real_redis_it_is_a_normal_cache(real_redis):
    assert real_redis.get("key") is None
    real_redis.set("key", {"value": 1}, 30)
    assert real_redis.get("key") == {"value": 1}
    assert real_redis.add("key", "other") is False
    real_redis.set_many({"a": 1, "b": 2})
    assert real_redis.get_many(["a", "b"]) == {"a": 1, "b": 2}
    real_redis.set("counter", 1)
    assert real_redis.incr("counter", 5) == 6
    assert real_redis.delete("key") is True
    assert real_redis.get_or_set("key", "fresh") == "fresh"
    assert real_redis.is_available


def test_a_window_counter_starts_at_one_keeps_its_lifetime_and_counts_on(real_redis):
    assert real_redis.count_in_window("counter", 30) == 1
    assert real_redis.count_in_window("counter", 600) == 2  # the window is not restarted
    assert real_redis.get("counter") == 2
    client = real_redis._cache.get_client()
    ttl = client.ttl(real_redis.make_and_validate_key("counter"))
    assert 0 < ttl <= 30


def test_one_redis_client_serves_every_call_and_every_thread(real_redis):
    import threading

    client = real_redis._cache.get_client()
    assert real_redis._cache.get_client(write=True) is client  # not one built per call
    results = []

    def use():
        real_redis.set("a", threading.get_ident(), 30)
        results.append(real_redis.get("a") is not None)

    threads = [threading.Thread(target=use) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [True] * 8


def test_other_redis_errors_still_raise(real_redis):
    with pytest.raises(ValueError):
        real_redis.incr("missing-counter")  # a bug in the caller, not an outage


def test_a_dead_redis_is_a_cache_miss_and_is_logged_once(caplog):
    cache = redis_cache(f"redis://127.0.0.1:{closed_port()}/0")
    with caplog.at_level(logging.WARNING, logger="portal.cache"):
        assert cache.get("key", "default") == "default"
        assert cache.set("key", "value") is None
        assert cache.add("key", "value") is False
        assert cache.get_many(["a", "b"]) == {}
        assert cache.get_or_set("key", "computed") == "computed"
        assert cache.incr("counter") == 1  # a rate limit lets the request through
        assert cache.count_in_window("counter", 60) == 1
        assert cache.delete("key") is False
        assert cache.has_key("key") is False
    assert not cache.is_available
    warnings = [r for r in caplog.records if r.name == "portal.cache"]
    assert len(warnings) == 1
    assert "Redis is unavailable" in warnings[0].getMessage()


def test_after_the_pause_it_tries_redis_again(real_redis):
    real_redis.set("key", "kept")
    real_redis._skip_until = float("inf")  # as if an outage had just been seen
    assert real_redis.get("key") is None
    real_redis._skip_until = 0.0  # the pause is over
    assert real_redis.get("key") == "kept"


@pytest.mark.django_db
def test_public_pages_load_when_redis_is_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        }
    }
    caches["default"].close()
    SiteProfile.objects.create(name="Business Centre under test")
    article = NewsArticleFactory(title="Still readable")
    browser = Client()
    for url in ("/en/", "/en/news/", article.get_absolute_url(), "/healthz"):
        response = browser.get(url)
        assert response.status_code == 200, url
    assert "Still readable" in browser.get("/en/news/").content.decode()
    assert "Business Centre under test" in browser.get("/en/").content.decode()
    cache = caches["default"]
    assert isinstance(cache, ResilientRedisCache) and not cache.is_available  # it was tried


@pytest.mark.django_db
def test_no_page_is_answered_from_memory_while_redis_is_down(client, settings, monkeypatch):
    settings.PORTAL_PAGE_CACHE_SECONDS = 60
    article = NewsArticleFactory(title="Before the outage")
    assert client.get("/en/news/")["X-Page-Cache"] == "miss"  # kept in this worker's memory
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        }
    }
    caches["default"].close()
    # During the outage a staff change cannot announce itself to the other workers.
    NewsArticle.objects.filter(pk=article.pk).update(title="During the outage")
    later = time.monotonic() + GENERATION_CHECK_SECONDS
    monkeypatch.setattr(time, "monotonic", lambda: later)
    live = client.get("/en/news/")
    assert "X-Page-Cache" not in live and "During the outage" in live.content.decode()


@pytest.mark.django_db
def test_the_submission_limit_counts_in_redis(real_redis, settings):
    """The registration form's per-address limit (events.ratelimit) against the real Redis:
    one counter per address and window, shared by every worker."""
    from tests.factories import EventFactory

    settings.CACHES = {
        "default": {
            "BACKEND": "portal.cache.ResilientRedisCache",
            "LOCATION": REAL_REDIS,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    settings.PORTAL_SUBMISSIONS_PER_WINDOW = 3
    event = EventFactory(capacity=None)
    url = f"/en/events/{event.slug}/register/"

    def submit(number, address="10.2.0.1"):
        data = {
            "full_name": f"Limited {number}", "email": f"limited{number}@example.org",
            "organisation": "Limit LLC", "position": "Tester", "consent": "on",
        }  # fmt: skip
        return Client().post(url, data, REMOTE_ADDR=address).status_code

    assert [submit(number) for number in range(4)] == [302, 302, 302, 429]
    assert submit(5, address="10.2.0.2") == 302
    key = caches["default"].make_and_validate_key("events:rate:register:10.2.0.1")
    client = caches["default"]._cache.get_client()
    assert client.get(key) == b"4" and 0 < client.ttl(key) <= 600
    caches["default"].clear()
