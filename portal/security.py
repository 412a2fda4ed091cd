"""Brute-force protection of the admin login (django-axes hooks)."""

from django.conf import settings
from django.contrib import admin
from django.template.response import TemplateResponse


def client_ip(request) -> str:
    """The visitor's address, as axes counts failed logins per username and address.

    Behind the reverse proxy every request comes from the proxy, so the address is the last
    entry of ``X-Forwarded-For``: the one the proxy itself appended (nginx's
    ``$proxy_add_x_forwarded_for``). Entries before it come from the client and could be forged.
    """
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.rsplit(",", 1)[-1].strip()
        if last:
            return last
    return request.META.get("REMOTE_ADDR", "")


def lockout_response(request, original_response=None, credentials=None):
    """The page shown instead of the admin login while a username/address pair is locked."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {
        **admin.site.each_context(request),
        "title": admin.site.site_header,
        "cooloff_minutes": minutes,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
    }
    return TemplateResponse(
        request,
        "admin/locked_out.html",
        context,
        status=settings.AXES_HTTP_RESPONSE_CODE,
    ).render()
