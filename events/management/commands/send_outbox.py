from django.core.management.base import BaseCommand

from events.emails import deliver_due_emails


class Command(BaseCommand):
    help = (
        "Send the queued emails whose time has come (for cron, e.g. every minute). "
        "Failures stay queued and are retried later with a growing delay."
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500, help="At most this many emails.")

    def handle(self, *args, limit, **options):
        sent, failed = deliver_due_emails(limit=limit)
        self.stdout.write(f"Sent {sent} email(s); {failed} failed and stay queued.")
