"""Notifications sit below cases, documents and execution (DESIGN §6): they never import them; the
room is summed through the reverse relations."""

from pathlib import Path

import fms.notifications
from tests.ledger.test_layering import imported_modules

ABOVE_NOTIFICATIONS = ("fms.cases", "fms.documents", "fms.execution")


def test_no_module_of_notifications_imports_an_app_above_it():
    root = Path(fms.notifications.__file__).parent
    upward = {
        f"{path.relative_to(root)}: {module}"
        for path in root.rglob("*.py")
        for module in imported_modules(path)
        if module.startswith(ABOVE_NOTIFICATIONS)
    }
    assert upward == set()
