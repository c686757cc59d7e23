# Two commands on a fresh machine with Python 3.11+ and make:
#   make run    virtualenv, install, migrate, demo season (when empty), server on 127.0.0.1:8000
#               (ASGI, daphne: pages get pushed updates); HOST=0.0.0.0 for the venue network
#   make test   virtualenv, install, the whole suite (SQLite; DATABASE_URL=postgres://... for PostgreSQL)
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?= -n auto --dist loadfile
PORT ?= 8000
# HOST=0.0.0.0 serves the venue network (referees' phones on the venue Wi-Fi); the machine's own
# addresses are then allowed as hosts unless ALLOWED_HOSTS is given.
HOST ?= 127.0.0.1
ifneq ($(HOST),127.0.0.1)
ALLOWED_HOSTS ?= 127.0.0.1,localhost,$(HOST),$(shell hostname -I 2>/dev/null | tr ' ' ',')
export ALLOWED_HOSTS
endif

.PHONY: install run worker test lint bench-public bench-referee bench-push bench-webhooks clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

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

# Background jobs with a real broker (docs/jobs.md): CELERY_BROKER_URL=redis://127.0.0.1:6379/2
# make worker (in another terminal, with the same environment as the server). -B also runs the
# periodic housekeeping. Without CELERY_BROKER_URL, `make run` runs the jobs in the server itself.
worker: install
	$(VENV)/bin/celery -A config worker -B --loglevel INFO --concurrency $${WORKERS:-2}

test: install
	DJANGO_SETTINGS_MODULE=tests.settings $(PY) manage.py makemigrations --check --dry-run --verbosity 0
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .

bench-public: install
	$(PY) bench/public_bench.py

bench-referee: install
	$(PY) bench/referee_bench.py

bench-push: install
	$(PY) bench/push_bench.py

# A real Celery worker and Redis (DB 11): a receiver failing the first two attempts of every
# delivery gets each event once, in order per match (PostgreSQL database webhook_bench).
bench-webhooks: install
	$(PY) bench/webhook_bench.py

clean:
	rm -rf $(VENV) staticfiles artifacts .pytest_cache db.sqlite3
