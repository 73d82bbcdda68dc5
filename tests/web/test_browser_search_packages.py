"""An agent finds a customer by name (beside RMA, order id, email and tracking number) and opens their
page; an unknown package is recorded at the warehouse with what is on it (sender, label, a note, a
photo) and customer service sees all of it with what they can do. Desktop and phone width, keyboard,
axe clean."""

from __future__ import annotations

import re

import pytest

from .conftest import accessible, new_context, sign_in
from .test_browser_people import PHONE

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def _address(name: str) -> dict[str, str]:
    return {"name": name, "line1": "12 Rue de Rivoli", "city": "Paris", "postalCode": "75001",
            "countryCode": "FR"}


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_an_agent_finds_a_customer_by_name_and_opens_their_page(browser, stack, width):
    tag = "Desk" if width == "desktop" else "Phone"
    for number in range(3):  # three customers share the name: the search pages them
        named = _address(f"Élodie Vasquez{tag}")
        stack.copy_demo_order("AK-1002", f"WEB-NAME-{width}-{number}",
                              email=f"name.{width}.{number}@example.com",
                              shippingAddress=named, billingAddress=named)
    # and one whose name reads like an RMA
    studio = _address(f"RMA-{tag} Studio")
    stack.copy_demo_order("AK-1002", f"WEB-RMA-{width}", email=f"rma.{width}@example.com",
                          shippingAddress=studio, billingAddress=studio)
    context, offline = new_context(browser, **(PHONE if width == "phone" else {}))
    page = context.new_page()
    sign_in(page, stack, "console")
    page.get_by_role("link", name="Search").click()
    search = page.get_by_role("searchbox", name="Search")
    search.fill(f"vasquez{tag.lower()} e")  # last name then the first letter of the first, no accents
    search.press("Enter")
    table = page.locator("#customers-named")
    table.get_by_role("link").first.wait_for()
    assert table.get_by_role("link").count() == 3
    page.get_by_role("heading", name=re.compile("0 returns for")).wait_for()
    accessible(page)
    first = table.get_by_role("link").first
    assert first.inner_text() == f"Élodie Vasquez{tag}"
    row = table.locator("tbody tr").first
    assert re.search(rf"WEB-NAME-{width}-\d, placed", row.inner_text())
    first.focus()
    page.keyboard.press("Enter")  # by keyboard to the customer's page
    page.get_by_role("heading", level=1, name=re.compile(f"Élodie Vasquez{tag}")).wait_for()
    assert re.search(r"#/customer/name\.", page.url)

    page.get_by_role("link", name="Search").click()
    search = page.get_by_role("searchbox", name="Search")
    search.fill(f"RMA-{tag}")  # an RMA-looking name: no return, but the customer is found by name
    search.press("Enter")
    page.locator("#customers-named").get_by_role("link", name=f"RMA-{tag} Studio").wait_for()
    page.get_by_text("No return matches.").wait_for()
    context.close()
    assert offline.refused == []
