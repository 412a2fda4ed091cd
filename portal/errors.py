"""The site's error pages: generic, in the visitor's language, and never an error themselves.

Each page has a bare fallback for when its template cannot be rendered (a missing static
manifest entry, a database that is down, a Host header that ``request.get_host()`` refuses).
"""

from django.contrib import admin
from django.http import HttpResponse, HttpResponseForbidden
from django.template import loader
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.csrf import requires_csrf_token

from .roles import ROLE_LABELS

FALLBACK_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>{title}</title></head>
<body><h1>{title}</h1><p>{text}</p></body></html>
"""


def _fallback(status: int, title: str, text: str) -> HttpResponse:
    return HttpResponse(FALLBACK_PAGE.format(title=title, text=text), status=status)


@requires_csrf_token
def bad_request(request, exception=None, template_name="400.html"):
    """handler400, and the answer to input no visitor types (portal.middleware): the site's
    layout when it renders; the bare page otherwise (a bad Host header cannot be linked to)."""
    try:
        return HttpResponse(loader.render_to_string(template_name, request=request), status=400)
    except Exception:  # whatever broke, the visitor still gets a plain, generic page
        return _fallback(
            400,
            gettext("Bad request"),
            gettext("The address or the form contained something we cannot accept."),
        )


@requires_csrf_token
def server_error(request, template_name="500.html"):
    """handler500: the generic error page, with no detail about what went wrong. Rendered
    without the request's context: nothing that may have failed (the database) is touched."""
    try:
        return HttpResponse(loader.get_template(template_name).render(), status=500)
    except Exception:  # whatever broke, the visitor still gets a plain, generic page
        return _fallback(
            500,
            gettext("Something went wrong"),
            gettext(
                "An error occurred on our side. It has been logged; "
                "please try again in a few minutes."
            ),
        )


@requires_csrf_token
def permission_denied(request, exception=None):
    """handler403: a page that says, in the staff member's language, that the page is not
    part of their role; in the admin's style under /admin/, in the site's elsewhere."""
    if request.path.startswith(reverse("admin:index")):
        roles = [
            str(ROLE_LABELS.get(name, name))
            for name in request.user.groups.values_list("name", flat=True)
        ] if request.user.is_authenticated else []  # fmt: skip
        context = {**admin.site.each_context(request), "roles": roles}
        html = loader.render_to_string("admin/403.html", context, request)
    else:
        html = loader.render_to_string("403.html", request=request)
    return HttpResponseForbidden(html)
