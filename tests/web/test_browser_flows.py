"""The issue's flows in a real browser on the local stack: (1) a customer requests a return and sees the
quote and the label, (2) an agent approves a flagged return, (3) the warehouse receives and inspects
it, (4) the customer sees the refund. Every page passes axe and is saved as a screenshot."""

from __future__ import annotations

import re

import pytest

from .conftest import accessible, shot, sign_in

pytestmark = [pytest.mark.slow, pytest.mark.browser]

RETURNS_OF_ORDER = "query($o: ID!) { order(id: $o) { returns { id status } } }"
RETURN = ("query($id: ID!) { return(id: $id) { status trackingNumber quote { total { amount } } refund { "
          "amount { amount } } } }")
REQUEST = """mutation($o: ID!) { requestReturn(input: {orderId: $o, method: SELF_SHIP,
  conditionAttested: true, idempotencyKey: "failed-refund-1",
  lines: [{orderLineId: "L1", quantity: 1, reason: STYLE}]}) { return { id } } }"""
TRACK = """mutation($id: ID!) {
  submitReturnTracking(id: $id, carrier: "USPS", trackingNumber: "9400111899223856928411") {
  userErrors { code } } }"""
RECEIVE = "mutation($id: ID!) { receiveReturn(id: $id) { userErrors { code } } }"
INSPECT = """mutation($id: ID!) {
  inspectReturn(id: $id, lines: [{orderLineId: "L1", condition: NEW_WITH_TAGS}]) {
  userErrors { code } } }"""
REFUND = "mutation($id: ID!) { issueRefund(id: $id) { return { refund { status failureReason } } } }"
NOTE = "The sleeves are longer than the size chart says"


def _return_id(page) -> str:
    return re.search(r"RMA-[0-9A-Z]+", page.get_by_role("heading", level=1).inner_text())[0]


def test_a_customer_requests_a_return_and_sees_the_quote_and_the_label(page, stack):
    sign_in(page, stack, "portal")
    orders = page.get_by_role("heading", name="My orders")
    orders.wait_for()
    page.get_by_text("NR-CATEGORY").first.wait_for()  # the socks: why not, with the clause
    assert page.get_by_text("Yes (1), until").count() >= 1  # a return deadline per returnable line
    accessible(page)
    shot(page, "portal-orders")

    page.get_by_role("link", name="Return items of AK-1001").click()
    page.get_by_role("group", name="Satin midi wrap dress").get_by_label("Return this item").check()
    page.get_by_label("Reason").first.select_option("SIZE_TOO_SMALL")
    total = page.get_by_test_id("quote-total")
    total.wait_for()
    page.get_by_text("FEE-US-FIRST").wait_for()  # each fee and credit explained by its clause
    assert total.inner_text() == "$45.00"
    page.get_by_label("The items are new").check()
    accessible(page)
    shot(page, "portal-request-quote")

    page.get_by_role("button", name="Request the return").click()
    page.get_by_role("heading", name=re.compile("Return RMA-")).wait_for()
    return_id = _return_id(page)
    label = page.get_by_role("link", name="Download the prepaid label (PDF)")
    label.wait_for()
    assert stack.gql(RETURN, {"id": return_id})["return"]["trackingNumber"] in page.inner_text("main")
    assert page.get_by_text("2450 Distribution Drive").is_visible()  # ADDR-RETURN
    assert page.get_by_text("Ship by").is_visible()  # EXPIRE-APPROVED
    with page.expect_popup() as popup:
        label.click()
    assert popup.value.url.startswith("http://127.0.0.1:")  # a presigned URL of the local moto server
    popup.value.close()
    accessible(page)
    shot(page, "portal-return-label")


def test_agent_approves_warehouse_inspects_customer_sees_the_refund(browser, page, stack):
    # the customer asks for the coat back: 620.00 trips SCREEN-AMOUNT, so it waits for a review
    sign_in(page, stack, "portal")
    page.goto(f"{stack.url}/portal/#/order/AK-1003/return")
    page.get_by_label("Return this item").check()
    page.get_by_label("Reason").select_option("STYLE")
    page.get_by_label("Note (optional)").fill(NOTE)  # the customer explains; staff read it
    page.get_by_label("I ship it myself").check()
    page.get_by_test_id("quote-total").wait_for()
    page.get_by_label("The items are new").check()
    page.get_by_role("button", name="Request the return").click()
    page.get_by_text("Customer service is reviewing this return").wait_for()
    return_id = _return_id(page)

    # (2) the agent's queue explains the flag with its clause, and the agent approves with a note
    agent = browser.new_context(viewport={"width": 1100, "height": 900}).new_page()
    agent.context.route(
        "**/*", lambda route: route.continue_() if "127.0.0.1" in route.request.url else route.abort()
    )
    sign_in(agent, stack, "console")
    card = agent.get_by_role("region", name=return_id)
    card.get_by_text("(SCREEN-AMOUNT)", exact=True).first.wait_for()
    card.get_by_text(NOTE).wait_for()
    accessible(agent)
    shot(agent, "console-review-queue")
    card.get_by_label(f"Note for {return_id} (optional)").fill("Confirmed with the customer by phone")
    card.get_by_role("button", name="Approve").click()
    agent.get_by_text(f"{return_id} approved.").wait_for()
    assert stack.gql(RETURN, {"id": return_id})["return"]["status"] == "APPROVED"

    # the customer ships it and sends the tracking number
    page.reload()
    page.get_by_label("Carrier").fill("USPS")
    page.get_by_label("Tracking number").fill("9400111899223856928499")
    page.get_by_role("button", name="Send tracking number").click()
    page.get_by_text("The package is on its way").wait_for()

    # (3) the warehouse scans the number as printed (spaces), receives, previews and inspects
    warehouse = browser.new_context(viewport={"width": 1100, "height": 900}).new_page()
    sign_in(warehouse, stack, "warehouse")
    accessible(warehouse)
    shot(warehouse, "warehouse-scan")
    warehouse.get_by_label("Tracking number or RMA").fill("9400 1118 9922 3856 9284 99")
    warehouse.keyboard.press("Enter")
    warehouse.get_by_role("button", name="Receive the package").click()
    warehouse.get_by_text("Choose a condition for every item to see the refund").wait_for()  # none preset
    warehouse.get_by_label("Condition").select_option("NEW_WITH_TAGS")
    preview = warehouse.get_by_test_id("preview-amount")
    preview.wait_for()
    warehouse.get_by_role("group", name=re.compile("Wool")).get_by_text(NOTE).wait_for()
    quoted = stack.gql(RETURN, {"id": return_id})["return"]["quote"]["total"]["amount"]
    assert preview.inner_text() == f"${float(quoted):,.2f}"
    warehouse.get_by_label("Condition").select_option("WORN")  # the preview follows the inspection
    warehouse.get_by_text("not accepted").wait_for()
    assert preview.inner_text() == "$0.00"
    warehouse.get_by_label("Condition").select_option("NEW_WITH_TAGS")
    warehouse.get_by_text("accepted", exact=True).wait_for()
    accessible(warehouse)
    shot(warehouse, "warehouse-inspect-preview")
    warehouse.get_by_role("button", name="Confirm the inspection").click()
    warehouse.get_by_text("Refund after inspection").wait_for()
    assert stack.gql(RETURN, {"id": return_id})["return"]["status"] == "INSPECTED"

    # the agent issues the refund from the return's page
    agent.goto(f"{stack.url}/console/#/return/{return_id}")
    agent.get_by_role("button", name="Issue the refund").click()
    agent.get_by_role("button", name="Yes, refund $620.00").click()  # the amount, said and confirmed
    agent.get_by_text("Refunded", exact=True).first.wait_for()
    accessible(agent)
    shot(agent, "console-return-refunded")

    # (4) the customer sees the refund: amount, date, status
    page.reload()
    refunded = page.get_by_text(re.compile(r"^\$620\.00 on "))
    refunded.wait_for()
    assert stack.gql(RETURN, {"id": return_id})["return"]["refund"]["amount"]["amount"] == "620.00"
    accessible(page)
    shot(page, "portal-return-refunded")
    agent.context.close()
    warehouse.context.close()


def test_console_search_unknown_packages_and_the_failed_refunds_place(page, stack):
    stack.gql("mutation { receiveReturn(id: \"RMA-NOSUCHONE\") { userErrors { code } } }", role="warehouse")
    sign_in(page, stack, "console")
    page.get_by_role("link", name="Unknown packages").click()
    page.get_by_role("cell", name="RMA-NOSUCHONE").first.wait_for()
    accessible(page)
    shot(page, "console-unknown-packages")
    page.get_by_role("link", name="Search").click()
    page.get_by_label("Search returns").fill("jane.doe@example.com")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("heading", name=re.compile("returns? for")).wait_for()
    accessible(page)
    shot(page, "console-search")



def test_console_lists_failed_refunds_and_an_agent_retries_one(page, stack):
    """An order whose payment Stripe does not know (localstripe answers 404): the refund fails, ops
    are alerted, the console lists it with the reason, and the agent's retry is a new attempt."""
    order = stack.copy_demo_order("AK-1002", "AK-FAILREFUND")  # the demo reference was never paid
    ret = stack.gql(REQUEST, {"o": order}, role="customer")["requestReturn"]["return"]
    stack.gql(TRACK, {"id": ret["id"]}, role="customer")
    stack.gql(RECEIVE, {"id": ret["id"]}, role="warehouse")
    stack.gql(INSPECT, {"id": ret["id"]}, role="warehouse")
    refund = stack.gql(REFUND, {"id": ret["id"]})["issueRefund"]["return"]["refund"]
    assert refund["status"] == "FAILED"

    sign_in(page, stack, "console")
    page.get_by_role("link", name="Failed refunds").click()
    row = page.get_by_role("row").filter(has_text=ret["id"])
    row.wait_for()
    assert "Not Found" in row.inner_text() and "1" in row.inner_text()  # Stripe's reason, first attempt
    accessible(page)
    shot(page, "console-failed-refunds")
    row.get_by_role("button", name=f"Retry the refund of {ret['id']}").click()
    page.get_by_text(f"{ret['id']}: refund failed").wait_for()  # still unknown to Stripe: a second attempt
    page.get_by_role("row").filter(has_text=ret["id"]).get_by_role("cell", name="2", exact=True).wait_for()
    page.get_by_role("link", name=ret["id"]).click()
    page.get_by_text("Failed: nothing was paid yet").wait_for()
    page.get_by_role("button", name="Retry the refund").wait_for()
    accessible(page)



REQUEST_LABEL = """mutation($o: ID!) { requestReturn(input: {orderId: $o, method: PREPAID_LABEL,
  conditionAttested: true, idempotencyKey: "refused-label-1",
  lines: [{orderLineId: "L1", quantity: 1, reason: STYLE}]}) { return { id status label { url } } } }"""


def test_console_lists_refused_labels_and_the_customer_is_told_how_to_ship(page, stack):
    """A shipping address the carrier cannot ship from (the local carrier refuses ZIP 00000): the return
    stays approved without a label, the console lists it with the carrier's reason and retries it (a new
    attempt, refused again here), and the customer's page says why and takes a tracking number."""
    from returns_devstack.seed import demo_orders
    from returns_shared.service.dependencies import utc_now

    [demo] = [order for order in demo_orders(utc_now()) if order["id"] == "AK-1001"]
    nowhere = {**demo["shippingAddress"], "postalCode": "00000"}
    order = stack.copy_demo_order("AK-1001", "AK-NOLABEL", shippingAddress=nowhere, billingAddress=nowhere)
    ret = stack.gql(REQUEST_LABEL, {"o": order}, role="customer")["requestReturn"]["return"]
    assert (ret["status"], ret["label"]) == ("APPROVED", None)

    sign_in(page, stack, "console")
    page.get_by_role("link", name="Failed labels").click()
    row = page.get_by_role("row").filter(has_text=ret["id"])
    row.wait_for()
    assert "00000" in row.inner_text()  # the carrier's reason
    accessible(page)
    shot(page, "console-failed-labels")
    row.get_by_role("button", name=f"Retry the label of {ret['id']}").click()
    page.get_by_text(f"{ret['id']}: refused again").wait_for()
    page.get_by_role("row").filter(has_text=ret["id"]).get_by_role("cell", name="2", exact=True).wait_for()
    page.get_by_role("link", name=ret["id"]).click()
    page.get_by_role("button", name="Retry the label").wait_for()
    accessible(page)

    customer = page.context.new_page()  # the same guarded context: nothing beyond loopback
    sign_in(customer, stack, "portal")
    customer.goto(f"{stack.url}/portal/#/return/{ret['id']}")
    customer.get_by_text("We could not create your prepaid label").wait_for()
    customer.get_by_role("heading", name="Shipped it yourself?").wait_for()
    accessible(customer)
    customer.close()


INSPECT_WORN = """mutation($id: ID!) {
  inspectReturn(id: $id, lines: [{orderLineId: "L1", condition: WORN}]) { return {
  quote { total { amount } itemsSubtotal { amount } }
  settlement { amount { amount } itemsSubtotal { amount } shippingCredit { amount } } } } }"""


def _fact(page, term: str) -> str:
    return page.locator(f"dt:text-is('{term}') + dd").inner_text()


def test_after_inspection_the_refund_card_shows_the_settlements_parts_not_the_quotes(page, stack):
    """The warehouse refuses a worn item: the settlement's parts differ from the quote's, and the card's
    parts must add up to what is refunded (it showed the quote's items, label fee and credit)."""
    order = stack.copy_demo_order("AK-1002", "AK-WORN")
    ret = stack.gql(REQUEST.replace("failed-refund-1", "worn-1"), {"o": order}, role="customer")
    ret = ret["requestReturn"]["return"]
    stack.gql(TRACK.replace("928411", "928412"), {"id": ret["id"]}, role="customer")
    stack.gql(RECEIVE, {"id": ret["id"]}, role="warehouse")
    inspected = stack.gql(INSPECT_WORN, {"id": ret["id"]}, role="warehouse")["inspectReturn"]["return"]
    quote, settled = inspected["quote"], inspected["settlement"]
    assert quote["itemsSubtotal"]["amount"] == "30.00" and settled["itemsSubtotal"]["amount"] == "0.00"

    sign_in(page, stack, "portal")
    page.goto(f"{stack.url}/portal/#/return/{ret['id']}")
    page.get_by_text("Refund after inspection").wait_for()
    assert _fact(page, "Quoted refund") == f"${quote['total']['amount']}"  # still named, to compare
    assert _fact(page, "Items accepted (price + tax)") == "$0.00"
    assert _fact(page, "Return shipping credit") == f"+ ${settled['shippingCredit']['amount']}"
    assert _fact(page, "Refund after inspection") == f"${settled['amount']['amount']}"
    accessible(page)


def test_the_warehouse_answers_a_defect_claim_on_purpose_or_not_at_all(page, stack):
    """A DEFECTIVE item shipped back from the US (merchant responsibility: a 6.99 shipping credit for
    self-shipping, FEE-US-QUALITY; refuted, FEE-US-SELF pays none): left unanswered the claim stands
    (a defaulted 'no' would have taken the credit), 'No defect found' refutes it; customer-reason
    items get no defect question at all."""
    order = stack.copy_demo_order("AK-1001", "AK-DEFECT")  # shipped to the US
    request = REQUEST.replace("failed-refund-1", "defect-1").replace("reason: STYLE", "reason: DEFECTIVE")
    ret = stack.gql(request, {"o": order}, role="customer")["requestReturn"]["return"]
    stack.gql(TRACK.replace("928411", "928413"), {"id": ret["id"]}, role="customer")
    stack.gql(RECEIVE, {"id": ret["id"]}, role="warehouse")

    sign_in(page, stack, "warehouse")
    page.goto(f"{stack.url}/warehouse/#/return/{ret['id']}")
    claim = page.get_by_label("Claimed defect")
    preview = page.locator("#preview")
    preview.get_by_text("Choose a condition for every item").wait_for()  # nothing preset, nothing priced
    page.get_by_label("Condition").select_option("NEW_WITH_TAGS")
    preview.get_by_text("shipping credit $6.99").wait_for()  # unanswered: the claim stands
    assert claim.input_value() == ""
    claim.select_option("false")
    preview.get_by_text("shipping credit $0.00").wait_for()  # refuted: the ordinary rule
    claim.select_option("true")
    page.get_by_label("Condition").select_option("DAMAGED")
    preview.get_by_text("shipping credit $6.99").wait_for()
    preview.get_by_text("accepted", exact=True).wait_for()  # a confirmed defect is accepted damaged
    accessible(page)
    page.get_by_role("button", name="Confirm the inspection").click()
    page.get_by_text("Refund after inspection").wait_for()

    styled = stack.copy_demo_order("AK-1002", "AK-NODEFECT")
    other = stack.gql(REQUEST.replace("failed-refund-1", "defect-2"), {"o": styled}, role="customer")
    other = other["requestReturn"]["return"]
    stack.gql(TRACK.replace("928411", "928414"), {"id": other["id"]}, role="customer")
    stack.gql(RECEIVE, {"id": other["id"]}, role="warehouse")
    page.goto(f"{stack.url}/warehouse/#/return/{other['id']}")
    page.get_by_role("button", name="Confirm the inspection").wait_for()
    assert page.get_by_label("Claimed defect").count() == 0  # STYLE: nothing to confirm
