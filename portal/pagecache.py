"""Whole-page caching for anonymous visitors, with a short lifetime and invalidation.

A page is served from the cache (Redis when REDIS_URL is set, local memory otherwise) only
when the same bytes are right for every visitor who could get them:

- the request is a GET or HEAD without a session or messages cookie (staff are logged in and
  therefore always get fresh pages; so does a visitor with a message waiting);
- the response is a 200 that set no cookie and did not use a CSRF token (a page with a form
  carries a per-visitor token and is never stored), and is not streamed.

The key is site + scheme + language + full path (with the query string). Each stored page
remembers the "content generation" it was made under; a staff change to any public content
(news, pages, site profile, sectors, key figures, events, agreements and their parts) starts a
new generation, so every cached page is out of date at once — a change shows on the next
request. On top of that, entries live at most PORTAL_PAGE_CACHE_SECONDS (60 s): what no save
announces — seat counts after registrations, a scheduled article whose time has come, an
event that has started — is never older than that. Registration itself always checks the live
count in the database.
"""

import hashlib
import uuid
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils.translation import get_language

GENERATION_KEY = "portal:page-cache:generation"
HEADER = "X-Page-Cache"


def page_cache_seconds() -> int:
    return int(getattr(settings, "PORTAL_PAGE_CACHE_SECONDS", 0) or 0)


def bump_generation() -> None:
    """Make every cached page stale: now (for this process) and again after the current
    transaction commits (a page cached by a concurrent request before the commit would
    otherwise show the old content for up to the lifetime)."""
    _new_generation()
    transaction.on_commit(_new_generation)


def _new_generation() -> None:
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def remember(name: str, compute, *, seconds: int = 300):
    """A value derived from public content (a filter's list of years, say), computed once per
    content generation: a staff change recomputes it on the next request. ``seconds`` bounds
    what no save announces (an event moving from upcoming to past)."""
    key = f"portal:derived:{name}:{cache.get(GENERATION_KEY) or '-'}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value


def content_changed(sender, **kwargs) -> None:
    """post_save / post_delete / m2m_changed receiver for public content."""
    if kwargs.get("raw"):  # loaddata
        return
    bump_generation()


def connect_content_signals() -> None:
    """Every save, delete or relation change of public content starts a new generation.
    Registrations are left out on purpose: seat counts may lag by the cache lifetime."""
    from django.apps import apps
    from django.db.models.signals import m2m_changed, post_delete, post_save

    for label in PUBLIC_CONTENT:
        model = apps.get_model(label)
        post_save.connect(content_changed, sender=model, dispatch_uid=f"pagecache-s-{label}")
        post_delete.connect(content_changed, sender=model, dispatch_uid=f"pagecache-d-{label}")
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(
                content_changed, sender=through, dispatch_uid=f"pagecache-m-{label}-{field.name}"
            )


PUBLIC_CONTENT = [
    "portal.NewsArticle", "portal.Page", "portal.SiteProfile", "portal.Sector",
    "portal.KeyFigure", "events.Event", "agreements.Agreement", "agreements.Party",
    "agreements.Signatory", "agreements.AgreementDocument", "agreements.Measure",
    "agreements.ProgressReport",
]  # fmt: skip


def _is_anonymous_request(request) -> bool:
    cookies = request.COOKIES
    return request.method in ("GET", "HEAD") and not (
        settings.SESSION_COOKIE_NAME in cookies
        or getattr(settings, "MESSAGES_COOKIE_NAME", "messages") in cookies
    )


def _is_shareable(request, response) -> bool:
    return (
        response.status_code == 200
        and not response.cookies
        and not getattr(response, "streaming", False)
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and "private" not in response.get("Cache-Control", "")
    )


def _key(request) -> str:
    raw = f"{request.scheme}://{request.get_host()}{request.get_full_path()}|{get_language()}"
    return "portal:page:" + hashlib.sha256(raw.encode()).hexdigest()


def cache_public_page(view):
    """Decorate a public view so that anonymous visitors get cached pages (see above)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        seconds = page_cache_seconds()
        if not seconds or not _is_anonymous_request(request):
            return view(request, *args, **kwargs)
        key = _key(request)
        found = cache.get_many([GENERATION_KEY, key])
        generation = found.get(GENERATION_KEY)
        if generation is None:
            cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
            generation = cache.get(GENERATION_KEY)
        stored = found.get(key)
        if stored is not None and generation is not None and stored[0] == generation:
            response = HttpResponse(stored[1], content_type=stored[2])
            response[HEADER] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if generation is not None and _is_shareable(request, response):
            cache.set(key, (generation, response.content, response["Content-Type"]), seconds)
            response[HEADER] = "miss"
        return response

    return wrapped
