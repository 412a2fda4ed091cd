"""`make run`'s command for real: the development server and the task worker start together,
and one Ctrl+C stops both (with their autoreloaders' processes)."""

import os
import signal
import subprocess
import time
from pathlib import Path

from tests.production_server import BASE_DIR, PYTHON, clean_env, free_port, healthz_status


def processes_in_session(session: int) -> dict[int, str]:
    """pid → command line of every process in the session (Linux /proc)."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[3]) == session:
                cmdline = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ")
                found[int(stat.parent.name)] = cmdline.decode()
        except (OSError, IndexError, ValueError):
            continue  # ended while we looked
    return found


def wait_for(condition, what: str, log: Path, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"{what}\n{log.read_text()}"
        time.sleep(0.2)


def test_run_with_worker_starts_both_and_one_ctrl_c_stops_both(tmp_path):
    env = clean_env(DJANGO_DEBUG="1", PORTAL_VAR_DIR=str(tmp_path))
    subprocess.run(  # noqa: S603 - our own manage.py
        [str(PYTHON), "manage.py", "migrate", "--noinput", "-v0"],
        cwd=BASE_DIR, env=env, check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    port = free_port()
    log = tmp_path / "run.log"
    with log.open("w") as output:
        process = subprocess.Popen(  # noqa: S603 - our own manage.py
            [str(PYTHON), "manage.py", "run_with_worker", f"127.0.0.1:{port}"],
            cwd=BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own session, as a terminal gives it
        )  # fmt: skip
    try:

        def serving():
            try:
                return healthz_status(port) == 200
            except OSError:
                return False

        wait_for(serving, "the development server did not answer", log)
        wait_for(lambda: "Starting worker" in log.read_text(), "the worker did not start", log)
        commands = processes_in_session(process.pid).values()
        assert any("runserver" in command for command in commands)
        assert any("run_worker" in command for command in commands)

        os.killpg(process.pid, signal.SIGINT)  # Ctrl+C: the terminal signals its foreground group
        assert process.wait(timeout=60) == 0, log.read_text()
        wait_for(
            lambda: not processes_in_session(process.pid), "processes were left behind", log, 10
        )
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        for pid in processes_in_session(process.pid):
            os.kill(pid, signal.SIGKILL)
