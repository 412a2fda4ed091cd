"""Whole-page caching for anonymous visitors, with a short lifetime and invalidation.

A URL whose view is wrapped in ``cache_public_page`` is answered by ``PageCacheMiddleware``
early in the middleware stack — a hit never reaches sessions, authentication, messages, CSRF,
the change history or axes — and only when the same bytes are right for every visitor who
could get them:

- the request is a GET or HEAD without a session or messages cookie (staff are logged in and
  therefore always get fresh pages; so does a visitor with a message waiting);
- the response is a 200 that set no cookie and did not use a CSRF token (a page with a form
  carries a per-visitor token and is never stored), is not streamed and not private.

The key is site + scheme + path + language (the URL's) + the query parameters the page
understands (``params``), sorted; other parameters (``utm_source``, junk) are left out, so
they map to the page's one entry. A page is stored only when its query string is canonical:
nothing but those parameters, once each, and values the view took as given (its valid
filters, the page number it showed: ``accept_query``); so neither junk names nor junk values
can fill the cache. A hit replays the stored response with all its headers (Content-Type,
Content-Language, Vary, X-Robots-Tag, Last-Modified …); the outer middleware then adds the
per-request ones (request id, CSP, security headers). Stored pages carry ``Cache-Control:
public, max-age=PUBLIC_MAX_AGE`` and ``Vary: Cookie``, so that a proxy's micro-cache
(README, "Deploying") can answer repeated requests for a few seconds.

Each stored page remembers the "content generation" it was made under; a staff change to any
public content (news, pages, site profile, sectors, key figures, events, agreements and their
parts) starts a new generation, so every cached page is out of date at once — a change shows
at once in the worker process that made it, and within GENERATION_CHECK_SECONDS (1 s) in the
others (through a proxy's micro-cache, within PUBLIC_MAX_AGE). On top of that, entries live at
most PORTAL_PAGE_CACHE_SECONDS (60 s): what no save announces — seat counts after
registrations, a scheduled article whose time has come, an event that has started — is never
older than that. Registration itself always checks the live count in the database.

Stored pages are shared through the cache (Redis) and also kept in each worker's memory, and
each worker asks the cache for the generation at most once a second: a hit in a worker that has
served the page before needs no round trip at all (the round trip was two fifths of a hit).
While the cache is unreachable, nothing is served from the cache or from memory.
"""

import copy
import functools
import hashlib
import math
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.urls import Resolver404, get_urlconf, resolve
from django.utils import translation
from django.utils.cache import patch_vary_headers

from . import fragments as request_memo
from .settings_cache import setting

GENERATION_KEY = "portal:page-cache:generation"
# Stored pages: (generation, content, headers, time.time() when made).
PAGE_KEY_PREFIX = "portal:page:v2:"
HEADER = "X-Page-Cache"
# Cache-Control max-age of a cached page: how long a proxy's micro-cache or a browser may keep
# it (the portal's own cache follows staff changes at once; these cannot).
PUBLIC_MAX_AGE = 10
# A worker asks the cache for the content generation at most this often (seconds); a change
# made in the worker itself is known at once.
GENERATION_CHECK_SECONDS = 1.0
# Pages kept in each worker's memory (the largest are some 80 KB: at most ~20 MB a worker).
LOCAL_PAGES = 256


def page_cache_seconds() -> int:
    return int(setting("PORTAL_PAGE_CACHE_SECONDS", 0) or 0)


def bump_generation() -> None:
    """Make every cached page stale: now (for this process) and again after the current
    transaction commits (a page cached by a concurrent request before the commit would
    otherwise show the old content for up to the lifetime)."""
    _new_generation()
    transaction.on_commit(_new_generation)


def _new_generation() -> None:
    global _known
    value = uuid.uuid4().hex
    cache.set(GENERATION_KEY, value, None)
    _known = (value, time.monotonic())
    request_memo.forget(GENERATION_KEY, value)


# What this worker last read of the generation, and when (time.monotonic()).
_known: tuple[str | None, float] = (None, -math.inf)


def worker_generation() -> str | None:
    """The content generation as this worker knows it: read from the cache at most every
    GENERATION_CHECK_SECONDS, started afresh when the cache has none (after a restart of the
    cache or cache.clear()); None while the cache is unreachable."""
    global _known
    value, checked = _known
    now = time.monotonic()
    if value is not None and now - checked < GENERATION_CHECK_SECONDS:
        return value
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        value = cache.get(GENERATION_KEY)
    _known = (value, now) if value is not None else (None, -math.inf)
    return value


def forget_worker_state() -> None:
    """Forget the generation, the pages and the objects this worker remembers (tests, after
    cache.clear())."""
    global _known
    _known = (None, -math.inf)
    _local_pages.clear()
    _objects.clear()
    _lookups.clear()


def generation() -> str:
    """The current content generation (see the module docstring), for keys of rendered
    fragments: a staff change to public content makes them all stale at once. The same for
    the whole of a request (portal.fragments), so that a page's pieces agree."""
    return request_memo.remembered(GENERATION_KEY, _generation_or_dash)


def _generation_or_dash() -> str:
    return worker_generation() or "-"


def fragment_key(objects) -> str:
    """A key for a fragment that shows ``objects`` (a page of a list): the content
    generation and the objects' ids, in their order."""
    return f"{generation()}:{','.join(str(obj.pk) for obj in objects)}"


def remember(name: str, compute, *, seconds: int = 300):
    """A value derived from public content (a filter's list of years, say), computed once per
    content generation: a staff change recomputes it on the next request. ``seconds`` bounds
    what no save announces (an event moving from upcoming to past). Kept in the cache, for
    every worker, and for a while in this worker's memory too (portal.fragments)."""
    key = f"portal:derived:{name}:{generation()}"
    value = request_memo.values.get((key,))
    if value is not None:
        return value
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    # Also in the worker's memory, for half as long (so never more than 1.5 × seconds old).
    request_memo.values.set((key,), value, seconds // 2)
    return value


class RememberedObjectMixin:
    """For a DetailView of public content: the page's object read once per worker, content
    generation, URL arguments and audience (staff, who preview drafts, or the public), not
    on every request. Only what was found is kept: a scheduled article is looked up again
    until its time comes. Each request gets its own copy."""

    def get_object(self, queryset=None):
        url = tuple(sorted(self.kwargs.items()))
        key = (type(self).__name__, generation(), url, self.request.user.is_staff)
        found = _objects.get(key)
        if found is None:
            found = super().get_object(queryset)
            _objects.set(key, found)
        return copy.copy(found)


# The objects of detail pages (RememberedObjectMixin): rows without their relations.
_objects = request_memo.LocalFragments(max_entries=2048)


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
    "agreements.ProgressReport", "events.EventQuestion", "events.EventQuestionChoice",
]  # fmt: skip


# The cookie that Django's message storage keeps messages in (a class attribute, not a
# setting).
MESSAGES_COOKIE_NAME = CookieStorage.cookie_name


def _is_anonymous_request(request) -> bool:
    cookies = request.COOKIES
    return request.method in ("GET", "HEAD") and not (
        setting("SESSION_COOKIE_NAME") in cookies or MESSAGES_COOKIE_NAME in cookies
    )


def _is_shareable(request, response) -> bool:
    return (
        response.status_code == 200
        and not response.cookies
        and not getattr(response, "streaming", False)
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and "private" not in response.get("Cache-Control", "")
        and "no-cache" not in response.get("Cache-Control", "")
    )


@dataclass(frozen=True)
class CachedPage:
    """What a decorated view's URL caches: ``params``, the query parameters the page
    understands (the others are left out of the key); ``accept(request)``, after the view
    ran, the values it took as they are (None: the view says so itself, with
    ``accept_query``)."""

    params: tuple[str, ...] = ()
    accept: Callable | None = None


def cache_public_page(view, *, params: Iterable[str] = (), accept: Callable | None = None):
    """Mark a public view's URL as cached for anonymous visitors (the module docstring);
    ``PageCacheMiddleware`` does the work, before the middleware a hit does not need."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    wrapped.cached_page = CachedPage(tuple(sorted(params)), accept)
    return wrapped


def accept_query(request, values: Mapping[str, object]) -> None:
    """The view took these query parameters as given (its filters, the page number): only a
    page whose every parameter the view took is stored, so values it ignored (an unknown
    sector, page 99999) cannot fill the cache."""
    request.page_cache_accepted = {name: str(value) for name, value in values.items()}


def _cached_page(request) -> tuple[CachedPage, str] | None:
    """The CachedPage of the request's URL and the URL's language ("-" for a URL without
    one, such as the sitemaps), or None for URLs that are not cached."""
    return _page_for_path(request.path_info, get_urlconf() or settings.ROOT_URLCONF)


@functools.lru_cache(maxsize=4096)
def _page_for_path(path: str, urlconf: str) -> tuple[CachedPage, str] | None:
    # Resolving the URL is a fifth of a cache hit's time: remembered per path (the URL
    # configuration does not change while the process runs; the key names it for tests
    # that swap it).
    language = translation.get_language_from_path(path)
    try:
        if language:
            # i18n_patterns resolve in the active language: the one in the URL, as
            # LocaleMiddleware will activate it.
            with translation.override(language):
                match = resolve(path, urlconf)
        else:
            match = resolve(path, urlconf)
    except Resolver404:
        return None
    page = getattr(match.func, "cached_page", None)
    return (page, language or "-") if page is not None else None


def _key(request, page: CachedPage, language: str) -> str:
    get = request.GET
    query = urlencode([(name, get[name]) for name in page.params if get.get(name)])
    raw = f"{request.scheme}://{request.get_host()}{request.path}?{query}|{language}"
    return PAGE_KEY_PREFIX + hashlib.sha256(raw.encode()).hexdigest()


def _query_is_canonical(request, page: CachedPage) -> bool:
    """True when the query string holds only parameters the page understands, once each and
    as the view took them: the page rendered for it (its links keep the query) is the page
    for everyone whose request has the same key."""
    get = request.GET
    if not get:
        return True
    accepted = page.accept(request) if page.accept else getattr(request, "page_cache_accepted", {})
    for name, values in get.lists():
        if name not in page.params or len(values) != 1:
            return False
        if values[0] and accepted.get(name) != values[0]:
            return False
    return True


def public_cache_control(response, seconds: int) -> None:
    """Shared caches (a proxy's micro-cache) and browsers may keep the page a few seconds;
    ``Vary: Cookie``, because a logged-in staff member gets another page."""
    response["Cache-Control"] = f"public, max-age={min(seconds, PUBLIC_MAX_AGE)}"
    patch_vary_headers(response, ("Cookie",))


class PageCacheMiddleware:
    """Answers an anonymous request from the page cache before the middleware that a cached
    page does not need (sessions, authentication, messages, change history, axes, CSRF); on
    a miss, stores the page the rest of the stack produced, with its headers.

    Placed after SecurityMiddleware, WhiteNoise and the CSP middleware, which add their
    headers to hits and misses alike; the language comes from the URL."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = page_cache_seconds()
        if not seconds or not _is_anonymous_request(request):
            return self.get_response(request)
        found = _page_and_key(request)
        if found is None:
            return self.get_response(request)
        page, key = found
        generation = worker_generation()
        if generation is None:  # the cache is unreachable: live pages only
            return self.get_response(request)
        request_memo.forget(GENERATION_KEY, generation)  # the page's fragments agree with it
        stored = _local_pages.get(key)
        if stored is not None and stored[0] == generation:
            return _replay(stored)
        stored = cache.get(key)
        if stored is not None and stored[0] == generation:
            # Made by another worker: kept here too, for what is left of its lifetime.
            remaining = stored[3] + seconds - time.time()
            if remaining > 0:
                _local_pages.set(key, stored, remaining)
                return _replay(stored)
        response = self.get_response(request)
        if _is_shareable(request, response) and _query_is_canonical(request, page):
            public_cache_control(response, seconds)
            headers = [(name, value) for name, value in response.items() if name != HEADER]
            stored = (generation, response.content, headers, time.time())
            cache.set(key, stored, seconds)
            _local_pages.set(key, stored, seconds)
            response[HEADER] = "miss"
        return response


# What decides a request's page and key: its path, query string and the headers its host and
# scheme come from (and the URL configuration, for tests that swap it).
_REQUEST_PARTS = (
    "PATH_INFO", "SCRIPT_NAME", "QUERY_STRING", "HTTP_HOST", "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT", "HTTP_X_FORWARDED_PROTO", "SERVER_NAME", "SERVER_PORT",
    "wsgi.url_scheme",
)  # fmt: skip
MAX_LOOKUPS = 4096
_lookups: dict[tuple, tuple[CachedPage, str] | None] = {}


def _page_and_key(request) -> tuple[CachedPage, str] | None:
    """The request's CachedPage and cache key, or None when its URL is not cached or it has
    control characters (it gets its 400 further in). Remembered per request parts
    (``_REQUEST_PARTS``): the URL's resolution, the host's validation, the control
    characters check and the key's hash were a third of a hit. A host that is not allowed
    raises DisallowedHost, as Django's get_host() does, and is never remembered."""
    meta = request.META
    # (the handler has set the URL configuration to ROOT_URLCONF: no middleware before this
    # one sets request.urlconf)
    parts = (setting("ROOT_URLCONF"), *map(meta.get, _REQUEST_PARTS))
    try:
        return _lookups[parts]
    except KeyError:
        pass
    found = _cached_page(request)
    if found is not None and not _has_control_characters(request):
        page, language = found
        found = (page, _key(request, page, language))
    else:
        found = None
    if len(_lookups) >= MAX_LOOKUPS:  # junk URLs cannot make it grow without bound
        _lookups.clear()
    _lookups[parts] = found
    return found


def _replay(stored) -> HttpResponse:
    """The stored page as a response: its body and every header it was stored with."""
    _generation, content, headers, _made = stored
    response = HttpResponse(content)
    # The stored names and values passed Django's header checks when the page was made: set
    # as they are (ResponseHeaders keeps them by lower-case name), not checked again.
    store = {name.lower(): (name, value) for name, value in headers}
    store[HEADER.lower()] = (HEADER, "hit")
    response.headers._store = store
    return response


_local_pages = request_memo.LocalFragments(max_entries=LOCAL_PAGES)


def _has_control_characters(request) -> bool:
    """Such requests get their 400 from RejectControlCharactersMiddleware, never a page."""
    from .middleware import RejectControlCharactersMiddleware

    return RejectControlCharactersMiddleware.has_control_characters(request)
