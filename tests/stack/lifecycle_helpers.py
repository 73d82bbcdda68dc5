"""Small helpers shared by the lifecycle stack tests (on top of support.py)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import boto3

from .support import INSPECT, RECEIVE, REFUND, Flow


def at(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def amount(money: dict[str, Any]) -> Decimal:
    return Decimal(money["amount"])


def ok(answer: dict[str, Any]) -> dict[str, Any]:
    """The return of a mutation answer that must have succeeded."""
    assert answer["userErrors"] == [], answer["userErrors"]
    assert answer["return"] is not None
    return answer["return"]


def refused(answer: dict[str, Any], *codes: str) -> dict[str, Any]:
    """The single userError of a mutation that must have been refused (with one of `codes`)."""
    assert answer["return"] is None, answer
    assert answer["userErrors"], answer
    error = answer["userErrors"][0]
    if codes:
        assert error["code"] in codes, answer["userErrors"]
    return error


def approved(flow: Flow, order: dict[str, Any], lines: list[dict[str, Any]] | None = None, *,
             method: str = "SELF_SHIP") -> dict[str, Any]:
    ret = ok(flow.request(order, lines, method=method))
    assert ret["status"] == "APPROVED", ret
    return ret


def inspect_all(flow: Flow, ret: dict[str, Any], condition: str = "NEW_WITH_TAGS") -> dict[str, Any]:
    lines = [{"orderLineId": line["orderLineId"], "condition": condition} for line in ret["lines"]]
    return ok(flow.act(INSPECT, flow.tokens.warehouse, id=ret["id"], lines=lines))


def receive(flow: Flow, return_id: str, received_at: str | None = None) -> dict[str, Any]:
    return ok(flow.act(RECEIVE, flow.tokens.warehouse, id=return_id, at=received_at))


def refund(flow: Flow, return_id: str) -> dict[str, Any]:
    return ok(flow.act(REFUND, flow.tokens.agent, id=return_id))


def refunds_paid(stack: Any, return_id: str) -> list[dict[str, Any]]:
    """The refunds the payment server (localstripe) holds for this return, newest first."""
    ret = stack.deps.repo.get_return(return_id)
    order = stack.deps.repo.get_order(ret.order_id)
    return [refund for refund in stack.payments.refunds_of(order.payment_reference)
            if refund["metadata"].get("return_id") == return_id]


def unknown_packages(stack: Any) -> list[dict[str, Any]]:
    client = boto3.client("dynamodb")
    items = client.query(TableName=stack.stack.table_name, IndexName="GSI3",
                         KeyConditionExpression="gsi3pk = :pk",
                         ExpressionAttributeValues={":pk": {"S": "UNKNOWN_PACKAGES"}})["Items"]
    return items


def mails_about(mailbox: Any, return_id: str, word: str | None = None) -> list[dict[str, Any]]:
    return [m for m in mailbox() if return_id in m["subject"] and (word is None or word in m["subject"].lower())]


def statuses(ret: dict[str, Any]) -> list[str]:
    """The distinct status changes of the timeline, in order."""
    seen: list[str] = []
    for event in ret["timeline"]:
        if not seen or seen[-1] != event["status"]:
            seen.append(event["status"])
    return seen
