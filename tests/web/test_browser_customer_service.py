"""Customer service in the console (issue 17): an agent finds a customer, sees their orders with each
line's returnability as the portal shows it, starts a return for them with the portal's own form and
quote, and the customer sees it in the portal. Keyboard alone and phone width for the new pages."""

from __future__ import annotations

import re

import pytest

from .conftest import accessible, new_context, shot, sign_in

pytestmark = [pytest.mark.slow, pytest.mark.browser]

RETURN = "query($id: ID!) { return(id: $id) { status method lines { orderLineId quantity reason note } " \
         "timeline { status actor note } } }"
QUOTE = """query($o: ID!) { returnQuote(input: {orderId: $o, method: SELF_SHIP,
  lines: [{orderLineId: "L2", quantity: 2, reason: SIZE_TOO_LARGE}]}) { quote { total { amount } } } }"""
NOTE = "Both blazers are a size too large (her email of Monday)"


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
    shot(page, "console-customer")
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


def test_the_customer_pages_fit_a_phone(browser, stack):
    context, offline = new_context(
        browser, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    sign_in(page, stack, "console")
    for route, heading in [("#/customer/jane.doe%40example.com", "jane.doe@example.com"),
                           ("#/order/AK-1001/return", "Start a return of AK-1001")]:
        page.goto(f"{stack.url}/console/{route}")
        page.get_by_role("heading", name=re.compile(heading)).wait_for()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, route
        accessible(page)
    context.close()
    assert offline.refused == []
