from importlib import import_module

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = (
        "Load the demo content in English, Russian and Azerbaijani (sectors, key figures, "
        "pages, the founding article and each app's demo data). Idempotent: existing rows "
        "keep what staff wrote and only gain the translations they lack (see portal.demo)."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            # Each of our apps may ship a demo.py with a load() function; portal comes first
            # because the others refer to its sectors and news.
            for app_label in ("portal", "agreements", "events"):
                module_name = f"{apps.get_app_config(app_label).name}.demo"
                try:
                    module = import_module(module_name)
                except ModuleNotFoundError as error:
                    if error.name != module_name:
                        raise
                    continue
                module.load()
            call_command("rebuild_search_index", verbosity=0)
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS("Demo content is loaded."))
