"""A per-IP limit on form submissions, kept in the cache (Redis in production)."""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

# At most this many submissions per address and window (registrations and link requests);
# the benchmark raises it (settings.PORTAL_BENCH).
SUBMISSIONS = getattr(settings, "FORM_SUBMISSIONS_PER_WINDOW", 10)
WINDOW_SECONDS = 10 * 60


def client_address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def allow_submission(request: HttpRequest, *, scope: str) -> bool:
    """Count one submission; False once the address has used up its window."""
    key = f"events:rate:{scope}:{client_address(request)}"
    # add() starts the window only if it has not started; incr() is atomic in Redis.
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, WINDOW_SECONDS)
        count = 1
    return count <= SUBMISSIONS
