import time
from importlib import import_module

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from portal import scale


class Command(BaseCommand):
    help = (
        "Add a large, realistic dataset (bulk inserts) for the benchmark: news, events with "
        "registrations, agreements with measures and progress reports. Loads the demo first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--news", type=int, default=10_000)
        parser.add_argument("--events", type=int, default=1_000)
        parser.add_argument("--registrations", type=int, default=100_000)
        parser.add_argument("--agreements", type=int, default=200)
        parser.add_argument("--measures", type=int, default=5_000)
        parser.add_argument("--reports", type=int, default=20_000)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, **options):
        call_command("load_demo", verbosity=0)
        started = time.monotonic()
        with transaction.atomic():
            news = scale.load_news(count=options["news"], seed=options["seed"])
            self.stdout.write(f"news articles: {news}")
            for app_label in ("agreements", "events"):
                try:
                    module = import_module(f"{app_label}.scale")
                except ModuleNotFoundError as error:
                    if error.name != f"{app_label}.scale":
                        raise
                    continue
                for name, count in module.load(options=options).items():
                    self.stdout.write(f"{name}: {count}")
            # Bulk inserts send no signals: the search index is built once, at the end.
            call_command("rebuild_search_index", verbosity=0)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Fresh statistics, or the planner guesses; and a vacuum, so that index-only
                # scans (the seat counts) need not visit the table: what autovacuum would do
                # soon after on a server that runs it. (No VACUUM inside a transaction: a
                # caller's, as in the tests.)
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        self.stdout.write(
            self.style.SUCCESS(f"Scale data loaded in {time.monotonic() - started:.1f} s.")
        )
