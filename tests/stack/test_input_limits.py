"""Input that DynamoDB or a reader would choke on is refused as INVALID_INPUT by the gateway and,
again, by the functions themselves: never an INTERNAL_SERVER_ERROR, never stored as it came."""

from __future__ import annotations

from .support import RECEIVE, line, order_input

EMOJI_ID = "\U0001f600" * 500  # 500 characters, 2,000 UTF-8 bytes: past DynamoDB's key limits
WAREHOUSE = {"sub": "w", "email": "warehouse@allegra-k.com", "groups": ["warehouse"]}


def _codes(answer: dict) -> list[str]:
    return [error["code"] for error in answer["userErrors"]]


def test_an_id_past_the_key_limits_is_invalid_input(gql, tokens, stack):
    answer = gql(RECEIVE, {"id": EMOJI_ID, "at": None}, token=tokens.warehouse)["receiveReturn"]
    assert _codes(answer) == ["INVALID_INPUT"]
    direct = stack.runtime.invoke(
        "RefundFunction",
        {
            "command": "receiveReturn",
            "caller": WAREHOUSE,
            "input": {"id": EMOJI_ID, "receivedAt": None},
        },
    )
    assert _codes(direct) == ["INVALID_INPUT"]
    unknown = gql(
        "query($id: ID!) { return(id: $id) { id } }", {"id": "\U0001f600" * 600}, token=tokens.agent
    )
    assert unknown == {"return": None}


def test_control_characters_never_reach_the_table(flow, stack):
    order = order_input(line("L1"), order_id="CTRL-1")
    order["shippingAddress"]["name"] = "Jane\u202e Doe"
    integration = {"sub": "feed", "email": None, "groups": ["integration"]}
    answer = stack.runtime.invoke(
        "RequestFunction", {"command": "recordOrder", "caller": integration, "input": order}
    )
    assert _codes(answer) == ["INVALID_INPUT"]
    assert stack.deps.repo.get_order("CTRL-1") is None
