from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from fms.cases.demo import demo_password
from fms.documents.demo import SIGNATORY, load_loa_story


class Command(BaseCommand):
    help = "After load_demo: tell the LOA story of DESIGN §1 (JA-P-SAA BASIC, A01; a modification). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="run even though DEBUG is off (never on a real server)"
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "load_loa_story creates a demo user with a published password; it runs only with DEBUG on."
            )
        created = load_loa_story()
        if created:
            self.stdout.write(self.style.SUCCESS(f"LOA story loaded: {', '.join(created)}."))
        else:
            self.stdout.write("LOA story already loaded; nothing changed.")
        self.stdout.write(f"\n  {SIGNATORY[0]:<12} {demo_password(SIGNATORY[0])}")
