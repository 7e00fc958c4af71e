# Two commands: `make demo` and `make test`. Everything else is a step of theirs.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export PIP_DISABLE_PIP_VERSION_CHECK = 1

.PHONY: demo test audit test-postgres test-browser install lint check schema messages bench clean

$(VENV)/.installed: requirements.txt requirements-dev.txt constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements-dev.txt -c constraints.txt
	touch $@

install: $(VENV)/.installed

## make demo: install, migrate the embedded SQLite database under var/, load the demo cities, serve
## (with the background task worker).
demo: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo
	@echo "Serving on http://127.0.0.1:$(PORT)/  (Milan: http://127.0.0.1:$(PORT)/it/milano/)"
	@# the background queue (e-mails, recomputation) runs beside the web server and stops with it
	$(PY) manage.py db_worker --queue-name '*' & worker=$$!; trap "kill $$worker" EXIT INT TERM; \
	  $(PY) manage.py runserver 127.0.0.1:$(PORT)

## make test: lint (ruff, import contracts), Django checks, migrations and OpenAPI drift, translations,
## pip-audit of the pinned dependencies (a warning, not a failure, when its service is out of reach), the whole pytest suite.
test: install lint check audit
	$(PY) -m pytest -n 2 -m "not e2e and not concurrency" -q

audit:
	$(PY) scripts/audit_dependencies.py

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

check:
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py spectacular --file var/openapi.generated.yaml --validate
	@diff -q openapi.yaml var/openapi.generated.yaml >/dev/null || { \
	  echo "openapi.yaml is out of date: run 'make schema' and commit it"; diff -u openapi.yaml var/openapi.generated.yaml | head -40; exit 1; }
	$(PY) scripts/check_translations.py

## make schema: regenerate the committed OpenAPI document.
schema: install
	$(PY) manage.py spectacular --file openapi.yaml --validate

## make messages: refresh the .po catalogues from the code and compile the .mo files.
messages: install
	$(PY) manage.py makemessages -l it -l en -l fr --ignore=.venv --ignore=static/vendor --ignore=var --ignore=node_modules
	$(PY) manage.py makemessages -d djangojs -l it -l en -l fr --ignore=.venv --ignore=static/vendor --ignore=var --ignore=node_modules
	$(PY) scripts/check_translations.py --compile

## The suite against PostgreSQL (DATABASE_URL must point at a server; the test database is created).
test-postgres: install
	$(PY) -m pytest -n 2 -m "not e2e and not concurrency" -q --create-db
	$(PY) -m pytest -p no:xdist -m concurrency -q --create-db

## Browser tests: Playwright driving Debian's chromium (apt-get install chromium).
test-browser: install
	@command -v chromium >/dev/null || { echo "chromium is missing: apt-get install -y chromium"; exit 1; }
	$(PY) -m pytest -m e2e -q -p no:xdist

## make bench: the catalogue's pages timed on PostgreSQL with a 20,000-need, 300,000-organisation
## city (seed_scale); the same city's home, catalogue and need page in Debian's chromium as
## production serves them (bytes transferred, time to the map, Lighthouse 12 from bench/package.json);
## then under load: locust, 50 people for 5 minutes against gunicorn on loopback
## (bench/run_load.py, bench/locustfile.py), then a 100,000-line camt.053 statement reconciled against as many
## pending contributions (bench/run_camt.py), then the matching engine on a synthetic metro city
## (bench/run_matching.py, no database); a fund's public ledger at 1,000,000 movements, its first and a deep
## page beside the trivial page (bench/run_fund_ledger.py, seeded once with COPY in its own city, fondi-bench);
## the volunteering list and map at 10,000 activities and 200,000 registrations (bench/run_activities.py);
## the equity page at 200,000 ledger movements into the metro city's needs (bench/run_equity.py);
## the city's dashboard at 200,000 ledger movements (bench/run_dashboard.py, seeded once with COPY);
## figures merged into bench/results.json. DATABASE_URL may name another
## PostgreSQL database of its own (never postgres, test or test_*).
BENCH_DATABASE_URL := $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/cities4csr_bench)
bench: install
	DATABASE_URL="$(BENCH_DATABASE_URL)" $(PY) bench/run_catalogue.py --prepare-database
	DATABASE_URL="$(BENCH_DATABASE_URL)" $(PY) manage.py migrate --no-input
	DATABASE_URL="$(BENCH_DATABASE_URL)" $(PY) manage.py seed_scale --needs 20000 --organisations 300000 --activities 10000 --registrations 200000
	DATABASE_URL="$(BENCH_DATABASE_URL)" $(PY) bench/run_catalogue.py
	DATABASE_URL="$(BENCH_DATABASE_URL)" $(PY) bench/run_fund_ledger.py
	DATABASE_URL="$(BENCH_DATABASE_URL)" $(PY) bench/run_activities.py
	DATABASE_URL="$(BENCH_DATABASE_URL)" $(PY) bench/run_equity.py
	DATABASE_URL="$(BENCH_DATABASE_URL)" $(PY) bench/run_dashboard.py
	DATABASE_URL="$(BENCH_DATABASE_URL)" $(PY) bench/run_statement.py
	@command -v chromium >/dev/null || { echo "chromium is missing: apt-get install -y chromium"; exit 1; }
	npm install --prefix bench --no-audit --no-fund --ignore-scripts --silent
	DATABASE_URL="$(BENCH_DATABASE_URL)" $(PY) bench/run_browser.py
	DATABASE_URL="$(BENCH_DATABASE_URL)" $(PY) bench/run_load.py
	DATABASE_URL="$(BENCH_DATABASE_URL)" $(PY) bench/run_camt.py
	$(PY) bench/run_matching.py

clean:
	rm -rf $(VENV) var
