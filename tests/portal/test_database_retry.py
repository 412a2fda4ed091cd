"""A read whose database connection was lost is answered on a fresh one
(portal.middleware.RetryLostDatabaseConnectionMiddleware). PostgreSQL only: the connection is
ended for real with pg_terminate_backend, as a restart or an operator would end it."""

import logging

import pytest
from django.db import OperationalError, connection
from django.test import Client

from tests.factories import NewsArticleFactory
from tests.portal import error_urls

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    error_urls.attempts.clear()
    yield
    connection.close()  # a connection a test left broken is not the next test's problem


def end_this_connection() -> int:
    """End the server side of the test's (and the test client's) database connection."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        [pid] = cursor.fetchone()
    error_urls.terminate_backend(pid)
    return pid


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


@pytest.mark.parametrize("page", ["home", "article"])
def test_a_get_after_the_connection_was_ended_is_answered(client, caplog, page):
    """The home page's first query runs while its template renders (lazy querysets, read
    when its sections are rendered again after a change), the article's while its view runs:
    both ways to fail are retried."""
    article = NewsArticleFactory(title="Still here")
    url = "/en/" if page == "home" else article.get_absolute_url()
    assert client.get(url).status_code == 200
    NewsArticleFactory(title="A change")  # a new content generation: the page reads again
    old_pid = end_this_connection()
    with caplog.at_level(logging.WARNING, logger="portal.database"):
        response = client.get(url)
    assert response.status_code == 200
    assert "Still here" in response.content.decode()
    assert backend_pid() != old_pid  # a new connection
    [warning] = [r for r in caplog.records if r.name == "portal.database"]
    assert warning.getMessage() == (
        f"Lost the database connection during GET {url}; retrying once on a new connection"
    )


@pytest.mark.urls("tests.portal.error_urls")
def test_a_connection_ended_during_the_request_is_retried_once(client):
    response = client.get("/connection-lost/")
    assert response.status_code == 200
    assert response.content == b"answered on attempt 2"
    assert error_urls.attempts == ["GET", "GET"]


@pytest.mark.urls("tests.portal.error_urls")
def test_a_post_is_never_retried():
    response = Client(raise_request_exception=False).post("/connection-lost/")
    assert response.status_code == 500
    assert error_urls.attempts == ["POST"]


def test_without_the_retry_the_same_get_fails(client, settings):
    """The negative control: the test above really ends the connection."""
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "RetryLost" not in m]
    NewsArticleFactory()
    assert client.get("/en/news/").status_code == 200
    NewsArticleFactory()  # a new content generation: the list reads its articles again
    end_this_connection()
    with pytest.raises(OperationalError):
        client.get("/en/news/")
