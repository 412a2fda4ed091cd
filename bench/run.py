"""make bench: the portal under load, page by page, beside the stack's own limit in one run.

1. creates the PostgreSQL databases ``portal_bench`` and ``portal_bench_minimal`` (dropping
   one first only when an earlier bench run created it: each carries a comment saying so),
   migrates them, loads the scale dataset into the first and 1,000 rows into the second;
2. starts three gunicorns with the same flags as ``make serve`` (GUNICORN_FLAGS from the
   Makefile, 5 sync workers each): the minimal reference project of bench/minimal/ (a hello
   view and a 20-row list page with a base template and Django's default middleware), the
   portal with its page cache on and the portal with it off (settings: bench/settings.py);
3. drives every page with wrk (-t2 -c16, BENCH_SECONDS each, default 10) after a warm-up,
   BENCH_REPEAT rounds (default 3) in the same order: the references (the minimal project's
   hello view and list page), the portal's bare view and uncached pages, the references
   again, the cached pages and a static file, the references a third time; then the
   registration POST (a Lua script: one CSRF token, a unique email per request) and an SQL
   check that the event is not overbooked; before each round's POSTs (and after their 2 s
   warm-up) the event's earlier registrations are deleted, so that every round starts from
   the same state (500 seats free) instead of a waiting list that grows run after run;
4. counts each page's queries with Django's test client against the same database;
5. prints a Markdown table: each page's median requests/s, p50 and p99, and two ratios, × the
   minimal list page and × the hello view (the stack's limit), each the median over the
   rounds of the page's rate divided by the references measured next to it (the mean of
   the runs before and after its block: the shared machine's speed drifts over minutes, and
   a ratio whose two sides were measured minutes apart measures the drift), and each
   round's p99 of the search and the registration POST; notes the
   machine's load average, writes it to var/bench/results.md and stops what it started.

Environment: BENCH_SECONDS, BENCH_REPEAT, BENCH_PORT (8765; the three servers use it and the
next two), BENCH_DB (portal_bench; with BENCH_SKIP_LOAD=1 a loaded copy of it may be named),
BENCH_DB_HOST/PORT/USER (127.0.0.1, 5432, postgres), BENCH_REDIS_URL
(redis://127.0.0.1:6379/15; "" for local memory), BENCH_SKIP_LOAD=1 (reuse loaded databases).
"""

import json
import os
import re
import secrets
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
DB = os.environ.get("BENCH_DB", "portal_bench")
MINIMAL_DB = "portal_bench_minimal"
MARKER = "created by make bench"
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
PORT = int(os.environ.get("BENCH_PORT", "8765"))
PORTS = {"minimal": PORT, "cached": PORT + 1, "uncached": PORT + 2}
HOST = "127.0.0.1"
PG = {
    "host": os.environ.get("BENCH_DB_HOST", "127.0.0.1"),
    "port": os.environ.get("BENCH_DB_PORT", "5432"),
    "user": os.environ.get("BENCH_DB_USER", "postgres"),
}
# make serve's flags (the Makefile exports them), with the bench's fixed number of workers.
GUNICORN_FLAGS = shlex.split(
    os.environ.get("GUNICORN_FLAGS", "--timeout 30 --graceful-timeout 30 --no-control-socket")
) + ["--workers", "5"]
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


def environment(server: str) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SECRET_KEY=SECRET_KEY,
        BENCH_MINIMAL_DB=MINIMAL_DB,
        BENCH_DB_HOST=PG["host"],
        BENCH_DB_PORT=PG["port"],
        BENCH_DB_USER=PG["user"],
    )
    if server == "minimal":
        env["DJANGO_SETTINGS_MODULE"] = "bench.minimal.settings"
        return env
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{DB}",
        DJANGO_DEBUG="0",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_ALLOWED_HOSTS=HOST,
        PORTAL_BASE_URL=f"http://{HOST}:{PORTS['cached']}",
        DJANGO_DEFAULT_FROM_EMAIL="bench@localhost",
        PORTAL_VAR_DIR=str(VAR / "var"),
        PORTAL_PAGE_CACHE_SECONDS="0" if server == "uncached" else "60",
        REDIS_URL=REDIS_URL,
    )
    return env


def manage(*args: str, server: str = "cached", capture: bool = False) -> str:
    result = subprocess.run(
        [PY, "manage.py", *args],
        cwd=ROOT,
        env=environment(server),
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


def create_database(name: str) -> None:
    exists = psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'")
    if exists:
        comment = psql(
            f"SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname='{name}'"
        )
        if comment != MARKER:
            sys.exit(f"Database {name} exists and was not created by make bench; not touching it.")
        log(f"dropping {name} from an earlier bench run")
        psql(f"DROP DATABASE {name} WITH (FORCE)")
    psql(f"CREATE DATABASE {name}")
    psql(f"COMMENT ON DATABASE {name} IS '{MARKER}'")


def prepare() -> float:
    if os.environ.get("BENCH_SKIP_LOAD") == "1":
        return 0.0
    create_database(MINIMAL_DB)
    manage("migrate", "--run-syncdb", "--noinput", "-v0", server="minimal")
    manage("shell", "-c", "from bench.minimal.seed import seed; seed()", server="minimal")
    create_database(DB)
    log("migrate")
    manage("migrate", "--noinput", "-v0")
    log("load_scale_data")
    begun = time.monotonic()
    manage("load_scale_data")
    loaded = time.monotonic() - begun
    manage("collectstatic", "--noinput", "-v0", *shlex.split(os.environ.get("STATIC_IGNORE", "")))
    return loaded


SETUP_SCRIPT = """
import json, datetime
from django.utils import timezone
from events.models import Event
from portal.models import NewsArticle
from agreements.models import Agreement
now = timezone.now()
bench, _ = Event.objects.update_or_create(slug="bench-registration", defaults=dict(
    title_en="Benchmark registration event", description_en="For make bench.",
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


HELLO = "hello view (minimal project)"
LISTING = "20-row list page (minimal project)"
REFERENCES = [(HELLO, "minimal", "/hello/"), (LISTING, "minimal", "/list/")]


def targets(info: dict) -> list[list[tuple[str, str, str]]]:
    """The portal's (name, server, path) in the order they are measured, in two blocks: the
    references are measured before, between and after them (see main)."""
    from urllib.parse import quote_plus

    portal = [
        ("home", "/en/"),
        ("news list", "/en/news/"),
        ("article", info["article"]),
        ("events list", "/en/events/"),
        ("event", info["event"]),
        ("agreements list", "/en/agreements/"),
        ("agreement", info["agreement"]),
        ("search", f"/en/search/?q={quote_plus(SEARCH)}"),
    ]
    return [
        [("portal's bare view", "cached", "/bench/bare/")]
        + [(name, "uncached", path) for name, path in portal],
        [(name, "cached", path) for name, path in portal]
        + [("static file", "cached", static_path())],
    ]


def start_gunicorn(server: str) -> subprocess.Popen:
    log_file = open(VAR / f"gunicorn-{server}.log", "w")  # noqa: SIM115
    wsgi = "bench.minimal.wsgi:application" if server == "minimal" else "portal.wsgi:application"
    process = subprocess.Popen(
        [GUNICORN, wsgi, "--bind", f"{HOST}:{PORTS[server]}", *GUNICORN_FLAGS],
        cwd=ROOT, env=environment(server), stdout=log_file, stderr=log_file,
        start_new_session=True,
    )  # fmt: skip
    started.append(process)
    probe = "/hello/" if server == "minimal" else "/healthz"
    for _ in range(150):
        try:
            with urllib.request.urlopen(f"http://{HOST}:{PORTS[server]}{probe}", timeout=1):
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


def wrk(url: str, *, script: str | None = None, env: dict | None = None, seconds=SECONDS) -> dict:
    command = ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency"]
    if script:
        command += ["-s", script]
    command.append(url)
    output = subprocess.run(
        command, capture_output=True, text=True, check=True, env={**os.environ, **(env or {})}
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = to_ms(re.search(r"\s50%\s+(\S+)", output).group(1))
    p99 = to_ms(re.search(r"\s99%\s+(\S+)", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {"rate": rate, "p50": p50, "p99": p99, "errors": int(errors.group(1)) if errors else 0}


def csrf_for(path: str) -> tuple[str, str]:
    url = f"http://{HOST}:{PORTS['cached']}{path}"
    with urllib.request.urlopen(url, timeout=10) as response:
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


def query_counts(page_list, *, server: str) -> dict:
    output = manage(
        "shell", "-c", QUERY_SCRIPT.replace("sys.argv[-1]", repr(json.dumps(page_list))),
        server=server, capture=True,
    )  # fmt: skip
    return json.loads(output.strip().splitlines()[-1])


def reset_registrations(event_pk: int, run=None) -> None:
    """Delete the bench event's registrations, with their answers, history, emails and the
    emails' delivery tasks (one transaction), so that every round of POSTs starts with all
    seats free. ``run`` executes the SQL (psql on the bench database by default)."""
    event = int(event_pk)
    mine = f"SELECT id FROM events_registration WHERE event_id = {event}"
    emails = f"SELECT id FROM events_outboxemail WHERE registration_id IN ({mine})"
    sql = (
        "BEGIN; DELETE FROM django_tasks_database_dbtaskresult WHERE task_path = "
        f"'events.outbox.deliver_email' AND (args_kwargs->'args'->>0)::bigint IN ({emails}); "
        f"DELETE FROM events_outboxemail WHERE registration_id IN ({mine}); "
        f"DELETE FROM events_registrationanswer WHERE registration_id IN ({mine}); "
        f"DELETE FROM events_historicalregistration WHERE event_id = {event}; "
        f"DELETE FROM events_registration WHERE event_id = {event}; COMMIT;"
    )
    if run is None:
        psql(sql, DB)
    else:
        run(sql)


def seat_check(event_pk: int) -> dict:
    confirmed, total, capacity = psql(
        "SELECT count(*) FILTER (WHERE r.status = 'confirmed'), count(r.id), min(e.capacity) "
        "FROM events_event e LEFT JOIN events_registration r ON r.event_id = e.id "
        f"WHERE e.id = {int(event_pk)}",
        DB,
    ).split("|")
    return {"confirmed": int(confirmed), "total": int(total), "capacity": int(capacity)}


def median_result(results: list[dict]) -> dict:
    return {key: statistics.median(r[key] for r in results) for key in results[0]}


def measure(name: str, server: str, path: str, round_number: int) -> dict:
    url = f"http://{HOST}:{PORTS[server]}{path}"
    log(f"round {round_number}/{REPEAT}: {server} {name}")
    wrk(url, seconds=2)  # warm-up: workers, connections, caches
    result = wrk(url)
    log(f"  {result['rate']:.0f}/s, p50 {result['p50']:.1f} ms, p99 {result['p99']:.1f} ms")
    return result


def main() -> None:
    VAR.mkdir(parents=True, exist_ok=True)
    ensure_wrk()
    loaded = prepare()
    info = json.loads(manage("shell", "-c", SETUP_SCRIPT, capture=True).strip().splitlines()[-1])
    blocks = targets(info)
    portal_pages = [(name, path) for name, server, path in blocks[0] if server == "uncached"]
    counts = {
        "uncached": query_counts(portal_pages, server="uncached"),
        "cached": query_counts(portal_pages, server="cached"),
    }
    for server in PORTS:
        start_gunicorn(server)
    loads = [os.getloadavg()]
    measured: dict[tuple[str, str], list[dict]] = {}
    ratios: dict[tuple[str, str], list[dict]] = {}
    registration: list[dict] = []
    seats: list[dict] = []
    token, cookie = csrf_for(info["register"])
    for round_number in range(1, REPEAT + 1):
        # The references before, between and after the two blocks: each page's ratios are
        # taken against the references measured next to its block (the mean of the two
        # runs around it), so that the shared machine's speed, which drifts over minutes,
        # is the same on both sides of a ratio.
        references = [
            {name: measure(name, server, path, round_number) for name, server, path in REFERENCES}
        ]
        for block in blocks:
            results = [(row, measure(*row, round_number)) for row in block]
            references.append(
                {
                    name: measure(name, server, path, round_number)
                    for name, server, path in REFERENCES
                }
            )
            around = references[-2:]
            for (name, server, _path), result in results:
                measured.setdefault((name, server), []).append(result)
                ratios.setdefault((name, server), []).append(paired(result, around))
        for name, server, _path in REFERENCES:
            for reference in references:
                measured.setdefault((name, server), []).append(reference[name])
        log(f"round {round_number}/{REPEAT}: registration POST")
        post = {
            "url": f"http://{HOST}:{PORTS['cached']}{info['register']}",
            "script": str(ROOT / "bench" / "register.lua"),
            "env": {"BENCH_CSRF_TOKEN": token, "BENCH_CSRF_COOKIE": cookie},
        }
        reset_registrations(info["register_event_pk"])
        wrk(**post, seconds=2)  # warm-up, like every page's; then from no registrations again
        time.sleep(1)  # the requests wrk left in flight commit before the event is emptied
        reset_registrations(info["register_event_pk"])
        registration.append(wrk(**post))
        log(f"  {registration[-1]['rate']:.0f}/s, p99 {registration[-1]['p99']:.1f} ms")
        ratios.setdefault(("registration POST", "cached"), []).append(
            paired(registration[-1], references[-1:])
        )
        seats.append(seat_check(info["register_event_pk"]))
        loads.append(os.getloadavg())
    overbooked = any(check["confirmed"] > check["capacity"] for check in seats)
    summary = {
        "registration": (
            "each round from no registrations: "
            + "; ".join(
                f"{c['total']} stored, {c['confirmed']} confirmed for {c['capacity']} seats"
                for c in seats
            )
            + f" ({'OVERBOOKED' if overbooked else 'no overbooking'}); "
            f"{sum(r['errors'] for r in registration)} non-2xx/3xx answers"
        ),
        "loads": loads,
        "loaded": loaded,
        # The two targets on a p99: each round's, beside the median in the table.
        "p99s": {
            "search (uncached)": [r["p99"] for r in measured[("search", "uncached")]],
            "registration POST": [r["p99"] for r in registration],
        },
    }
    results = {key: median_result(value) for key, value in measured.items()}
    results[("registration POST", "cached")] = median_result(registration)
    for key, value in ratios.items():
        results[key].update(median_result(value))
    for name, server, _path in REFERENCES:  # each other's multiple, from all their runs
        results[(name, server)].update(paired(results[(name, server)], [results_by_name(results)]))
    rows = [*REFERENCES, *(row for block in blocks for row in block)]
    print_table(rows, results, counts, summary)
    if overbooked:
        sys.exit("The registration event was overbooked.")


def results_by_name(results: dict) -> dict:
    return {name: results[(name, server)] for name, server, _path in REFERENCES}


def paired(result: dict, references: list[dict]) -> dict:
    """``result``'s rate as a multiple of the references' (the mean of the runs given)."""
    hello = statistics.mean(reference[HELLO]["rate"] for reference in references)
    listing = statistics.mean(reference[LISTING]["rate"] for reference in references)
    return {"x_list": result["rate"] / listing, "x_hello": result["rate"] / hello}


def print_table(rows, results, counts, summary) -> None:
    lines = [
        f"wrk -t2 -c16, {SECONDS} s per page after a 2 s warm-up, {REPEAT} rounds (medians); "
        "the references before, between and after the two blocks of portal pages, each "
        "page's ratios taken against the references next to it, then their median; gunicorn "
        f"{' '.join(GUNICORN_FLAGS)}; cache: {'Redis' if REDIS_URL else 'local memory'}; "
        f"{os.cpu_count()} CPUs; load average "
        + ", ".join(f"{one:.1f}" for one, _five, _fifteen in summary["loads"])
        + " (start, after each round).",
        "",
        "| page | server | requests/s | p50 ms | p99 ms | queries | × 20-row list | × hello |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, server, _path in [*rows, ("registration POST", "cached", "")]:
        result = results[(name, server)]
        count = counts.get(server, {}).get(name, ("–",))[0]
        lines.append(
            f"| {name} | {server} | {result['rate']:.0f} | {result['p50']:.1f} | "
            f"{result['p99']:.1f} | {count} | {result['x_list']:.2f} | {result['x_hello']:.2f} |"
        )
    lines += ["", f"Registration: {summary['registration']}."]
    lines.append(
        "Each round's p99 (ms): "
        + "; ".join(
            f"{name} {', '.join(f'{p99:.1f}' for p99 in p99s)}"
            for name, p99s in summary["p99s"].items()
        )
        + "."
    )
    if summary["loaded"]:
        lines.append(f"load_scale_data: {summary['loaded']:.1f} s.")
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
