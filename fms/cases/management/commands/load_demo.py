from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

from fms.accounts import mfa
from fms.accounts.models import User
from fms.cases.demo import demo_password


class Command(BaseCommand):
    help = "Load the demo data set (the Japan SM-3 case's LOA story, the fictional cases, demo users). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="load even though DEBUG is off (never on a real server)"
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "load_demo creates users with published passwords; it runs only with DEBUG on. "
                "Use --force to load it anyway on a throwaway database."
            )
        # The loader of the highest app: it loads the apps below it first (DESIGN §6 order).
        report = import_string(settings.DEMO_LOADER)()
        if report.created:
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {', '.join(report.created)}."))
        else:
            self.stdout.write("Demo data already loaded; nothing changed.")
        self.stdout.write("\nDemo logins (development only):")
        for username in report.logins:
            self.stdout.write(f"  {username:<12} {demo_password(username)}")
        if settings.DEBUG:
            self._second_factors(report.logins)

    def _second_factors(self, usernames):
        """With DEBUG on only: the demo users whose role needs MFA get an authenticator secret, printed."""
        users = [user for user in User.objects.filter(username__in=usernames) if mfa.mfa_required(user)]
        if not users:
            return
        self.stdout.write(
            "\nSecond factor (development only): add a secret to an authenticator app, or print the current "
            "code with `manage.py demo_totp USER`:"
        )
        for user in sorted(users, key=lambda user: user.username):
            self.stdout.write(f"  {user.username:<12} {mfa.totp_for_demo(user)}")
