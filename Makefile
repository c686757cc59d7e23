# Two commands on a fresh machine with Python 3.11+ and make:
#   make run    virtualenv, install what production runs (requirements.txt), migrate, demo season
#               (when empty), development server on 127.0.0.1:8000 (ASGI, daphne: pages get
#               pushed updates); HOST=0.0.0.0 for the venue network
#   make test   virtualenv, install the tests and lint too (requirements-dev.txt), the whole suite
#               (SQLite; DATABASE_URL=postgres://... for PostgreSQL)
# and production on one machine (docs/operations.md):
#   make serve  migrate, collectstatic, check --deploy (refuses to start on a warning), uvicorn
#               with one process per core (WORKERS=n); needs SECRET_KEY and production variables
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?= -n auto --dist loadfile
PORT ?= 8000
# HOST=0.0.0.0 serves the venue network (referees' phones on the venue Wi-Fi); the machine's own
# addresses are then allowed as hosts unless ALLOWED_HOSTS is given.
HOST ?= 127.0.0.1
ifneq ($(HOST),127.0.0.1)
# (an IPv6 address is a host in brackets: a browser sends Host: [fd00::2]:8000)
ALLOWED_HOSTS ?= 127.0.0.1,localhost,$(HOST),$(shell hostname -I 2>/dev/null | tr ' ' '\n' | sed -e '/^$$/d' -e '/:/s/.*/[&]/' | paste -sd, -)
export ALLOWED_HOSTS
endif

.PHONY: install install-dev run serve worker test lint bench-public bench-referee bench-push bench-webhooks rig clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Two stamps: production's packages, and the tests' on top of them (each redone when its
# requirements change).
$(VENV)/.installed: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

# The development server runs with DEBUG on (and so a development key) unless told otherwise;
# production (DEBUG off) refuses to start without SECRET_KEY.
run: export DEBUG ?= 1
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py seed_demo --if-empty
	@echo "Serving on http://$(HOST):$(PORT)/  (admin: /admin/, referees: /referee/)"
	@if [ "$(HOST)" != "127.0.0.1" ]; then echo "Venue network: http://<one of: $$(hostname -I 2>/dev/null)>:$(PORT)/"; fi
	$(PY) manage.py runserver --noreload $(HOST):$(PORT)

# Production (tools/serve.sh): DEBUG off, SECRET_KEY and the production variables required.
serve: install
	PYTHON=$(PY) HOST=$(HOST) PORT=$(PORT) tools/serve.sh

# Background jobs with a real broker (docs/jobs.md): CELERY_BROKER_URL=redis://127.0.0.1:6379/2
# make worker (in another terminal, with the same environment as the server). -B also runs the
# periodic housekeeping. Without CELERY_BROKER_URL, `make run` runs the jobs in the server itself.
worker: install
	$(VENV)/bin/celery -A config worker -B --loglevel INFO --concurrency $${WORKERS:-2}

test: install-dev
	DJANGO_SETTINGS_MODULE=tests.settings $(PY) manage.py makemigrations --check --dry-run --verbosity 0
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .

bench-public: install-dev
	$(PY) bench/public_bench.py

bench-referee: install-dev
	$(PY) bench/referee_bench.py

bench-push: install-dev
	$(PY) bench/push_bench.py

# A real Celery worker and Redis (DB 11): a receiver failing the first two attempts of every
# delivery gets each event once, in order per match (PostgreSQL database webhook_bench).
bench-webhooks: install-dev
	$(PY) bench/webhook_bench.py

# 3 app servers behind HAProxy, Varnish in front, Redis, PostgreSQL (DATABASE rig), the Celery
# worker: the edge, fault and push benchmarks (docs/benchmarks.md); RIG_ARGS="--only edge" etc.
rig: install-dev
	$(PY) bench/rig.py $(RIG_ARGS)

clean:
	rm -rf $(VENV) staticfiles artifacts .pytest_cache db.sqlite3
