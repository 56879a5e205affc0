"""axe-core (bundled with axe-playwright-python) over every page for every role: no serious or
critical violation. The counts per page, every impact included, are written to
tests/artifacts/axe-report.txt. The same pages at 390 × 844: no sideways scroll, no wrapped case
id, no chart label under 12 px."""

from io import StringIO

from django.core.management import call_command
from django.test import override_settings

from fms.accounts.models import User
from fms.cases.choices import CaseStatus
from fms.cases.demo import demo_password
from fms.cases.models import Case
from tests.browser.base import ARTIFACTS, DESKTOP, PHONE, PHONE_CHECKS, BrowserTestCase
from tests.factories import walk_to

ROLES = ("officer", "reviewer", "auditor", "client_ja", "admin_ja", "admin")
PURCHASER_ROLES = ("client_ja", "admin_ja")
BLOCKING = ("serious", "critical")


def pages_for(role: str, staff_case: str, line_case: str, line_number: str, offered_case: str) -> list[str]:
    # A purchaser's users see a case once offered, and never its working lines (DESIGN §8).
    shown = offered_case if role in PURCHASER_ROLES else "JA-P-SAA"
    pages = ["/", "/inbox/", "/cases/", "/cases/?status=nonsense", f"/cases/{shown}/", f"/cases/{shown}/print/"]
    # The LOA documents of the demo's story (accepted, so Japan's users read them too): A01, its diff
    # against BASIC, its print (DESIGN §4.3).
    pages += [
        "/cases/JA-P-SAA/documents/A01/",
        "/cases/JA-P-SAA/documents/A01/diff/?against=BASIC",
        "/cases/JA-P-SAA/documents/A01/print/",
    ]
    if role in PURCHASER_ROLES:
        pages += ["/purchaser-users/"] if role == "admin_ja" else []
    else:
        pages.append("/cases/JA-P-SAA/lines/001/")
    if role in ("officer", "admin"):
        pages += [
            "/cases/AT-B-ZAC/documents/BASIC/",  # offered: the countersigned acceptance form
            "/cases/KS-D-QAB/documents/BASIC/offer/",
            "/cases/new/",
            f"/cases/{staff_case}/edit/",
            f"/cases/{staff_case}/lines/new/",
            f"/cases/{staff_case}/lines/001/edit/",
            f"/cases/{staff_case}/cancel/",
            f"/cases/{staff_case}/lines/001/remove/",
            f"/cases/{staff_case}/",
        ]
    if role in ("reviewer", "admin"):
        pages += ["/review/", f"/cases/{line_case}/lines/{line_number}/reject/", f"/cases/{line_case}/"]
    if role == "auditor":
        pages.append(f"/cases/{line_case}/")
    return pages


class AccessibilityTest(BrowserTestCase):
    def setUp(self):
        with override_settings(DEBUG=True):
            call_command("load_demo", stdout=StringIO())
        super().setUp()

    def test_no_serious_or_critical_violation_on_any_page_for_any_role(self):
        from axe_playwright_python.sync_playwright import Axe

        axe = Axe()
        in_development = Case.objects.filter(status="development").exclude(case_id="JA-P-SAA").first()
        staff = {name: User.objects.get(username=name) for name in ("officer", "reviewer")}
        offered = walk_to(CaseStatus.OFFERED, **staff)
        submitted = (
            Case.objects.get(case_id="KS-D-QAB").lines.filter(review_status="submitted").order_by("line_number").first()
        )
        report, blocking, phone = [], [], {}
        self.go("/login/")
        self._check(axe, "anonymous /login/", report, blocking)
        for role in ROLES:
            self.sign_in(role, demo_password(role))
            for path in pages_for(role, in_development.case_id, "KS-D-QAB", submitted.line_number, offered.case_id):
                self.go(path)
                self._check(axe, f"{role} {path}", report, blocking)
                self.page.set_viewport_size(PHONE)
                found = self.page.evaluate(PHONE_CHECKS)
                if found["overflow"] > 0 or found["wrappedIds"] or found["smallChartLabels"]:
                    phone[f"{role} {path}"] = found
                self.page.set_viewport_size(DESKTOP)
            self.page.context.clear_cookies()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "axe-report.txt").write_text("\n".join(report) + "\n")
        assert blocking == [], "\n".join(blocking)
        assert phone == {}, phone
        assert self.problems == [], self.problems

    def _check(self, axe, name: str, report: list[str], blocking: list[str]) -> None:
        """Count the violations of the page by impact; name every serious or critical one."""
        violations = axe.run(self.page).response["violations"]
        counts = dict.fromkeys(("minor", "moderate", "serious", "critical"), 0)
        for violation in violations:
            counts[violation["impact"]] = counts.get(violation["impact"], 0) + len(violation["nodes"])
            if violation["impact"] in BLOCKING:
                targets = "; ".join(str(node["target"]) for node in violation["nodes"][:5])
                blocking.append(f"{name}: {violation['id']} ({violation['impact']}): {violation['help']} at {targets}")
        report.append(f"{name}: " + ", ".join(f"{impact} {count}" for impact, count in counts.items()))
