"""The site's URLs plus one view that fails, for testing the error page."""

from django.urls import path

from portal.urls import handler400, handler500  # noqa: F401 - the error handlers under test
from portal.urls import urlpatterns as site_urlpatterns


def broken_view(request):
    raise ZeroDivisionError("secret detail that must not reach the visitor")


urlpatterns = [path("broken/", broken_view), *site_urlpatterns]
