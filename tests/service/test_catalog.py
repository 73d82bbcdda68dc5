"""Each function routes exactly the commands the catalog says it owns, and nothing is unowned."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator

import pytest

from returns_shared.service.catalog import COMMANDS, owned_by

from .test_settings import FUNCTION_ENV


@pytest.fixture
def fresh_function_modules() -> Iterator[None]:
    """Function modules imported here are forgotten afterwards: their module-level Powertools loggers
    take this test's environment, and later tests must import them under their own."""
    before = {name: module for name, module in sys.modules.items() if name.startswith("functions.")}
    yield
    for name in [name for name in sys.modules if name.startswith("functions.")]:
        del sys.modules[name]
    sys.modules.update(before)


@pytest.mark.parametrize("function", ["request", "screening", "refund", "label", "mail", "insights"])
def test_a_function_routes_the_commands_it_owns(function, monkeypatch, fresh_function_modules):
    for name, value in FUNCTION_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "returns-catalog-tests")  # see test_settings.env
    monkeypatch.delitem(sys.modules, f"functions.{function}.app", raising=False)
    app = importlib.import_module(f"functions.{function}.app")
    assert app.routes.commands == owned_by(function)


def test_every_command_has_an_owner_and_a_unique_name():
    owners = {command.function for command in COMMANDS.values()}
    assert owners == {"request", "screening", "label", "refund", "mail", "insights"}
    assert sum(len(owned_by(owner)) for owner in owners) == len(COMMANDS)
    assert all(name == command.name for name, command in COMMANDS.items())


def test_every_handler_path_names_a_use_case_of_its_owner():
    """Handlers are imported by their first command (dispatch.handler): a typo would only show then."""
    for command in COMMANDS.values():
        module, _, name = command.handler.__qualname__.partition(":")
        assert callable(getattr(importlib.import_module(module), name)), command.name
    owners = {"request": {"returns_shared.service.orders", "returns_shared.service.requests"},
              "screening": {"returns_shared.service.screening"},
              "refund": {"returns_shared.service.refunds", "returns_shared.service.unknown_packages"},
              "label": {"returns_shared.service.labels"}, "mail": {"returns_shared.service.conversation"}}
    for function, modules in owners.items():
        assert {c.handler.__qualname__.partition(":")[0] for c in owned_by(function).values()} <= modules
