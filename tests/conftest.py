import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import translation


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's default language: a request through LocaleMiddleware
    leaves its language active in the thread, which would leak into the next test."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache (the site profile and rate limits live there)."""
    cache.clear()
    yield
    cache.clear()


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
def role_client(django_user_model):
    """``role_client("Editors")``: a browser logged in as a new staff member who has only that
    role (portal.roles, as `manage.py setup_roles` sets it up)."""
    from django.contrib.auth.models import Group

    from portal.roles import setup_roles

    setup_roles()

    def login(role: str, username: str | None = None) -> Client:
        username = username or role.split()[0].lower()
        user = django_user_model.objects.create_user(username, password="pw", is_staff=True)
        user.groups.add(Group.objects.get(name=role))
        client = Client()
        client.force_login(user)
        client.user = user
        return client

    return login
