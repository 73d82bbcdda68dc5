"""`returns`: a Relay connection paged by DynamoDB keys, newest first, filtered by status and order;
customers see only their own; cursors are opaque and cannot be replayed against another listing."""

from __future__ import annotations

from .support import line, order_input

PAGE = """query($first: Int, $after: String, $status: ReturnStatus, $orderId: ID) {
  returns(first: $first, after: $after, status: $status, orderId: $orderId) {
    edges { cursor node { id status createdAt } } pageInfo { hasNextPage endCursor } } }"""


def _all_pages(gql, token, **filters):
    ids, after = [], None
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
