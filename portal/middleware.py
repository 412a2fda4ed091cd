"""Small middleware of our own: request ids, the headers Django has no setting for, the
requests no view should ever see (unsupported methods, control characters) and one retry of a
read whose database connection was lost. (Django's own layers made cheaper are in
portal.django_layers.)"""

import logging
import os
import re
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponseNotAllowed

from .django_layers import check_header, set_checked_header
from .errors import bad_request
from .logs import log_access, redact_path, request_id_var

database_log = logging.getLogger("portal.database")

# What we accept from the proxy: short and plain, so it cannot forge log lines or headers.
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")

# Methods the site answers. Anything else (TRACE, PUT, DELETE, OPTIONS, WebDAV …) is 405 on
# every URL: function views and feeds would otherwise answer TRACE like GET.
ALLOWED_METHODS = ("GET", "HEAD", "POST")


class RequestIdMiddleware:
    """Gives each request an id, logs one line per request and returns the id to the client.

    The id comes from the reverse proxy's ``X-Request-ID`` header when it looks sane, so that
    proxy and application logs can be joined; otherwise a fresh one is generated.

    Also the outermost rules, in this one layer rather than three (each layer of middleware
    costs every request, static files and cached pages included): 405 for the methods the
    site does not use (``ALLOWED_METHODS``) and ``Cross-Origin-Resource-Policy`` (Django has
    no setting for it) on every response: other sites cannot embed our pages, images or
    scripts. The access log line is made directly (portal.logs.log_access).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        policy = getattr(settings, "CROSS_ORIGIN_RESOURCE_POLICY", "same-origin")
        self.policy = policy and check_header("Cross-Origin-Resource-Policy", policy)

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID")
        if incoming and VALID_REQUEST_ID.fullmatch(incoming):
            request_id = incoming
        else:
            request_id = os.urandom(16).hex()
        request.request_id = request_id
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            if request.method not in ALLOWED_METHODS:
                response = HttpResponseNotAllowed(ALLOWED_METHODS)
            else:
                response = self.get_response(request)
            headers = response.headers
            if self.policy:
                set_checked_header(
                    headers, "Cross-Origin-Resource-Policy", self.policy, replace=False
                )
            set_checked_header(headers, "X-Request-ID", request_id)  # [A-Za-z0-9._-] only
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            log_access(request.method, request.path, response.status_code, duration_ms)
            return response
        finally:
            request_id_var.reset(token)


# Control characters (C0, DEL, C1) that nobody types into an address or a form. A NUL byte
# reached PostgreSQL ("cannot contain NUL characters") as a 500. Forms keep tab and line
# breaks, which text areas legitimately send.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
CONTROL_CHARACTERS_IN_FORMS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class RejectControlCharactersMiddleware:
    """Answers 400 (templates/400.html) when the path, the query string or a submitted form
    contains control characters, so that no view, filter or query ever sees them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self.has_control_characters(request):
            return bad_request(request)
        return self.get_response(request)

    @staticmethod
    def has_control_characters(request) -> bool:
        if CONTROL_CHARACTERS.search(request.path_info):
            return True
        # (without a query string, request.GET would be made for nothing)
        if request.META.get("QUERY_STRING") and any(
            map(CONTROL_CHARACTERS.search, _texts(request.GET))
        ):
            return True
        if request.method == "POST":
            texts = [*_texts(request.POST), *(upload.name for upload in request.FILES.values())]
            return any(map(CONTROL_CHARACTERS_IN_FORMS.search, texts))
        return False


def _texts(query_dict):
    for key, values in query_dict.lists():
        yield key
        yield from values


class RetryLostDatabaseConnectionMiddleware:
    """Runs a GET or HEAD once more, on a fresh connection, when its database connection was
    lost while it ran (a PostgreSQL restart or fail-over, a connection ended by
    ``pg_terminate_backend`` or a pooler). Reads are safe to repeat; a POST never is, and a
    failure that leaves the connection usable (a lock timeout, bad SQL) is not retried."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if (
            request.method not in ("GET", "HEAD")
            or not isinstance(exception, (OperationalError, InterfaceError))
            or getattr(request, "retried_after_lost_connection", False)
        ):
            return None
        opened = connections.all(initialized_only=True)
        lost = [c for c in opened if c.connection is not None and not c.is_usable()]
        if not lost or any(c.in_atomic_block for c in opened):
            return None
        request.retried_after_lost_connection = True
        database_log.warning(
            "Lost the database connection during %s %s; retrying once on a new connection",
            request.method,
            redact_path(request.path),
        )
        for lost_connection in lost:
            lost_connection.close()
        match = request.resolver_match
        response = match.func(request, *match.args, **match.kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()  # the first error may have come from rendering
        return response
