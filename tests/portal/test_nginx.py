"""The README's nginx configuration, run for real: Debian 12's nginx (1.22) in front of
`make serve`, with a throw-away certificate. Its access log keeps no query strings and no
registrant tokens."""

import http.client
import json
import re
import shutil
import socket
import ssl
import subprocess
import time
from pathlib import Path

import pytest

from tests.needs import unavailable
from tests.production_server import free_port

BASE_DIR = Path(__file__).resolve().parents[2]
TOKEN = "Secret-Registrant-Token_0123456789abcdef"


def readme_nginx_config() -> str:
    readme = (BASE_DIR / "README.md").read_text()
    [block] = re.findall(r"```nginx\n(.*?)```", readme, flags=re.DOTALL)
    return block


def wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 30
    while True:
        assert process.poll() is None, log.read_text()
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.05)


@pytest.fixture(scope="module")
def nginx(production_server, tmp_path_factory):
    binary = shutil.which("nginx") or next(
        (path for path in ("/usr/sbin/nginx",) if Path(path).exists()), None
    )
    if binary is None:
        unavailable(
            "nginx is not installed (apt-get install nginx-light)", flag="PORTAL_REQUIRE_NGINX"
        )
    tmp = tmp_path_factory.mktemp("nginx")
    subprocess.run(  # noqa: S603 - openssl from PATH, fixed arguments
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",  # noqa: S607
         "-subj", "/CN=localhost", "-keyout", tmp / "key.pem", "-out", tmp / "cert.pem"],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    https_port, http_port = free_port(), free_port()
    site = (
        readme_nginx_config()
        .replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
        .replace("listen 80;", f"listen 127.0.0.1:{http_port};")
        .replace("server_name portal.example.org;", "server_name localhost;")
        .replace("/etc/letsencrypt/live/portal.example.org/fullchain.pem", str(tmp / "cert.pem"))
        .replace("/etc/letsencrypt/live/portal.example.org/privkey.pem", str(tmp / "key.pem"))
        .replace("/var/log/nginx/", f"{tmp}/")
        .replace("/srv/portal/media/", f"{tmp}/media/")
        .replace("/var/cache/nginx/portal", f"{tmp}/cache")
        .replace("http://127.0.0.1:8000", f"http://127.0.0.1:{production_server.port}")
    )
    assert site.count(str(tmp)) >= 5  # every machine-specific path was replaced
    config = tmp / "nginx.conf"
    config.write_text(
        f"daemon off;\nmaster_process off;\npid {tmp}/nginx.pid;\nerror_log {tmp}/error.log;\n"
        "events {}\n"
        f"http {{\n    client_body_temp_path {tmp}/body;\n    proxy_temp_path {tmp}/proxy;\n"
        f"{site}\n}}\n"
    )
    command = [binary, "-p", str(tmp), "-c", str(config)]
    checked = subprocess.run(  # noqa: S603 - nginx on our generated configuration
        [*command, "-t"], capture_output=True, text=True, timeout=30, check=False
    )
    assert checked.returncode == 0, checked.stderr
    assert "syntax is ok" in checked.stderr
    process = subprocess.Popen(command, stderr=subprocess.STDOUT, stdout=subprocess.DEVNULL)  # noqa: S603
    try:
        wait_for_port(https_port, process, tmp / "error.log")
        yield {"https": https_port, "http": http_port, "log": tmp / "portal.access.log"}
    finally:
        process.terminate()
        process.wait(timeout=30)


def get(port: int, path: str, *, tls: bool = True, cookie: str = "") -> http.client.HTTPResponse:
    if tls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE  # the test's own throw-away certificate
        connection = http.client.HTTPSConnection("127.0.0.1", port, timeout=15, context=context)
    else:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    headers = {"Host": "localhost", **({"Cookie": cookie} if cookie else {})}
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def test_the_readme_config_proxies_and_logs_nothing_personal(nginx):
    assert get(nginx["https"], "/en/news/?q=ann%40example.org&sector=x").status == 200
    assert get(nginx["https"], f"/en/registrations/{TOKEN}/?phone=%2B79001234567").status == 404
    assert get(nginx["https"], f"/ru/registrations/{TOKEN}/cancel/").status == 404
    redirect = get(nginx["http"], f"/en/registrations/{TOKEN}/", tls=False)
    assert redirect.status == 301
    assert redirect.getheader("Location") == f"https://localhost/en/registrations/{TOKEN}/"
    [news, registrant, cancel, plain] = [
        json.loads(line) for line in nginx["log"].read_text().splitlines()
    ]
    assert (news["path"], news["status"], news["method"]) == ("/en/news/", 200, "GET")
    assert registrant["path"] == "/en/registrations/…/"
    assert cancel["path"] == "/ru/registrations/…/cancel/"
    assert plain["path"] == "/en/registrations/…/" and plain["status"] == 301
    assert len(news["request_id"]) == 32
    text = nginx["log"].read_text()
    for secret in (TOKEN, "example.org", "ann", "79001234567", "sector", "?"):
        assert secret not in text, secret


def test_the_micro_cache_answers_public_pages_and_never_staff_or_forms(nginx):
    first = get(nginx["https"], "/en/agreements/")
    assert first.status == 200 and first.getheader("Cache-Control") == "public, max-age=10"
    assert get(nginx["https"], "/en/agreements/").getheader("X-Micro-Cache") == "HIT"
    staff = get(nginx["https"], "/en/agreements/", cookie="__Host-sessionid=abc")
    assert staff.getheader("X-Micro-Cache") == "BYPASS"
    # The login form carries a CSRF token: private, never kept by nginx.
    login = get(nginx["https"], "/admin/login/")
    assert "public" not in login.getheader("Cache-Control", "")
    assert get(nginx["https"], "/admin/login/").getheader("X-Micro-Cache") != "HIT"
