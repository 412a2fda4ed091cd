from django.core.management.base import BaseCommand

from events.emails import deliver_due_emails
from events.services import send_reminders


class Command(BaseCommand):
    help = (
        "Email each confirmed registrant one reminder when their event starts within 24 hours "
        "(for cron, e.g. hourly). Nobody is reminded twice."
    )

    def handle(self, *args, **options):
        count = send_reminders()
        sent, failed = deliver_due_emails()
        self.stdout.write(
            f"Queued {count} reminder(s); sent {sent}, {failed} failed and stay queued."
        )
