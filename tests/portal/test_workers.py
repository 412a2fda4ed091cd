"""A served worker freezes what it has loaded out of the garbage collector's way
(portal.workers, called by portal/wsgi.py)."""

import gc
import os
import subprocess
import sys
import weakref

import pytest
from django.conf import settings
from django.core.signals import request_finished

from portal.workers import freeze_after

BASE_DIR = settings.BASE_DIR


def connected():
    """request_finished's receivers, as functions."""
    receivers = [receiver[1] for receiver in request_finished.receivers]
    return [r() if isinstance(r, weakref.ReferenceType) else r for r in receivers]


@pytest.fixture
def unfrozen():
    """The test process as it was: nothing frozen before or after."""
    gc.unfreeze()
    yield
    gc.unfreeze()


@pytest.mark.django_db
def test_the_worker_freezes_after_its_warm_up_requests_then_stops_counting(client, unfrozen):
    receiver = freeze_after(3)
    try:
        for _ in range(2):
            client.get("/healthz")
        assert gc.get_freeze_count() == 0
        assert receiver in connected()
        client.get("/healthz")
        assert gc.get_freeze_count() > 0
        # later requests do not pay for a receiver that has nothing left to do
        assert receiver not in connected()
    finally:
        request_finished.disconnect(receiver)


def test_the_wsgi_application_freezes_what_it_loaded():
    script = (
        "import gc, portal.wsgi; from django.core.signals import request_finished; "
        "print(gc.get_freeze_count(), sum(getattr(r[1], '__qualname__', '')"
        " == 'freeze_after.<locals>.count' for r in request_finished.receivers))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    result = subprocess.run(  # noqa: S603 - this Python, our own fixed script
        [sys.executable, "-c", script], cwd=BASE_DIR, env=env,
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    frozen, receivers = map(int, result.stdout.split()[-2:])
    assert frozen > 10_000  # Django and the apps, not a handful of objects
    assert receivers == 1  # and the warm-up counter waits for the first requests
