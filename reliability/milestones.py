"""Writes on the primary that purchasers see: cases taken to `proposed` and offered, through the
services as the demo's officer and reviewer, alternately for Japan and Korea. Each offer is one
event of the purchaser's feed; the steps before it are events it must never see.

    python -m reliability.milestones PREFIX COUNT     (DATABASE_URL and the app's settings in the env)

Prints the case ids it offered, one a line.
"""

import datetime as dt
import os
import sys
from decimal import Decimal

PURCHASERS = ("JA", "KS")


def offer_cases(prefix: str, count: int) -> list[str]:
    from fms.accounts.models import User
    from fms.cases import services
    from fms.cases.choices import CaseAction
    from fms.documents.services import document_offer

    officer, reviewer = User.objects.get(username="officer"), User.objects.get(username="reviewer")
    offered = []
    for index in range(count):
        case_id = f"{PURCHASERS[index % 2]}-B-{prefix}{index:02d}"
        case = services.case_create(
            actor=officer, case_id=case_id, title=f"Replica {case_id}", lor_received_on=dt.date(2026, 10, 1)
        )
        line = services.line_item_add(
            actor=officer, case=case, category="spare_parts", description="Spare parts", quantity=2,
            unit_cost=Decimal("1000.00"), unit_of_issue="EA",
        )  # fmt: skip
        line = services.line_item_submit(actor=officer, line=line)
        services.line_item_approve(actor=reviewer, line=line)
        for actor, action in (
            (officer, CaseAction.START_WRITE),
            (officer, CaseAction.SUBMIT_REVIEW),
            (reviewer, CaseAction.PROPOSE),
        ):
            case.refresh_from_db()
            case = services.case_transition(actor=actor, case=case, action=action)
        document_offer(actor=officer, case=case, label="BASIC", transportation=Decimal("0.00"))
        offered.append(case_id)
        print(case_id, flush=True)
    return offered


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fms.settings")
    import django

    django.setup()
    offer_cases(sys.argv[1], int(sys.argv[2]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
