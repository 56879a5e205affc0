from django.core.management.base import BaseCommand, CommandError

from fms.accounts.models import User
from fms.accounts.services import token_issue
from fms.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Issue an API token for a user. The secret is printed once, alone on the last line; only its HMAC is "
        "stored. A client user's token is bound to the client's purchaser and is read-only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="username")
        parser.add_argument("--purchaser", help="customer code, for a client user (defaults to the user's)")
        parser.add_argument("--days", type=int, default=90, help="lifetime in days (default 90)")
        parser.add_argument("--read-only", action="store_true", help="refuse writes with this token")
        parser.add_argument("--name", default="", help="what the token is for")

    def handle(self, *args, user: str, purchaser: str | None, days: int, read_only: bool, name: str, **options):
        account = User.objects.filter(username=user).first()
        if account is None:
            raise CommandError(f"No user {user!r}.")
        try:
            token, secret = token_issue(
                actor=None, user=account, days=days, purchaser_code=purchaser, read_only=read_only, name=name
            )
        except DomainError as refused:
            fields = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in refused.errors.items())
            raise CommandError(fields or refused.detail) from refused
        scope = f"purchaser {token.purchaser_id}, " if token.purchaser_id else ""
        mode = "read-only" if token.read_only else "read-write"
        expires = f"{token.expires_at:%Y-%m-%d %H:%M} UTC"
        self.stderr.write(f"Token {token.prefix}… for {account.username} ({scope}{mode}), expires {expires}.")
        self.stderr.write("Store the secret now: it is not kept and cannot be shown again.")
        self.stdout.write(secret)
