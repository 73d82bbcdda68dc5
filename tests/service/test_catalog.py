"""Each function routes exactly the commands the catalog says it owns, and nothing is unowned."""

from __future__ import annotations

import importlib

import pytest

from returns_shared.service.catalog import COMMANDS, owned_by

from .test_settings import FUNCTION_ENV


@pytest.mark.parametrize("function", ["request", "screening", "refund", "label"])
def test_a_function_routes_the_commands_it_owns(function, monkeypatch):
    for name, value in FUNCTION_ENV.items():
        monkeypatch.setenv(name, value)
    app = importlib.import_module(f"functions.{function}.app")
    assert app.routes.commands == owned_by(function)


def test_every_command_has_an_owner_and_a_unique_name():
    owners = {command.function for command in COMMANDS.values()}
    assert owners == {"request", "screening", "refund"}
    assert sum(len(owned_by(owner)) for owner in owners) == len(COMMANDS)
    assert all(name == command.name for name, command in COMMANDS.items())
