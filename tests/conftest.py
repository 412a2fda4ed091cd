import io
import logging

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache (the site profile and rate limits live there)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def today():
    """Today in the site's time zone, when the test runs (not when the module was imported:
    a run that crosses midnight in Astrakhan must not change what "today" means mid-test)."""
    return timezone.localdate()


@pytest.fixture(scope="session")
def production_server(tmp_path_factory):
    """One `make serve` (gunicorn, production settings, demo content) for the whole run."""
    from tests import production_server

    yield from production_server.start(tmp_path_factory.mktemp("production-var"))


@pytest.fixture
def staff_client(django_user_model):
    """A second browser, logged in as a superuser (``client`` stays anonymous)."""
    user = django_user_model.objects.create_superuser("staff", "staff@example.org", "pw")
    staff = Client()
    staff.force_login(user)
    return staff


@pytest.fixture
def console_log():
    """What the production console handler prints (LOGGING's own handler, formatter and
    filters, for every logger that uses it); call it for the text so far."""
    [handler] = [h for h in logging.getLogger().handlers if h.name == "console"]
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream.getvalue
    handler.setStream(previous)
