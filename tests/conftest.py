import datetime
import io
import logging

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone, translation


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's default language: a request through LocaleMiddleware
    leaves its language active in the thread, which would leak into the next test."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache (the site profile and rate limits live there),
    and with no generation or page remembered in this process's memory (portal.pagecache)."""
    from portal.pagecache import forget_worker_state

    def clear():
        cache.clear()
        forget_worker_state()

    clear()
    yield
    clear()


@pytest.fixture
def today():
    """Today in the site's time zone, when the test runs (not when the module was imported:
    a run that crosses midnight in Astrakhan must not change what "today" means mid-test)."""
    return timezone.localdate()


@pytest.fixture(scope="session")
def production_server(tmp_path_factory):
    """One `make serve` (gunicorn, production settings, demo content) and one task worker
    for the whole run."""
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


@pytest.fixture
def run_worker(django_capture_on_commit_callbacks, monkeypatch):
    """The task worker, in this process, on the real database backend: ``run_worker()`` runs
    `manage.py run_worker --batch` (a sweep of the outbox, then every task that is due) until
    nothing more is due, and returns how many tasks it ran."""
    from django_tasks_db.management.commands import db_worker
    from django_tasks_db.models import DBTaskResult

    # The worker's Ctrl+C handling would replace pytest's own.
    monkeypatch.setattr(db_worker.Worker, "configure_signals", lambda worker: None)
    if connection.in_atomic_block:
        # Between tasks the worker closes connections that are inside a transaction, which
        # would end the transaction that this test runs in.
        monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run() -> int:
        ran = 0
        while True:
            before = DBTaskResult.objects.finished().count()
            # In a test that runs in one transaction, what the tasks enqueue "after commit"
            # is enqueued when this block ends; then the worker goes round again.
            with django_capture_on_commit_callbacks(execute=True) as callbacks:
                call_command(
                    "run_worker", "--batch", "--no-startup-delay", "--no-reload",
                    stdout=io.StringIO(),
                )  # fmt: skip
            ran += DBTaskResult.objects.finished().count() - before
            if not callbacks:
                return ran

    return run


@pytest.fixture
def later(monkeypatch):
    """Moves the clock on: after ``later(minutes=2)``, timezone.now() is two minutes ahead
    (for the worker's run_after and the outbox's back-off alike)."""
    real_now = timezone.now
    offset = datetime.timedelta()

    def move(**delta) -> None:
        nonlocal offset
        offset += datetime.timedelta(**delta)
        monkeypatch.setattr(timezone, "now", lambda: real_now() + offset)

    return move


def pytest_collection_modifyitems(config, items):
    """The validity checks (tests/e2e/test_validity.py) run only when asked for by marker,
    as `make test-validity` does (`-m validity`): they take minutes, `make test` must not."""
    if "validity" in (config.option.markexpr or ""):
        return
    deselected = [item for item in items if item.get_closest_marker("validity")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker("validity")]
