"""The ledger sits below the apps that record in it (DESIGN §6): it never imports them."""

import ast
from pathlib import Path

import fms.ledger

ABOVE_THE_LEDGER = ("fms.notifications", "fms.cases", "fms.documents", "fms.execution")


def imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
    return modules


def test_no_module_of_the_ledger_imports_an_app_above_it():
    root = Path(fms.ledger.__file__).parent
    upward = {
        f"{path.relative_to(root)}: {module}"
        for path in root.rglob("*.py")
        for module in imported_modules(path)
        if module.startswith(ABOVE_THE_LEDGER)
    }
    assert upward == set()


def test_the_check_sees_an_upward_import(tmp_path):
    module = tmp_path / "bad.py"
    module.write_text("from fms.cases.models import Case\nimport fms.documents.services\n")
    assert imported_modules(module) >= {"fms.cases.models", "fms.documents.services"}
