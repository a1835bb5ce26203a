# HazardTrack — two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Unset: scripts/serve.sh runs 2 x cores + 1 gunicorn workers.
WORKERS ?=
TIMEOUT ?= 60

.PHONY: run test venv dev venv-locked lock migrate demo static lint format bench reliability clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.dev-installed: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install -q -e ".[dev]"
	touch $@

venv: $(VENV)/.installed
dev: $(VENV)/.dev-installed

# Reproducible installs: every package at the version the lock names, checked against its
# SHA-256. LOCK=requirements.lock for a server without the test tools; offline, download
# the wheels elsewhere and add PIP_ARGS="--no-index --find-links wheels" (docs/deploy.md).
# The app itself runs from this tree (manage.py): it is not installed into the venv.
LOCK ?= requirements-dev.lock
venv-locked:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q $(PIP_ARGS) --require-hashes -r $(LOCK)
	touch $(VENV)/.installed
	$(if $(findstring dev,$(LOCK)),touch $(VENV)/.dev-installed)

# Renew both lock files from pyproject.toml (needs the network; commit the result).
lock: venv
	$(PY) -m pip install -q uv
	$(VENV)/bin/uv pip compile pyproject.toml --universal --python-version 3.11 \
	  --generate-hashes --custom-compile-command "make lock" -q -o requirements.lock
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 \
	  --generate-hashes --custom-compile-command "make lock" -q -o requirements-dev.lock

migrate: venv
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo --if-empty

static: venv
	$(PY) manage.py collectstatic --noinput -v 0

run: demo static
	@HOST=$(HOST) PORT=$(PORT) WORKERS=$(WORKERS) TIMEOUT=$(TIMEOUT) PY=$(PY) ./scripts/serve.sh

test: dev
	$(PY) manage.py collectstatic --noinput -v 0
	$(PY) -m pytest -q $(PYTEST_ARGS)

lint: dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: dev
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

bench: dev
	$(PY) bench/run.py $(BENCH_ARGS)

reliability: dev
	$(PY) -m pytest -q -m slow -p no:randomly $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) staticfiles
