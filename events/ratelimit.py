"""A per-IP limit on form submissions, kept in the cache (Redis in production)."""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from portal.security import client_ip

WINDOW_SECONDS = 10 * 60


def client_address(request: HttpRequest) -> str:
    """The visitor's address; behind the proxy, the one the proxy saw (as for admin logins)."""
    return client_ip(request) or "unknown"


def allow_submission(request: HttpRequest, *, scope: str) -> bool:
    """Count one submission; False once the address has used up its window."""
    key = f"events:rate:{scope}:{client_address(request)}"
    if hasattr(cache, "count_in_window"):  # Redis (portal.cache): one round trip
        return cache.count_in_window(key, WINDOW_SECONDS) <= settings.PORTAL_SUBMISSIONS_PER_WINDOW
    # add() starts the window only if it has not started; incr() is atomic in Redis.
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, WINDOW_SECONDS)
        count = 1
    return count <= settings.PORTAL_SUBMISSIONS_PER_WINDOW
