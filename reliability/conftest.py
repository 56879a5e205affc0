"""Fixtures of the reliability suite: one private PostgreSQL for the run, a template database
migrated with the demo data and a token per role, cloned for each scenario; gunicorn servers; and
the figures every scenario prints (again together at the end of the run)."""

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from reliability.appserver import Gunicorn, app_env, manage
from reliability.pgserver import TEMPLATE, PrivatePostgres

ROLES = ("officer", "officer2", "reviewer", "reviewer2", "auditor", "client_ja", "client_ks")
_FIGURES: list[str] = []


@pytest.fixture(scope="session")
def pg() -> Iterator[PrivatePostgres]:
    server = PrivatePostgres().init()
    try:
        server.start()
        server.create_database(TEMPLATE)
        env = app_env(server.url(TEMPLATE))
        manage(env, "migrate", "--no-input")
        manage(env, "load_demo", "--force")
        server.tokens = {
            role: manage(env, "issue_token", "--user", role, "--days", "1").stdout.strip().splitlines()[-1]
            for role in ROLES
        }
        yield server
    finally:
        server.destroy()


_names = itertools.count(1)


@pytest.fixture
def database(pg) -> str:
    """A fresh copy of the template database for one scenario; its URL."""
    name = f"fms_{next(_names)}"
    pg.create_database(name, template=TEMPLATE)
    return pg.url(name)


@pytest.fixture
def tokens(pg) -> dict[str, str]:
    return pg.tokens


@pytest.fixture
def gunicorn(tmp_path: Path) -> Iterator[Callable[..., Gunicorn]]:
    """gunicorn(database_url, **env) -> a started server with 3 workers; stopped after the test."""
    servers: list[Gunicorn] = []

    def start(database_url: str, workers: int = 3, options: tuple[str, ...] = (), **env: str) -> Gunicorn:
        # Each server's read-audit spool of its own: rows are never shipped into another scenario's database.
        env = {"READ_AUDIT_SPOOL_DIR": str(tmp_path / f"read-audit-{len(servers)}"), **env}
        server = Gunicorn(app_env(database_url, **env), tmp_path, workers=workers, options=options)
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def figures(request) -> Callable[[str], None]:
    """figures("...") prints a line now and in the summary at the end of the run."""
    title = request.node.name

    def say(line: str) -> None:
        text = f"[{title}] {line}"
        print(text, flush=True)
        _FIGURES.append(text)

    return say


def pytest_terminal_summary(terminalreporter):
    if _FIGURES:
        terminalreporter.section("reliability figures")
        for line in _FIGURES:
            terminalreporter.write_line(line)
