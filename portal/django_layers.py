"""Django's own middleware, made cheaper: each layer here decides exactly as the Django layer
it stands for (tests/portal/test_middleware_equivalence.py), with what it works out once per
setting, language, host or policy remembered instead of worked out on every request. Each
class says what it remembers and when it forgets it (``setting_changed``: tests override
settings). Measured layer by layer with ``python bench/inprocess.py instructions``
(docs/benchmarks.md)."""

import contextlib
import functools
import re
import weakref

from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage import default_storage
from django.core.signals import setting_changed
from django.http import HttpRequest, HttpResponse
from django.http.response import ResponseHeaders
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.common import CommonMiddleware as DjangoCommonMiddleware
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.middleware.security import SecurityMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.csp import CSP, LazyNonce, build_policy, generate_nonce
from django.utils.functional import SimpleLazyObject, empty
from django.utils.translation.trans_real import language_code_prefix_re
from simple_history.models import HistoricalRecords

from .settings_cache import setting


def set_checked_header(headers, name: str, value: str, *, replace: bool = True) -> None:
    """``headers[name] = value`` (``headers.setdefault`` when not ``replace``) for a header
    whose name and value were checked once (``check_header``) or are made of safe characters
    only: ResponseHeaders checks every name and value at every call, and our four headers
    on every response cost a tenth of a bare request that way."""
    store = headers._store
    key = name.lower()
    if replace or key not in store:
        store[key] = (name, value)


def check_header(name: str, value: str) -> str:
    """``value``, once ResponseHeaders has accepted it for ``name`` (BadHeaderError if not)."""
    return ResponseHeaders({name: value})[name]


class ContentSecurityPolicyMiddleware:
    """Django's ContentSecurityPolicyMiddleware (SECURE_CSP, SECURE_CSP_REPORT_ONLY, the
    per-request nonce, a view's own policy from ``csp_override``), except that a header whose
    response used no nonce — every public page — is built once per policy, not per request."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.built = {}
        _csp_middleware.add(self)

    def __call__(self, request):
        request._csp_nonce = nonce = _Nonce()
        response = self.get_response(request)
        headers = response.headers
        store = headers._store
        own = response.__dict__  # (csp_override sets the view's policy there)
        for header, key, name, attribute in _CSP_HEADERS:
            config = own.get(attribute, _NOT_SET)
            if config is _NOT_SET:
                config = setting(name)
            # A header the view set stays; an empty policy means no header.
            if config and key not in store:
                if _nonce_used(nonce):  # this response's own header
                    headers[header] = build_policy(config, nonce)
                else:
                    set_checked_header(headers, header, self.policy(header, config))
        return response

    def policy(self, header: str, config) -> str:
        """The header for a response that used no nonce, built and checked once."""
        built = self.built.get((header, id(config)))
        if built is None or built[0] is not config:
            # (the config itself is kept, so that its id is not another's; a changed setting
            # empties self.built)
            policy = check_header(header, build_policy(config))
            built = self.built[(header, id(config))] = (config, policy)
        return built[1]


class _Nonce(LazyNonce):
    """Django's LazyNonce, made without LazyObject's attribute machinery (a quarter of this
    layer's cost on a page that uses no nonce)."""

    def __init__(self):
        _object_setattr(self, "_setupfunc", generate_nonce)
        _object_setattr(self, "_wrapped", empty)


_object_setattr = object.__setattr__
_object_getattribute = object.__getattribute__


def _nonce_used(nonce: _Nonce) -> bool:
    """``bool(nonce)`` (LazyNonce: whether a template asked for it), read past LazyObject's
    ``__getattribute__``."""
    return _object_getattribute(nonce, "_wrapped") is not empty


# Every instance, so that a changed CSP setting is seen (tests override them).
_csp_middleware: weakref.WeakSet = weakref.WeakSet()


def _forget_built_policies(*, setting, **kwargs):
    if setting in ("SECURE_CSP", "SECURE_CSP_REPORT_ONLY"):
        for middleware in _csp_middleware:
            middleware.built.clear()


setting_changed.connect(_forget_built_policies)
_NOT_SET = object()
# (header, its key in ResponseHeaders' store, setting, the attribute of a view's own policy)
_CSP_HEADERS = tuple(
    (str(header), str(header).lower(), name, attribute)
    for header, name, attribute in (
        (CSP.HEADER_ENFORCE, "SECURE_CSP", "_csp_config"),
        (CSP.HEADER_REPORT_ONLY, "SECURE_CSP_REPORT_ONLY", "_csp_ro_config"),
    )
)


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's LocaleMiddleware, with its decision remembered.

    The language a request gets depends only on the URL configuration, the path's language
    prefix, the language cookie and the Accept-Language header; working it out (each of
    them parsed and checked against LANGUAGES, the prefix twice) was a fifth of a bare
    request. Remembered per those four (``LOCALE_DECISIONS`` of them at most, so junk headers
    cannot make it grow without bound). A 404 goes through Django's own response handling,
    which redirects a path without a language prefix to the one with it."""

    async_capable = False  # (__call__ is sync only; under ASGI Django adapts it)

    def __call__(self, request):
        # (MiddlewareMixin's __call__, without its checks for what this class has)
        self.process_request(request)
        return self.process_response(request, self.get_response(request))

    def process_request(self, request):
        attributes = request.__dict__  # (getattr with a default raises inside when absent)
        urlconf = attributes.get("urlconf") or setting("ROOT_URLCONF")
        path = request.path_info
        prefix = _LANGUAGE_PREFIX.match(path)
        key = (
            urlconf,
            prefix[1] if prefix else None,
            request.COOKIES.get(setting("LANGUAGE_COOKIE_NAME")),
            request.META.get("HTTP_ACCEPT_LANGUAGE"),
        )
        decided = _locale_decisions.get(key)
        if decided is None:
            super().process_request(request)
            decided = (request.LANGUAGE_CODE, translation.get_language_from_path(path))
            if len(_locale_decisions) >= LOCALE_DECISIONS:
                _locale_decisions.clear()
            _locale_decisions[key] = decided
        else:
            translation.activate(decided[0])
            attributes["LANGUAGE_CODE"] = decided[0]
        attributes["language_from_path"] = decided[1]

    def process_response(self, request, response):
        attributes = request.__dict__
        from_path = attributes.get("language_from_path", _NOT_SET)
        if from_path is _NOT_SET or response.status_code == 404:
            return super().process_response(request, response)
        i18n_patterns_used, _prefixed = is_language_prefix_patterns_used(
            attributes.get("urlconf") or setting("ROOT_URLCONF")
        )
        headers = response.headers
        if not (i18n_patterns_used and from_path):
            if "vary" in headers._store:
                patch_vary_headers(response, ("Accept-Language",))
            else:
                set_checked_header(headers, "Vary", "Accept-Language")
        # A language code of LANGUAGES (letters and "-"), or "None" as Django writes it when
        # translations are deactivated.
        language = str(translation.get_language())
        set_checked_header(headers, "Content-Language", language, replace=False)
        return response


# Django's language_code_prefix_re, compiled now: Django's is a lazy object whose every use
# goes through LazyObject's attribute machinery (1.8 µs a match, more than the match).
_LANGUAGE_PREFIX = re.compile(language_code_prefix_re.pattern, language_code_prefix_re.flags)
LOCALE_DECISIONS = 1024
# (URL configuration, path prefix, language cookie, Accept-Language) -> (language, the
# path's language or None)
_locale_decisions: dict[tuple, tuple[str, str | None]] = {}


def _forget_locale_decisions(*, setting, **kwargs):
    if setting in ("LANGUAGES", "LANGUAGE_CODE", "LANGUAGE_COOKIE_NAME", "ROOT_URLCONF"):
        _locale_decisions.clear()


setting_changed.connect(_forget_locale_decisions)


class CommonMiddleware(DjangoCommonMiddleware):
    """Django's CommonMiddleware, with the Host header's validation remembered.

    Without PREPEND_WWW and DISALLOWED_USER_AGENTS, all Django's layer does before the view
    is ``request.get_host()``: a host that ALLOWED_HOSTS does not allow raises
    DisallowedHost (400). Validating one (split into name and port, matched against each
    pattern of ALLOWED_HOSTS) was a third of this layer on every request; a raw host
    that passed is remembered (``VALID_HOSTS`` of them at most) until ALLOWED_HOSTS or DEBUG
    changes. One that fails is never remembered: it raises as before. The Content-Length
    that Django's layer adds afterwards is set without ResponseHeaders' checks (digits)."""

    def process_request(self, request):
        if setting("PREPEND_WWW") or setting("DISALLOWED_USER_AGENTS"):
            return super().process_request(request)
        host = request._get_raw_host()
        if host not in _valid_hosts:
            request.get_host()  # DisallowedHost unless it is allowed
            if len(_valid_hosts) >= VALID_HOSTS:
                _valid_hosts.clear()
            _valid_hosts.add(host)
        return None

    def process_response(self, request, response):
        if response.status_code == 404 or response.streaming:
            return super().process_response(request, response)
        headers = response.headers
        if "content-length" not in headers._store:
            set_checked_header(headers, "Content-Length", str(len(response.content)))
        return response


VALID_HOSTS = 256
_valid_hosts: set[str] = set()


def _forget_valid_hosts(*, setting, **kwargs):
    if setting in ("ALLOWED_HOSTS", "DEBUG"):
        _valid_hosts.clear()


setting_changed.connect(_forget_valid_hosts)


class StandardHeadersMiddleware:
    """The headers that Django's SecurityMiddleware (X-Content-Type-Options, Referrer-Policy,
    Cross-Origin-Opener-Policy) and XFrameOptionsMiddleware (X-Frame-Options) add to every
    response, set here first, from values those layers produced once for the current
    settings. Both stay in the stack (``check --deploy`` looks for them, and they cover
    the responses made outside this layer: redirects, 400s, cached pages); they find the
    headers present and leave them. Set this way, the four cost a fifth of what the two
    layers' own ``setdefault``s cost, each of which raises and catches a KeyError inside.

    As in those layers: a header the view set stays, and X-Frame-Options is left out of a
    response marked ``xframe_options_exempt``. HSTS stays with SecurityMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        headers = response.headers
        store = headers._store
        security, frame = _standard_headers()
        for name, key, value in security:
            if key not in store:
                store[key] = (name, value)
        if (
            frame
            and "x-frame-options" not in store
            and not getattr(response, "xframe_options_exempt", False)
        ):
            store["x-frame-options"] = frame
        return response


@functools.cache
def _standard_headers() -> tuple[tuple, tuple | None]:
    """((name, lower-case name, value) of Django's security headers, ("X-Frame-Options",
    value) or None), as SecurityMiddleware and XFrameOptionsMiddleware make them for the
    current settings (made again after a change of theirs)."""
    request = HttpRequest()
    security = SecurityMiddleware(_no_response).process_response(request, HttpResponse())
    names = ("X-Content-Type-Options", "Referrer-Policy", "Cross-Origin-Opener-Policy")
    headers = tuple(
        (name, name.lower(), check_header(name, security[name]))
        for name in names
        if name in security
    )
    framed = XFrameOptionsMiddleware(_no_response).process_response(request, HttpResponse())
    value = framed.get("X-Frame-Options")
    frame = ("X-Frame-Options", check_header("X-Frame-Options", value)) if value else None
    return headers, frame


def _no_response(request):  # (a get_response for layers only asked to process a response)
    raise AssertionError("not called")


def _forget_standard_headers(*, setting, **kwargs):
    if setting.startswith("SECURE_") or setting == "X_FRAME_OPTIONS":
        _standard_headers.cache_clear()


setting_changed.connect(_forget_standard_headers)


class LazyMessageMiddleware(MessageMiddleware):
    """Django's MessageMiddleware, except that the message storage is made when a view or a
    template first uses it: most requests (static files, bare pages, feeds) never do, and
    making it reads two cookies and the session. Messages added, shown and kept work as
    with Django's; a request that never used its storage has nothing to update."""

    def process_request(self, request):
        request._messages = SimpleLazyObject(lambda: default_storage(request))

    def process_response(self, request, response):
        messages = getattr(request, "_messages", None)
        if isinstance(messages, SimpleLazyObject) and messages._wrapped is empty:
            return response
        return super().process_response(request, response)


class MessagesAndHistoryMiddleware(LazyMessageMiddleware):
    """Two layers in one (each layer costs every request): LazyMessageMiddleware, and
    django-simple-history's HistoryRequestMiddleware, which makes the request known to the
    change history so that an entry records who made it.

    The history's context is set only for a request that can have a logged-in user: one
    with a session cookie, or one that is not a GET or HEAD (a login). Without a session
    cookie nobody is logged in, and the history records no user for an anonymous request
    either way (``HistoricalRecords.get_history_user``)."""

    def __call__(self, request):
        self.process_request(request)
        if request.method in ("GET", "HEAD") and (
            setting("SESSION_COOKIE_NAME") not in request.COOKIES
        ):
            response = self.get_response(request)
        else:
            context = HistoricalRecords.context
            context.request = request
            try:
                response = self.get_response(request)
            finally:
                with contextlib.suppress(AttributeError):
                    del context.request
        return self.process_response(request, response)
