"""The site's URLs plus views that fail, for testing the error pages and the retry."""

from django.db import connection
from django.http import HttpResponse
from django.urls import path

from portal.urls import handler400, handler500  # noqa: F401 - the error handlers under test
from portal.urls import urlpatterns as site_urlpatterns

# How many times the view below ran (tests reset it).
attempts: list[str] = []


def broken_view(request):
    raise ZeroDivisionError("secret detail that must not reach the visitor")


def connection_lost_view(request):
    """Queries, has its database connection ended by another session (as a PostgreSQL
    restart or an operator would), then queries again: the first time only."""
    attempts.append(request.method)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        [pid] = cursor.fetchone()
        if len(attempts) == 1:
            terminate_backend(pid)
        cursor.execute("SELECT 1")
    return HttpResponse(f"answered on attempt {len(attempts)}")


def terminate_backend(pid: int) -> None:
    """End the server process behind connection `pid`, from a second connection, and wait
    until it is gone (PostgreSQL 14+: the timeout argument)."""
    other = connection.copy()
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])
            assert cursor.fetchone() == (True,)
    finally:
        other.close()


urlpatterns = [
    path("broken/", broken_view),
    path("connection-lost/", connection_lost_view),
    *site_urlpatterns,
]
