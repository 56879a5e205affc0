"""manage.py demo_totp USER: the current code of a demo user's authenticator (DEBUG only)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP

from fms.accounts import mfa
from fms.accounts.models import User


class Command(BaseCommand):
    help = "Print the current TOTP code of a user's authenticator app (development only: DEBUG on)."

    def add_arguments(self, parser):
        parser.add_argument("user", help="username, e.g. officer")

    def handle(self, *args, user: str, **options):
        if not settings.DEBUG:
            raise CommandError("demo_totp prints second-factor codes; it runs only with DEBUG on.")
        account = User.objects.filter(username=user).first()
        device = mfa.totp_device(account) if account else None
        if device is None:
            raise CommandError(f"{user!r} has no authenticator app enrolled (load_demo enrols the demo users).")
        code = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
        self.stdout.write(f"{code:0{device.digits}d}")
