# Shared by shared/Makefile (SharedLayer), graphql/Makefile (GraphQLFunction) and functions/*/Makefile,
# the sam build (BuildMethod: makefile) targets: how Lambda python3.13/arm64 packages are installed.
# Lambda python3.13 runs on Amazon Linux 2023 (glibc 2.34): manylinux_2_28 wheels fit too; the
# versions are the ones the tests ran with (uv.lock, exported to lambda-constraints.txt).
LAMBDA_BUILD_DIR := $(dir $(abspath $(lastword $(MAKEFILE_LIST))))
PYTHON ?= python3
LAMBDA_PIP_INSTALL := $(PYTHON) -m pip install --python-version 3.13 --platform manylinux2014_aarch64 \
	--platform manylinux_2_28_aarch64 --implementation cp --only-binary=:all: --no-compile \
	--no-warn-conflicts --disable-pip-version-check --quiet \
	--constraint "$(LAMBDA_BUILD_DIR)lambda-constraints.txt"

# A worker's own packages beside SharedLayer: its requirements.txt lists the whole difference between
# its extra of returns-shared and the layer (returns_devstack.lambda_requirements), so nothing is
# resolved again (--no-deps) and nothing the layer holds is shipped twice. $(1) = requirements.txt
define install-function-requirements
	if grep -q '^[^#]' "$(1)"; then $(LAMBDA_PIP_INSTALL) --no-deps --target "$(ARTIFACTS_DIR)" -r "$(1)"; fi
	rm -rf "$(ARTIFACTS_DIR)/bin"
endef

# botocore ships the models of ~400 AWS services (24 MB); a package keeps those of the services this
# code calls (tests/infra/test_lambda_packages.py fails when code makes a client of one not listed,
# Powertools Parameters' secretsmanager included). The endpoint and retry data at the top stay.
# $(1) = the directory that holds botocore/
BOTOCORE_SERVICES := athena dynamodb events firehose lambda s3 secretsmanager sesv2 sns ssm stepfunctions
define prune-botocore
	find "$(1)/botocore/data" -mindepth 1 -maxdepth 1 -type d \
		$(foreach service,$(BOTOCORE_SERVICES),! -name $(service)) -exec rm -rf {} +
endef

# Babel ships the CLDR data of ~1,100 locales (31 MB); the layer keeps root and the languages the
# customer emails are written in (domain/languages.py LANGUAGES; a test holds the two lists equal),
# without their regional variants: an email is formatted in its language (`fr`, not `fr_CA`).
# $(1) = the directory that holds babel/
BABEL_LOCALES := root en fr de es it ja
define prune-babel
	find "$(1)/babel/locale-data" -name '*.dat' \
		$(foreach locale,$(BABEL_LOCALES),! -name $(locale).dat) -delete
endef
