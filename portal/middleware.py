"""Small middleware of our own: request ids and the headers Django has no setting for."""

import logging
import re
import time
import uuid

from django.conf import settings

from .logs import redact_path, request_id_var

access_log = logging.getLogger("portal.request")

# What we accept from the proxy: short and plain, so it cannot forge log lines or headers.
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")


class RequestIdMiddleware:
    """Gives each request an id, logs one line per request and returns the id to the client.

    The id comes from the reverse proxy's ``X-Request-ID`` header when it looks sane, so that
    proxy and application logs can be joined; otherwise a fresh one is generated.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if VALID_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            path = redact_path(request.path)
            access_log.info(
                "%s %s %s",
                request.method,
                path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            return response
        finally:
            request_id_var.reset(token)


class CrossOriginResourcePolicyMiddleware:
    """Sets ``Cross-Origin-Resource-Policy`` (Django has no setting for it) on every response,
    static files included: other sites cannot embed our pages, images or scripts."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = getattr(settings, "CROSS_ORIGIN_RESOURCE_POLICY", "same-origin")

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy:
            response.headers.setdefault("Cross-Origin-Resource-Policy", self.policy)
        return response
