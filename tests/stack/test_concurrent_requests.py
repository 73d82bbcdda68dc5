"""No duplicate return, whatever arrives at once: the same request twice (double click, retry) and
competing requests for the last units of a line (the order's version serialises them)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from .support import line, order_input

CUSTOMER = {"sub": "c-1", "email": "jane.doe@example.com", "groups": []}


def _request(stack, order_id: str, key: str, quantity: int = 1) -> dict:
    return stack.runtime.invoke("RequestFunction", {"command": "requestReturn", "caller": CUSTOMER, "input": {
        "orderId": order_id, "method": "SELF_SHIP", "conditionAttested": True, "idempotencyKey": key,
        "lines": [{"orderLineId": "L1", "quantity": quantity, "reason": "STYLE"}]}})


def test_the_same_request_sent_six_times_at_once_makes_one_return(flow, stack):
    order = flow.record(order_input(line("L1", quantity=3)))
    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(lambda _: _request(stack, order["id"], "double-click"), range(6)))
    # each answer is the one return, or (a race lost on every retry, nothing written) CONFLICT
    assert {e["code"] for a in answers for e in a["userErrors"]} <= {"CONFLICT"}, answers
    assert len({a["returnId"] for a in answers if not a["userErrors"]}) == 1
    assert len(stack.deps.repo.returns_of_order(order["id"])) == 1


def test_competing_requests_never_return_more_than_was_delivered(flow, stack):
    order = flow.record(order_input(line("L1", quantity=2)))
    with ThreadPoolExecutor(5) as pool:
        answers = list(pool.map(lambda i: _request(stack, order["id"], f"key-{i}"), range(5)))
    accepted = [a for a in answers if not a["userErrors"]]
    refused = [a for a in answers if a["userErrors"]]
    assert len(accepted) == 2 or (len(accepted) == 1 and any(e["code"] == "CONFLICT" for a in refused
                                                             for e in a["userErrors"])), answers
    assert {e["code"] for a in refused for e in a["userErrors"]} <= {"INELIGIBLE", "CONFLICT"}
    returns = stack.deps.repo.returns_of_order(order["id"])
    assert sum(line.quantity for ret in returns for line in ret.lines) == len(accepted)  # never more than 2
    assert sum(ret.quote.first_return_package for ret in returns) == 1  # one first package, decided once


def test_a_race_lost_on_every_retry_is_a_userError_that_wrote_nothing(flow, stack, monkeypatch):
    from returns_shared.domain.errors import ConflictError

    order = flow.record(order_input(line("L1")))

    def always_conflicting(self):
        raise ConflictError("someone else won")

    monkeypatch.setattr(type(stack.deps.unit_of_work()), "commit", always_conflicting)
    answer = _request(stack, order["id"], "unlucky")
    assert [e["code"] for e in answer["userErrors"]] == ["CONFLICT"]
    monkeypatch.undo()
    assert stack.deps.repo.returns_of_order(order["id"]) == []
