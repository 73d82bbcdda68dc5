"""IAM's evaluation of identity policies for one request, strictly: an explicit Deny wins, else an
Allow whose Action, Resource and every Condition match, else denied.

Why not a library: policyuniverse, policyglass and principalmapper are unmaintained (2022-23) and expand
or summarize policies rather than decide a request; iam-ape evaluates an account's roles through AWS;
moto's evaluator (moto.iam.access_control, for its opt-in enforcement) treats a condition operator it
does not know, or a condition key the request lacks, as met - a proof built on it would pass what AWS
denies. This one refuses what it does not implement (policy variables, ForAnyValue/ForAllValues, other
operators) with `Unsupported`, so a new kind of statement fails the proof loudly, not silently.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Statement = Mapping[str, Any]


class Unsupported(ValueError):
    """A policy element this evaluator does not implement."""


def _listed(value: Any) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list) else [str(value)]


def _glob(pattern: str, value: str, *, ignore_case: bool) -> bool:
    if "${" in pattern:
        raise Unsupported(f"policy variables ({pattern})")
    regex = "".join(".*" if char == "*" else "." if char == "?" else re.escape(char) for char in pattern)
    return re.fullmatch(regex, value, re.IGNORECASE if ignore_case else 0) is not None


def action_matches(statement: Statement, action: str) -> bool:
    """Actions are case-insensitive; NotAction matches every action it does not list."""
    if "NotAction" in statement:
        return not any(_glob(p, action, ignore_case=True) for p in _listed(statement["NotAction"]))
    return any(_glob(p, action, ignore_case=True) for p in _listed(statement.get("Action", [])))


def resource_matches(statement: Statement, resource: str) -> bool:
    if "NotResource" in statement:
        return not any(_glob(p, resource, ignore_case=False) for p in _listed(statement["NotResource"]))
    if "Resource" not in statement:
        raise Unsupported("a statement without Resource (a trust or resource policy's)")
    return any(_glob(p, resource, ignore_case=False) for p in _listed(statement["Resource"]))


def _string_equals(expected: str, actual: str) -> bool:
    return expected == actual


OPERATORS = {
    "StringEquals": (_string_equals, False),
    "StringNotEquals": (_string_equals, True),
    "StringEqualsIgnoreCase": (lambda e, a: e.casefold() == a.casefold(), False),
    "StringNotEqualsIgnoreCase": (lambda e, a: e.casefold() == a.casefold(), True),
    "StringLike": (lambda e, a: _glob(e, a, ignore_case=False), False),
    "StringNotLike": (lambda e, a: _glob(e, a, ignore_case=False), True),
    "ArnEquals": (lambda e, a: _glob(e, a, ignore_case=False), False),
    "ArnLike": (lambda e, a: _glob(e, a, ignore_case=False), False),
    "ArnNotEquals": (lambda e, a: _glob(e, a, ignore_case=False), True),
    "ArnNotLike": (lambda e, a: _glob(e, a, ignore_case=False), True),
    "Bool": (lambda e, a: e.lower() == a.lower(), False),
}


def conditions_hold(statement: Statement, context: Mapping[str, str]) -> bool:
    """Every operator and every key must hold; a key's listed values are alternatives (any may match).
    A key the request lacks fails a positive operator and passes a negated one (IfExists: passes)."""
    keys = {key.lower(): value for key, value in context.items()}
    for operator, tests in (statement.get("Condition") or {}).items():
        if ":" in operator:
            raise Unsupported(f"set operators ({operator})")
        name, if_exists = (operator[:-8], True) if operator.endswith("IfExists") else (operator, False)
        if name not in OPERATORS:
            raise Unsupported(f"the condition operator {operator}")
        compare, negated = OPERATORS[name]
        for key, expected in tests.items():
            actual = keys.get(key.lower())
            if actual is None:
                if not (if_exists or negated):
                    return False
                continue
            matched = any(compare(value, actual) for value in _listed(expected))
            if matched == negated:
                return False
    return True


def applies(statement: Statement, action: str, resource: str, context: Mapping[str, str]) -> bool:
    return (action_matches(statement, action) and resource_matches(statement, resource)
            and conditions_hold(statement, context))


@dataclass(frozen=True)
class Decision:
    allowed: bool
    allowed_by: tuple[int, ...]  # indexes (in the statements given) of the Allow statements that apply
    denied_by: tuple[int, ...]


def decide(statements: Sequence[Statement], action: str, resource: str,
           context: Mapping[str, str] | None = None) -> Decision:
    context = context or {}
    allow: list[int] = []
    deny: list[int] = []
    for index, statement in enumerate(statements):
        if applies(statement, action, resource, context):
            (deny if statement.get("Effect") == "Deny" else allow).append(index)
    return Decision(allowed=bool(allow) and not deny, allowed_by=tuple(allow), denied_by=tuple(deny))
