"""Browser tests: `make dev`'s server on free ports, driven by Playwright in the system Chromium (Debian's
`chromium`; Playwright's own browser download needs the internet). Every request a page makes beyond
loopback is refused and fails the test: no CDN at run time. The pages run under the server's
Content-Security-Policy, and anything it blocks fails the test too."""

from __future__ import annotations

import json
import shutil
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from returns_devstack.local_server import LocalServer
from returns_devstack.tokens import demo_token

REPO = Path(__file__).resolve().parents[2]
SHOTS = REPO / ".web-shots"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
STEP_TIMEOUT_MS = 15_000  # one page step; the whole suite stays around a minute


class Stack:
    """The running local stack: its URL and a GraphQL client for checks behind the pages' backs."""

    def __init__(self, url: str, banner: str = ""):
        self.url = url
        self.banner = banner  # what the server printed (its localstripe's address among it)

    def gql(self, query: str, variables: dict[str, Any] | None = None, *, role: str = "agent",
            email: str | None = None) -> dict[str, Any]:
        token = demo_token(role, email=email)
        request = urllib.request.Request(
            f"{self.url}/graphql", data=json.dumps({"query": query, "variables": variables or {}}).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            body = json.loads(response.read())
        assert "errors" not in body, body
        return body["data"]

    def copy_demo_order(self, demo_id: str, new_id: str, **changes: Any) -> str:
        """A fresh copy of a demo order (same lines, same customer) for a test that changes its returns;
        `changes` replace fields of the order (e.g. its shippingAddress)."""
        from returns_devstack.seed import demo_orders
        from returns_shared.service.dependencies import utc_now

        [order] = [order for order in demo_orders(utc_now()) if order["id"] == demo_id]
        answer = self.gql(
            "mutation($input: RecordOrderInput!) { recordOrder(input: $input) { userErrors { message } } }",
            {"input": {**order, **changes, "id": new_id}},
            role="integration",
        )
        assert answer["recordOrder"]["userErrors"] == []
        return new_id


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    server = LocalServer(cwd=REPO)
    try:
        yield Stack(server.url, server.banner)
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.fail("the browser tests need Chromium: `apt-get install -y chromium` (.ci/run does it)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Offline:
    """Refuses every request that leaves this machine and remembers it."""

    def __init__(self) -> None:
        self.refused: list[str] = []

    def __call__(self, route: Any) -> None:
        host = urlparse(route.request.url).hostname or ""
        if route.request.url.startswith(("data:", "blob:")) or host in {"127.0.0.1", "localhost", "::1"}:
            route.continue_()
        else:
            self.refused.append(route.request.url)
            route.abort()


def new_context(browser: Any, **options: Any) -> tuple[Any, Offline]:
    # English unless a test asks for another language (the portal follows the browser's languages)
    defaults = {"viewport": {"width": 1100, "height": 900}, "locale": "en-US"}
    context = browser.new_context(**{**defaults, **options})
    context.set_default_timeout(STEP_TIMEOUT_MS)
    offline = Offline()
    context.route("**/*", offline)
    return context, offline


def csp_violations(page: Any) -> list[str]:
    """What the Content-Security-Policy blocks on this page from now on (Chromium reports each one)."""
    blocked: list[str] = []
    page.on("console", lambda message: blocked.append(message.text)
            if "Content Security Policy" in message.text else None)
    return blocked


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context, offline = new_context(browser)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    blocked = csp_violations(page)
    yield page
    context.close()
    assert offline.refused == [], f"pages reached beyond this machine: {offline.refused}"
    assert errors == [], errors
    assert blocked == [], f"the Content-Security-Policy blocked: {blocked}"


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def accessible(page: Any) -> None:
    """axe-core (bundled by axe-playwright-python) finds no violation on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def sign_in(page: Any, stack: Stack, app: str, email: str | None = None) -> None:
    page.goto(f"{stack.url}/{app}/")
    page.get_by_role("heading", name="Sign in (local stack)").wait_for()
    page.locator("select[name=user] option").first.wait_for(state="attached")
    if email:
        page.get_by_label("Or any customer email").fill(email)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for()
