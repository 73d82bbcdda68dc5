# Shared by shared/Makefile (SharedLayer) and graphql/Makefile (GraphQLFunction), the sam build
# (BuildMethod: makefile) targets: how Lambda python3.13/arm64 packages are installed.
# Lambda python3.13 runs on Amazon Linux 2023 (glibc 2.34): manylinux_2_28 wheels fit too; the
# versions are the ones the tests ran with (uv.lock, exported to lambda-constraints.txt).
LAMBDA_BUILD_DIR := $(dir $(abspath $(lastword $(MAKEFILE_LIST))))
PYTHON ?= python3
LAMBDA_PIP_INSTALL := $(PYTHON) -m pip install --python-version 3.13 --platform manylinux2014_aarch64 \
	--platform manylinux_2_28_aarch64 --implementation cp --only-binary=:all: --no-compile \
	--no-warn-conflicts --disable-pip-version-check --quiet \
	--constraint "$(LAMBDA_BUILD_DIR)lambda-constraints.txt"
