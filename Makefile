# BKK Connect Data Hub. Two commands do all the set-up on a fresh machine: `make demo`, `make test`.
PYTHON_BIN ?= python3.11
VENV       := .venv
PY         := $(VENV)/bin/python
STAMP      := $(VENV)/.installed
export DAGSTER_HOME := $(CURDIR)/.dagster_home
export GX_ANALYTICS_ENABLED := False

.PHONY: install demo test dev serve sites validate bench bench-crawl bench-feeds check-public clean

install: $(STAMP)

# Reinstall whenever the pins change.
$(STAMP): requirements.lock
	$(PYTHON_BIN) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	touch $@

$(DAGSTER_HOME)/dagster.yaml: dagster.yaml
	mkdir -p $(DAGSTER_HOME)
	cp dagster.yaml $@

## demo: sample partner sites on 127.0.0.1, one full pipeline run, feeds in public/, warehouse in var/
demo: $(STAMP) $(DAGSTER_HOME)/dagster.yaml
	$(PY) -m pipelines.demo

# Real Node.js consumers of the published files (node-gtfs), pinned by tests/node/package-lock.json.
# Without npm on the machine the tests that need them are skipped, not failed.
NPM := $(shell command -v npm 2>/dev/null)
NODE_CONSUMERS := $(if $(NPM),tests/node/node_modules/.installed)

## test: the whole suite (CI runs exactly this through .ci/run)
test: $(STAMP) $(NODE_CONSUMERS)
	$(PY) -m pytest

tests/node/node_modules/.installed: tests/node/package-lock.json
	cd tests/node && npm ci --no-audit --no-fund --loglevel=error
	touch $@

## dev: the Dagster UI on 127.0.0.1:3000 with the sample partner sites running beside it
dev: $(STAMP) $(DAGSTER_HOME)/dagster.yaml
	$(PY) -m sample_sites & SITES=$$!; trap "kill $$SITES" EXIT INT TERM; \
	BKK_DATA_DOCS_DIR=$(CURDIR)/var/data_docs \
	BKK_DISTRICT_PORTALS_RATE_PER_SECOND=100 BKK_MWA_OUTAGES_RATE_PER_SECOND=50 $(VENV)/bin/dagster dev -h 127.0.0.1 -p 3000 -w workspace.yaml

## serve: public/ on http://127.0.0.1:8800 with ETag / Last-Modified / 304
serve: $(STAMP)
	$(PY) -m publish.serve --dir public --port 8800

## sites: only the sample partner sites (ports 8701-8711)
sites: $(STAMP)
	$(PY) -m sample_sites

## bench-crawl: full first pass and unchanged second pass over every sample site: requests, bytes,
## share answered 304 or skipped, wall time, and whether any host got more than its rate limit
bench-crawl: $(STAMP)
	$(PY) -m benchmarks.crawl

## check-public: every file of the published tree (make demo) through its external validator
check-public: $(STAMP) $(NODE_CONSUMERS)
	$(PY) -m tests.published_validators public

## bench-feeds: on the demo's tree, the gzipped size of every district's alert feed (goal <= 20 KB) and
## the published files by format
bench-feeds: $(STAMP)
	$(PY) -m benchmarks.feed_sizes --public public

## bench: 500,000 complaints + ~1,900 notices + 7,200 sensor readings, raw -> staged -> core -> publish, timed
## per layer with peak memory, against a bare DuckDB read_json and dlt's load of the same pages
DLT_VENV := .venv-dlt
$(DLT_VENV)/.installed: requirements-bench.lock
	$(PYTHON_BIN) -m venv $(DLT_VENV)
	$(DLT_VENV)/bin/pip install --quiet -r requirements-bench.lock
	touch $@

bench: $(STAMP) $(DLT_VENV)/.installed
	$(PY) -m benchmarks.city_scale

validate: $(STAMP) $(DAGSTER_HOME)/dagster.yaml
	$(VENV)/bin/dagster definitions validate -w workspace.yaml

clean:
	rm -rf var public $(DAGSTER_HOME)
