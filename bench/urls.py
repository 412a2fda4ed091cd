"""The portal's URLs plus /bench/bare/: the portal's middleware and nothing else."""

from django.http import HttpResponse
from django.urls import path

from portal.urls import handler400, handler500  # noqa: F401
from portal.urls import urlpatterns as portal_urlpatterns


def bare(request):
    return HttpResponse("ok\n", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), *portal_urlpatterns]
