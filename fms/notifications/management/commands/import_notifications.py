from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from fms.accounts.models import User
from fms.core.errors import DomainError
from fms.notifications import importing, parsing


class Command(BaseCommand):
    help = (
        "Draft 36(b) notifications from Congressional Record 'ARMS SALES NOTIFICATION' texts or DSCA press "
        "releases (one or several per file), as a cn_officer. --dry-run shows what would be drafted."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="text files")
        parser.add_argument("--user", required=True, help="the cn_officer recording the drafts")
        parser.add_argument("--dry-run", action="store_true", help="read and resolve, write nothing")

    def handle(self, *args, paths: list[str], user: str, dry_run: bool = False, **options):
        actor = User.objects.filter(username=user).first()
        if actor is None:
            raise CommandError(f"There is no user {user!r}.")
        for path in paths:
            try:
                text = Path(path).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as unreadable:
                raise CommandError(f"{path}: {unreadable}") from unreadable
            try:
                drafts = importing.resolve(text) if dry_run else importing.import_notifications(actor=actor, text=text)
            except parsing.NothingRecognised as nothing:
                raise CommandError(f"{path}: {nothing}") from nothing
            except DomainError as refused:
                raise CommandError(f"{path}: {refused.detail} {refused.errors or ''}".strip()) from refused
            for draft in drafts:
                row = importing.draft_as_dict(draft)
                saved = f"draft {row['id']}" if row["id"] else "not saved"
                self.stdout.write(
                    f"{path}: {row['transmittal_number'] or '(no number)'} {row['kind'] or '?'} "
                    f"{row['purchaser'] or '?'} total {row['total_value'] or '?'} — {saved}"
                )
                for warning in row["warnings"]:
                    self.stdout.write(f"    warning: {warning}")
