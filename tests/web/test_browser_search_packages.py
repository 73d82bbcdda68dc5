"""An agent finds a customer by name (beside RMA, order id, email and tracking number) and opens their
page; an unknown package is recorded at the warehouse with what is on it (sender, label, a note, a
photo) and customer service sees all of it with what they can do. Desktop and phone width, keyboard,
axe clean."""

from __future__ import annotations

import re

import pytest

from .conftest import accessible, new_context, sign_in
from .test_browser_people import PHONE, jpeg

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
    search = page.get_by_role("searchbox", name="Search returns and customers")
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
    search = page.get_by_role("searchbox", name="Search returns and customers")
    search.fill(f"RMA-{tag}")  # an RMA-looking name: no return, but the customer is found by name
    search.press("Enter")
    page.locator("#customers-named").get_by_role("link", name=f"RMA-{tag} Studio").wait_for()
    page.get_by_text("No return matches.").wait_for()
    context.close()
    assert offline.refused == []


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_the_warehouse_records_what_is_on_an_unknown_package_and_customer_service_sees_it(
        browser, stack, width, tmp_path):
    scanned = f"9400 1118 9922 0000 {'1111' if width == 'desktop' else '2222'} 77"
    context, offline = new_context(browser, **(PHONE if width == "phone" else {}))
    warehouse = context.new_page()
    sign_in(warehouse, stack, "warehouse")
    warehouse.get_by_label("Tracking number or RMA").fill(scanned)
    warehouse.keyboard.press("Enter")
    warehouse.get_by_text(re.compile("Check the number")).wait_for()
    what = warehouse.get_by_role("group", name=re.compile("What is on the package"))
    what.get_by_label("Sender’s name").fill("Jane Doe")
    what.get_by_label("Sender’s address").fill("350 Fifth Avenue\nNew York, NY 10118")
    what.get_by_label("Carrier").fill("USPS")
    what.get_by_label("Note").fill(f"A blue dress, tags on ({width})")
    photo = tmp_path / "box.jpg"
    photo.write_bytes(jpeg())
    what.get_by_label("Photos of the package (optional)").set_input_files(str(photo))
    what.get_by_text(re.compile(r"box\.jpg \(\d+ kB\) added")).wait_for()
    accessible(warehouse)
    warehouse.get_by_role("button", name="Refuse and record for customer service").click()
    assert warehouse.evaluate("document.activeElement.textContent") == "No, go back"
    warehouse.keyboard.press("Shift+Tab")  # to "Yes", by keyboard
    warehouse.keyboard.press("Enter")
    warehouse.get_by_role("heading", name="Package refused").wait_for()

    agent = context.new_page()
    sign_in(agent, stack, "console")
    agent.get_by_role("link", name="Unknown packages").click()
    row = agent.locator("#unknown-packages tbody tr", has_text=f"A blue dress, tags on ({width})")
    row.wait_for()
    text = row.inner_text()
    for seen in (scanned, "Jane Doe", "350 Fifth Avenue", "New York, NY 10118", "USPS",
                 "No return request has this number.", "by warehouse@"):
        assert seen in text, (seen, text)
    image = row.get_by_role("img", name="Photo 1 of the package")
    image.wait_for()
    assert agent.evaluate("(img) => img.complete && img.naturalWidth > 0", image.element_handle())
    accessible(agent)
    row.get_by_role("link", name="Jane Doe (jane.doe@example.com)").click()  # the sender is a customer
    agent.get_by_role("heading", level=1, name=re.compile("Jane Doe")).wait_for()
    assert agent.url.endswith("#/customer/jane.doe%40example.com")
    context.close()
    assert offline.refused == []
