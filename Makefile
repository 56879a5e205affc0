# FMS Records — the two commands that matter: `make run` and `make test`.
# With no DATABASE_URL, both start an embedded PostgreSQL (data in var/pgdata) and stop it after.

VENV ?= .venv
PY := $(VENV)/bin/python
# DEVDB_ARGS: e.g. --data /tmp/pgdata for a server of its own (the SIGTERM test uses it).
WITH_DB := $(PY) tools/devdb.py $(DEVDB_ARGS) --
PORT ?= 8000
# The app serves as this database role, as in production: migrations run as the server's superuser,
# the app SETs ROLE to it at connect time (DATABASE_ROLE), so it has no INSERT on the ledger.
APP_ROLE ?= fms_app

.PHONY: help venv run test reliability lint browser format manage db-stop clean bench bench-small mutation

help:
	@echo "make run      serve the app with demo data on http://127.0.0.1:$(PORT)"
	@echo "make test     lint and run every test against PostgreSQL"
	@echo "make reliability  faults under load, backups, timeouts, rate limits, CSP in a browser, schemathesis (figures)"
	@echo "make lint     ruff, migrations check, Django system checks"
	@echo "make mutation  mutation testing of workflow.py, rules.py, the ledger and LOA pricing (>= 95% killed per module)"
	@echo "make format   format the code with ruff"
	@echo "make manage ARGS='...'   run a manage.py command against the database"
	@echo "make db-stop  stop an embedded PostgreSQL left running"
	@echo "make bench    benchmark against the raw-SQL floor (100,000 cases); make bench SMALL=1 or make bench-small"
	@echo "              for 10,000 cases; options through ARGS='--rounds 3 ...' (see bench/README.md)"

venv:
	@tools/venv

# `exec`: make passes a SIGTERM on to its recipe's process, which must be devdb itself (not a shell
# that would die and leave devdb, the server and PostgreSQL running).
run: venv
	@exec env DEBUG=1 LOG_FORMAT=text $(WITH_DB) sh -c '\
		$(PY) manage.py migrate --no-input -v 1 && \
		$(PY) manage.py grant_app_role $(APP_ROLE) --create && \
		DATABASE_ROLE=$(APP_ROLE) $(PY) manage.py load_demo && \
		DATABASE_ROLE=$(APP_ROLE) $(PY) manage.py ledger_checkpoint && \
		echo && echo "FMS Records: http://127.0.0.1:$(PORT)/  (sign in at /login/; admin: /admin/, API docs: /api/docs/; Ctrl-C or SIGTERM stops it and the embedded database)" && \
		echo "Staff and admin: second factor = the secret above in an app, or: make manage ARGS=\"demo_totp officer\"" && echo && \
		exec env DATABASE_ROLE=$(APP_ROLE) $(PY) manage.py runserver 127.0.0.1:$(PORT)'

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	@DEBUG=1 $(WITH_DB) sh -c '\
		$(PY) manage.py makemigrations --check --dry-run && \
		$(PY) manage.py check --fail-level WARNING'

test: lint browser
	$(WITH_DB) $(VENV)/bin/pytest $(PYTEST_ARGS)

# The browser tests drive Debian's Chromium; install it when missing and possible (they skip, saying
# why, where it cannot be installed).
browser:
	@tools/ensure-chromium

# Its own PostgreSQL (embedded binaries, /tmp, a port in 55400-55499) and gunicorn servers (8200-8299),
# never DATABASE_URL's: it stops and restarts the database on purpose. See docs/operations.md.
# Its PgBouncer scenario needs Debian's pgbouncer: installed when missing and possible (else skipped, saying why).
reliability: venv
	@$(PY) tools/pgbouncer.py ensure
	$(VENV)/bin/pytest -c reliability/pytest.ini reliability $(RELIABILITY_ARGS)

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

manage: venv
	@exec env DEBUG=$${DEBUG:-1} $(WITH_DB) $(PY) manage.py $(ARGS)

# Its own database on the same server (fms_bench, fms_bench_small), built on first use and reused.
bench: venv
	$(WITH_DB) $(PY) -m bench $(if $(SMALL),--small) $(ARGS)

bench-small:
	@$(MAKE) --no-print-directory bench SMALL=1

db-stop: venv
	$(PY) tools/devdb.py --stop

clean:
	rm -rf $(VENV) var/staticfiles .pytest_cache .ruff_cache

# Mutation testing of the pure rule modules with their fast tests (no database); fails below 95% killed
# per module and prints every mutant that survived. See docs/testing.md.
mutation: venv
	$(PY) tools/mutation.py $(MUTATION_ARGS)
