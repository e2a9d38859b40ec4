# Loyalty Ladder — every set-up step in two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
APP_STAMP := $(VENV)/.installed-app
DEV_STAMP := $(VENV)/.installed-dev
SAMPLE := sample_data/studio_register.xlsx

.PHONY: run serve backup test lint bench bench-browser system-packages sample clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(APP_STAMP): requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements.txt
	touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements-dev.txt
	touch $@ $(APP_STAMP)

## run: install, put the sample register in an empty workspace, open the app
run: $(APP_STAMP)
	$(BIN)/python -m lib import $(SAMPLE) --if-empty
	@(sleep 4; $(BIN)/python -m webbrowser -t http://localhost:8501 >/dev/null 2>&1 || true) &
	$(BIN)/python -m lib serve

## serve: run the app for a team on ADDRESS:PORT (sign-in required unless ADDRESS is this computer's own)
ADDRESS ?= 127.0.0.1
PORT ?= 8501
serve: $(APP_STAMP)
	$(BIN)/python -m lib serve --address $(ADDRESS) --port $(PORT)

## backup: a consistent copy of the workspace in ./backups (the app may keep running)
backup: $(APP_STAMP)
	$(BIN)/python -m lib backup --to backups

## test: install what tests need (Chromium and PostgreSQL through apt-get when root) and run them all,
## on every core (TEST_WORKERS=1 for one at a time)
TEST_WORKERS ?= auto
test: $(DEV_STAMP) system-packages
	$(BIN)/python -m pytest -n $(TEST_WORKERS)

## lint: ruff's rules and format over the whole project, the type checker over lib/
lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

## bench: load, reopen and write-back at 10,000 and 100,000 customers against pandas+openpyxl
## (BENCH_ARGS="--sizes 2000 --repeat 1" for a quick look)
bench: $(APP_STAMP)
	$(BIN)/python -m bench.run $(BENCH_ARGS)

## bench-browser: each page's first and return visit in Chromium at 100,000 customers (bench/browser.json)
bench-browser: $(DEV_STAMP) system-packages
	$(BIN)/python -m bench.browser $(BENCH_BROWSER_ARGS)

system-packages:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
	  else echo "Missing for the tests: sudo apt-get install -y $$missing"; exit 1; fi; \
	fi

## sample: regenerate the sample register and the template
sample: $(APP_STAMP)
	$(BIN)/python -m sample_data.generate
	$(BIN)/python -m sample_data.generate --template sample_data/template.xlsx

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
