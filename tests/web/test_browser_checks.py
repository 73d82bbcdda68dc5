"""Browser checks beside the flows: a double click makes one return, the portal works by keyboard alone,
at phone width, GraphiQL runs offline, the Hosted UI sign-in does PKCE (S256), the mailbox renders."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from urllib.parse import parse_qs, urlparse

import pytest

from returns_devstack.security_headers import content_security_policy
from returns_devstack.tokens import demo_token

from .conftest import accessible, new_context, shot, sign_in

pytestmark = [pytest.mark.slow, pytest.mark.browser]

RETURNS_OF_ORDER = "query($o: ID!) { order(id: $o) { returns { id } } }"


def _returns_of(stack, order_id: str) -> list[str]:
    return [r["id"] for r in stack.gql(RETURNS_OF_ORDER, {"o": order_id})["order"]["returns"]]


def test_a_double_click_on_submit_makes_one_return(page, stack):
    order_id = stack.copy_demo_order("AK-1001", "WEB-DOUBLE-CLICK")
    before = _returns_of(stack, order_id)
    sign_in(page, stack, "portal")
    page.goto(f"{stack.url}/portal/#/order/{order_id}/return")
    page.get_by_role("group", name="Double-breasted blazer").get_by_label("Return this item").check()
    page.get_by_role("group", name="Double-breasted blazer").get_by_label("Reason").select_option(
        "SIZE_TOO_LARGE"
    )
    page.get_by_test_id("quote-total").wait_for()
    page.get_by_label("The items are new").check()
    sent = []
    page.on(
        "request",
        lambda r: sent.append(r) if r.method == "POST" and "RequestReturn" in (r.post_data or "") else None,
    )
    page.get_by_role("button", name="Request the return").dblclick()
    page.get_by_role("heading", name=re.compile("Return RMA-")).wait_for()
    after = _returns_of(stack, order_id)
    assert len(after) == len(before) + 1
    keys = {json.loads(r.post_data)["variables"]["input"]["idempotencyKey"] for r in sent}
    assert len(keys) == 1 and len(sent) >= 1  # however many clicks got through: one attempt, one key


def test_the_portal_works_with_the_keyboard_alone(page, stack):
    """Sign in, open an order, choose a line, a reason and the method, attest and submit: keys only."""
    order_id = stack.copy_demo_order("AK-1002", "WEB-KEYBOARD")
    before = _returns_of(stack, order_id)
    page.goto(f"{stack.url}/portal/")
    page.get_by_role("heading", name="Sign in (local stack)").wait_for()
    page.locator("select[name=user] option").first.wait_for(state="attached")

    def tab_to(locator, limit: int = 40) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if locator.evaluate("element => element === document.activeElement"):
                return
        raise AssertionError(f"Tab never reached {locator}")

    tab_to(page.get_by_role("button", name="Sign in"))
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="My orders").wait_for()
    tab_to(page.get_by_role("link", name=f"Return items of {order_id}"))
    page.keyboard.press("Enter")
    page.get_by_role("heading", name=f"Return items of {order_id}").wait_for()
    tab_to(page.get_by_label("Return this item"))
    page.keyboard.press("Space")
    tab_to(page.get_by_label("Reason"))
    page.keyboard.press("ArrowDown")  # the first reason
    page.get_by_test_id("quote-total").wait_for()
    assert page.get_by_label("Prepaid label (we email it)").is_disabled()  # LABEL-US: a Canadian order
    tab_to(page.get_by_label("I ship it myself"))
    page.keyboard.press("Space")
    tab_to(page.get_by_label("The items are new"))
    page.keyboard.press("Space")
    tab_to(page.get_by_role("button", name="Request the return"))
    page.keyboard.press("Enter")
    page.get_by_role("heading", name=re.compile("Return RMA-")).wait_for()
    assert len(_returns_of(stack, order_id)) == len(before) + 1
    assert page.evaluate("document.activeElement.tagName") == "H1"  # focus follows the new page


def test_phone_width(browser, stack):
    context, offline = new_context(
        browser, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    sign_in(page, stack, "portal")
    page.get_by_role("heading", name="My orders").wait_for()
    page.get_by_text("NR-CATEGORY").first.wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    accessible(page)
    shot(page, "phone-portal-orders")
    page.goto(f"{stack.url}/portal/#/order/AK-1001/return")
    page.get_by_role("heading", name="Return items of AK-1001").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "phone-portal-request")
    context.close()
    assert offline.refused == []


def test_graphiql_runs_offline(page, stack):
    page.goto(f"{stack.url}/graphql")
    page.locator(".graphiql-query-editor").wait_for()
    page.get_by_text("query ReturnPolicy").first.wait_for()  # the preloaded document
    shot(page, "graphiql")
    # page fixture: any request beyond loopback (a CDN) fails the test


SELF_SHIP = """mutation($o: ID!) { requestReturn(input: {orderId: $o, method: SELF_SHIP,
  conditionAttested: true, idempotencyKey: "mailbox-1",
  lines: [{orderLineId: "L1", quantity: 1, reason: STYLE}]}) { return { status } } }"""


def test_the_mailbox_renders(page, stack):
    # its own mail (how to ship), so that it passes alone too, not only after the flows sent some
    order = stack.copy_demo_order("AK-1002", "WEB-MAILBOX")
    requested = stack.gql(SELF_SHIP, {"o": order}, role="customer")["requestReturn"]["return"]
    assert requested["status"] == "APPROVED"
    page.goto(f"{stack.url}/_local/mail")
    page.get_by_role("heading", name=re.compile(r"Sent mail \(\d+\)")).wait_for()
    assert page.locator("iframe[sandbox='']").count() >= 1
    shot(page, "local-mailbox")


@pytest.mark.parametrize(
    ("app", "role", "start", "home"),
    [("portal", "customer", "", "My orders"), ("console", "agent", "", "Review queue"),
     # an email's link to one page: the customer lands there after signing in, not on the home page
     ("portal", "customer", "#/order/AK-1001/return", "Return items of AK-1001")],
)
def test_deployed_sign_in_is_the_hosted_ui_of_the_apps_pool_with_pkce(page, stack, app, role, start, home):
    """config.json says cognito: the portal sends the browser to the customers' Hosted UI, the console to
    the staff one (MFA on), each with an S256 challenge, and redeems the code with the matching verifier
    (Cognito is played by routes of this test; a request to the other pool's domain would leave loopback
    and fail the test). The Hosted UI returns to the bare page; the app goes back to where sign-in began."""
    pools = {"customer": {"domain": "customers.auth.returns.test", "clientId": "portal-client"},
             "staff": {"domain": "staff.auth.returns.test", "clientId": "staff-client"}}
    pool = pools["customer" if role == "customer" else "staff"]
    seen: dict[str, str] = {}
    page.route(f"{stack.url}/config.json", lambda route: route.fulfill(json={
        "graphqlUrl": "/graphql", "auth": {"mode": "cognito", **pools}}))

    def authorize(route):
        query = {k: v[0] for k, v in parse_qs(urlparse(route.request.url).query).items()}
        seen.update(query)
        back = f"{query['redirect_uri']}?code=the-code&state={query['state']}"
        # sent back by a page, not a 302: Playwright routes no request of a redirect chain after the first,
        # and the app's answer below must be routed (it carries the deployed policy)
        route.fulfill(status=200, content_type="text/html",
                      body=f'<meta http-equiv="refresh" content="0;url={html.escape(back)}">')

    def token(route):
        form = {k: v[0] for k, v in parse_qs(route.request.post_data).items()}
        digest = base64.urlsafe_b64encode(hashlib.sha256(form["code_verifier"].encode()).digest()).rstrip(
            b"="
        )
        ok = (digest.decode() == seen["code_challenge"] and form["code"] == "the-code"
              and form["grant_type"] == "authorization_code" and form["redirect_uri"] == seen["redirect_uri"]
              and form["client_id"] == pool["clientId"])
        route.fulfill(
            status=200 if ok else 400,
            headers={"access-control-allow-origin": "*"},
            json={"id_token": demo_token(role), "token_type": "Bearer"}
            if ok
            else {"error": "invalid_grant"},
        )

    page.route(f"https://{pool['domain']}/oauth2/authorize*", authorize)
    page.route(f"https://{pool['domain']}/oauth2/token", token)

    def deployed_policy(route):  # CloudFront names both Hosted UIs (template.yaml, WebSecurityHeaders)
        response = route.fetch()
        policy = content_security_policy(connect=[f"https://{p['domain']}" for p in pools.values()])
        route.fulfill(response=response, headers={**response.headers, "content-security-policy": policy})

    page.route(re.compile(rf".*/{app}/(\?.*)?$"), deployed_policy)
    page.goto(f"{stack.url}/{app}/{start}")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name=home).wait_for()
    assert urlparse(page.url).fragment == start.removeprefix("#") or not start
    assert seen["code_challenge_method"] == "S256" and seen["response_type"] == "code"
    assert seen["client_id"] == pool["clientId"] and seen["redirect_uri"] == f"{stack.url}/{app}/"
    assert "code=" not in page.url  # the code leaves the address bar
