"""In-process timings for the speed work (issue 13): requests through Django's WSGI handler,
no network, no gunicorn, so that one change's effect shows without wrk's noise.

    DJANGO_SETTINGS_MODULE=bench.settings DATABASE_URL=postgres://…/portal_bench \\
        python bench/inprocess.py pages [N]        # ms per request for the bench's pages
    python bench/inprocess.py middleware [N]       # each middleware's cost on a bare view
    python bench/inprocess.py profile PATH [N]     # cProfile of N requests of one page
    python bench/inprocess.py instructions [N]     # instructions per request (callgrind)
    python bench/inprocess.py post [N]             # registration POSTs: ms and CPU per POST
    python bench/inprocess.py instructions-post [N]  # instructions per registration POST
    python bench/inprocess.py profile-post [N]     # cProfile of N registration POSTs

``instructions`` is noise-free: it runs ``repeat`` under ``valgrind --tool=callgrind`` with N
and 2N requests and reports the difference per request, for the minimal project's hello view,
the portal's bare view and a cached page, and for the bare view without each middleware.
``repeat PATH N [--without MIDDLEWARE]`` is what it runs: N requests after a warm-up.
``instructions-post`` does the same for registration POSTs (``repeat-post N``); it counts
this process only, not the database's work.

``pages`` and ``post`` also give the CPU time of each request, split between this process
(the web worker's share) and the PostgreSQL backend serving its connection (read from
``/proc/<pid>/schedstat``, in nanoseconds: the database's own work, which wall time mixes
with waiting for a core on a shared machine). ``post`` registers unique addresses for the
bench's registration event (bench/run.py creates it) and deletes them afterwards.

Needs the scale dataset (``manage.py load_scale_data``), as make bench loads it.
"""

import contextlib
import cProfile
import io
import itertools
import os
import pstats
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import RequestFactory, override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

HOST = "127.0.0.1"


def environ(path: str) -> dict:
    path, _, query = path.partition("?")
    return RequestFactory(HTTP_HOST=HOST)._base_environ(PATH_INFO=path, QUERY_STRING=query)


def call(handler, path: str) -> tuple[int, int]:
    statuses = []
    body = handler(environ(path), lambda status, headers, exc_info=None: statuses.append(status))
    size = sum(len(chunk) for chunk in body)
    if hasattr(body, "close"):
        body.close()
    return int(statuses[0].split()[0]), size


def per_request_ms(handler, path: str, n: int, batches: int = 3) -> float:
    for _ in range(3):
        call(handler, path)
    best = []
    for _ in range(batches):  # the best of three batches: least disturbed by the machine
        started = time.perf_counter()
        for _ in range(n):
            call(handler, path)
        best.append((time.perf_counter() - started) * 1000 / n)
    return min(best)


def backend_cpu_ns() -> int:
    """CPU time the PostgreSQL backend of this process's connection has used (ns)."""
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])


def cpu_per_call(function, n: int, batches: int = 5) -> tuple[float, float, float]:
    """(wall, this process's CPU, the database backend's CPU) in ms per call of
    ``function``, each the least of ``batches`` batches of ``n`` calls."""
    walls, own, database = [], [], []
    for _ in range(batches):
        started, cpu, db = time.perf_counter(), time.process_time(), backend_cpu_ns()
        for _ in range(n):
            function()
        db_after = backend_cpu_ns()  # its own query costs the backend a little: not counted
        walls.append((time.perf_counter() - started) * 1000 / n)
        own.append((time.process_time() - cpu) * 1000 / n)
        database.append((db_after - db) / 1e6 / n)
    return min(walls), min(own), min(database)


def bench_pages() -> list[tuple[str, str]]:
    from agreements.models import Agreement
    from events.models import Event
    from portal.models import NewsArticle

    article = NewsArticle.objects.published().order_by("-publish_at").first()
    event = (
        Event.objects.filter(status="published", starts_at__gt=timezone.now())
        .exclude(slug="bench-registration")
        .order_by("starts_at")
        .first()
    )
    agreement = Agreement.objects.public().order_by("pk").last()
    return [
        ("bare", "/bench/bare/"),
        ("home", "/en/"),
        ("news list", "/en/news/"),
        ("article", article.get_absolute_url()),
        ("events list", "/en/events/"),
        ("event", event.get_absolute_url()),
        ("agreements list", "/en/agreements/"),
        ("agreement", agreement.get_absolute_url()),
        ("search", "/en/search/?q=Caspian+shipping"),
    ]


def pages(n: int) -> None:
    handler = WSGIHandler()
    for name, path in bench_pages():
        status, size = call(handler, path)
        queries = []

        def timed(execute, sql, params, many, context, queries=queries):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                queries.append(time.perf_counter() - started)

        with connection.execute_wrapper(timed):
            call(handler, path)
        sql = sum(queries) * 1000
        ms, own, database = cpu_per_call(lambda path=path: call(handler, path), n)
        print(
            f"{name:16} {ms:7.2f} ms  {len(queries):2} queries ({sql:5.1f} ms SQL)  CPU: web "
            f"{own:5.2f} ms, database {database:5.2f} ms  {status} {size} B  {path}"
        )


REGISTER_PATH = "/en/events/bench-registration/register/"


class Registrations:
    """Registration POSTs through the WSGI handler as wrk sends them (bench/register.lua):
    one CSRF token, a new address each time."""

    def __init__(self):
        self.handler = WSGIHandler()
        self.numbers = itertools.count()
        statuses, headers = [], []

        def start(status, response_headers, exc_info=None):
            statuses.append(status)
            headers.extend(response_headers)

        html = b"".join(self.handler(environ(REGISTER_PATH), start)).decode()
        assert statuses[0].startswith("200"), statuses
        self.token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        self.cookie = next(
            value.split(";", 1)[0]
            for name, value in headers
            if name == "Set-Cookie" and "csrftoken=" in value
        )

    def post(self) -> None:
        from urllib.parse import urlencode

        number = next(self.numbers)
        data = urlencode(
            {
                "csrfmiddlewaretoken": self.token,
                "full_name": "Bench Person",
                "organisation": "Bench LLC",
                "position": "Tester",
                "phone": "",
                "website": "",
                "consent": "on",
                "email": f"inprocess-{os.getpid()}-{number}@example.org",
            }
        ).encode()
        request = RequestFactory(HTTP_HOST=HOST)._base_environ(
            PATH_INFO=REGISTER_PATH,
            REQUEST_METHOD="POST",
            CONTENT_TYPE="application/x-www-form-urlencoded",
            CONTENT_LENGTH=str(len(data)),
            HTTP_COOKIE=self.cookie,
            **{"wsgi.input": io.BytesIO(data)},
        )
        statuses = []
        body = self.handler(request, lambda status, headers, exc_info=None: statuses.append(status))
        b"".join(body)
        assert statuses[0].startswith("302"), statuses

    @staticmethod
    def delete() -> None:
        """The bench event's registrations (make bench empties it the same way)."""
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from run import reset_registrations

        from events.models import Event

        pk = Event.objects.get(slug="bench-registration").pk
        with connection.cursor() as cursor:
            reset_registrations(pk, run=cursor.execute)


@contextlib.contextmanager
def warmed_registrations():
    """Registrations for the bench's event, from none, after 20 POSTs of warm-up; all
    deleted afterwards."""
    registrations = Registrations()
    registrations.delete()
    try:
        for _ in range(20):
            registrations.post()
        yield registrations
    finally:
        registrations.delete()


def post(n: int) -> None:
    with warmed_registrations() as registrations:
        ms, own, database = cpu_per_call(registrations.post, n)
    print(f"registration POST {ms:6.2f} ms  CPU: web {own:5.2f} ms, database {database:5.2f} ms")


def repeat_post(n: int) -> None:
    with warmed_registrations() as registrations:
        for _ in range(n):
            registrations.post()


def profile_post(n: int) -> None:
    with warmed_registrations() as registrations:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(n):
            registrations.post()
        profiler.disable()
    print_profile(profiler)


def middleware(n: int) -> None:
    """Each middleware's cost: a bare view through the whole stack, and through the stack
    less one middleware, measured in interleaved batches (best of 7 per variant)."""
    full = list(settings.MIDDLEWARE)
    variants = {"all middleware": full, "no middleware": []}
    variants.update({f"without {name}": [m for m in full if m != name] for name in full})
    handlers = {}
    for label, stack in variants.items():
        with override_settings(MIDDLEWARE=stack):
            handlers[label] = WSGIHandler()
    times = {label: [] for label in variants}
    for _ in range(7):
        for label, handler in handlers.items():
            with override_settings(MIDDLEWARE=variants[label]):
                times[label].append(per_request_ms(handler, "/bench/bare/", n, batches=1))
    base = min(times["all middleware"])
    for label in variants:
        ms = min(times[label])
        print(f"{label:62} {ms:6.3f} ms  (costs {base - ms:+.3f} ms)")


def repeat(path: str, n: int, without: str = "") -> None:
    stack = [m for m in settings.MIDDLEWARE if m != without]
    with override_settings(MIDDLEWARE=stack):
        handler = WSGIHandler()
        for _ in range(20):
            status, _size = call(handler, path)
        assert status == 200, (path, status)
        for _ in range(n):
            call(handler, path)


def instructions_of(settings_module: str, path: str, n: int, without: str = "") -> float:
    """Instructions per request of ``path``: callgrind's totals for 2N and N requests."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings_module, "PYTHONHASHSEED": "0"}
    if env.get("PORTAL_PAGE_CACHE_SECONDS", "0") != "0":
        # A run under valgrind takes about a minute: with the 60 s lifetime one of the two
        # runs would render the page once more, and that miss would swamp the difference.
        env["PORTAL_PAGE_CACHE_SECONDS"] = "600"
    totals = []
    for count in (n, 2 * n):
        with tempfile.TemporaryDirectory() as tmp:
            what = ["repeat-post", str(count)] if path == "POST" else ["repeat", path, str(count)]
            command = [
                "valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp}/out",
                sys.executable, __file__, *what,
            ]  # fmt: skip
            if without:
                command += ["--without", without]
            result = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
            totals.append(int(re.search(r"Collected : (\d+)", result.stderr).group(1)))
    return (totals[1] - totals[0]) / n


def instructions(n: int, page: str = "/en/news/") -> None:
    rows = [
        ("hello view (minimal project)", "bench.minimal.settings", "/hello/", ""),
        ("portal's bare view", "bench.settings", "/bench/bare/", ""),
        (f"cached page {page}", "bench.settings", page, ""),
    ]
    if os.environ.get("BENCH_EACH_MIDDLEWARE", "1") == "1":
        rows += [
            (f"bare view without {name}", "bench.settings", "/bench/bare/", name)
            for name in settings.MIDDLEWARE
        ]
    hello = bare = None
    for label, module, path, without in rows:
        try:
            count = instructions_of(module, path, n, without)
        except subprocess.CalledProcessError:  # e.g. CSRF and auth need the session layer
            print(f"{label:78} {'(the stack fails without it)':>12}", flush=True)
            continue
        hello = hello or count
        bare = bare or (count if module == "bench.settings" else None)
        note = f"  (costs {bare - count:+,.0f})" if without else ""
        print(f"{label:78} {count:12,.0f}  {hello / count:5.2f} × hello{note}", flush=True)


def profile(path: str, n: int) -> None:
    handler = WSGIHandler()
    for _ in range(3):
        call(handler, path)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(n):
        call(handler, path)
    profiler.disable()
    print_profile(profiler)


def print_profile(profiler) -> None:
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
    stats.print_stats(45)
    out.write("\n--- by own time ---\n")
    stats.sort_stats("tottime").print_stats(30)
    print(out.getvalue())


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "pages"
    reset_queries()
    if command == "pages":
        pages(int(sys.argv[2]) if len(sys.argv) > 2 else 20)
    elif command == "middleware":
        middleware(int(sys.argv[2]) if len(sys.argv) > 2 else 2000)
    elif command == "repeat":
        without = sys.argv[5] if sys.argv[4:5] == ["--without"] else ""
        repeat(sys.argv[2], int(sys.argv[3]), without)
    elif command == "instructions":
        instructions(int(sys.argv[2]) if len(sys.argv) > 2 else 200, *sys.argv[3:4])
    elif command == "post":
        post(int(sys.argv[2]) if len(sys.argv) > 2 else 200)
    elif command == "repeat-post":
        repeat_post(int(sys.argv[2]))
    elif command == "instructions-post":
        count = instructions_of(
            "bench.settings", "POST", int(sys.argv[2]) if len(sys.argv) > 2 else 100
        )
        print(f"registration POST {count:12,.0f} instructions (this process only)")
    elif command == "profile-post":
        profile_post(int(sys.argv[2]) if len(sys.argv) > 2 else 300)
    elif command == "profile":
        profile(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 20)
    else:
        sys.exit(__doc__)
