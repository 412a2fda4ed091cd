from django.core.management.base import BaseCommand, CommandError

from portal.roles import setup_roles


class Command(BaseCommand):
    help = (
        "Create the staff groups (Editors, Event managers, Agreements officers) and set "
        "exactly their permissions. Safe to run on every deploy."
    )

    def handle(self, *args, **options):
        try:
            counts = setup_roles()
        except LookupError as error:
            raise CommandError(f"{error}. Run migrate first.") from error
        for role, count in counts.items():
            self.stdout.write(f"{role}: {count} permissions")
