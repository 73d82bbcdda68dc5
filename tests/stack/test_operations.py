"""The example documents in operations/ run against the stack with the demo data, in the order a
frontend would use them, so the examples can never rot."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import requests

from returns_api.graphiql import DEFAULT_DOCUMENT
from returns_devstack import mail_inbound
from returns_devstack.seed import demo_orders
from returns_devstack.tokens import demo_token
from returns_shared.service.dependencies import utc_now
from tests.stack.support import iso

OPERATIONS = Path(__file__).resolve().parents[2] / "operations"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x00" * 64
used: set[str] = set()


def run(gql, operation: str, role: str, **variables: Any) -> dict[str, Any]:
    used.add(operation)
    data = gql(
        (OPERATIONS / f"{operation}.graphql").read_text(), variables, token=demo_token(role) if role else None
    )
    payload = next(iter(data.values()))
    if isinstance(payload, dict) and "userErrors" in payload:
        assert payload["userErrors"] == [], (operation, payload["userErrors"])
    return payload


def test_every_example_operation_runs_on_the_stack(gql, stack, monkeypatch):
    orders = {order["id"]: stack.pay(order) for order in demo_orders(utc_now())}
    new_order = {**orders["AK-1002"], "id": "AK-1999"}
    assert run(gql, "recordOrder", "integration", input=new_order)["order"]["id"] == "AK-1999"
    for order in orders.values():
        run(gql, "recordOrder", "integration", input=order)
    assert run(gql, "returnPolicy", None)["version"]
    assert run(gql, "order", "customer", id="AK-1001")["id"] == "AK-1001"

    lines = [{"orderLineId": "L1", "quantity": 1, "reason": "SIZE_TOO_SMALL"}]
    quote = run(
        gql,
        "returnQuote",
        "customer",
        input={"orderId": "AK-1001", "method": "PREPAID_LABEL", "lines": lines},
    )
    assert quote["quote"]["total"]["amount"] == "45.00"

    def request(order_id: str, method: str, key: str, reason: str = "STYLE") -> dict[str, Any]:
        return run(gql, "requestReturn", "customer", input={
            "orderId": order_id, "method": method, "conditionAttested": True, "idempotencyKey": key,
            "lines": [{"orderLineId": "L1", "quantity": 1, "reason": reason}]})["return"]

    label_return = request("AK-1001", "PREPAID_LABEL", "ops-1")
    assert label_return["status"] == "APPROVED"
    mine = run(gql, "myOrders", "customer")
    assert {edge["node"]["id"] for edge in mine["edges"]} == {"AK-1001", "AK-1002", "AK-1003", "AK-1999"}
    self_ship = request("AK-1002", "SELF_SHIP", "ops-2")
    run(
        gql,
        "submitReturnTracking",
        "customer",
        id=self_ship["id"],
        carrier="USPS",
        trackingNumber="9400111899223856928499",
    )
    scanned = run(gql, "returnsByTrackingNumber", "warehouse", trackingNumber="9400 1118 9922 3856 9284 99")
    assert [ret["id"] for ret in scanned] == [self_ship["id"]]
    received = run(gql, "receiveReturn", "warehouse", id=self_ship["id"], receivedAt=None)["return"]
    assert received["status"] == "RECEIVED" and received["refundDueAt"]
    checks = [{"orderLineId": "L1", "condition": "NEW_WITH_TAGS"}]
    preview = run(gql, "inspectionPreview", "warehouse", id=self_ship["id"], lines=checks)
    assert preview["settlement"]["acceptedLineIds"] == ["L1"]
    form = run(gql, "inspectionPhotoUpload", "warehouse", id=self_ship["id"], orderLineId="L1",
               contentType="image/jpeg")["upload"]
    posted = requests.post(form["url"], data={f["name"]: f["value"] for f in form["fields"]},
                           files={"file": ("tag.jpg", JPEG, "image/jpeg")}, timeout=10)
    assert posted.status_code == 204  # straight to S3 (moto here)
    seen = {**checks[0], "note": "Tags on, folded", "photoIds": [form["photoId"]]}
    inspected = run(gql, "inspectReturn", "warehouse", id=self_ship["id"], lines=[seen])["return"]
    [photo] = inspected["lines"][0]["photos"]
    assert requests.get(photo["url"], timeout=10).content == JPEG and photo["contentType"] == "image/jpeg"
    refunded = run(gql, "issueRefund", "agent", id=self_ship["id"])["return"]
    assert refunded["status"] == "REFUNDED"
    stack.flush_facts()  # the table's stream into facts (make dev: every second)
    period = {"from": iso(utc_now() - timedelta(days=1)), "to": iso(utc_now() + timedelta(minutes=1))}
    why = run(gql, "returnInsights", "merchant", **period, thenBy="REASON")
    assert ("CRD-2210-L", "STYLE") in {(row["key"], row["subKey"]) for row in why["rows"]}
    assert run(gql, "exportReturns", "merchant", **period)["rows"] == 1

    # an order whose payment the provider does not know: the refund fails, agents see it and retry
    unpaid = {**orders["AK-1002"], "id": "AK-1998", "paymentReference": "pi_unknown_to_stripe"}
    run(gql, "recordOrder", "integration", input=unpaid)
    doomed = request("AK-1998", "SELF_SHIP", "ops-5")
    run(
        gql,
        "submitReturnTracking",
        "customer",
        id=doomed["id"],
        carrier="USPS",
        trackingNumber="9400111899223856928400",
    )
    run(gql, "receiveReturn", "warehouse", id=doomed["id"], receivedAt=None)
    run(
        gql,
        "inspectReturn",
        "warehouse",
        id=doomed["id"],
        lines=[{"orderLineId": "L1", "condition": "NEW_WITH_TAGS"}],
    )
    failed = run(gql, "issueRefund", "agent", id=doomed["id"])["return"]
    assert (failed["status"], failed["refund"]["status"]) == ("INSPECTED", "FAILED")
    listed = run(gql, "failedRefunds", "agent")
    assert [edge["node"]["id"] for edge in listed["edges"]] == [doomed["id"]]
    again = run(gql, "retryRefund", "agent", id=doomed["id"])["return"]
    assert (again["refund"]["status"], again["refund"]["attempt"]) == ("FAILED", 2)

    coat = request("AK-1003", "SELF_SHIP", "ops-3")  # 620.00: SCREEN-AMOUNT puts it under review
    assert coat["status"] == "UNDER_REVIEW"
    queue = run(gql, "agentQueue", "agent")
    assert coat["id"] in [edge["node"]["id"] for edge in queue["edges"]]
    # customer service by email: the customer writes, an agent answers, the review queue follows
    def mail(subject: str, text: str) -> str:
        raw = f"From: jane.doe@example.com\r\nTo: cs@allegra-k.com\r\nSubject: {subject}\r\n\r\n{text}\r\n"
        return str(mail_inbound.receive(stack, raw.encode())["messageId"])

    mail(f"About {coat['id']}", "The coat is unworn, tags on.")
    [waiting] = run(gql, "reviewQueue", "agent")["edges"]
    assert waiting["node"]["review"]["waitingFor"] == "AGENT"
    reply = run(gql, "sendMessage", "agent", returnId=coat["id"], text="Thank you!", idempotencyKey="ops-r")
    assert reply["message"]["kind"] == "AGENT_REPLY"
    talk = run(gql, "returnConversation", "customer", id=coat["id"])
    assert [m["direction"] for m in talk["messages"]] == ["OUTBOUND", "INBOUND", "OUTBOUND"]
    assert run(gql, "addInternalNote", "agent", returnId=coat["id"], text="ok")["return"]["timeline"][-1][
        "internal"]
    question = mail("A question", "Do you ship labels abroad?")
    assert run(gql, "message", "agent", id=question)["from"] == "jane.doe@example.com"
    assert run(gql, "markMessageHandled", "agent", messageId=question, handled=True)["message"]["handled"]
    assert run(gql, "inbox", "agent")["edges"] == []
    stray = mail("Another question", "Where is my parcel?")
    attached = run(gql, "attachMessage", "agent", messageId=stray, returnId=coat["id"])["message"]
    assert attached["returnId"] == coat["id"]
    assert run(gql, "customer", "agent", email="jane.doe@example.com")["name"] == "Jane Doe"
    found = run(gql, "customersByName", "agent", name="doe j")["edges"]
    assert [(e["node"]["email"], e["node"]["newestOrder"]["id"]) for e in found] == [
        ("jane.doe@example.com", "AK-1999")]
    assert (
        run(gql, "approveReturn", "agent", id=coat["id"], note="confirmed by phone")["return"]["status"]
        == "APPROVED"
    )
    run(gql, "cancelReturn", "customer", id=coat["id"])

    assert run(gql, "unknownPackages", "agent")["edges"] == []
    form = run(gql, "packagePhotoUpload", "warehouse", contentType="image/jpeg")["upload"]
    posted = requests.post(form["url"], data={f["name"]: f["value"] for f in form["fields"]},
                           files={"file": ("box.jpg", JPEG, "image/jpeg")}, timeout=10)
    assert posted.status_code == 204
    refused = run(gql, "recordUnknownPackage", "warehouse", input={
        "scanned": coat["id"], "idempotencyKey": "ops-package", "senderName": "Jane Doe",
        "senderAddress": "350 Fifth Avenue\nNew York, NY 10118", "carrier": "USPS", "note": "Coat, tags on",
        "trackingNumber": "9400111899223856928411", "photoIds": [form["photoId"]]})["unknownPackage"]
    [package] = run(gql, "unknownPackages", "agent")["edges"]
    assert package["node"]["id"] == refused["id"] and package["node"]["matchedReturn"]["id"] == coat["id"]
    assert package["node"]["senderMatches"][0]["email"] == "jane.doe@example.com"
    assert requests.get(package["node"]["photos"][0]["url"], timeout=10).content == JPEG
    coat_again = request("AK-1003", "SELF_SHIP", "ops-4")
    assert (
        run(gql, "declineReturn", "agent", id=coat_again["id"], reason="could not confirm")["return"][
            "status"
        ]
        == "DECLINED"
    )

    # a shipping address the carrier cannot ship from: the label is refused, agents see it and retry
    nowhere = {**orders["AK-1001"], "id": "AK-1997",
               "shippingAddress": {**orders["AK-1001"]["shippingAddress"], "postalCode": "00000"}}
    run(gql, "recordOrder", "integration", input=nowhere)
    refused = request("AK-1997", "PREPAID_LABEL", "ops-6")
    assert refused["status"] == "APPROVED" and refused["label"] is None
    listed = run(gql, "failedLabels", "agent")
    assert [edge["node"]["labelFailure"]["attempt"] for edge in listed["edges"]] == [1]
    monkeypatch.setattr(stack.deps.carrier, "refused_postal_codes", set())  # the carrier fixed its data
    again = run(gql, "retryLabel", "agent", id=refused["id"])["return"]
    assert again["label"]["trackingNumber"] and again["labelFailure"] is None

    mine = run(gql, "myReturns", "customer")
    assert len(mine["edges"]) == 6
    assert run(gql, "return", "customer", id=label_return["id"])["id"] == label_return["id"]
    assert used == {path.stem for path in OPERATIONS.glob("*.graphql")}



def test_the_graphiql_default_document_runs_on_the_demo_data(gql):
    """Each operation of the document GraphiQL opens with, sent by name as GraphiQL does."""
    for order in demo_orders(utc_now()):
        run(gql, "recordOrder", "integration", input=order)
    names = [
        text.split()[1] for text in DEFAULT_DOCUMENT.splitlines() if text.startswith(("query ", "mutation "))
    ]
    assert names == ["ReturnPolicy", "Quote", "RequestReturn", "AgentQueue"]
    for name in names:
        role = "agent" if name == "AgentQueue" else "customer"
        body = gql.raw(DEFAULT_DOCUMENT, token=demo_token(role), operation_name=name).json()
        assert not body.get("errors"), (name, body)
        payload = next(iter(body["data"].values()))
        if isinstance(payload, dict) and "userErrors" in payload:
            assert payload["userErrors"] == [], (name, payload)
