from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from events.services import purge_personal_data


class Command(BaseCommand):
    help = (
        "Anonymise the registrations of events that ended more than --days days ago "
        "(default PORTAL_RETENTION_DAYS), keeping their counts. For cron; safe to repeat."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.PORTAL_RETENTION_DAYS,
            help=f"Retention period in days (default {settings.PORTAL_RETENTION_DAYS}).",
        )

    def handle(self, *args, **options):
        days = options["days"]
        if days < 0:
            raise CommandError("--days cannot be negative.")
        count = purge_personal_data(older_than_days=days)
        self.stdout.write(
            f"Anonymised {count} registration(s) of events that ended more than {days} days ago."
        )
