# The two commands in README.md: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
XVFB   := xvfb-run -a -s "-screen 0 800x480x24"

.PHONY: demo test test-arm64 bench screenshots wheel setup setup-test clean

$(BIN)/activate: pyproject.toml setup.py
	$(PYTHON) -m venv --system-site-packages $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[ui,server,test]'
	touch $(BIN)/activate

setup:
	scripts/install-system-packages.sh run
	$(MAKE) $(BIN)/activate

setup-test:
	scripts/install-system-packages.sh test
	$(MAKE) $(BIN)/activate

## Seed a demo library and run the whole system on it: the sync server with the coordinators' pages,
## and the kiosk syncing to it (in a window, or on a virtual screen when none is attached). Ctrl+C stops it all.
demo: setup
	$(BIN)/toolkiosk demo $(DEMO_ARGS)

## Run the whole test suite (Kivy under Xvfb, PostgreSQL at 127.0.0.1:5432 when running).
test: setup-test
	KIVY_NO_ARGS=1 $(XVFB) $(BIN)/python -m pytest -q $(PYTEST_ARGS)

## Prove the kiosk on the Pi's architecture: install.sh in a Debian arm64 root under qemu-user-static,
## then its version, a decode of the shared photos and the ledger and scan tests (slow: emulated).
test-arm64: setup-test
	scripts/install-system-packages.sh arm64
	TOOLKIOSK_ARM64=1 $(BIN)/python -m pytest -q -p no:cacheprovider tests/deploy/test_arm64.py $(PYTEST_ARGS)

## Print the figures the issues ask for, each beside its baseline.
bench: setup-test
	KIVY_NO_ARGS=1 $(XVFB) $(BIN)/python -m tests.benchmarks $(BENCH_ARGS)

## Render every kiosk screen (English and Spanish, five screen sizes) and every web page (phone and desktop) to PNG files.
screenshots: setup-test
	KIVY_NO_ARGS=1 $(XVFB) $(BIN)/python -m kiosk.ui.screenshots --out screenshots/kiosk \
		--size 800x480 1024x600 480x800 1920x1080 1080x1920
	$(BIN)/python -m sync.server.web.screenshots --out screenshots/web

## Build the wheel the Pi installer installs (assets/ inside, translations compiled) into dist/, offline.
wheel: setup
	$(BIN)/pip wheel --no-deps --no-index --no-build-isolation --wheel-dir dist .

clean:
	rm -rf $(VENV) screenshots .pytest_cache build dist
