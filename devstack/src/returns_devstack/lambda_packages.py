"""The Lambda packages as `sam build` makes them (template.yaml: SharedLayer, GraphQLFunction and the
four workers), rebuilt offline from what `make install` put in .venv: the same distributions (the
lists of returns_devstack.lambda_requirements), the host's wheels instead of Lambda's arm64 ones.

Tests import each handler from its package alone (tests/infra/test_lambda_packages.py) and keep
the sizes under their ceilings; `make bench` reports the sizes, and those of a real `make sam-build`
(.aws-sam/build) when one is there.
"""

from __future__ import annotations

import importlib.metadata
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath

from returns_devstack import lambda_requirements as requirements

REPO = requirements.REPO
SAM_BUILD = REPO / ".aws-sam" / "build"
WORKSPACE_SOURCES = {
    "returns-shared": REPO / "shared/src/returns_shared",
    "returns-graphql": REPO / "graphql/src/returns_api",
}


@dataclass(frozen=True)
class Package:
    name: str  # the template's logical id
    pins: frozenset[str]  # `name==version` lines of its distributions
    workspace: tuple[str, ...] = ()  # this repository's projects it carries
    code: Path | None = None  # a worker's CodeUri (app.py)
    layer: str | None = None  # the layer on its sys.path after it

    @property
    def distributions(self) -> frozenset[str]:
        return frozenset(_name(pin) for pin in self.pins)


def _name(pin: str) -> str:
    return re.split(r"[=;\s]", pin, maxsplit=1)[0].lower().replace("_", "-")


@cache
def packages() -> dict[str, Package]:
    found = {
        "SharedLayer": Package("SharedLayer", requirements.layer(), ("returns-shared",)),
        "GraphQLFunction": Package(
            "GraphQLFunction", requirements.gateway(), ("returns-graphql", "returns-shared")
        ),
    }
    for function in requirements.FUNCTION_EXTRAS:
        name = f"{function.capitalize()}Function"
        found[name] = Package(name, requirements.function_only(function), code=REPO / "functions" / function,
                              layer="SharedLayer")
    return found


def _build_list(name: str) -> frozenset[str]:
    text = (REPO / "lambda-build.mk").read_text()
    line = re.search(rf"^{name}\s*:=\s*(.+)$", text, re.MULTILINE)
    if line is None:
        raise RuntimeError(f"lambda-build.mk lists no {name}")
    return frozenset(line.group(1).split())


@cache
def botocore_services() -> frozenset[str]:
    """The service models the Lambda builds keep (BOTOCORE_SERVICES in lambda-build.mk)."""
    return _build_list("BOTOCORE_SERVICES")


@cache
def babel_locales() -> frozenset[str]:
    """The CLDR locales the layer's Babel keeps (BABEL_LOCALES in lambda-build.mk)."""
    return _build_list("BABEL_LOCALES")


def _kept(path: PurePosixPath) -> bool:
    """What a build keeps of an installed file (no bytecode, no scripts, botocore's listed models,
    Babel's listed locales)."""
    parts = path.parts
    if parts[0] == ".." or "__pycache__" in parts or path.suffix == ".pyc":
        return False
    if parts[:2] == ("botocore", "data") and len(parts) > 3:
        return parts[2] in botocore_services()
    if parts[:2] == ("babel", "locale-data") and path.suffix == ".dat":
        return path.stem in babel_locales()
    return True


def _files(distribution: str) -> list[tuple[PurePosixPath, Path]]:
    dist = importlib.metadata.distribution(distribution)
    return [(PurePosixPath(str(f)), Path(str(dist.locate_file(f)))) for f in dist.files or []
            if _kept(PurePosixPath(str(f)))]


def size_bytes(package: Package) -> dict[str, int]:
    """Unzipped bytes per distribution (and per workspace project), as the build would keep them."""
    sizes = {name: sum(path.stat().st_size for _, path in _files(name) if path.is_file())
             for name in package.distributions}
    for project in package.workspace:
        sizes[project] = sum(path.stat().st_size for path in WORKSPACE_SOURCES[project].rglob("*")
                             if path.is_file() and "__pycache__" not in path.parts)
    if package.code is not None:
        sizes["app.py"] = (package.code / "app.py").stat().st_size
    return sizes


def assemble(package: Package, target: Path) -> Path:
    """The package's import root under `target` (symlinks into .venv and the sources); a layer's
    root is its python/ directory, as on Lambda (/opt/python)."""
    root = target / package.name / ("python" if package.name.endswith("Layer") else "")
    root.mkdir(parents=True, exist_ok=True)
    for distribution in sorted(package.distributions):
        for relative, path in _files(distribution):
            link = root / relative
            link.parent.mkdir(parents=True, exist_ok=True)
            if not link.exists():
                link.symlink_to(path)
    for project in package.workspace:
        (root / WORKSPACE_SOURCES[project].name).symlink_to(WORKSPACE_SOURCES[project])
    if package.code is not None:
        (root / "app.py").symlink_to(package.code / "app.py")
    return root


def built_size_bytes(name: str) -> dict[str, int] | None:
    """Unzipped bytes per top-level entry of a real `make sam-build` artifact (None: not built)."""
    root = SAM_BUILD / name
    if not root.is_dir():
        return None
    root = root / "python" if name.endswith("Layer") else root
    return {entry.name: sum(f.stat().st_size for f in ([entry] if entry.is_file() else entry.rglob("*"))
                            if f.is_file()) for entry in root.iterdir()}
