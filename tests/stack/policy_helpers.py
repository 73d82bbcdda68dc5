"""Small helpers for the policy scenario tests (test_policy_*.py), on top of support.py."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from .support import CANCEL, GraphQL, Tokens

ORDER_VIEW = """query($id: ID!) { order(id: $id) { id
  lines { id category quantity }
  returnability { orderLineId eligible returnableQuantity returnDeadline
    reasons { code message clause { id } } }
  returns { id status lines { orderLineId quantity } } } }"""

POLICY = """{ returnPolicy { version returnWindowDays nonReturnableCategories refundProcessingDays
  exchangesOffered clauses { id text } } }"""


def rl(line_id: str, quantity: int = 1, reason: str = "SIZE_TOO_SMALL") -> dict[str, Any]:
    """One line of a return input."""
    return {"orderLineId": line_id, "quantity": quantity, "reason": reason}


def at(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def money(value: dict[str, Any]) -> Decimal:
    return Decimal(value["amount"])


def by_line(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {item["orderLineId"]: item for item in items}


def reasons(item: dict[str, Any]) -> list[tuple[str, str]]:
    """(code, clause id) of each ineligibility reason of a quote line or a returnability line."""
    return [(reason["code"], reason["clause"]["id"]) for reason in item["reasons"]]


def clause_ids(quote: dict[str, Any]) -> set[str]:
    return {clause["id"] for clause in quote["appliedClauses"]}


def fees(quote: dict[str, Any]) -> tuple[str, str, str]:
    """(labelFee, shippingCredit, total) as the API shows them."""
    return quote["labelFee"]["amount"], quote["shippingCredit"]["amount"], quote["total"]["amount"]


def quoted(answer: dict[str, Any]) -> dict[str, Any]:
    """The quote of a returnQuote answer that must have succeeded."""
    assert answer["userErrors"] == [], answer["userErrors"]
    assert answer["quote"] is not None
    return answer["quote"]


def ok(answer: dict[str, Any]) -> dict[str, Any]:
    assert answer["userErrors"] == [], answer["userErrors"]
    assert answer["return"] is not None
    return answer["return"]


def refused(answer: dict[str, Any], code: str) -> list[dict[str, Any]]:
    """The userErrors of a mutation/quote that must have been refused, all codes; `code` among them."""
    assert answer.get("return") is None and answer.get("quote") is None, answer
    assert code in [error["code"] for error in answer["userErrors"]], answer["userErrors"]
    return answer["userErrors"]


def order_view(gql: GraphQL, tokens: Tokens, order: dict[str, Any]) -> dict[str, Any]:
    return gql(ORDER_VIEW, {"id": order["id"]}, token=tokens.agent)["order"]


def returnable(gql: GraphQL, tokens: Tokens, order: dict[str, Any]) -> dict[str, int]:
    """returnableQuantity per order line."""
    view = order_view(gql, tokens, order)
    return {item["orderLineId"]: item["returnableQuantity"] for item in view["returnability"]}


def assert_nothing_stored(gql: GraphQL, tokens: Tokens, order: dict[str, Any]) -> None:
    view = order_view(gql, tokens, order)
    assert view["returns"] == [], view["returns"]
    full = {line["id"]: line["quantity"] for line in order["lines"]}
    for item in view["returnability"]:
        if item["eligible"]:
            assert item["returnableQuantity"] == full[item["orderLineId"]], item


def cancel(gql: GraphQL, tokens: Tokens, return_id: str) -> dict[str, Any]:
    return ok(gql(CANCEL, {"id": return_id}, token=tokens.agent)["cancelReturn"])
