"""Customer service by email in the pages (issue 17): an agent finds a customer (from search, from an
inbox email delivered through the local inbound route), sees their orders with each line's returnability
as the portal shows it, starts a return for them with the portal's own form and quote, and the customer
sees it in the portal; an agent answers a flagged return's customer and the review queue shows who is
waiting. Keyboard alone and phone width for the new pages."""

from __future__ import annotations

import json
import re
import urllib.request
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import pytest

from .conftest import accessible, new_context, shot, sign_in

pytestmark = [pytest.mark.slow, pytest.mark.browser]

RETURN = "query($id: ID!) { return(id: $id) { status method lines { orderLineId quantity reason note } " \
         "timeline { status actor note } } }"
QUOTE = """query($o: ID!) { returnQuote(input: {orderId: $o, method: SELF_SHIP,
  lines: [{orderLineId: "L2", quantity: 2, reason: SIZE_TOO_LARGE}]}) { quote { total { amount } } } }"""
NOTE = "Both blazers are a size too large (her email of Monday)"


SUPPORT = "cs@allegra-k.com"


def deliver(stack, sender: str, subject: str, text: str, *, unreadable: bool = False, pdf: str | None = None,
            **headers: str) -> str:
    """An email to customer service, received as SES would (the local stack's inbound route); its
    Message-ID. `unreadable`: its MIME parts nest deeper than any parser reads; `pdf` attaches a small
    PDF of that name."""
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, SUPPORT, subject
    message["Date"], message["Message-ID"] = formatdate(), make_msgid(domain="example.com")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(text)
    if pdf:
        message.add_attachment(b"%PDF-1.4\n%%EOF\n", maintype="application", subtype="pdf", filename=pdf)
    raw = message.as_bytes()
    if unreadable:
        head, _, body = raw.partition(b"\n\n")
        for level in range(1500):
            body = b'Content-Type: multipart/mixed; boundary="b%d"\n\n--b%d\n%s\n--b%d--\n' % (
                level, level, body, level)
        raw = head.replace(b"Content-Type: text/plain", b"X-Was: text/plain") + b"\n" + body
    request = urllib.request.Request(f"{stack.url}/_local/mail/inbound", data=raw,
                                     method="POST", headers={"Content-Type": "message/rfc822"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert 200 <= response.status < 300
    return str(message["Message-ID"])


def mailbox(stack) -> list[dict]:
    """Every email the service sent, oldest first (the local mailbox's JSON view)."""
    request = urllib.request.Request(f"{stack.url}/_local/mail", headers={"Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def _return_id(page) -> str:
    return re.search(r"RMA-[0-9A-Z]+", page.get_by_role("heading", level=1).inner_text())[0]


def test_an_agent_starts_a_return_for_a_customer_who_then_sees_it_in_the_portal(browser, page, stack):
    order_id = stack.copy_demo_order("AK-1001", "CS-ON-BEHALF")
    sign_in(page, stack, "console")
    # the order has no return yet: search says so and leads to the customer and to a new return
    page.get_by_role("link", name="Search").click()
    page.get_by_label("Search returns").fill(order_id)
    page.get_by_role("button", name="Search").click()
    page.get_by_text(f"Order {order_id} of").wait_for()
    page.get_by_role("link", name="jane.doe@example.com").click()

    page.get_by_role("heading", name=re.compile("jane.doe@example.com")).wait_for()
    order = page.get_by_role("region", name=f"Order {order_id}")
    order.get_by_text("NR-CATEGORY").wait_for()  # the socks: why not, with the clause, as the portal says
    assert order.get_by_text("Yes (2), until").count() == 1  # the blazers: how many, until when
    accessible(page)
    order.get_by_role("link", name=f"Start a return of {order_id} for the customer").click()

    page.get_by_role("heading", name=f"Start a return of {order_id} for jane.doe@example.com").wait_for()
    blazer = page.get_by_role("group", name="Double-breasted blazer")
    blazer.get_by_label("Return this item").check()
    blazer.get_by_label("Quantity").select_option("2")
    blazer.get_by_label("Reason").select_option("SIZE_TOO_LARGE")
    blazer.get_by_label("Note (optional)").fill(NOTE)
    page.get_by_label("The customer ships it on their own").check()
    total = page.get_by_test_id("quote-total")
    total.wait_for()
    page.get_by_text("FEE-US-SELF").first.wait_for()  # each fee explained by its clause, as in the portal
    portal_quote = stack.gql(QUOTE, {"o": order_id}, role="customer")["returnQuote"]["quote"]
    assert total.inner_text() == f"${portal_quote['total']['amount']}"  # the quote the customer would see
    page.get_by_role("button", name="Request the return for the customer").click()
    page.get_by_text("A return needs the customer’s word").wait_for()  # COND-NEW: never assumed
    page.get_by_label("The customer confirmed by email").check()
    accessible(page)
    shot(page, "console-start-return")
    page.get_by_role("button", name="Request the return for the customer").click()

    page.get_by_role("heading", name=re.compile("Return RMA-")).wait_for()
    return_id = _return_id(page)
    ret = stack.gql(RETURN, {"id": return_id})["return"]
    assert ret["method"] == "SELF_SHIP" and ret["status"] == "APPROVED"
    assert ret["lines"] == [{"orderLineId": "L2", "quantity": 2, "reason": "SIZE_TOO_LARGE", "note": NOTE}]
    assert ret["timeline"][0]["actor"].startswith("agent:")  # customer service requested it
    # staff read who acted in words, and the conversation of an approved return shows no stray "null"
    history = page.get_by_role("list", name="Timeline")
    history.get_by_text("customer service (agent@allegra-k.com)").wait_for()
    assert "agent:agent@" not in history.inner_text()
    conversation = page.get_by_role("region", name="Conversation with the customer")
    conversation.get_by_role("button", name="Send the reply").wait_for()
    assert "null" not in conversation.inner_text()
    page.get_by_role("link", name="jane.doe@example.com").click()
    page.get_by_role("region", name="Returns").get_by_role("link", name=return_id).wait_for()

    customer, offline = new_context(browser)
    portal = customer.new_page()
    sign_in(portal, stack, "portal")
    portal.get_by_role("region", name=f"Order {order_id}").get_by_role("link", name=return_id).click()
    portal.get_by_role("heading", name=re.compile(return_id)).wait_for()
    portal.get_by_text(NOTE).wait_for()
    accessible(portal)
    customer.close()
    assert offline.refused == []


def _tab_to(page, locator, limit: int = 60) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if locator.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {locator}")


def test_the_customer_view_and_a_return_on_their_behalf_work_with_the_keyboard_alone(page, stack):
    order_id = stack.copy_demo_order("AK-1002", "CS-KEYBOARD")
    sign_in(page, stack, "console")
    _tab_to(page, page.get_by_role("link", name="Customers"))
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Customers").wait_for()
    _tab_to(page, page.get_by_label("Customer email"))
    page.keyboard.type("jane.doe@example.com")
    page.keyboard.press("Enter")
    start = page.get_by_role("link", name=f"Start a return of {order_id} for the customer")
    start.wait_for()
    _tab_to(page, start)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name=re.compile(f"Start a return of {order_id}")).wait_for()
    _tab_to(page, page.get_by_label("Return this item"))
    page.keyboard.press("Space")
    _tab_to(page, page.get_by_label("Reason"))
    page.keyboard.press("ArrowDown")
    page.get_by_test_id("quote-total").wait_for()
    _tab_to(page, page.get_by_label("The customer ships it on their own"))
    page.keyboard.press("Space")
    _tab_to(page, page.get_by_label("The customer confirmed by email"))
    page.keyboard.press("Space")
    _tab_to(page, page.get_by_role("button", name="Request the return for the customer"))
    page.keyboard.press("Enter")
    page.get_by_role("heading", name=re.compile("Return RMA-")).wait_for()
    assert page.evaluate("document.activeElement.tagName") == "H1"


SELF_SHIP = """mutation($o: ID!, $key: String!) { requestReturn(input: {orderId: $o, method: SELF_SHIP,
  conditionAttested: true, idempotencyKey: $key,
  lines: [{orderLineId: "L1", quantity: 1, reason: STYLE}]}) { return { id } } }"""


def test_the_inbox_and_a_conversation_work_with_the_keyboard_alone(page, stack):
    order_id = stack.copy_demo_order("AK-1002", "CS-KEYS-MAIL")
    return_id = stack.gql(SELF_SHIP, {"o": order_id, "key": "keys-mail"}, role="customer")[
        "requestReturn"]["return"]["id"]
    subject = "A question about my cardigan (keyboard)"
    deliver(stack, "someone.new@example.com", subject, "Do you have it in blue?")
    deliver(stack, "garbled@example.com", "?", "unreadable", unreadable=True)
    sign_in(page, stack, "console")
    _tab_to(page, page.get_by_role("link", name="Inbox"))
    page.keyboard.press("Enter")
    email = page.get_by_role("region", name=subject)
    email.wait_for()
    garbled = page.get_by_role("region", name="Unreadable email from garbled@example.com").first
    garbled.get_by_text("the service could not parse this email").wait_for()  # listed plainly, kept
    _tab_to(page, email.get_by_role("button", name="Mark handled"), limit=200)
    page.keyboard.press("Enter")
    page.get_by_text(f"Marked handled: “{subject}”").wait_for()
    assert page.get_by_role("region", name=subject).count() == 0

    page.goto(f"{stack.url}/console/#/return/{return_id}")
    page.get_by_role("heading", name=re.compile(return_id)).wait_for()
    _tab_to(page, page.get_by_label("Reply to the customer"), limit=120)
    page.keyboard.type("Your cardigan's return is approved; ship it when you like.")
    _tab_to(page, page.get_by_role("button", name="Send the reply"))
    page.keyboard.press("Enter")
    page.get_by_text("Reply sent.").wait_for()
    assert page.evaluate("document.activeElement.textContent") == "Reply sent."  # told, and there


def test_the_customer_service_pages_fit_a_phone(browser, stack):
    order_id = stack.copy_demo_order("AK-1002", "CS-PHONE")
    return_id = stack.gql(SELF_SHIP, {"o": order_id, "key": "phone"}, role="customer")[
        "requestReturn"]["return"]["id"]
    deliver(stack, "jane.doe@example.com", f"About {return_id}", "When does my refund come?",
            pdf="receipt.pdf")
    context, offline = new_context(
        browser, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    sign_in(page, stack, "console")
    for route, heading in [("#/customer/jane.doe%40example.com", "jane.doe@example.com"),
                           ("#/order/AK-1001/return", "Start a return of AK-1001"),
                           ("#/inbox/all", "Inbox"), (f"#/return/{return_id}", return_id)]:
        page.goto(f"{stack.url}/console/{route}")
        page.get_by_role("heading", name=re.compile(heading)).first.wait_for()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, route
        accessible(page)
    page.get_by_text("When does my refund come?").wait_for()  # an owner's email naming the RMA joined it
    attachment = page.get_by_role("link", name="receipt.pdf")  # staff open it through a short-lived link
    assert attachment.get_attribute("href").startswith("http://127.0.0.1:")
    portal = context.new_page()
    sign_in(portal, stack, "portal")
    portal.goto(f"{stack.url}/portal/#/return/{return_id}")
    portal.get_by_role("region", name="Your emails with customer service").get_by_text("You wrote").wait_for()
    assert portal.evaluate("document.documentElement.scrollWidth") <= 390
    accessible(portal)
    shot(portal, "phone-portal-conversation")
    context.close()
    assert offline.refused == []


REQUESTED_ON_BEHALF = "query($id: ID!) { return(id: $id) { timeline { note } messages { text } } }"


def test_an_agent_starts_a_return_from_an_inbox_email_and_the_customer_sees_it(browser, page, stack):
    # a customer of her own (her page shows only her orders and mail), named on her order
    from returns_devstack.seed import demo_orders
    from returns_shared.service.dependencies import utc_now

    [demo] = [order for order in demo_orders(utc_now()) if order["id"] == "AK-1001"]
    maria = "maria.rossi@example.com"
    order_id = stack.copy_demo_order("AK-1001", "CS-FROM-INBOX", email=maria,
                                     shippingAddress={**demo["shippingAddress"], "name": "Maria Rossi"})
    subject = f"Returning the blazers of {order_id}"
    asked = "Hello, both blazers are too large. They are unworn, tags on. Can I send them back myself?"
    deliver(stack, maria, subject, asked)

    sign_in(page, stack, "console")
    page.get_by_role("link", name="Inbox").click()
    email = page.get_by_role("region", name=subject)
    email.get_by_text("Can I send them back myself?").wait_for()
    accessible(page)
    shot(page, "console-inbox")
    email.get_by_role("link", name=f"Open {maria}’s customer page").click()

    page.get_by_role("heading", name=f"Maria Rossi {maria}").wait_for()
    page.get_by_role("region", name="Their email to customer service").get_by_text(subject).wait_for()
    accessible(page)
    shot(page, "console-customer")
    page.get_by_role("region", name=f"Order {order_id}").get_by_role(
        "link", name=f"Start a return of {order_id} for the customer").click()
    blazer = page.get_by_role("group", name="Double-breasted blazer")
    blazer.get_by_label("Return this item").check()
    blazer.get_by_label("Quantity").select_option("2")
    blazer.get_by_label("Reason").select_option("SIZE_TOO_LARGE")
    page.get_by_label("The customer ships it on their own").check()
    page.get_by_test_id("quote-total").wait_for()
    page.get_by_label("The customer confirmed by email").check()
    page.get_by_role("button", name="Request the return for the customer").click()

    page.get_by_role("heading", name=re.compile("Return RMA-")).wait_for()
    return_id = _return_id(page)
    conversation = page.get_by_role("region", name="Conversation with the customer")
    conversation.get_by_text("Can I send them back myself?").wait_for()  # the email joined the return
    ret = stack.gql(REQUESTED_ON_BEHALF, {"id": return_id})["return"]
    assert "condition attested by email" in ret["timeline"][0]["note"]
    page.get_by_role("link", name="Inbox").click()
    page.get_by_role("heading", name="Inbox").wait_for()
    assert page.get_by_role("region", name=subject).count() == 0  # handled: no longer waiting

    # her next email names no RMA: it waits in the inbox until an agent puts it on her return
    later = f"One more thing about {order_id}"
    deliver(stack, maria, later, "Should I keep the original box?")
    page.reload()
    email = page.get_by_role("region", name=later)
    email.get_by_text("Attach to a return, or start one").click()
    email.get_by_label("One of their returns").select_option(return_id)
    email.get_by_role("button", name="Attach").click()
    page.get_by_text(f"is now on return {return_id}").wait_for()
    assert page.get_by_role("region", name=later).count() == 0
    page.goto(f"{stack.url}/console/#/return/{return_id}")
    page.get_by_role("region", name="Conversation with the customer").get_by_text(
        "Should I keep the original box?").wait_for()

    customer, offline = new_context(browser)
    portal = customer.new_page()
    sign_in(portal, stack, "portal", maria)
    portal.goto(f"{stack.url}/portal/#/return/{return_id}")
    mail = portal.get_by_role("region", name="Your emails with customer service")
    mail.get_by_text("Can I send them back myself?").wait_for()
    assert mail.get_by_text("You wrote").count() == 2  # her request and her question, both hers
    accessible(portal)
    customer.close()
    assert offline.refused == []


FLAGGED = """mutation($o: ID!) { requestReturn(input: {orderId: $o, method: SELF_SHIP,
  conditionAttested: true, idempotencyKey: "flagged-coat",
  lines: [{orderLineId: "L1", quantity: 1, reason: STYLE}]}) {
  return { id status } } }"""
WAITING = "query($id: ID!) { return(id: $id) { review { waitingFor } } }"
INTERNAL = "Called her: she keeps the belt; approve once she confirms the tags"
ANSWER = "Thank you! Could you send a photo of the tags? Then we approve the return."


def _card_waits(page) -> list[str]:
    return page.locator("main section.card .review-wait").all_inner_texts()


def test_an_agent_answers_a_flagged_returns_customer_and_the_queue_shows_who_waits(browser, page, stack):
    order_id = stack.copy_demo_order("AK-1003", "CS-FLAGGED")  # the 620.00 coat: SCREEN-AMOUNT
    ret = stack.gql(FLAGGED, {"o": order_id}, role="customer")["requestReturn"]["return"]
    return_id = ret["id"]
    assert ret["status"] == "UNDER_REVIEW"

    customer, offline = new_context(browser)
    portal = customer.new_page()
    sign_in(portal, stack, "portal")
    portal.goto(f"{stack.url}/portal/#/return/{return_id}")
    asked = portal.get_by_role("region", name="Please answer our email")
    asked.get_by_text("Please do not ship anything yet").wait_for()
    assert asked.get_by_role("link", name=SUPPORT).is_visible()
    accessible(portal)
    shot(portal, "portal-return-review")

    sign_in(page, stack, "console")
    card = page.get_by_role("region", name=return_id)
    card.get_by_text("Waiting for the customer since").wait_for()
    card.get_by_text(re.compile(r"REVIEW-SLA deadline .*(left|overdue)")).wait_for()

    # the customer answers the screening email from their mail program: it threads by In-Reply-To
    [screening] = [m for m in mailbox(stack) if return_id in m["subject"] and "confirm" in m["subject"]]
    reply = deliver(stack, "jane.doe@example.com", f"Re: {screening['subject']}",
            "Yes, I am returning the coat. It is unused, tags on.",
            In_Reply_To=screening["messageId"], References=screening["messageId"])
    assert stack.gql(WAITING, {"id": return_id})["return"]["review"]["waitingFor"] == "AGENT"
    portal.reload()
    portal.get_by_role("region", name="We have your reply").wait_for()
    page.reload()
    card.get_by_text("Customer replied at").wait_for()
    waits = _card_waits(page)
    replied = [i for i, text in enumerate(waits) if "Customer replied" in text]
    waiting = [i for i, text in enumerate(waits) if "Waiting for the customer" in text]
    assert replied and (not waiting or max(replied) < min(waiting))  # those who replied first
    accessible(page)
    shot(page, "console-review-queue-waits")

    card.get_by_role("link", name=return_id).click()
    conversation = page.get_by_role("region", name="Conversation with the customer")
    conversation.get_by_text("It is unused, tags on.").wait_for()
    assert conversation.get_by_text("verified sender").count() >= 1
    conversation.get_by_role("textbox", name="Internal note (the customer will not see it)").fill(INTERNAL)
    conversation.get_by_role("button", name="Add the internal note").click()
    conversation.get_by_text("Internal note added.").wait_for()
    conversation.get_by_text(INTERNAL).wait_for()
    before = len(mailbox(stack))
    conversation.get_by_label("Reply to the customer").fill(ANSWER)
    conversation.get_by_role("button", name="Send the reply").dblclick()
    conversation.get_by_text("Reply sent.").wait_for()
    conversation.get_by_text(ANSWER).wait_for()
    sent = [m for m in mailbox(stack)[before:] if ANSWER in (m["text"] or "")]
    assert len(sent) == 1 and sent[0]["to"] == ["jane.doe@example.com"]  # one email for a double click
    assert sent[0]["inReplyTo"] == reply  # in the customer's thread, answering their reply
    accessible(page)
    shot(page, "console-conversation")

    page.get_by_role("link", name="Review queue").click()
    page.get_by_role("region", name=return_id).get_by_text("Waiting for the customer since").wait_for()

    portal.reload()
    mail = portal.get_by_role("region", name="Your emails with customer service")
    mail.get_by_text(ANSWER).wait_for()
    mail.get_by_text("Customer service wrote").wait_for()
    assert INTERNAL not in portal.inner_text("main")  # internal notes never reach the customer
    portal.get_by_role("region", name="Please answer our email").wait_for()  # asked again: their turn
    accessible(portal)
    customer.close()
    assert offline.refused == []
