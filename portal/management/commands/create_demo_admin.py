from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

USERNAME = "admin"
PASSWORD = "admin"  # noqa: S105 - development only, refused outside debug mode


class Command(BaseCommand):
    help = "Create the demo administrator admin/admin. Refuses to run unless DJANGO_DEBUG is on."

    def add_arguments(self, parser):
        parser.add_argument("--port", default="8000", help="Port shown in the login hint.")

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("The demo admin account is only created in debug mode.")
        user_model = get_user_model()
        if not user_model.objects.filter(username=USERNAME).exists():
            user_model.objects.create_superuser(USERNAME, "admin@localhost", PASSWORD)
        url = f"http://127.0.0.1:{options['port']}/admin/"
        self.stdout.write(
            self.style.SUCCESS(f"Demo admin: log in at {url} as {USERNAME} / {PASSWORD}")
        )
