"""`returns`: a Relay connection paged by DynamoDB keys, newest first (or oldest first: `reverse`),
filtered by status and order; customers see only their own; cursors are opaque and cannot be replayed
against another listing."""

from __future__ import annotations

from datetime import UTC, datetime

from .support import line, order_input

PAGE = """query($first: Int, $after: String, $status: ReturnStatus, $orderId: ID,
    $reverse: Boolean! = false) {
  returns(first: $first, after: $after, status: $status, orderId: $orderId, reverse: $reverse) {
    edges { cursor node { id status createdAt } } pageInfo { hasNextPage endCursor } } }"""


def _all_pages(gql, token, **filters) -> list[str]:
    ids: list[str] = []
    after = None
    while True:
        page = gql(PAGE, {"first": 2, "after": after, **filters}, token=token)["returns"]
        ids += [edge["node"]["id"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return ids
        after = page["pageInfo"]["endCursor"]


def test_pages_filters_and_ownership(flow, gql, tokens):
    mine = flow.record(order_input(*(line(f"L{i}") for i in range(1, 6)), email="pager@example.com"))
    theirs = flow.record(order_input(line("L1"), email="other.pager@example.com"))
    created = [
        flow.request(mine, [{"orderLineId": f"L{i}", "quantity": 1, "reason": "STYLE"}])["return"]["id"]
        for i in range(1, 6)
    ]
    other = flow.request(theirs)["return"]["id"]
    customer = tokens.customer("pager@example.com")

    assert _all_pages(gql, customer) == list(reversed(created))  # newest first, own only
    assert _all_pages(gql, tokens.agent, orderId=mine["id"]) == list(reversed(created))
    everyone = _all_pages(gql, tokens.agent)
    assert set(created) | {other} <= set(everyone)
    assert _all_pages(gql, customer, orderId=theirs["id"]) == []  # someone else's order: nothing
    flow.act("mutation($id: ID!) { cancelReturn(id: $id) { return { id } userErrors { code } } }",
             customer, id=created[0])
    assert _all_pages(gql, tokens.agent, status="CANCELED") == [created[0]]
    assert _all_pages(gql, customer, status="APPROVED") == list(reversed(created[1:]))

    # a cursor is bound to its listing: not usable by another customer, not forgeable
    cursor = gql(PAGE, {"first": 2}, token=customer)["returns"]["pageInfo"]["endCursor"]
    stolen = gql.raw(
        PAGE, {"first": 2, "after": cursor}, token=tokens.customer("other.pager@example.com")
    ).json()
    assert stolen.get("errors") and not (stolen.get("data") or {}).get("returns")
    forged = gql.raw(PAGE, {"first": 2, "after": cursor[:-4] + "AAAA"}, token=customer).json()
    assert forged.get("errors")
    too_many = gql.raw(PAGE, {"first": 101}, token=tokens.agent).json()
    assert too_many.get("errors")


def test_the_review_queue_lists_the_longest_waiting_first(flow, gql, tokens):
    """`reverse: true` with a status: oldest status change first (GSI3's order), page after page."""
    flagged = []
    for n in range(3):  # 620.00 is over SCREEN-AMOUNT: each waits for a review, one after the other
        order = flow.record(order_input(line("L1", price="620.00", category="OUTERWEAR"),
                                        email=f"queue.{n}@example.com"))
        ret = flow.request(order, [{"orderLineId": "L1", "quantity": 1, "reason": "STYLE"}])["return"]
        assert ret["status"] == "UNDER_REVIEW"
        flagged.append(ret["id"])
    queue = _all_pages(gql, tokens.agent, status="UNDER_REVIEW", reverse=True)
    oldest_first = [i for i in queue if i in flagged]
    newest_first = [i for i in _all_pages(gql, tokens.agent, status="UNDER_REVIEW") if i in flagged]
    assert oldest_first == flagged and newest_first == list(reversed(flagged))
    customer = tokens.customer("queue.1@example.com")
    assert _all_pages(gql, customer, reverse=True) == [flagged[1]]  # customers: their own, either way

    # a cursor of the oldest-first listing does not continue the newest-first one
    cursor = gql(PAGE, {"first": 1, "status": "UNDER_REVIEW", "reverse": True},
                 token=tokens.agent)["returns"]["pageInfo"]["endCursor"]
    mixed = gql.errors(PAGE, {"first": 1, "status": "UNDER_REVIEW", "after": cursor}, token=tokens.agent)
    assert [e["extensions"]["code"] for e in mixed] == ["BAD_USER_INPUT"]
    # all returns are walked newest first only (month buckets)
    unsorted = gql.errors(PAGE, {"first": 1, "reverse": True}, token=tokens.agent)
    assert [e["extensions"]["code"] for e in unsorted] == ["BAD_USER_INPUT"]


def test_a_signed_cursor_is_still_bounded(flow, gql, tokens, stack):
    """Even a validly signed cursor (the secret leaked, or a bug) cannot name any month or key."""
    from returns_api.types.connection import Position

    order = flow.record(order_input(line("L1"), email="bounds@example.com"))
    flow.request(order)
    codec = stack.deps.repo.cursors
    now = datetime.now(UTC)
    current = now.year * 12 + now.month - 1
    forged = {
        "600 months ahead": codec.encode("GSI4|all", {"month": current + 600, "key": None}),
        "month 10**9": codec.encode("GSI4|all", {"month": 10**9, "key": None}),
        "not a month": codec.encode("GSI4|all", {"month": "2026-11", "key": None}),
        "a key of another partition": codec.encode(
            "GSI4|all",
            {
                "month": current,
                "key": {
                    "pk": {"S": "ORDER#x"},
                    "sk": {"S": "ORDER"},
                    "gsi4pk": {"S": "RETURNS#1999-01"},
                    "gsi4sk": {"S": "x"},
                },
            },
        ),
        "a key with other attributes": codec.encode(
            "GSI4|all", {"month": current, "key": {"doc": {"S": "x"}}}
        ),
    }
    for name, page_cursor in forged.items():
        body = gql.raw(
            PAGE, {"first": 2, "after": Position(page_cursor, 0).encode()}, token=tokens.agent
        ).json()
        assert [e["extensions"]["code"] for e in body.get("errors", [])] == ["BAD_USER_INPUT"], (name, body)
    # a cursor from before the floor simply ends the listing
    old = codec.encode("GSI4|all", {"month": current - 600, "key": None})
    page = gql(PAGE, {"first": 2, "after": Position(old, 0).encode()}, token=tokens.agent)["returns"]
    assert page == {"edges": [], "pageInfo": {"hasNextPage": False, "endCursor": None}}
