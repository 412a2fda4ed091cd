import logging
import os
import threading

from django.db import connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from events.outbox import SWEEP_INTERVAL, rescue_stranded_emails

logger = logging.getLogger(__name__)


def sweep_periodically(stop: threading.Event, interval: float) -> None:
    """In its own thread: sweep the outbox now and then every ``interval`` seconds until
    ``stop`` is set."""
    while True:
        try:
            rescue_stranded_emails()
        except Exception:  # a database hiccup must not stop the sweeps; the next one retries
            logger.exception("Outbox sweep failed")
        finally:
            connections.close_all()  # this thread's connections only
        if stop.wait(interval):
            return


class Command(db_worker.Command):
    help = (
        "Run the task worker: django-tasks-db's db_worker (same options), which delivers the "
        "outbox, plus a sweep every minute that gives emails left without a task a new one "
        "(events.outbox). Several workers may run at once, on one or many servers."
    )

    def handle(self, *args, batch, reload, **options):
        if batch:
            # One pass, e.g. for tests: sweep once, then run every task that is due.
            rescue_stranded_emails()
        elif not reload or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
            # With --reload, only the reloader's child runs tasks, so only it sweeps.
            threading.Thread(
                target=sweep_periodically,
                args=(threading.Event(), SWEEP_INTERVAL.total_seconds()),
                name="outbox-sweep",
                daemon=True,  # ends with the worker; a sweep only enqueues, so nothing is lost
            ).start()
        super().handle(*args, batch=batch, reload=reload, **options)
