from django.core.management.base import BaseCommand, CommandError

from portal import search


class Command(BaseCommand):
    help = (
        "Index every public news article, event, agreement and measure for the site search "
        "again. Saves keep the index up to date; run this after bulk imports or restores."
    )

    def add_arguments(self, parser):
        parser.add_argument("kinds", nargs="*", help="Only these kinds (news, events, …).")

    def handle(self, *args, **options):
        known = search.kinds()
        unknown = [key for key in options["kinds"] if key not in known]
        if unknown:
            raise CommandError(f"Unknown kinds: {', '.join(unknown)} (known: {', '.join(known)})")
        counts = search.rebuild(options["kinds"] or None)
        if options["verbosity"]:
            for key, count in counts.items():
                self.stdout.write(f"{key}: {count}")
            self.stdout.write(self.style.SUCCESS("The search index is rebuilt."))
