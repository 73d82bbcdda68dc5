"""The exported SDL: committed = code, a superset of the binding contract, and every example
operation (and the GraphiQL preload) valid against it."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLObjectType,
    GraphQLSchema,
    build_schema,
    find_breaking_changes,
    parse,
    validate,
)

from returns_api.graphiql import DEFAULT_DOCUMENT
from returns_api.schema import sdl

REPO = Path(__file__).resolve().parents[2]
COMMITTED = REPO / "graphql" / "schema.graphql"
CONTRACT = REPO / "docs" / "spec" / "contract.graphql"  # the binding contract, carried in the repo
OPERATIONS = sorted((REPO / "operations").glob("*.graphql"))


def test_committed_sdl_matches_the_code():
    assert COMMITTED.read_text(encoding="utf-8") == sdl(), "run: python -m returns_api.export_schema"


def _contract() -> GraphQLSchema:
    return build_schema(CONTRACT.read_text(encoding="utf-8"))


def test_sdl_is_a_superset_of_the_contract():
    contract, ours = _contract(), build_schema(sdl())
    missing: list[str] = []
    for name, wanted in contract.type_map.items():
        if name.startswith("__"):
            continue
        have = ours.type_map.get(name)
        if have is None or type(have) is not type(wanted):
            missing.append(f"type {name}")
            continue
        if isinstance(wanted, GraphQLEnumType):
            missing += [f"{name}.{v}" for v in wanted.values if v not in have.values]
        if isinstance(wanted, GraphQLObjectType | GraphQLInputObjectType):
            for field_name, field in wanted.fields.items():
                got = have.fields.get(field_name)
                if got is None or str(got.type) != str(field.type):
                    missing.append(f"{name}.{field_name}: {field.type} (have {got.type if got else None})")
                    continue
                for arg_name, arg in getattr(field, "args", {}).items():
                    mine = got.args.get(arg_name)
                    if mine is None or str(mine.type) != str(arg.type):
                        missing.append(f"{name}.{field_name}({arg_name}: {arg.type})")
                    elif arg.default_value != mine.default_value and arg.default_value is not None:
                        missing.append(f"{name}.{field_name}({arg_name} = {arg.default_value})")
                extra_required = [
                    a
                    for a, v in getattr(got, "args", {}).items()
                    if a not in getattr(field, "args", {})
                    and str(v.type).endswith("!")
                    and v.default_value is None
                ]
                missing += [f"{name}.{field_name}: new required argument {a}" for a in extra_required]
            if isinstance(wanted, GraphQLInputObjectType):
                new_required = [
                    f for f, v in have.fields.items() if f not in wanted.fields and str(v.type).endswith("!")
                ]
                missing += [f"{name}.{f}: new required input field" for f in new_required]
    assert not missing, "\n".join(missing)


def test_graphql_core_finds_no_breaking_change_from_the_contract():
    """A second opinion on the walk above: graphql-core's own comparison (removed types, fields, enum
    values or arguments, changed or stricter types, new required arguments or input fields)."""
    breaking = find_breaking_changes(_contract(), build_schema(sdl()))
    assert not breaking, "\n".join(change.description for change in breaking)


@pytest.mark.parametrize("path", OPERATIONS, ids=[p.name for p in OPERATIONS])
def test_example_operations_are_valid(path):
    errors = validate(build_schema(sdl()), parse(path.read_text(encoding="utf-8")))
    assert not errors, errors


def test_there_are_examples_for_every_root_field():
    text = "\n".join(path.read_text(encoding="utf-8") for path in OPERATIONS)
    schema = build_schema(sdl())
    for root in (schema.query_type, schema.mutation_type):
        for field in root.fields:
            assert f"{field}(" in text or f"{field} {{" in text, field


def test_graphiql_preload_is_valid():
    assert not validate(build_schema(sdl()), parse(DEFAULT_DOCUMENT))
