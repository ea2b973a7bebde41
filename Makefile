# Two commands do everything on a fresh machine with Python 3.11:
#   make demo   - build .venv, install dualtrace, run the end-to-end demo (offline, fictional data)
#   make test   - build .venv with the dev tools, install the browser the report and web-page tests drive
#                 (Debian/Ubuntu as root), run lint, types and the test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: demo test lint typecheck bench browser clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	rm -f $(VENV)/.installed-* && touch $(STAMP)

demo: $(STAMP)
	$(BIN)/dualtrace demo --out demo-output

# Headless Chromium for the browser tests (report, served pages) and a JRE for the Spark tests
# (.ci/apt-packages); without them those tests are skipped with a reason.
browser:
	@if command -v chromium >/dev/null && command -v chromedriver >/dev/null && command -v java >/dev/null; then :; \
	elif command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$(cat .ci/apt-packages) >/dev/null; \
	else echo "note: chromium or java not installed and not root: the browser or Spark tests will be skipped"; fi

test: $(STAMP) browser
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) demo-output .pytest_cache .mypy_cache .ruff_cache
