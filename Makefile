# Business Centre Portal. `make run` serves the demo site (with the task worker that sends
# its emails); `make test` runs the whole suite.
# Needs only Python >= 3.12 and make; everything else is installed into .venv.

PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
# The newest suitable interpreter on PATH (.python-version selects 3.13 under pyenv).
PYTHON ?= $(shell for p in python3.13 python3.12 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	&& { echo $$p; break; }; done)

# django-bootstrap-static ships every Bootstrap build (24 MB: grid, reboot, utilities, RTL, ES
# modules, unminified, jQuery), which collectstatic would copy and WhiteNoise compress twice on
# each deployment; the pages use bootstrap.min.css and bootstrap.bundle.min.js (and the maps
# those name). Leaving the rest out takes collectstatic from about 90 s to 30 s.
STATIC_IGNORE := $(foreach p,bootstrap/css/bootstrap-* bootstrap/css/*.rtl.* \
	bootstrap/css/bootstrap.css bootstrap/css/bootstrap.css.map bootstrap/js/bootstrap.js \
	bootstrap/js/bootstrap.js.map bootstrap/js/bootstrap.min.js bootstrap/js/bootstrap.min.js.map \
	bootstrap/js/bootstrap.esm* bootstrap/js/bootstrap.bundle.js bootstrap/js/bootstrap.bundle.js.map \
	bootstrap/js/jquery*,--ignore '$(p)')

# gunicorn for make serve and make bench. A worker is replaced after 50,000 to 75,000 requests:
# a guard against slow leaks that does not recycle a worker every few seconds under load, as
# 1,000 did. The jitter is half the limit because workers that start together get about the
# same share of requests: with 10,000 give or take 1,000, all five of the bench's workers
# restarted within four seconds, and a page waited 1.5 s for one of them to boot.
GUNICORN_FLAGS := --timeout 30 --graceful-timeout 30 --max-requests 50000 \
	--max-requests-jitter 25000 --no-control-socket

.PHONY: install run serve require-production-env test test-e2e test-validity lint format messages check clean bench

$(PY):
	@test -n "$(PYTHON)" || { echo "Python >= 3.12 is needed (python3.13, python3.12 or python3 on PATH)." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Reinstall when the dependency list changes.
$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet ".[dev]"
	@touch $@

install: $(VENV)/.installed

run: export DJANGO_DEBUG ?= 1
run: export PORTAL_BASE_URL ?= http://127.0.0.1:$(PORT)
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py setup_roles
	$(PY) manage.py load_demo
	$(PY) manage.py create_demo_admin --port $(PORT)
	@echo "Serving the portal on http://127.0.0.1:$(PORT)/ with the task worker (Ctrl+C stops both)"
	$(PY) manage.py run_with_worker 127.0.0.1:$(PORT)

# Production mode: gunicorn on 127.0.0.1:$(PORT), meant to sit behind a reverse proxy
# (README, "Deploying"). Debug is forced off; DJANGO_SECRET_KEY, PORTAL_BASE_URL and
# DJANGO_DEFAULT_FROM_EMAIL must be set (production has no fallback for them).
serve: export DJANGO_DEBUG = 0
serve: export DJANGO_ALLOWED_HOSTS ?= localhost,127.0.0.1
serve: export WEB_CONCURRENCY ?= 2
serve: require-production-env install
	$(PY) manage.py collectstatic --noinput --verbosity 0 $(STATIC_IGNORE)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py setup_roles
	@echo "Serving the portal (production settings) on http://127.0.0.1:$(PORT)/"
	exec $(BIN)/gunicorn portal.wsgi:application --bind 127.0.0.1:$(PORT) $(GUNICORN_FLAGS)

require-production-env:
	@missing=0; \
	if [ -z "$$DJANGO_SECRET_KEY" ]; then missing=1; \
		echo "DJANGO_SECRET_KEY is not set: production settings refuse to start without it." >&2; \
		echo "Generate one with: python3 -c 'import secrets; print(secrets.token_urlsafe(50))'" >&2; fi; \
	if [ -z "$$PORTAL_BASE_URL" ]; then missing=1; \
		echo "PORTAL_BASE_URL is not set: the site's public address for links in emails and calendar files, e.g. https://portal.example.org" >&2; fi; \
	if [ -z "$$DJANGO_DEFAULT_FROM_EMAIL" ]; then missing=1; \
		echo "DJANGO_DEFAULT_FROM_EMAIL is not set: the sender of the portal's emails, e.g. portal@example.org" >&2; fi; \
	exit $$missing

# The whole suite, browser, Redis and nginx tests included when those are installed
# (CI sets PORTAL_REQUIRE_BROWSER, _REDIS and _NGINX so that they can never be skipped there).
test: install
	$(BIN)/pytest $(PYTEST_ARGS)

test-e2e: install
	$(BIN)/pytest tests/e2e $(PYTEST_ARGS)

# The checkers from package.json (axe-core, and the Nu HTML Checker's vnu.jar, which needs
# Java: Debian's default-jre-headless). --ignore-scripts: vnu-jar's install script would
# fetch a Java runtime of its own, which the jar does not need when java is on PATH.
node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	@touch $@

# Validity of every public page type in every language: 0 Nu HTML Checker errors, 0 axe
# violations at 360, 1024 and 1280 px (tests/e2e/test_validity.py; a few minutes, so not
# part of `make test`). Reports go to test-artifacts/validity/.
test-validity: install node_modules/.installed
	$(BIN)/pytest -m validity tests/e2e/test_validity.py $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: export DJANGO_DEBUG ?= 1
check: install
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

# Load test against PostgreSQL (database portal_bench, created by the bench; wrk from Debian):
# prints requests/s, p50, p99 and queries per page, cached and uncached (bench/run.py).
bench: export GUNICORN_FLAGS := $(GUNICORN_FLAGS)
bench: export STATIC_IGNORE := $(STATIC_IGNORE)
bench: install
	$(PY) bench/run.py

# Developers only (needs GNU gettext): refresh and compile the translations.
# The compiled .mo files are committed so that nobody else needs gettext.
messages: export DJANGO_DEBUG ?= 1
messages: install
	$(PY) manage.py makemessages --no-obsolete --add-location=file -l ru -l az -i '.venv/*' -i 'var/*' -i 'tests/*'
	$(PY) manage.py compilemessages -l ru -l az -i .venv

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache build *.egg-info node_modules
