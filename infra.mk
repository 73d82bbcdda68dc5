# Infrastructure targets (included by the main Makefile; reuses its VENV and UV).
#
#   make lint-template   cfn-lint on template.yaml (offline, ~3 s)
#   make test-infra      template, state machine and moto-deploy tests (tests/infra)
#   make sam-validate    sam validate --lint                       (needs the SAM CLI, see below)
#   make sam-build       sam build -> .aws-sam/build               (needs the SAM CLI, see below)
#   make web-publish STACK=returns-dev   after sam deploy: web/ + config.json to the web bucket,
#                        then a CloudFront invalidation (needs AWS credentials)
#
# The SAM CLI is NOT a dependency of the project (it pins an old boto3): these targets run it
# with `uv tool run` in its own throw-away environment (override SAM=sam to use one installed
# with pipx/brew). sam build uses `BuildMethod: makefile` everywhere, so it needs no python3.13
# and no Docker: functions/<name>/Makefile copies app.py and pip-installs the function's own
# requirements.txt, shared/Makefile (SharedLayer) and graphql/Makefile (GraphQLFunction)
# pip-install Lambda python3.13/arm64 wheels (network to PyPI needed; see lambda-build.mk). Deploy from a machine with AWS credentials: `sam deploy` (samconfig.toml; add
# `--config-env prod` for production).

SAM_CLI_VERSION ?= 1.170.0
SAM ?= $(UV) tool run --from aws-sam-cli==$(SAM_CLI_VERSION) sam

.PHONY: lint-template test-infra sam-validate sam-build web-publish

lint-template: install
	$(VENV)/bin/cfn-lint template.yaml

test-infra: install
	TZ=UTC $(VENV)/bin/pytest tests/infra

sam-validate: $(UV)
	$(SAM) validate --lint --template-file template.yaml

# The build makefiles run pip; `uv tool run` puts its own pip-less python first on PATH, so hand
# them the python this make was started with (resolved before the tool environment exists).
BUILD_PYTHON := $(shell command -v $(PYTHON))

sam-build: $(UV)
	PYTHON=$(BUILD_PYTHON) $(SAM) build --template-file template.yaml

STACK ?= returns-dev
web-publish: install
	$(VENV)/bin/python -m returns_devstack.web_publish --stack $(STACK)
