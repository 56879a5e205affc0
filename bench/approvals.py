"""Line approvals per second through the services, and SQL queries per approval: the write cost of
the ledger's one way in (issue 10). Not part of `make bench`; run against a scratch database:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fms_approvals .venv/bin/python -m bench.approvals --lines 400

It migrates that database, adds cases of `--per-case` submitted lines (officer) until there are
`--lines` of them and times their approval (reviewer), one transaction each, as a request would;
queries are counted on a separate sample.
With DATABASE_ROLE set, the approvals run as that role (migrate and seed as the superuser first).
"""

import argparse
import os
import random
import string
import sys
import time
from decimal import Decimal
from io import StringIO

import django


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=400)
    parser.add_argument("--per-case", type=int, default=5, help="lines per case (cases of the demo have 3 to 6)")
    parser.add_argument("--sample", type=int, default=20, help="approvals whose queries are counted (not timed)")
    args = parser.parse_args()
    role = os.environ.pop("DATABASE_ROLE", "")  # set up as the owner, then approve as the role
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fms.settings")
    django.setup()

    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from fms.accounts.models import User
    from fms.accounts.roles import CASE_OFFICER, REVIEWER
    from fms.cases import services
    from fms.cases.models import Case

    call_command("migrate", verbosity=0)
    officer, _ = User.objects.get_or_create(username="bench_officer", defaults={"is_staff": True})
    reviewer, _ = User.objects.get_or_create(username="bench_reviewer", defaults={"is_staff": True})
    from django.contrib.auth.models import Group

    officer.groups.add(Group.objects.get(name=CASE_OFFICER))
    reviewer.groups.add(Group.objects.get(name=REVIEWER))
    lines = []
    while len(lines) < args.lines + args.sample:
        designator = "".join(random.choices(string.ascii_uppercase + string.digits, k=3))
        if Case.objects.filter(case_id=f"JA-P-{designator}").exists():
            continue
        case = services.case_create(actor=officer, case_id=f"JA-P-{designator}", title="Approval benchmark")
        for _ in range(args.per_case):
            line = services.line_item_add(
                actor=officer, case=case, category="spare_parts", description="Spare parts", quantity=2,
                unit_cost=Decimal("1000.00"), unit_of_issue="EA",
            )  # fmt: skip
            lines.append(services.line_item_submit(actor=officer, line=line))
    if role:
        call_command("grant_app_role", role, "--create", stdout=StringIO())
        with connection.cursor() as cursor:
            cursor.execute(f"SET ROLE {role}")
    reviewer = User.objects.get(pk=reviewer.pk)
    sample, timed = lines[: args.sample], lines[args.sample :]
    with CaptureQueriesContext(connection) as queries:
        for line in sample:
            services.line_item_approve(actor=reviewer, line=line)
    started = time.perf_counter()
    for line in timed:
        services.line_item_approve(actor=reviewer, line=line)
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        (user,) = cursor.fetchone()
    print(
        f"{len(timed)} approvals in {seconds:.2f}s: {len(timed) / seconds:.0f} approvals/s as {user}; "
        f"{len(queries) / len(sample):.1f} queries per approval ({args.per_case} lines per case)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
