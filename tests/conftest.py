import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import translation


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache (the site profile and rate limits live there)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's default language. A request through LocaleMiddleware
    (an /az/ page, or the admin with a language cookie) leaves its language active in the
    thread, and translated model fields are written in the active language."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


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
