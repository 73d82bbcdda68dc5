"""The proof: each recorded call of each function, as IAM authorizes it, evaluated against the
function's role; what was not granted, what could not be evaluated, and the grants no call used."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from returns_devstack.aws_hooks import AwsCall
from returns_devstack.deploy.roles import FunctionRole
from returns_devstack.iam.actions import Place, Request, Unmapped, requests_of
from returns_devstack.iam.evaluation import Unsupported, action_matches, decide


@dataclass(frozen=True)
class Refusal:
    principal: str
    call: str  # service.Operation
    action: str
    resource: str

    def __str__(self) -> str:
        return f"{self.principal}: {self.call} needs {self.action} on {self.resource}"


@dataclass
class Report:
    refused: list[Refusal] = field(default_factory=list)  # calls the role does not grant
    problems: list[str] = field(default_factory=list)  # calls or roles that could not be evaluated
    calls: Counter[str] = field(default_factory=Counter)  # principal -> calls evaluated
    actions: dict[str, Counter[str]] = field(default_factory=dict)  # principal -> action -> requests
    unused: dict[str, list[str]] = field(default_factory=dict)  # principal -> "grant: action" never used
    grant_uses: dict[str, Counter[str]] = field(default_factory=dict)  # principal -> grant -> allowed

    @property
    def proven(self) -> bool:
        return not self.refused and not self.problems

    def lines(self) -> list[str]:
        out = [f"{principal}: {count} AWS calls, {sum(self.actions[principal].values())} IAM requests, "
               f"{len(self.actions[principal])} actions, all granted"
               if not any(r.principal == principal for r in self.refused) else
               f"{principal}: {count} AWS calls, NOT ALL GRANTED"
               for principal, count in sorted(self.calls.items())]
        out += [f"NOT GRANTED  {refusal}" for refusal in sorted(set(self.refused), key=str)]
        out += [f"CANNOT EVALUATE  {problem}" for problem in sorted(set(self.problems))]
        out += [f"never used  {principal}: {grant}"
                for principal, grants in sorted(self.unused.items()) for grant in grants]
        return out


def check(calls: Iterable[AwsCall], roles: Mapping[str, FunctionRole], at: Place) -> Report:
    report = Report()
    used: dict[str, set[tuple[int, str]]] = {}  # principal -> (grant index, action pattern) that matched
    report.problems += [f"{owner}'s role {declared.role}: {declared.problem}"
                        for owner, declared in roles.items() if declared.problem]
    for call in calls:
        principal = call.principal or "(no function)"
        name = f"{call.service}.{call.operation}"
        if principal not in roles:
            report.problems.append(f"{principal}: {name} by a principal with no role in the template")
            continue
        role = roles[principal]
        if role.problem:
            continue
        report.calls[principal] += 1
        try:
            requests = requests_of(call, at)
        except Unmapped as exc:
            report.problems.append(f"{principal}: {exc}")
            continue
        for request in requests:
            _evaluate(report, used.setdefault(principal, set()), principal, name, request, role)
    for principal, role in roles.items():
        if principal in report.calls:
            report.unused[principal] = _never_used(role, used.get(principal, set()))
    return report


def _evaluate(report: Report, used: set[tuple[int, str]], principal: str, name: str, request: Request,
              role: FunctionRole) -> None:
    statements = [grant.statement for grant in role.grants]
    try:
        decision = decide(statements, request.action, request.resource, request.context)
    except Unsupported as exc:
        report.problems.append(f"{principal}'s role {role.role}: {exc}")
        return
    report.actions.setdefault(principal, Counter())[request.action] += 1
    if not decision.allowed:
        report.refused.append(Refusal(principal, name, request.action, request.resource))
        return
    for index in decision.allowed_by:
        report.grant_uses.setdefault(principal, Counter())[role.grants[index].label] += 1
        for pattern in _actions(role.grants[index].statement):
            if action_matches({"Action": pattern}, request.action):
                used.add((index, pattern))


def _actions(statement: Mapping[str, object]) -> Sequence[str]:
    value = statement.get("Action", [])
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _never_used(role: FunctionRole, used: set[tuple[int, str]]) -> list[str]:
    return [f"{grant.label}: {pattern}" for index, grant in enumerate(role.grants)
            if grant.statement.get("Effect", "Allow") == "Allow"
            for pattern in _actions(grant.statement) if (index, pattern) not in used]
