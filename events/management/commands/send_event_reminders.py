from django.core.management.base import BaseCommand

from events.services import send_reminders


class Command(BaseCommand):
    help = (
        "Queue one reminder for each confirmed registrant whose event starts within 24 hours "
        "(for cron, e.g. hourly); the task worker sends them. Nobody is reminded twice."
    )

    def handle(self, *args, **options):
        count = send_reminders()
        self.stdout.write(f"Queued {count} reminder(s); the worker sends them.")
