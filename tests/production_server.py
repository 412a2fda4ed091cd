"""`make serve` started for real (gunicorn, production settings) for the tests that check the
site from outside, over HTTP, the way a reverse proxy or a scanner talks to it."""

import http.client
import os
import secrets
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]
PYTHON = BASE_DIR / ".venv" / "bin" / "python"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def healthz_status(port: int) -> int:
    # Plain HTTP, as a load balancer asks; the health check is exempt from the HTTPS redirect.
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/healthz", headers={"Host": "localhost"})
        return connection.getresponse().status
    finally:
        connection.close()


def clean_env(**extra) -> dict:
    """A minimal environment, so that nothing from the test run leaks into the server."""
    return {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), **extra}


@dataclass
class ProductionServer:
    port: int
    var: Path
    env: dict

    @property
    def log(self) -> Path:
        return self.var / "server.log"

    def manage(self, *args: str) -> str:
        """Run a management command against the server's database; returns its stdout."""
        env = {**self.env, "DJANGO_DEBUG": "0", "DJANGO_ALLOWED_HOSTS": "localhost"}
        result = subprocess.run(  # noqa: S603 - our own manage.py
            [str(PYTHON), "manage.py", *args],
            cwd=BASE_DIR, env=env, check=True, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        return result.stdout


def start(var: Path):
    """Start `make serve` on a free port with the demo content, and a task worker; a generator
    for a fixture."""
    port = free_port()
    env = clean_env(
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        PORT=str(port),
        PORTAL_VAR_DIR=str(var),
        DJANGO_BEHIND_PROXY="1",
    )
    server = ProductionServer(port=port, var=var, env=env)
    worker = None
    with server.log.open("w") as output:
        process = subprocess.Popen(  # noqa: S603 - make, from PATH, on our own Makefile
            ["make", "serve"],  # noqa: S607
            cwd=BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 180
        while True:
            assert process.poll() is None, server.log.read_text()
            assert time.monotonic() < deadline, server.log.read_text()
            try:
                if healthz_status(port) == 200:
                    break
            except OSError:
                time.sleep(0.5)
        server.manage("load_demo")
        # The task worker beside it, as in production: it delivers the emails to var/mail/.
        with (var / "worker.log").open("w") as output:
            worker = subprocess.Popen(  # noqa: S603 - our own manage.py
                [str(PYTHON), "manage.py", "run_worker", "--interval", "0.2"],
                cwd=BASE_DIR, env={**env, "DJANGO_DEBUG": "0"}, stdout=output,
                stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        yield server
    finally:
        if worker is not None:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=30)
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
