"""The portal's cheaper layers decide exactly as the Django ones they replace
(portal.django_layers: LocaleMiddleware, the CSP header built once per policy, the common layer's
remembered host, the standard headers set ahead of Django's security and clickjacking layers,
the access log's time stamp)."""

import datetime
import re

import pytest
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse, HttpResponseNotFound, StreamingHttpResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.common import CommonMiddleware as DjangoCommonMiddleware
from django.middleware.csp import (
    ContentSecurityPolicyMiddleware as DjangoContentSecurityPolicyMiddleware,
)
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.middleware.security import SecurityMiddleware
from django.test import Client, RequestFactory, override_settings
from django.utils import translation
from django.utils.csp import CSP
from django.views.decorators.clickjacking import xframe_options_exempt, xframe_options_sameorigin
from django.views.decorators.csp import csp_override, csp_report_only_override

from portal.django_layers import (
    CommonMiddleware,
    ContentSecurityPolicyMiddleware,
    LocaleMiddleware,
    StandardHeadersMiddleware,
)
from portal.logs import _iso_time

pytestmark = pytest.mark.django_db

REQUESTS = [
    # (path, language cookie, Accept-Language)
    ("/ru/news/", None, None),
    ("/az/events/", None, "ru"),
    ("/en/", "az", "ru-RU,ru;q=0.9"),
    ("/", None, "ru-RU,ru;q=0.9,en;q=0.5"),
    ("/", None, "az"),
    ("/", "ru", "az"),
    ("/", "xx", "tr,az;q=0.5"),
    ("/", None, "de"),
    ("/", None, None),
    ("/news/", None, "ru"),
    ("/sitemap.xml", None, "az"),
    ("/de/news/", None, "ru"),
    ("/ru", None, None),
    ("/bench-or-not/", None, "en-GB"),
]


def _run(middleware_class, path, cookie, accept, *, status=200, vary=None):
    factory = RequestFactory()
    headers = {"HTTP_ACCEPT_LANGUAGE": accept} if accept else {}
    request = factory.get(path, **headers)
    if cookie:
        request.COOKIES["django_language"] = cookie
    seen = {}

    def view(request):
        seen["language"] = translation.get_language()
        response = (HttpResponse if status == 200 else HttpResponseNotFound)("x")
        if vary:
            response["Vary"] = vary
        return response

    with translation.override(None):
        response = middleware_class(view)(request)
    return (
        request.LANGUAGE_CODE,
        seen["language"],
        response.status_code,
        response.get("Location"),
        response.get("Vary"),
        response.get("Content-Language"),
    )


@pytest.mark.parametrize("status", [200, 404])
@pytest.mark.parametrize("vary", [None, "Cookie", "accept-language", "*"])
def test_the_remembered_language_decision_is_djangos_own(status, vary):
    # Twice: the first time decides, the second comes from what was remembered. The view's
    # own Vary header (none, another, the same in lower case, "*") is added to as Django does.
    for _round in range(2):
        for path, cookie, accept in REQUESTS:
            ours = _run(LocaleMiddleware, path, cookie, accept, status=status, vary=vary)
            djangos = _run(DjangoLocaleMiddleware, path, cookie, accept, status=status, vary=vary)
            assert ours == djangos, (path, cookie, accept)


def test_a_remembered_decision_follows_a_changed_setting():
    assert _run(LocaleMiddleware, "/", None, "de")[0] == "en"
    with override_settings(LANGUAGE_CODE="ru"):
        assert _run(LocaleMiddleware, "/", None, "de")[0] == "ru"
    assert _run(LocaleMiddleware, "/", None, "de")[0] == "en"


def test_a_changed_policy_setting_changes_the_header():
    url = "/en/news/"
    before = Client().get(url).headers["Content-Security-Policy"]
    assert "img-src 'self' data:" in before
    with override_settings(SECURE_CSP={"default-src": ["'self'"]}):
        assert Client().get(url).headers["Content-Security-Policy"] == "default-src 'self'"
    assert Client().get(url).headers["Content-Security-Policy"] == before


def test_the_access_logs_time_is_what_datetime_writes():
    moments = [
        0.0,
        1796415132.3009996,  # where int(t * 1000) and datetime's rounding part
        1796415132.9999996,  # rounds up into the next second
        1796415132.0004999,
        1796415132.0005,
        1700000000.123456,
        *(1796415132 + i / 997 for i in range(997)),
    ]
    for moment in moments:
        expected = datetime.datetime.fromtimestamp(moment, datetime.UTC)
        assert _iso_time(moment) == expected.isoformat(timespec="milliseconds"), moment


def _csp_headers(middleware_class, view):
    response = middleware_class(view)(RequestFactory().get("/en/"))
    return {
        name: re.sub(r"'nonce-[^']+'", "'nonce-…'", value)
        for name, value in response.items()
        if name.startswith("Content-Security-Policy")
    }


def _uses_nonce(request):
    return HttpResponse(f"<script nonce='{request._csp_nonce}'></script>")


def _setting(name, value):
    """A view whose response sets this header itself."""

    def view(request):
        response = HttpResponse("x")
        response[name] = value
        return response

    return view


@pytest.mark.parametrize(
    "view",
    [
        lambda request: HttpResponse("x"),
        _uses_nonce,
        _setting("Content-Security-Policy", "default-src 'none'"),
        csp_override({"default-src": [CSP.SELF], "img-src": ["https:"]})(
            lambda request: HttpResponse("x")
        ),
        csp_override({})(lambda request: HttpResponse("x")),
        csp_report_only_override({"default-src": [CSP.NONE]})(_uses_nonce),
    ],
    ids=["plain", "nonce", "own header", "override", "override off", "report-only nonce"],
)
@override_settings(SECURE_CSP_REPORT_ONLY={"default-src": [CSP.SELF, CSP.NONCE]})
def test_the_csp_headers_are_djangos_own(view):
    # Twice: the second time the policy comes from what the layer built the first time.
    for _round in range(2):
        ours = _csp_headers(ContentSecurityPolicyMiddleware, view)
        assert ours == _csp_headers(DjangoContentSecurityPolicyMiddleware, view)


def _with_and_without_standard_headers(view):
    def stack(inner):
        return SecurityMiddleware(XFrameOptionsMiddleware(inner))

    request = RequestFactory().get("/en/")
    ours = stack(StandardHeadersMiddleware(view))(request)
    djangos = stack(view)(request)
    alone = StandardHeadersMiddleware(view)(request)
    return dict(ours.items()), dict(djangos.items()), alone


@pytest.mark.parametrize(
    "view",
    [
        lambda request: HttpResponse("x"),
        xframe_options_exempt(lambda request: HttpResponse("x")),
        xframe_options_sameorigin(lambda request: HttpResponse("x")),
        _setting("Referrer-Policy", "no-referrer"),
    ],
    ids=["plain", "exempt", "sameorigin", "own referrer policy"],
)
@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {
            "X_FRAME_OPTIONS": "SAMEORIGIN",
            "SECURE_REFERRER_POLICY": ["origin", "strict-origin"],
            "SECURE_CONTENT_TYPE_NOSNIFF": False,
            "SECURE_CROSS_ORIGIN_OPENER_POLICY": None,
        },
    ],
    ids=["settings", "other settings"],
)
def test_the_standard_headers_are_those_djangos_layers_add(view, overrides):
    with override_settings(**overrides):
        ours, djangos, alone = _with_and_without_standard_headers(view)
    assert ours == djangos
    # (and this layer alone sets them all: Django's two find nothing left to add)
    assert dict(alone.items()) == djangos


def _common(middleware_class, host, path="/en/news/", view=None, **overrides):
    request = RequestFactory(HTTP_HOST=host).get(path)
    with override_settings(**overrides):
        response = middleware_class(view or (lambda request: HttpResponse("ünïcode")))(request)
    return response.status_code, response.get("Location"), response.get("Content-Length")


@pytest.mark.parametrize(
    "host, path, overrides",
    [
        ("testserver", "/en/news/", {}),
        ("testserver", "/en/news", {}),  # 404 -> the path with a slash
        ("testserver", "/en/news/", {"PREPEND_WWW": True}),
        ("www.testserver", "/en/news/", {"PREPEND_WWW": True, "ALLOWED_HOSTS": ["*"]}),
        ("TestServer:80", "/en/news/", {}),
    ],
)
def test_the_common_layer_is_djangos_own(host, path, overrides):
    def view(request):
        return HttpResponseNotFound("x") if not request.path.endswith("/") else HttpResponse("ü")

    for _round in range(2):  # the second time, the host comes from what was remembered
        ours = _common(CommonMiddleware, host, path, view, **overrides)
        assert ours == _common(DjangoCommonMiddleware, host, path, view, **overrides)


def test_a_host_not_allowed_is_refused_every_time_and_a_remembered_one_follows_the_setting():
    for _round in range(2):
        with pytest.raises(DisallowedHost):
            _common(CommonMiddleware, "evil.example")
    assert _common(CommonMiddleware, "portal.example", ALLOWED_HOSTS=["portal.example"])[0] == 200
    with pytest.raises(DisallowedHost):  # remembered while it was allowed: not now
        _common(CommonMiddleware, "portal.example", ALLOWED_HOSTS=["testserver"])


def test_a_streamed_response_gets_no_content_length_as_with_django():
    def view(request):
        return StreamingHttpResponse(iter([b"a", b"b"]))

    assert _common(CommonMiddleware, "testserver", view=view) == (200, None, None)
