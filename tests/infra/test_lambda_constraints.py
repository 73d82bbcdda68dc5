"""sam build installs exactly the versions the tests ran with: lambda-constraints.txt matches uv.lock."""

from __future__ import annotations

import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _locked() -> dict[str, str]:
    lock = tomllib.loads((REPO / "uv.lock").read_text())
    return {package["name"]: package["version"] for package in lock["package"] if "version" in package}


def _constraints() -> dict[str, str]:
    pins = {}
    for raw in (REPO / "lambda-constraints.txt").read_text().splitlines():
        text = raw.split(";")[0].strip()
        if text and not text.startswith("#"):
            name, version = text.split("==")
            pins[name.strip().lower()] = version.strip()
    return pins


def test_every_lambda_pin_is_the_locked_version():
    locked, pins = _locked(), _constraints()
    assert {"boto3", "strawberry-graphql", "aws-lambda-powertools", "pydantic"} <= set(pins)
    drifted = {
        name: (version, locked.get(name)) for name, version in pins.items() if locked.get(name) != version
    }
    assert not drifted, f"run `make lambda-constraints`: {drifted}"


def test_both_lambda_builds_install_with_the_constraints():
    assert (
        '--constraint "$(LAMBDA_BUILD_DIR)lambda-constraints.txt"' in (REPO / "lambda-build.mk").read_text()
    )
    for makefile in ("shared/Makefile", "graphql/Makefile"):
        text = (REPO / makefile).read_text()
        assert "include $(MAKEFILE_DIR)../lambda-build.mk" in text and "$(LAMBDA_PIP_INSTALL)" in text
