"""Each app imports only the apps below it (DESIGN §6): an upward import is a design error."""

import ast
from pathlib import Path

import pytest

import fms

# DESIGN §6, bottom to top.
ORDER = ("core", "reference", "accounts", "ledger", "notifications", "cases", "documents", "execution")


def imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
    return modules


def upward_imports(app: str) -> set[str]:
    above = tuple(f"fms.{name}" for name in ORDER[ORDER.index(app) + 1 :])
    root = Path(fms.__file__).parent / app
    if not above or not root.exists():
        return set()
    return {
        f"{path.relative_to(root)}: {module}"
        for path in root.rglob("*.py")
        for module in imported_modules(path)
        if module in above or module.startswith(tuple(f"{name}." for name in above))
    }


@pytest.mark.parametrize("app", ORDER)
def test_no_module_of_an_app_imports_an_app_above_it(app):
    assert upward_imports(app) == set()


def test_the_check_sees_an_upward_import(tmp_path):
    module = tmp_path / "bad.py"
    module.write_text("from fms.cases.models import Case\nimport fms.documents.services\n")
    assert imported_modules(module) >= {"fms.cases.models", "fms.documents.services"}


def test_every_app_of_the_project_is_in_the_order():
    apps = {path.name for path in Path(fms.__file__).parent.iterdir() if (path / "apps.py").exists()}
    assert apps <= set(ORDER)
