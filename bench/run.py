"""make bench: the portal under load, page by page, against the stack's own limit.

1. creates the PostgreSQL database ``portal_bench`` (dropping it first only when an earlier
   bench run created it: the database carries a comment saying so), migrates it, loads the
   scale dataset and collects static files;
2. starts gunicorn on 127.0.0.1 with production settings (5 sync workers, a random secret key,
   Redis as the cache when it answers on 127.0.0.1:6379, PORTAL_BENCH=1 for the bare view and
   a lifted form rate limit), once with the page cache on and once with it off;
3. drives each page with wrk (-t2 -c16, BENCH_SECONDS each, default 10), registration POSTs
   with a Lua script (one CSRF token, a unique email per request), and checks afterwards with
   SQL that the event is not overbooked;
4. counts each page's queries with Django's test client against the same database;
5. prints a Markdown table (also written to var/bench/results.md) and stops what it started.

Environment: BENCH_SECONDS, BENCH_PORT (8765), BENCH_DB_HOST/PORT/USER (127.0.0.1, 5432,
postgres), BENCH_REDIS_URL (redis://127.0.0.1:6379/15; "" for local memory), BENCH_SKIP_LOAD=1
(reuse an already loaded portal_bench).
"""

import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
DB = "portal_bench"
MARKER = "created by make bench"
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
PORT = int(os.environ.get("BENCH_PORT", "8765"))
HOST = "127.0.0.1"
PG = {
    "host": os.environ.get("BENCH_DB_HOST", "127.0.0.1"),
    "port": os.environ.get("BENCH_DB_PORT", "5432"),
    "user": os.environ.get("BENCH_DB_USER", "postgres"),
}
VAR = ROOT / "var" / "bench"
SEARCH = "Caspian shipping"
started: list[subprocess.Popen] = []


def log(message: str) -> None:
    print(f"[bench] {message}", flush=True)


def psql(sql: str, database: str = "postgres") -> str:
    command = ["psql", "-h", PG["host"], "-p", PG["port"], "-U", PG["user"], "-d", database]
    result = subprocess.run([*command, "-tAc", sql], capture_output=True, text=True, check=True)
    return result.stdout.strip()


def redis_url() -> str:
    url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
    if not url:
        return ""
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception as error:  # no Redis: the bench runs with the local-memory cache
        log(f"Redis at {url} does not answer ({error}); using the local-memory cache")
        return ""
    return url


def environment(*, page_cache: bool) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{DB}",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=SECRET_KEY,
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_ALLOWED_HOSTS=HOST,
        PORTAL_BENCH="1",
        PORTAL_BASE_URL=f"http://{HOST}:{PORT}",
        DJANGO_DEFAULT_FROM_EMAIL="bench@localhost",
        PORTAL_VAR_DIR=str(VAR / "var"),
        PORTAL_PAGE_CACHE_SECONDS="60" if page_cache else "0",
        REDIS_URL=REDIS_URL,
    )
    return env


def manage(*args: str, page_cache: bool = True, capture: bool = False) -> str:
    result = subprocess.run(
        [PY, "manage.py", *args],
        cwd=ROOT,
        env=environment(page_cache=page_cache),
        check=True,
        capture_output=capture,
        text=True,
    )
    return result.stdout if capture else ""


def ensure_wrk() -> None:
    if shutil.which("wrk"):
        return
    log("wrk is missing: installing Debian's package (bench only)")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*sudo, "apt-get", "update", "-q"], check=True, env=env)
    subprocess.run([*sudo, "apt-get", "install", "-y", "-q", "wrk"], check=True, env=env)


def create_database() -> None:
    exists = psql(f"SELECT 1 FROM pg_database WHERE datname = '{DB}'")
    if exists:
        comment = psql(
            f"SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname='{DB}'"
        )
        if comment != MARKER:
            sys.exit(f"Database {DB} exists and was not created by make bench; not touching it.")
        log(f"dropping {DB} from an earlier bench run")
        psql(f"DROP DATABASE {DB} WITH (FORCE)")
    psql(f"CREATE DATABASE {DB}")
    psql(f"COMMENT ON DATABASE {DB} IS '{MARKER}'")


def prepare() -> float:
    if os.environ.get("BENCH_SKIP_LOAD") == "1":
        return 0.0
    create_database()
    log("migrate")
    manage("migrate", "--noinput", "-v0")
    log("load_scale_data")
    begun = time.monotonic()
    manage("load_scale_data")
    loaded = time.monotonic() - begun
    manage("collectstatic", "--noinput", "-v0")
    return loaded


SETUP_SCRIPT = """
import json, datetime
from django.utils import timezone
from events.models import Event
from portal.models import NewsArticle
from agreements.models import Agreement
now = timezone.now()
bench, _ = Event.objects.update_or_create(slug="bench-registration", defaults=dict(
    title="Benchmark registration event", description="For make bench.",
    starts_at=now + datetime.timedelta(days=30), ends_at=now + datetime.timedelta(days=30, hours=3),
    capacity=500, status="published", waiting_list_enabled=True))
event = (Event.objects.filter(status="published", starts_at__gt=now).exclude(pk=bench.pk)
         .order_by("starts_at").first())
print(json.dumps({
    "article": NewsArticle.objects.published().order_by("-publish_at").first().get_absolute_url(),
    "event": event.get_absolute_url(),
    "agreement": Agreement.objects.public().order_by("pk").last().get_absolute_url(),
    "register": "/en/events/bench-registration/register/",
    "register_event_pk": bench.pk,
}))
"""


def static_path() -> str:
    manifest = json.loads((VAR / "var" / "static" / "staticfiles.json").read_text())
    return "/static/" + manifest["paths"]["css/portal.css"]


def pages(info: dict) -> list[tuple[str, str]]:
    from urllib.parse import quote_plus

    return [
        ("bare Django view", "/bench/bare/"),
        ("home", "/en/"),
        ("news list", "/en/news/"),
        ("article", info["article"]),
        ("events list", "/en/events/"),
        ("event", info["event"]),
        ("agreements list", "/en/agreements/"),
        ("agreement", info["agreement"]),
        ("search", f"/en/search/?q={quote_plus(SEARCH)}"),
        ("static file", static_path()),
    ]


def start_gunicorn(*, page_cache: bool) -> subprocess.Popen:
    log_file = open(VAR / f"gunicorn-{'cached' if page_cache else 'uncached'}.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [GUNICORN, "portal.wsgi:application", "--bind", f"{HOST}:{PORT}", "--workers", "5",
         "--timeout", "30", "--graceful-timeout", "30", "--max-requests", "1000",
         "--max-requests-jitter", "100", "--no-control-socket"],
        cwd=ROOT, env=environment(page_cache=page_cache), stdout=log_file, stderr=log_file,
        start_new_session=True,
    )  # fmt: skip
    started.append(process)
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"http://{HOST}:{PORT}/healthz", timeout=1):
                return process
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start; see " + log_file.name)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
    if process in started:
        started.remove(process)


def to_ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(
    path: str, *, script: str | None = None, env: dict | None = None, seconds: int = SECONDS
) -> dict:
    command = ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency"]
    if script:
        command += ["-s", script]
    command.append(f"http://{HOST}:{PORT}{path}")
    output = subprocess.run(
        command, capture_output=True, text=True, check=True, env={**os.environ, **(env or {})}
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = to_ms(re.search(r"\s50%\s+(\S+)", output).group(1))
    p99 = to_ms(re.search(r"\s99%\s+(\S+)", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {
        "rate": rate, "p50": p50, "p99": p99,
        "errors": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
    }  # fmt: skip


def csrf_for(path: str) -> tuple[str, str]:
    with urllib.request.urlopen(f"http://{HOST}:{PORT}{path}", timeout=10) as response:
        html = response.read().decode()
        cookies = response.headers.get_all("Set-Cookie") or []
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    cookie = next(c.split(";", 1)[0] for c in cookies if "csrftoken=" in c)
    return token, cookie


QUERY_SCRIPT = """
import json, sys
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
client = Client(HTTP_HOST="127.0.0.1")
counts = {}
for name, path in json.loads(sys.argv[-1]):
    client.get(path)  # warm the caches a page may fill (site profile, page cache)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    counts[name] = (len(queries), response.status_code)
print(json.dumps(counts))
"""


def query_counts(page_list, *, page_cache: bool) -> dict:
    output = manage(
        "shell", "-c", QUERY_SCRIPT.replace("sys.argv[-1]", repr(json.dumps(page_list))),
        page_cache=page_cache, capture=True,
    )  # fmt: skip
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    VAR.mkdir(parents=True, exist_ok=True)
    ensure_wrk()
    loaded = prepare()
    info = json.loads(manage("shell", "-c", SETUP_SCRIPT, capture=True).strip().splitlines()[-1])
    page_list = pages(info)
    rows = []
    overbooking = ""
    for cached in (True, False):
        mode = "cached" if cached else "uncached"
        counts = query_counts([p for p in page_list if p[0] != "static file"], page_cache=cached)
        process = start_gunicorn(page_cache=cached)
        try:
            bare = None
            for name, path in page_list:
                log(f"{mode}: {name} {path}")
                wrk(path, seconds=2)  # warm-up: workers, connections, caches
                result = wrk(path)
                bare = bare or result["rate"]
                count = counts.get(name, ("–", 200))[0] if name != "static file" else 0
                rows.append((name, mode, result, count, result["rate"] / bare))
            if cached:  # registration never goes through the page cache: measured once
                token, cookie = csrf_for(info["register"])
                event_pk = info["register_event_pk"]
                log(f"registration POST {info['register']}")
                result = wrk(
                    info["register"],
                    script=str(ROOT / "bench" / "register.lua"),
                    env={"BENCH_CSRF_TOKEN": token, "BENCH_CSRF_COOKIE": cookie},
                )
                confirmed, total, capacity = psql(
                    "SELECT count(*) FILTER (WHERE r.status = 'confirmed'), count(r.id), "
                    "min(e.capacity) FROM events_event e LEFT JOIN events_registration r "
                    f"ON r.event_id = e.id WHERE e.id = {event_pk}",
                    DB,
                ).split("|")
                overbooking = (
                    f"{total} registrations stored, {confirmed} confirmed for {capacity} seats "
                    f"({'no overbooking' if int(confirmed) <= int(capacity) else 'OVERBOOKED'}); "
                    f"{result['errors']} non-2xx/3xx answers"
                )
                rows.append(("registration POST", "—", result, "–", result["rate"] / bare))
        finally:
            stop(process)
    print_table(rows, loaded, overbooking)


def print_table(rows, loaded: float, overbooking: str) -> None:
    lines = [
        f"wrk -t2 -c16, {SECONDS} s per page; gunicorn 5 sync workers; "
        f"cache: {'Redis' if REDIS_URL else 'local memory'}",
        "",
        "| page | page cache | requests/s | p50 ms | p99 ms | queries | × bare view |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for name, mode, result, count, ratio in rows:
        lines.append(
            f"| {name} | {mode} | {result['rate']:.0f} | {result['p50']:.1f} | "
            f"{result['p99']:.1f} | {count} | {ratio:.2f} |"
        )
    lines += ["", f"Registration: {overbooking}."]
    if loaded:
        lines.append(f"load_scale_data: {loaded:.1f} s.")
    text = "\n".join(lines)
    (VAR / "results.md").write_text(text + "\n")
    print("\n" + text)


SECRET_KEY = secrets.token_urlsafe(50)
REDIS_URL = ""

if __name__ == "__main__":
    REDIS_URL = redis_url()
    try:
        main()
    finally:
        for process in list(started):
            stop(process)
