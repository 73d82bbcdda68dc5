"""Every userErrors message a customer's command can produce reads as a sentence a person wrote: other
frontends show `message` as it is. The walk drives each refusal of the customer commands (requestReturn,
returnQuote's engine, cancelReturn, submitReturnTracking) through the gateway's edge checks, the
functions' input models and the service, and a scan of the code holds every refusal written anywhere in
shared/ and the gateway to the same rule (so a new one cannot slip in unwalked)."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from returns_api import validation
from returns_shared.domain.errors import DomainError
from returns_shared.domain.vocabulary import ReturnStatus
from returns_shared.policy.document import load_policy
from returns_shared.policy.engine import RequestedLine, quote
from returns_shared.service import commands, screening
from returns_shared.service.commands import ById, RequestReturn, SubmitTracking, parse_command

from . import builders as b
from .fakes import World

REPO = Path(__file__).resolve().parents[2]

# What a validator, a regular expression or a programmer leaves in a message
NOT_A_PERSON = [
    (
        re.compile(r"\bshould\b|Value error|Input should|String should|validation error", re.I),
        "a validator's words",
    ),
    (re.compile(r"\^|\$['\"]?|\[[A-Za-z0-9]-[A-Za-z0-9]|\\[dswb]|\{\d+,?\d*\}|\(\?"), "a regular expression"),
    (re.compile(r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b"), "a raw enum value or code"),
    (re.compile(r"\b(input|lines)\.\w"), "a field path"),
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:"), "an ISO instant"),
    (re.compile(r"\b[a-z]+[A-Z]\w*\b"), "a camelCase API name"),
]


def human(message: str) -> list[str]:
    """What is wrong with `message` as a sentence for a person (nothing: it reads well)."""
    problems = [why for pattern, why in NOT_A_PERSON if pattern.search(message)]
    if not re.match(r"[A-Z“\d]", message):
        problems.append("does not start like a sentence")
    if not re.search(r"[.?!]\)?$", message):
        problems.append("does not end like a sentence")
    return problems


@pytest.mark.parametrize(
    ("message", "bad"),
    [
        ("String should match pattern '^[A-Za-z0-9-]+$'", True),
        ("trackingNumber: must not be blank", True),
        ("must not be blank (INVALID_INPUT)", True),
        ("input.lines.0.note: Value error, bad", True),
        ("The return window closed on 2026-12-06T08:42:48Z.", True),
        ("items of category SOCKS cannot be returned", True),
        ("The tracking number is required.", False),
        ("“Wool socks” cannot be returned. Socks cannot be returned (NR-CATEGORY).", False),
    ],
)
def test_the_checker_tells_a_validator_from_a_person(message, bad):
    assert bool(human(message)) is bad


# -- the walk ---------------------------------------------------------------------------------------


def _edge_messages() -> list[str]:
    """The gateway's edge checks of the customer inputs (requestReturn, returnQuote, the ids, tracking)."""

    def line(**changes):
        return SimpleNamespace(
            **{"order_line_id": "L1", "quantity": 1, "reason": "STYLE", "note": None, **changes}
        )

    def request(**changes):
        return SimpleNamespace(**{"order_id": "O1", "idempotency_key": "k", "lines": [line()],
                                  "source_message_id": None, **changes})

    bad_requests = [
        request(order_id=" "),
        request(order_id="x" * 300),
        request(order_id="O\u0007"),
        request(idempotency_key=""),
        request(idempotency_key="k" * 200),
        request(lines=[]),
        request(lines=[line()] * 51),
        request(lines=[line(order_line_id="")]),
        request(lines=[line(note="n" * 600)]),
        request(lines=[line(note="bad \u202e note")]),
        request(order_id="\ud800"),
    ]
    messages = []
    for data in bad_requests:
        messages += [e.message for e in validation.request_return(data)]  # type: ignore[arg-type]
        messages += [e.message for e in validation.return_input(data)]  # type: ignore[arg-type]
    for value in ("", "R" * 300, "RMA-\u0000"):
        messages += [e.message for e in validation.return_id(value)]
    for carrier, number in (("", "123456"), ("USPS", ""), ("U" * 600, "1"), ("USPS\u0007", "1")):
        messages += [e.message for e in validation.texts(carrier=carrier, trackingNumber=number)]
    return messages


def _model_messages() -> list[str]:
    """The functions' input models: every constraint of the customer commands' fields broken once."""
    good_line = {"orderLineId": "L1", "quantity": 1, "reason": "STYLE"}
    good = {
        "orderId": "O1",
        "method": "SELF_SHIP",
        "lines": [good_line],
        "conditionAttested": True,
        "idempotencyKey": "k",
    }
    requests = [
        {k: v for k, v in good.items() if k != "orderId"},
        {**good, "orderId": ""},
        {**good, "orderId": 5},
        {**good, "method": "BY_PIGEON"},
        {**good, "lines": []},
        {**good, "lines": [good_line] * 51},
        {**good, "lines": ["L1"]},
        {**good, "conditionAttested": "perhaps"},
        {**good, "idempotencyKey": ""},
        {**good, "idempotencyKey": "k" * 200},
        {**good, "surprise": 1},
        {**good, "lines": [{**good_line, "quantity": "two"}]},
        {**good, "lines": [{**good_line, "reason": "BORED"}]},
        {**good, "lines": [{**good_line, "note": "n" * 2001}]},
        {**good, "lines": [{**good_line, "note": "\u202e"}]},
        {**good, "orderId": "O\u0007"},
        {**good, "orderId": "x" * 300},
    ]
    payloads: list[tuple[type[commands.CommandModel], dict]] = [(RequestReturn, p) for p in requests]
    track = {"id": "RMA-1", "carrier": "USPS", "trackingNumber": "9400 1118 9922"}
    payloads += [
        (SubmitTracking, p)
        for p in (
            {**track, "trackingNumber": "94#00"},
            {**track, "trackingNumber": "1 2 3"},
            {**track, "trackingNumber": "9" * 41},
            {**track, "carrier": "U"},
            {**track, "carrier": "U" * 41},
            {**track, "carrier": "USPS\u0007"},
            {"id": "RMA-1", "carrier": "USPS"},
            {**track, "trackingNumber": 5},
        )
    ]
    payloads += [(ById, p) for p in ({}, {"id": ""}, {"id": None})]
    messages = []
    for model, payload in payloads:
        with pytest.raises(DomainError) as refused:
            parse_command(model, payload)
        messages.append(refused.value.message)
    return messages


def _service_messages() -> list[str]:
    """Each refusal of the customer commands in the service and the policy engine."""
    messages: list[str] = []

    def refused(world: World, name: str, payload: dict, caller=None) -> None:
        answer = world.command(name, caller or b.customer(), payload)
        assert answer["userErrors"], (name, payload)
        messages.extend(error["message"] for error in answer["userErrors"])

    world = World()
    world.table.put_order(b.order("O1", lines=3))
    refused(world, "requestReturn", b.request_input("NOPE"))
    refused(world, "requestReturn", b.request_input(attested=False))
    world.table.put_order(b.order("CA", country="CA"))
    refused(world, "requestReturn", b.request_input("CA", method="PREPAID_LABEL", key="ca"))
    world.table.put_order(b.order("OLD", delivered_days_ago=40))
    refused(world, "requestReturn", b.request_input("OLD", key="old"))
    world.table.put_order(b.order("NEW", delivered_days_ago=None))
    refused(world, "requestReturn", b.request_input("NEW", key="new"))
    world.table.put_order(_order_with("SOCKS", category="SOCKS"))
    refused(world, "requestReturn", b.request_input("SOCKS", key="socks"))
    world.table.put_order(_order_with("MARK", non_returnable=True))
    refused(world, "requestReturn", b.request_input("MARK", key="mark"))
    world.table.put_order(_order_with("GIFT", free_gift=True))
    refused(world, "requestReturn", b.request_input("GIFT", key="gift"))
    world.table.put_order(_order_with("SET", set_id="S1"))
    refused(world, "requestReturn", b.request_input("SET", key="set"))  # one member of a set alone
    world.table.put_order(_order_with("SETB", set_id="S1", blocked_member=True))
    refused(world, "requestReturn", b.request_input("SETB", key="setb", lines=("L1", "L2")))
    first = world.command("requestReturn", b.customer(), b.request_input("O1", key="first"))
    refused(world, "requestReturn", b.request_input("O1", key="again"))  # the quantity is taken
    refused(world, "requestReturn", b.request_input("O1", key="first", lines=("L2",)))  # key reused
    refused(world, "requestReturn", b.request_input("O1", key="twice", lines=("L2", "L2")))
    refused(world, "requestReturn", b.request_input("O1", key="unknown", lines=("L9",)))
    rid = first["returnId"]
    screening.screen_return(rid, world.deps)
    refused(world, "submitReturnTracking", {"id": "RMA-NOPE", "carrier": "USPS", "trackingNumber": "123456"})
    assert (
        world.command(
            "submitReturnTracking", b.customer(), {"id": rid, "carrier": "USPS", "trackingNumber": "111111"}
        )["userErrors"]
        == []
    )
    for number in ("222222", "333333", "444444"):
        world.command(
            "submitReturnTracking", b.customer(), {"id": rid, "carrier": "USPS", "trackingNumber": number}
        )
    refused(world, "submitReturnTracking", {"id": rid, "carrier": "USPS", "trackingNumber": "555555"})
    refused(world, "cancelReturn", {"id": rid})  # shipped
    world.table.put_order(b.order("BOB", email="bob@example.com"))
    bob = world.command("requestReturn", b.customer("bob@example.com"), b.request_input("BOB", key="bob"))
    screening.screen_return(bob["returnId"], world.deps)
    refused(
        world,
        "submitReturnTracking",  # Alice's number on Bob's return
        {"id": bob["returnId"], "carrier": "USPS", "trackingNumber": "444444"},
        b.customer("bob@example.com"),
    )
    world.command("cancelReturn", b.customer("bob@example.com"), {"id": bob["returnId"]})
    refused(world, "cancelReturn", {"id": bob["returnId"]}, b.customer("bob@example.com"))
    refused(
        world,
        "submitReturnTracking",
        {"id": bob["returnId"], "carrier": "USPS", "trackingNumber": "777777"},
        b.customer("bob@example.com"),
    )
    labelled = world.command(
        "requestReturn",
        b.customer(),
        b.request_input("O1", key="label", lines=("L3",), method="PREPAID_LABEL"),
    )
    screening.screen_return(labelled["returnId"], world.deps)
    assert world.stored(labelled["returnId"]).status == ReturnStatus.APPROVED
    # quote refusals (returnQuote answers them as userErrors)
    order = world.table.orders["O1"].order
    for requested in (
        [RequestedLine("L9", 1, "STYLE")],
        [RequestedLine("L1", 0, "STYLE")],
        [RequestedLine("L2", 1, "STYLE"), RequestedLine("L2", 1, "STYLE")],
    ):
        with pytest.raises(DomainError) as error:
            quote(order, requested, "SELF_SHIP", [], policy=load_policy(), now=world.clock())
        messages.append(error.value.message)
    euro = b.order("EUR").model_copy(update={"currency": "EUR"})
    with pytest.raises(DomainError) as error:
        quote(
            euro, [RequestedLine("L1", 1, "STYLE")], "SELF_SHIP", [], policy=load_policy(), now=world.clock()
        )
    messages.append(error.value.message)
    return messages


def _order_with(order_id: str, *, blocked_member: bool = False, **flags):
    """An order whose first line carries `flags` (and, for a set, whose two lines share it)."""
    order = b.order(order_id)
    first, second = order.lines
    if "set_id" in flags:
        second = second.model_copy(
            update={"set_id": flags["set_id"], **({"category": "SOCKS"} if blocked_member else {})}
        )
    return order.model_copy(update={"lines": (first.model_copy(update=flags), second)})


def test_every_customer_refusal_reads_as_a_sentence():
    messages = _edge_messages() + _model_messages() + _service_messages()
    assert len(messages) > 60  # the walk really walked
    bad = {message: problems for message in messages if (problems := human(message))}
    assert bad == {}


def test_the_portal_gets_titles_clauses_and_no_ids_for_a_refused_item():
    world = World()
    world.table.put_order(_order_with("SOCKS", category="SOCKS"))
    answer = world.command("requestReturn", b.customer(), b.request_input("SOCKS", key="s"))
    [error] = answer["userErrors"]
    assert error["message"] == "“Dress 1” cannot be returned. Socks cannot be returned (NR-CATEGORY)."
    assert error["field"] == ["input", "lines", "0"]


# -- the scan ---------------------------------------------------------------------------------------

REFUSALS = {
    "InvalidInput",
    "InvalidState",
    "NotFound",
    "Ineligible",
    "MethodNotAvailable",
    "IdempotencyKeyReused",
    "UnsupportedCurrency",
    "DomainError",
    "Forbidden",
}


def _literal_text(node: ast.expr) -> str | None:
    """A message argument's text with each f-string hole as {}, or None when it is not written here."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _literal_text(node.left), _literal_text(node.right)
        return left + right if left is not None and right is not None else None
    return None


def test_every_refusal_written_in_the_code_is_a_sentence():
    found, bad = 0, []
    for root in (REPO / "shared" / "src", REPO / "graphql" / "src"):
        for module in root.rglob("*.py"):
            for node in ast.walk(ast.parse(module.read_text())):
                if not (isinstance(node, ast.Call) and node.args):
                    continue
                name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
                if name not in REFUSALS and not (
                    name == "of" and getattr(node.func.value, "id", "") == "UserError"
                ):
                    continue
                text = _literal_text(node.args[0])
                if text is None:
                    continue
                found += 1
                # a hole at either end is a sentence (or its start) made elsewhere and walked above
                sample = re.sub(r"^\{\}", "X", re.sub(r"\{\}$", "x.", text)).replace("{}", "x")
                if problems := human(sample):
                    bad.append(f"{module.relative_to(REPO)}:{node.lineno}: {text!r}: {problems}")
    assert found > 50
    assert bad == []
