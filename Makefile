# Two commands matter: `make run` (set up everything and serve on http://127.0.0.1:8000) and `make test`.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
PG_URL ?= postgres://postgres@127.0.0.1:5432/lukou
# Two workers: the machines have two cores (the browser tests run their own live server per worker).
PYTEST_ARGS ?= -n 2

.PHONY: run setup venv system system-test redis migrate demo fonts test test-sqlite test-postgres lint format bench messages clean backup-check

run: setup
	DEBUG=true $(PY) manage.py runserver 127.0.0.1:8000

setup: system venv migrate fonts demo

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -r requirements-dev.txt
	touch $@

system:
	@scripts/ensure-system-packages.sh runtime || echo "WARNING: PDF rendering needs the packages above."

system-test:
	scripts/ensure-system-packages.sh test

# The Celery worker test talks to a real Redis (the app itself runs tasks in-process without one).
redis:
	scripts/ensure-redis.sh

messages: venv
	DEBUG=true $(PY) manage.py compilemessages -v0 --ignore=.venv

# The PDF's CJK faces cut to GB 2312 (reports/print_fonts.py): once, about a minute per face; PDFs work without them,
# only slower.
fonts: venv
	DEBUG=true $(PY) manage.py build_report_fonts

migrate: venv messages
	DEBUG=true $(PY) manage.py migrate --noinput -v0

demo: venv
	DEBUG=true $(PY) manage.py loaddemo

test: system-test redis venv messages fonts lint test-sqlite test-postgres

test-sqlite:
	env -u DATABASE_URL $(VENV)/bin/pytest $(PYTEST_ARGS)

test-postgres:
	scripts/ensure-postgres.sh
	DATABASE_URL=$(PG_URL) $(VENV)/bin/pytest $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# The load part (benchmarks/load.py) runs gunicorn on a private PostgreSQL instance of its own: ten editors saving
# one page, a database restart halfway; it fails on a server error after the restart or a lost write.
# The summary table's part runs on PostgreSQL with 10,000 units × 5 years when DATABASE_URL points to it (in a
# throwaway test_<name> database), otherwise on SQLite with 1,000 units: see benchmarks/summary.py.
# Publishing and downloads run gunicorn and a Celery worker against Redis and a throwaway PostgreSQL database on the
# server of DATABASE_URL (else PG_URL): see benchmarks/publishing.py and benchmarks/downloads.py.
# The scale part (benchmarks/scale.py) needs PostgreSQL (its own database lukou_bench_scale on the PG_URL server,
# kept between runs) and loads gunicorn with wrk, installed here when running as root (else Python threads).
bench: system venv redis fonts
	DEBUG=false SECRET_KEY=bench $(PY) -m benchmarks.run
	DEBUG=false SECRET_KEY=bench $(PY) -m benchmarks.summary
	scripts/ensure-postgres.sh
	BENCH_PG_URL=$(PG_URL) DEBUG=false SECRET_KEY=bench $(PY) -m benchmarks.publishing
	BENCH_PG_URL=$(PG_URL) DEBUG=false SECRET_KEY=bench $(PY) -m benchmarks.downloads
	BENCH_PG_URL=$(PG_URL) DEBUG=false SECRET_KEY=bench $(PY) -m benchmarks.downloads --size 8388608 --requests 8
	DEBUG=false SECRET_KEY=bench $(PY) -m benchmarks.load
	command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; } || true
	scripts/ensure-postgres.sh && SECRET_KEY=bench $(PY) -m benchmarks.scale --server $(PG_URL)

# Back up $(PG_URL) and the publication store, restore both into fresh copies and verify them (README: "Backup and
# restore"). PUBLICATIONS_ROOT chooses the store (media/publications by default).
backup-check: venv
	scripts/ensure-postgres.sh
	VENV=$(VENV) scripts/backup-check.sh $(PG_URL)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles media
