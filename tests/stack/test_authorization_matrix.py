"""The authorization matrix (graphql/README.md) walked on the stack: every operation × every kind of
caller. Allowed = no FORBIDDEN/UNAUTHENTICATED error (a business refusal may still come back as a
userError); refused = that GraphQL error, and nothing changed; hidden = answered to a customer as if
the object did not exist (null or NOT_FOUND), so another customer's order cannot be told from none."""

from __future__ import annotations

import pytest

from returns_devstack import mail_inbound

from .support import line, order_input

OWN, OTHER, AGENT, WAREHOUSE, FEED, ANON = "own", "other", "agent", "warehouse", "integration", "anonymous"
MERCHANT = "merchant"
CALLERS = (OWN, OTHER, AGENT, WAREHOUSE, FEED, ANON, MERCHANT)

Y, F, U, H = "allowed", "FORBIDDEN", "UNAUTHENTICATED", "hidden"
# operation: outcome for (own customer, other customer, agent, warehouse, integration, anonymous, merchant)
# The merchant reads the figures and exports and nothing else: it acts on no return, reads no customer's.
MATRIX = {
    "returnPolicy": (Y, Y, Y, Y, Y, Y, Y),
    "order": (Y, H, Y, Y, Y, U, F),
    "returnQuote": (Y, H, Y, F, F, U, F),
    "return": (Y, H, Y, Y, F, U, F),
    "returns": (Y, Y, Y, Y, F, U, F),  # another customer is allowed to list: only their own returns
    "recordOrder": (F, F, F, F, Y, U, F),
    "requestReturn": (Y, H, Y, F, F, U, F),
    "cancelReturn": (Y, H, Y, F, F, U, F),
    "approveReturn": (F, F, Y, F, F, U, F),
    "declineReturn": (F, F, Y, F, F, U, F),
    "submitReturnTracking": (Y, H, Y, F, F, U, F),
    "receiveReturn": (F, F, F, Y, F, U, F),
    "inspectReturn": (F, F, F, Y, F, U, F),
    "issueRefund": (F, F, Y, F, F, U, F),
    "retryRefund": (F, F, Y, F, F, U, F),
    "failedRefunds": (F, F, Y, F, F, U, F),
    "retryLabel": (F, F, Y, F, F, U, F),
    "failedLabels": (F, F, Y, F, F, U, F),
    "orders": (Y, F, Y, F, F, U, F),  # of owner@example.com: another customer may list only their own
    "returnsByTrackingNumber": (F, F, Y, Y, F, U, F),
    "unknownPackages": (F, F, Y, F, F, U, F),
    "recordUnknownPackage": (F, F, F, Y, F, U, F),
    "packagePhotoUpload": (F, F, F, Y, F, U, F),
    "inspectionPreview": (F, F, F, Y, F, U, F),
    # customer service by email: customers read only their own return's conversation; the rest is agents'
    "messages": (Y, H, Y, F, F, U, F),  # Return.messages
    "inbox": (F, F, Y, F, F, U, F),
    "message": (F, F, Y, F, F, U, F),
    "customer": (F, F, Y, F, F, U, F),
    "customersByName": (F, F, Y, F, F, U, F),
    "reviewQueue": (F, F, Y, F, F, U, F),
    "sendMessage": (F, F, Y, F, F, U, F),
    "markMessageHandled": (F, F, Y, F, F, U, F),
    "attachMessage": (F, F, Y, F, F, U, F),
    "addInternalNote": (F, F, Y, F, F, U, F),
    "returnInsights": (F, F, Y, F, F, U, Y),
    "exportReturns": (F, F, Y, F, F, U, Y),
}

DOCUMENTS = {
    "returnPolicy": "{ returnPolicy { version } }",
    "order": "query($o: ID!) { order(id: $o) { id } }",
    "returnQuote": """query($o: ID!) { returnQuote(input: {orderId: $o, method: SELF_SHIP,
        lines: [{orderLineId: "L2", quantity: 1, reason: STYLE}]}) {
        quote { total { amount } } userErrors { code } } }""",
    "return": "query($r: ID!) { return(id: $r) { id } }",
    "returns": "{ returns(first: 5) { edges { node { id } } } }",
    "recordOrder": """mutation($input: RecordOrderInput!) {
        recordOrder(input: $input) { order { id } userErrors { code } } }""",
    "requestReturn": """mutation($o: ID!, $k: String!) { requestReturn(input: {orderId: $o, method: SELF_SHIP,
        conditionAttested: true, idempotencyKey: $k,
        lines: [{orderLineId: "L2", quantity: 1, reason: STYLE}]}) {
        return { id } userErrors { code } } }""",
    "cancelReturn": "mutation($r: ID!) { cancelReturn(id: $r) { return { id } userErrors { code } } }",
    "approveReturn": "mutation($r: ID!) { approveReturn(id: $r) { return { id } userErrors { code } } }",
    "declineReturn": 'mutation($r: ID!) { declineReturn(id: $r, reason: "no") { return { id } userErrors { '
    "code } } }",
    "submitReturnTracking": """mutation($r: ID!) { submitReturnTracking(id: $r, carrier: "USPS",
        trackingNumber: "9400111899223856928499") { return { id } userErrors { code } } }""",
    "receiveReturn": "mutation($r: ID!) { receiveReturn(id: $r) { return { id } userErrors { code } } }",
    "inspectReturn": """mutation($r: ID!) {
        inspectReturn(id: $r, lines: [{orderLineId: "L1", condition: NEW_WITH_TAGS}]) {
        return { id } userErrors { code } } }""",
    "issueRefund": "mutation($r: ID!) { issueRefund(id: $r) { return { id } userErrors { code } } }",
    "retryRefund": "mutation($r: ID!) { retryRefund(id: $r) { return { id } userErrors { code } } }",
    "failedRefunds": "{ failedRefunds(first: 5) { edges { node { id } } } }",
    "retryLabel": "mutation($r: ID!) { retryLabel(id: $r) { return { id } userErrors { code } } }",
    "failedLabels": "{ failedLabels(first: 5) { edges { node { id } } } }",
    "orders": '{ orders(customerEmail: "owner@example.com") { edges { node { id } } } }',
    "returnsByTrackingNumber": '{ returnsByTrackingNumber(trackingNumber: "1Z999") { id } }',
    "unknownPackages": "{ unknownPackages { edges { node { scanned } } } }",
    "recordUnknownPackage": """mutation($k: String!) { recordUnknownPackage(input: {scanned: "NO-SUCH-RMA",
        idempotencyKey: $k}) { unknownPackage { id } userErrors { code } } }""",
    "packagePhotoUpload": """{ packagePhotoUpload(contentType: "image/jpeg") {
        upload { url } userErrors { code } } }""",
    "inspectionPreview": """query($r: ID!) {
        inspectionPreview(id: $r, lines: [{orderLineId: "L1", condition: NEW_WITH_TAGS}]) {
        settlement { amount { amount } } userErrors { code } } }""",
    "messages": "query($r: ID!) { return(id: $r) { messages { id text } } }",
    "inbox": "{ inbox(first: 5) { edges { node { id } } } }",
    "message": "query($m: ID!) { message(id: $m) { id } }",
    "customer": '{ customer(email: "owner@example.com") { email } }',
    "customersByName": '{ customersByName(name: "jane") { edges { node { email } } } }',
    "reviewQueue": "{ reviewQueue(first: 5) { edges { node { id } } } }",
    "sendMessage": """mutation($r: ID!) { sendMessage(returnId: $r, text: "Hello", idempotencyKey: "matrix") {
        message { id } userErrors { code } } }""",
    "markMessageHandled": """mutation($m: ID!) { markMessageHandled(messageId: $m) {
        message { id } userErrors { code } } }""",
    "attachMessage": """mutation($m: ID!, $r: ID!) { attachMessage(messageId: $m, returnId: $r) {
        message { id } userErrors { code } } }""",
    "addInternalNote": """mutation($r: ID!) { addInternalNote(returnId: $r, text: "internal") {
        return { id } userErrors { code } } }""",
    "returnInsights": """{ returnInsights(from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z",
        groupBy: SKU) {
        rows { key } userErrors { code } } }""",
    "exportReturns": """mutation { exportReturns(from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z",
        kind: REFUNDS) { rows userErrors { code } } }""",
}


def _token(tokens, caller: str) -> str | None:
    return {OWN: tokens.customer("owner@example.com"), OTHER: tokens.customer("someone.else@example.com"),
            AGENT: tokens.agent, WAREHOUSE: tokens.warehouse, FEED: tokens.integration, ANON: None,
            MERCHANT: tokens.merchant}[caller]


def _outcome(body: dict) -> str:
    codes = {(error.get("extensions") or {}).get("code") for error in body.get("errors") or []}
    if codes or body.get("errors"):
        return F if "FORBIDDEN" in codes else U if "UNAUTHENTICATED" in codes else f"error {body['errors']}"
    answer = next(iter(body["data"].values()))
    not_found = answer is None or isinstance(answer, dict) and [
        e["code"] for e in answer.get("userErrors") or []] == ["NOT_FOUND"]
    return H if not_found else Y


@pytest.mark.parametrize("caller", CALLERS)
def test_every_operation_for_every_caller(flow, gql, tokens, stack, caller):
    order = flow.record(order_input(line("L1"), line("L2", quantity=3), email="owner@example.com"))
    ret = flow.request(order, [{"orderLineId": "L1", "quantity": 1, "reason": "STYLE"}])["return"]
    mail = mail_inbound.receive(stack, b"From: owner@example.com\r\nTo: cs@allegra-k.com\r\nSubject: a "
                                       b"question\r\n\r\nWhere do I send the dress?\r\n")
    variables = {"o": order["id"], "r": ret["id"], "k": f"matrix-{caller}", "m": mail["messageId"],
                 "input": order_input(line("L1"), email="new@example.com")}
    seen = {}
    for operation, document in DOCUMENTS.items():
        names = {name for name in ("o", "r", "k", "m", "input") if f"${name}" in document}
        body = gql.raw(document, {n: variables[n] for n in names}, token=_token(tokens, caller)).json()
        seen[operation] = _outcome(body)
    expected = {operation: outcomes[CALLERS.index(caller)] for operation, outcomes in MATRIX.items()}
    assert seen == expected


def test_a_refused_call_changes_nothing(flow, gql, tokens, stack):
    order = flow.record(order_input(line("L1"), email="owner@example.com"))
    ret = flow.request(order)["return"]
    before = stack.deps.repo.get_return(ret["id"])
    for caller in (OTHER, WAREHOUSE, FEED, ANON, MERCHANT):
        gql.raw(DOCUMENTS["cancelReturn"], {"r": ret["id"]}, token=_token(tokens, caller))
        gql.raw(DOCUMENTS["approveReturn"], {"r": ret["id"]}, token=_token(tokens, caller))
    after = stack.deps.repo.get_return(ret["id"])
    assert (after.status, after.version, len(after.timeline)) == (
        before.status,
        before.version,
        len(before.timeline),
    )
