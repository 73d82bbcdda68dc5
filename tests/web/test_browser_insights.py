"""The console's Insights page as the merchant, in Chromium against `make dev`'s server: a refunded return
reaches the figures within seconds (the stream polled every second), the period changes, a chart and its
table, a view's CSV and accounting's export download; axe finds nothing."""

from __future__ import annotations

import csv
import io
import re
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from returns_devstack.localstripe_server import LocalStripe

from .conftest import accessible, shot

pytestmark = [pytest.mark.slow, pytest.mark.browser]

FIGURES = """query($from: DateTime!, $to: DateTime!) { returnInsights(from: $from, to: $to, groupBy: SKU) {
  rows { key returns } } }"""


def _paid_copy_of_the_cardigan_order(stack: Any, order_id: str) -> str:
    """A copy of demo order AK-1002 (the cable-knit cardigan, CRD-2210-L, to Canada) paid at the local
    stack's payment server, as the order feed records a checkout."""
    port = int(re.search(r"localstripe\s*: http://127\.0\.0\.1:(\d+)", stack.banner).group(1))
    intent = LocalStripe(port=port).paid_payment_intent(Decimal("39.99"), "USD", order_id=order_id,
                                                        email="jane.doe@example.com")
    return str(stack.copy_demo_order("AK-1002", order_id, paymentReference=intent))


def _refunded_return(stack: Any, order_id: str) -> str:
    """A return of the demo cardigan, received, inspected and refunded (30.00, and FEE-CAJP-FIRST's
    6.99 credit: Canada, first package)."""
    def act(document: str, role: str, **variables: Any) -> dict[str, Any]:
        answer = next(iter(stack.gql(document, variables, role=role).values()))
        assert answer["userErrors"] == [], answer
        return answer

    ret = act("""mutation($input: RequestReturnInput!) { requestReturn(input: $input) {
        return { id } userErrors { message } } }""", "customer", input={
        "orderId": order_id, "method": "SELF_SHIP", "conditionAttested": True, "idempotencyKey": order_id,
        "lines": [{"orderLineId": "L1", "quantity": 1, "reason": "SIZE_TOO_SMALL"}]})["return"]
    done = "{ return { id status } userErrors { message } }"
    act(f"mutation($id: ID!) {{ receiveReturn(id: $id) {done} }}", "warehouse", id=ret["id"])
    act(f"""mutation($id: ID!) {{ inspectReturn(id: $id,
        lines: [{{orderLineId: "L1", condition: NEW_WITH_TAGS}}]) {done} }}""", "warehouse", id=ret["id"])
    act(f"mutation($id: ID!) {{ issueRefund(id: $id) {done} }}", "agent", id=ret["id"])
    return str(ret["id"])


def test_the_merchant_reads_why_things_come_back(page, stack):
    order_id = _paid_copy_of_the_cardigan_order(stack, "WEB-INSIGHTS")
    return_id = _refunded_return(stack, order_id)
    window = {"from": (datetime.now(UTC) - timedelta(days=1)).isoformat(),
              "to": (datetime.now(UTC) + timedelta(days=1)).isoformat()}
    refunded, deadline = time.monotonic(), time.monotonic() + 10  # the spec: within 10 s locally
    while time.monotonic() < deadline:
        rows = stack.gql(FIGURES, window, role="merchant")["returnInsights"]["rows"]
        if any(row["key"] == "CRD-2210-L" for row in rows):
            break
        time.sleep(0.25)
    else:
        pytest.fail("the refunded return did not reach the figures within 10 s")
    assert time.monotonic() - refunded < 10

    page.goto(f"{stack.url}/console/")
    page.get_by_role("heading", name="Sign in (local stack)").wait_for()
    page.get_by_label("Demo user").select_option(label="demo merchant (merchant@allegra-k.com)")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Insights: Products").wait_for()  # the merchant's home
    sections = page.get_by_role("navigation", name="Sections")
    assert sections.get_by_role("link").all_inner_texts() == ["Insights"]  # no queue, no refunds: no action
    table = page.get_by_role("table", name="Products")
    row = table.get_by_role("row").filter(has_text="CRD-2210-L")
    assert "Too small" in row.inner_text()
    chart = page.get_by_role("img", name="Return rate of the products returned most")
    assert "CRD-2210-L" in chart.inner_html()
    accessible(page)
    shot(page, "console-insights-products")

    with page.expect_download() as download:
        page.get_by_role("button", name="Download “Products” as CSV").click()
    rows = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8"), newline="")))
    assert rows[0][:3] == ["Product", "Returns", "Units"]
    assert any(row[0] == "CRD-2210-L" and int(row[1]) >= 1 for row in rows[1:])

    page.get_by_label("From (request date)").fill("2020-01-01")
    page.get_by_label("To", exact=True).fill("2020-01-31")
    page.get_by_role("button", name="Show").click()
    page.get_by_text("No return was requested in this period.").wait_for()
    assert "#/insights/products/2020-01-01/2020-01-31" in page.url

    page.get_by_label("Or the").select_option(label="Last 30 days")
    page.get_by_role("button", name="Show").click()
    page.get_by_role("table", name="Products").wait_for()  # the last 30 days again
    page.get_by_role("link", name="Money by month").click()
    page.get_by_role("heading", name="Insights: Money by month").wait_for()
    page.get_by_role("img", name="Refunded, label fees and credits by month").wait_for()
    month = page.get_by_role("table", name="Money by month").get_by_role("row").nth(1)
    assert datetime.now(UTC).strftime("%Y-%m") in month.inner_text()
    accessible(page)
    shot(page, "console-insights-money")
    refunded = Decimal(month.get_by_role("cell").nth(3).inner_text().lstrip("$").replace(",", ""))
    assert refunded >= Decimal("36.99")  # ours: 30.00 and the 6.99 credit (other tests' returns count too)
    with page.expect_download() as export:  # accounting's file, written by the service (a presigned S3 link)
        page.get_by_role("button", name="Refunds CSV").click()
    refunds = list(csv.DictReader(io.StringIO(export.value.path().read_text(encoding="utf-8"), newline="")))
    assert [(r["amount"], r["stripe_refund_id"][:3]) for r in refunds if r["rma"] == return_id] == [
        ("36.99", "re_")]

    page.get_by_role("link", name="Policy").click()
    page.get_by_role("heading", name="Insights: Policy").wait_for()
    policy = page.get_by_role("table", name="Clauses")
    assert "FEE-CAJP-FIRST" in policy.inner_text()  # the Canadian first package's credit
    accessible(page)
    shot(page, "console-insights-policy")
