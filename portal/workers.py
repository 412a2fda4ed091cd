"""A served worker's garbage collector (portal/wsgi.py uses this; tests and commands do not).

A worker's long-lived objects (Django, the apps, the URL configuration, the templates and
translations its first requests load) are never garbage, yet every full collection walks
them all: on make bench's data that was a pause of 80-100 ms every few thousand requests,
the whole of the p99 target, in the middle of some visitor's request. Frozen
(``gc.freeze``), they are left out of every later collection: once when the worker has
loaded the application, and once more after its first requests, which load what pages need
on first use. Measured in-process over 3,000 requests of five pages: the largest pause went
from 81-102 ms to 3 ms. The collector keeps running for everything made afterwards."""

import gc

from django.core.signals import request_finished

# Enough for a worker to have shown every kind of page once or more.
WARM_UP_REQUESTS = 100


def freeze_long_lived() -> None:
    """Collects what is garbage now, then leaves everything left out of later collections
    (a full collection: one pause of the kind this avoids, when the worker has answered)."""
    gc.collect()
    gc.freeze()


def freeze_after(requests: int = WARM_UP_REQUESTS):
    """Freezes once more when ``requests`` requests have finished (Django's request_finished
    comes when the server has sent the response). The receiver then disconnects itself, so
    that later requests do not pay for it. Returns the receiver."""
    finished = 0

    def count(**kwargs):
        nonlocal finished
        finished += 1
        if finished >= requests:  # (>=: threaded workers may count two at once)
            request_finished.disconnect(count)
            freeze_long_lived()

    request_finished.connect(count, weak=False)
    return count
