import contextlib
import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

# How long the worker may take to finish the email it is sending before it is killed.
GRACE_SECONDS = 30


class Command(BaseCommand):
    help = (
        "Development (make run): runserver and the task worker side by side. Ctrl+C or "
        "SIGTERM stops both, and so does either one stopping by itself."
    )
    requires_system_checks = []  # runserver and the worker run their own

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, addrport, **options):
        stop_signals = []
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda signum, frame: stop_signals.append(signum))
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        # Each child leads a process group of its own (with its autoreloader's process), so
        # that the terminal's Ctrl+C reaches only this command, which passes it on once: a
        # second Ctrl+C would make the worker drop the email it is sending.
        children = {
            "runserver": subprocess.Popen([*manage, "runserver", addrport], process_group=0),  # noqa: S603
            "the task worker": subprocess.Popen([*manage, "run_worker"], process_group=0),  # noqa: S603
        }
        while not stop_signals and all(child.poll() is None for child in children.values()):
            time.sleep(0.2)
        ended = {name: child.poll() for name, child in children.items() if child.poll() is not None}
        for child in children.values():
            _signal_group(child, signal.SIGINT)
        deadline = time.monotonic() + GRACE_SECONDS
        for child in children.values():
            try:
                child.wait(timeout=max(deadline - time.monotonic(), 0))
            except subprocess.TimeoutExpired:
                _signal_group(child, signal.SIGKILL)
                child.wait()
        if not stop_signals and ended:
            name, code = next(iter(ended.items()))
            raise CommandError(f"{name} stopped (exit code {code}), so the other was stopped too.")


def _signal_group(child: subprocess.Popen, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.pid, signum)
