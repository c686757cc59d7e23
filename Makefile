# Two commands on a fresh machine with Python 3.11+ and make:
#   make run    virtualenv, install, migrate, demo season (when empty), server on 127.0.0.1:8000
#   make test   virtualenv, install, the whole suite (SQLite; DATABASE_URL=postgres://... for PostgreSQL)
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?= -n auto --dist loadfile
PORT ?= 8000

.PHONY: install run test lint bench-public bench-referee clean

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
	@echo "Serving on http://127.0.0.1:$(PORT)/  (admin: /admin/, referees: /referee/)"
	$(PY) manage.py runserver --noreload 127.0.0.1:$(PORT)

test: install
	DJANGO_SETTINGS_MODULE=tests.settings $(PY) manage.py makemigrations --check --dry-run --verbosity 0
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .

bench-public: install
	$(PY) bench/public_bench.py

bench-referee: install
	$(PY) bench/referee_bench.py

clean:
	rm -rf $(VENV) staticfiles artifacts .pytest_cache db.sqlite3
