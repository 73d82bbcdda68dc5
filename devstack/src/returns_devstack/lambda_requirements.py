"""What each Lambda package installs, exported from uv.lock (`make lambda-constraints` writes the
files; tests/infra/test_lambda_packages.py fails when they drift from the lock):

- SharedLayer: returns-shared with its core dependencies and the `mail` extra (Babel: every worker
  writes customer emails, the gateway none);
- GraphQLFunction: returns-graphql with returns-shared (no extra: no screening, label or payment SDK);
- each worker: its CodeUri's `requirements.txt`, the packages of its extra of returns-shared that the
  layer does not hold (installed without resolving again: the list is the whole difference);
- `lambda-constraints.txt`: every pin above (sam build installs under it).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
LAYER_EXTRA = "mail"
FUNCTION_EXTRAS: dict[str, str | None] = {
    "request": None,
    "screening": "screening",
    "label": "labels",
    "refund": "refunds",
    "mail": "inbound",
    "insights": None,  # Firehose converts to Parquet, Athena queries: no pyarrow, no DuckDB in Lambda
}
CONSTRAINTS_HEADER = (
    "# Pins for `sam build` (the Lambda layer, the gateway and the functions' own packages), exported from\n"
    "# uv.lock by `make lambda-constraints`; tests/infra/test_lambda_constraints.py fails when they drift.\n"
)
REQUIREMENTS_HEADER = (
    "# The {name} function's own packages beside SharedLayer (returns-shared[{extra}] minus the layer's),\n"
    "# exported from uv.lock by `make lambda-constraints`; installed with --no-deps by its Makefile.\n"
)
NOTHING_HEADER = (
    "# The {name} function needs nothing beside SharedLayer (returns-shared without an extra);\n"
    "# exported from uv.lock by `make lambda-constraints`.\n"
)


def export(package: str, extras: tuple[str, ...] = ()) -> frozenset[str]:
    """`name==version[ ; marker]` lines of a workspace package's locked dependencies (no dev tools)."""
    uv = os.environ.get("UV", str(REPO / ".tools/bin/uv"))
    command = [uv, "export", "--frozen", "--no-dev", "--package", package, "--no-emit-workspace",
               "--no-hashes", "--no-header", "--no-annotate", "--format", "requirements-txt"]
    command += [argument for extra in extras for argument in ("--extra", extra)]
    output = subprocess.run(command, cwd=REPO, check=True, capture_output=True, text=True).stdout
    return frozenset(line.strip() for line in output.splitlines() if line.strip())


def layer() -> frozenset[str]:
    return export("returns-shared", (LAYER_EXTRA,))


def gateway() -> frozenset[str]:
    return export("returns-graphql")


def function_only(name: str) -> frozenset[str]:
    extra = FUNCTION_EXTRAS[name]
    return export("returns-shared", (extra, LAYER_EXTRA)) - layer() if extra else frozenset()


def constraints() -> frozenset[str]:
    extras = tuple(extra for extra in FUNCTION_EXTRAS.values() if extra)
    return gateway() | export("returns-shared", (*extras, LAYER_EXTRA))


def requirements_text(name: str) -> str:
    extra = FUNCTION_EXTRAS[name]
    header = REQUIREMENTS_HEADER.format(name=name, extra=extra) if extra else NOTHING_HEADER.format(name=name)
    return header + "".join(f"{line}\n" for line in sorted(function_only(name)))


def constraints_text() -> str:
    return CONSTRAINTS_HEADER + "".join(f"{line}\n" for line in sorted(constraints()))


def main() -> None:
    (REPO / "lambda-constraints.txt").write_text(constraints_text())
    for name in FUNCTION_EXTRAS:
        (REPO / "functions" / name / "requirements.txt").write_text(requirements_text(name))


if __name__ == "__main__":
    main()
