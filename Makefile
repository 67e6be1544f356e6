# The Mentor Network's commands.  `make test` and `make run` need only Python 3.11 (python3-venv);
# scripts/ensure-infra installs (Debian/Ubuntu) and starts RabbitMQ and PostgreSQL when missing.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
REQUIREMENTS := requirements-dev.txt gateway/requirements.txt $(wildcard services/*/requirements.txt)

CATALOGUES := $(wildcard gateway/gateway/translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGUES:.po=.mo)

.PHONY: lint format venv translations extract-messages chromium infra test run demo databases bench import-records demo-data dead-letters replay compose-check clean

venv: $(STAMP)

$(STAMP): $(REQUIREMENTS) $(wildcard services/*/pyproject.toml libs/*/pyproject.toml gateway/pyproject.toml)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip "setuptools<82" wheel
	$(PY) -m pip install --quiet -r requirements-dev.txt
	$(PY) -m pip install --quiet --no-deps --config-settings editable_mode=compat \
	    -e libs/platform -e libs/contracts -e libs/testing \
	    -e services/identity -e services/profiles -e services/mentoring \
	    -e services/notifications -e gateway
	touch $(STAMP)

## make translations: compile the pages' catalogues (.po in the repo, .mo not committed)
translations: venv $(COMPILED)

gateway/gateway/translations/%/LC_MESSAGES/messages.mo: gateway/gateway/translations/%/LC_MESSAGES/messages.po
	$(VENV)/bin/pybabel compile --use-fuzzy -i $< -o $@

## make extract-messages: refresh the Dutch catalogue from the code and templates
extract-messages: venv
	@# A template of this checkout's own, not one shared /tmp file that two
	@# checkouts running this at once overwrite under each other.
	pot=$$(mktemp --suffix=.pot) && \
	(cd gateway && ../$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k N_ --no-location \
	    --omit-header -o $$pot .) && \
	$(VENV)/bin/pybabel update --no-fuzzy-matching -i $$pot \
	    -d gateway/gateway/translations; status=$$?; rm -f $$pot; exit $$status

## make chromium: Debian's chromium for the browser tests (Playwright's own download cannot work here)
chromium:
	@scripts/ensure-chromium

infra:
	@scripts/ensure-infra

## make test: the whole suite against the local RabbitMQ and PostgreSQL
test: venv translations chromium infra lint
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(PY) -m pytest $(PYTEST_ARGS)

## make lint: ruff's lint and format check (ruff.toml), and mypy on the contracts
## and the platform library (mypy.ini); `make format` rewrites
lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## make run: the whole system in the foreground (no Docker); Ctrl-C stops it
run: venv translations infra databases
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(PY) scripts/run-all

databases: infra
	@scripts/create-databases

## make bench: the RPC client benchmark and the registration slice's timings
bench: venv infra
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(PY) benchmarks/rpc_clients.py
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(PY) benchmarks/registration_slice.py

## make import-records CSV=records.csv    load the university's records into identity
import-records: venv
	@test -n "$(CSV)" || { echo "usage: make import-records CSV=<file>"; exit 2; }
	$(PY) -m identity.records $(CSV)

## make demo [N=2000]: `make run` with a living demo network to log in to (README "A demo network")
demo: venv translations infra databases
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" DEMO_MEMBERS=$(or $(N),2000) $(PY) scripts/demo

## make demo-data N=20000    N members in profiles' database only, for benchmarks (nobody can log in as them)
demo-data: venv
	@test -n "$(N)" || { echo "usage: make demo-data N=<members>"; exit 2; }
	DEMO_DATA=yes $(PY) -m profiles.demo $(N)

## make dead-letters SERVICE=profiles    list a service's parked events
dead-letters: venv
	$(PY) -m mentornet_platform.deadletters $(SERVICE) list

## make replay SERVICE=profiles ID=7     (or ID=--all-dead) replay parked events
replay: venv
	$(PY) -m mentornet_platform.deadletters $(SERVICE) replay $(ID)

compose-check:
	docker-compose config -q && echo "docker-compose.yml is valid"

clean:
	rm -rf $(VENV) .run
