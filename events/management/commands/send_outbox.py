from django.core.management.base import BaseCommand

from events.outbox import deliver_due_emails


class Command(BaseCommand):
    help = (
        "Send the queued emails whose time has come, in this process. The task worker "
        "(run_worker) does this by itself; this is a one-off, e.g. to empty the outbox while "
        "no worker runs. Failures stay queued and are retried by the worker with a growing delay."
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500, help="At most this many emails.")

    def handle(self, *args, limit, **options):
        sent, failed = deliver_due_emails(limit=limit)
        self.stdout.write(f"Sent {sent} email(s); {failed} failed and stay queued.")
