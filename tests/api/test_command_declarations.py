"""The gateway derives its mutations' permissions and routing from the command declarations."""

from __future__ import annotations

from returns_api.permissions import RolesAllowed
from returns_api.schema import build_schema
from returns_shared.service.catalog import COMMANDS

from .support import settings

# Reads that run in a function (Athena's rights are the insights function's alone): Query fields that
# send a command, with the command's roles.
QUERIES_SENT_AS_COMMANDS = {"returnInsights"}


def _fields(root: str = "Mutation"):
    schema = build_schema(settings())
    names = schema.config.name_converter
    return {names.get_graphql_name(field): field
            for field in schema.schema_converter.type_map[root].definition.fields}


def _mutation_fields():
    return _fields("Mutation")


def test_every_declared_command_is_a_mutation_and_every_mutation_a_command():
    assert set(_mutation_fields()) == set(COMMANDS) - QUERIES_SENT_AS_COMMANDS
    assert set(_fields("Query")) >= QUERIES_SENT_AS_COMMANDS


def test_each_mutation_allows_exactly_the_roles_its_command_declares():
    queries = {name: field for name, field in _fields("Query").items() if name in QUERIES_SENT_AS_COMMANDS}
    for name, field in {**_mutation_fields(), **queries}.items():
        permissions = [p for extension in field.extensions for p in getattr(extension, "permissions", [])]
        assert [type(p) for p in permissions] == [RolesAllowed], name
        assert permissions[0].roles == COMMANDS[name].roles, name
