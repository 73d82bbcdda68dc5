"""The portal in the customer's language (issue 21), in Chromium on the local stack: the browser's
languages on a first visit, the switcher whose choice is kept and overrides the browser, `<html lang>`,
amounts and days by Intl, the service's refusals worded by their code, axe clean in every language.

And a pseudo-locale run: every message of the pages' catalogue replaced by a longer, accented version in
brackets (what a translation would look like, 40 % longer), through every kind of portal page at phone
width. Any text on screen that is neither such a message nor a value the API sent (an id, a title, an
address: data is not translated) is English that escaped the catalogues; any text wider than the phone
or clipped by its box is a layout a longer language would break. The staff pages stay English."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po

from returns_devstack import translations
from returns_shared.domain.languages import LANGUAGES

from .conftest import accessible, new_context, shot, sign_in

pytestmark = [pytest.mark.slow, pytest.mark.browser]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
REQUEST = """mutation($o: ID!, $key: String!, $method: ReturnMethod!, $line: ID!, $qty: Int!) {
  requestReturn(input: {orderId: $o, method: $method, conditionAttested: true, idempotencyKey: $key,
  lines: [{orderLineId: $line, quantity: $qty, reason: STYLE}]}) {
  return { id status } userErrors { message } } }"""
TRACK = """mutation($id: ID!, $number: String!) {
  submitReturnTracking(id: $id, carrier: "USPS", trackingNumber: $number) { userErrors { message } } }"""
RECEIVE = "mutation($id: ID!) { receiveReturn(id: $id) { userErrors { message } } }"
INSPECT = """mutation($id: ID!) { inspectReturn(id: $id, lines: [{orderLineId: "L1", condition: NEW_WITH_TAGS,
  note: "Tags on, folded"}]) { userErrors { message } } }"""
REFUND = "mutation($id: ID!) { issueRefund(id: $id) { userErrors { message } } }"
CANCEL = "mutation($id: ID!) { cancelReturn(id: $id) { userErrors { message } } }"
OSAKA = {"name": "山田 花子", "line1": "北区梅田3-1-1", "city": "大阪市", "region": "大阪府",
         "postalCode": "530-0001", "countryCode": "JP", "phone": "+81 6 1234 5678"}


def request(stack: Any, order_id: str, *, key: str, line: str = "L1", quantity: int = 1,
            method: str = "SELF_SHIP", email: str | None = None) -> str:
    variables = {"o": order_id, "key": key, "method": method, "line": line, "qty": quantity}
    answer = stack.gql(REQUEST, variables, role="customer", email=email)["requestReturn"]
    assert answer["userErrors"] == [], answer
    return str(answer["return"]["id"])


def act(stack: Any, document: str, return_id: str, *, role: str, email: str | None = None,
        **extra: Any) -> None:
    answer = stack.gql(document, {"id": return_id, **extra}, role=role, email=email)
    assert next(iter(answer.values()))["userErrors"] == [], answer


def sign_in_as(page: Any, stack: Any, email: str) -> None:
    """The local sign-in in whatever language the page speaks (by the form's names, not its words)."""
    page.goto(f"{stack.url}/portal/")
    page.locator("select[name=user] option").first.wait_for(state="attached")
    page.locator("input[name=email]").fill(email)
    page.locator("form button[type=submit]").click()
    page.locator("#who button").wait_for()


def language_of(page: Any) -> str:
    return str(page.evaluate("document.documentElement.lang"))


# -- the pseudo-locale -------------------------------------------------------------------------
ACCENTED = str.maketrans("aAcCeEiInNoOuUyYsStTrRlL", "áÅçÇéÉîÎñÑöÖüÜýÝšŠţŢŕŘľĽ")
# kept as translators keep them: placeholders, clause ids (COND-NEW), names in capitals (USPS, RMA)
KEPT = re.compile(r"(\{\w+\}|\b[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+\b|\b[A-Z]{2,}\b)")


def pseudo(text: str) -> str:
    """`⟦Ţĥé ţéxţ {x} ŀöŕéɱ⟧`: accented, 40 % longer in words that wrap as words do."""
    body = "".join(part if KEPT.fullmatch(part) else part.translate(ACCENTED) for part in KEPT.split(text))
    padding = " ".join(["ŀöŕéɱ"] * max(1, round(len(text) * 0.4 / 6)))
    return f"⟦{body} {padding}⟧"


def pseudo_catalogue() -> str:
    with translations.template("web").open("rb") as source:
        template = read_po(source)
    messages: dict[str, Any] = {}
    for message in template:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            messages[message.id[0]] = {"other": pseudo(message.id[1])}  # Japanese's one form, as served here
        else:
            messages[message.id] = pseudo(message.id)
    return json.dumps({"language": "ja", "messages": messages})


CHECKS = (Path(__file__).parent / "pseudo_checks.js").read_text(encoding="utf-8")


def readable_in_pseudo(page: Any, where: str) -> None:
    page.wait_for_load_state("networkidle")
    english = page.evaluate(f"() => {{ {CHECKS}; return untranslated(); }}")
    assert english == [], f"{where}: English outside the catalogues"
    too_wide = page.evaluate(f"() => {{ {CHECKS}; return overflowing(); }}")
    assert too_wide == [], f"{where}: too wide for a phone"


def test_a_longer_language_leaves_no_english_and_fits_a_phone_on_every_portal_page(browser, stack):
    email = "pseudo@example.com"
    orders = stack.copy_demo_order("AK-1001", "PSEUDO-1", email=email)
    second = stack.copy_demo_order("AK-1001", "PSEUDO-2", email=email)
    older = stack.copy_demo_order("AK-1003", "PSEUDO-3", email=email)
    shipping = request(stack, orders, key="pseudo-self", email=email)  # approved: the tracking form
    labelled = request(stack, orders, key="pseudo-label", line="L2", quantity=2, method="PREPAID_LABEL",
                       email=email)
    refunded = request(stack, second, key="pseudo-refunded", email=email)
    act(stack, TRACK, refunded, role="customer", email=email, number="9400111899223856900001")
    act(stack, RECEIVE, refunded, role="warehouse")
    act(stack, INSPECT, refunded, role="warehouse")
    act(stack, REFUND, refunded, role="agent")
    canceled = request(stack, second, key="pseudo-canceled", line="L2", email=email)
    act(stack, CANCEL, canceled, role="customer", email=email)
    reviewed = request(stack, older, key="pseudo-review", email=email)  # the coat: SCREEN-AMOUNT, a review

    context, offline = new_context(browser, locale="ja-JP", **PHONE)
    context.route("**/shared/locales/ja.json", lambda route: route.fulfill(
        body=pseudo_catalogue(), content_type="application/json"))
    context.add_init_script(f"{CHECKS}; collectApiStrings();")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"{stack.url}/portal/")
    page.locator("select[name=user] option").first.wait_for(state="attached")
    readable_in_pseudo(page, "sign-in")
    sign_in_as(page, stack, email)
    page.get_by_role("heading", name=re.compile("⟦")).first.wait_for()
    page.get_by_text("(NR-CATEGORY)").first.wait_for()  # the socks: worded by the reason's code
    readable_in_pseudo(page, "my orders")

    page.goto(f"{stack.url}/portal/#/order/{orders}/return")
    top = page.get_by_role("group", name="Knit set: top")
    top.locator("input[type=checkbox]").check()
    top.locator("select[name^=reason]").select_option("STYLE")
    page.get_by_text("(NR-SET)").nth(1).wait_for()  # the quote says why the top alone cannot go
    page.locator("#attest").check()
    page.locator("form button[type=submit]").click()
    top.locator("p.field-error").get_by_text("Knit set: skirt").wait_for()  # INELIGIBLE, beside the item
    readable_in_pseudo(page, "a request refused")

    page.goto(f"{stack.url}/portal/#/return/{shipping}")
    page.locator("input[name=carrier]").fill("USPS")
    page.locator("input[name=trackingNumber]").fill("12#4")
    page.locator("form.card button[type=submit]").click()
    page.locator("[id$=-error]").filter(has_text="⟦").first.wait_for()  # a malformed number, worded
    readable_in_pseudo(page, "a return to ship, its tracking refused")

    for return_id, what in [(labelled, "a prepaid label"), (refunded, "a refunded return"),
                            (canceled, "a canceled return"), (reviewed, "a return under review")]:
        page.goto(f"{stack.url}/portal/#/return/{return_id}")
        page.get_by_role("heading", level=1).filter(has_text=return_id).wait_for()
        for folded in page.locator("details summary").all():
            folded.click()  # how the refund was worked out: its clauses explained too
        readable_in_pseudo(page, what)

    page.goto(f"{stack.url}/portal/#/policy")
    page.locator("ol.policy li").first.wait_for()
    readable_in_pseudo(page, "the policy in English")
    context.close()
    assert offline.refused == [] and errors == []


# -- real languages ------------------------------------------------------------------------------
def test_the_browsers_language_first_then_the_customers_choice_kept_across_reloads(browser, stack):
    context, offline = new_context(browser, locale="de-DE")
    page = context.new_page()
    page.goto(f"{stack.url}/portal/")
    page.get_by_role("heading", name="Anmelden (lokaler Stack)").wait_for()  # the browser's language
    assert language_of(page) == "de" and page.title() == "Allegra K · Rücksendungen"
    sign_in_as(page, stack, "jane.doe@example.com")
    page.get_by_role("heading", name="Meine Bestellungen").wait_for()
    placed = page.get_by_text(re.compile(r"^Bestellt am \d{2}\.\d{2}\.\d{4}$")).first  # CLDR's medium date
    placed.wait_for()
    # a reason the API words in English, worded by its code
    page.get_by_text("Artikel dieser Art können nicht zurückgesendet werden.").first.wait_for()
    assert page.get_by_role("button", name="Abmelden").is_visible()

    page.get_by_label("Sprache").select_option("ja")
    page.get_by_role("heading", name="ご注文一覧").wait_for()
    assert language_of(page) == "ja" and page.title() == "Allegra K · 返品"
    assert page.evaluate("document.activeElement.id") == "language"  # the reader stays on the switcher
    assert page.get_by_text("$45.00").first.is_visible()  # Japanese writes dollars as the emails do

    page.reload()
    page.get_by_role("heading", name="ご注文一覧").wait_for()  # the choice overrides the browser's German
    assert language_of(page) == "ja" and page.get_by_label("言語").input_value() == "ja"
    page.get_by_label("言語").select_option("en")
    page.get_by_role("heading", name="My orders").wait_for()
    assert language_of(page) == "en"
    context.close()
    assert offline.refused == []


def test_staff_pages_stay_english_whatever_the_customer_chose(browser, stack):
    context, offline = new_context(browser, locale="fr-FR")
    page = context.new_page()
    page.add_init_script("localStorage.setItem('returns.language', 'ja')")
    sign_in(page, stack, "console")
    page.get_by_role("heading", name="Review queue").wait_for()
    assert language_of(page) == "en" and page.locator("#language").count() == 0
    context.close()
    assert offline.refused == []


def test_every_language_reads_a_return_the_same_way_and_passes_axe(page, stack):
    """A Japanese customer's order (ja-JP, shipped to Osaka): its return page in each language, by the
    switcher: the binding note once with its link to the English policy, amounts by Intl, axe clean. The
    Japanese page is the README's screenshot."""
    titles = ["サテン ラップワンピース", "ダブルブレストジャケット", "アンクルソックス（3足組）",
              "ニットセット：トップス", "ニットセット：スカート", "ノベルティ スカーフ"]
    lines = [{**line, "title": title} for line, title in zip(_demo_lines(), titles, strict=True)]
    order = stack.copy_demo_order("AK-1001", "AK-OSAKA", shippingAddress=OSAKA, billingAddress=OSAKA,
                                  locale="ja-JP", email="hanako@example.jp", lines=lines)
    return_id = request(stack, order, key="osaka-1", line="L2", quantity=2, email="hanako@example.jp")
    page.set_viewport_size({"width": 1000, "height": 1300})
    sign_in_as(page, stack, "hanako@example.jp")
    page.goto(f"{stack.url}/portal/#/return/{return_id}")
    heading = {"en": "Return", "fr": "Retour", "de": "Rücksendung", "es": "Devolución", "it": "Reso",
               "ja": "返品"}
    for language in [*LANGUAGES[1:], "en"]:
        page.locator("#language").select_option(language)
        page.get_by_role("heading", level=1, name=re.compile(f"^{heading[language]} {return_id}")).wait_for()
        assert language_of(page) == language
        note = page.locator("p.binding")  # said once, with the English text a click away; English needs none
        assert note.count() == (0 if language == "en" else 1)
        if language != "en":
            assert note.get_by_role("link").get_attribute("href") == "#/policy"
        page.locator("details summary").first.click()  # how the refund was worked out: the clauses explained
        accessible(page)
        if language == "ja":
            # dollars as the Japanese emails write them
            assert "（$40.00 + 税 $3.20）× 2 = $86.40" in page.inner_text("main")
            shot(page, "portal-ja-return")


def _demo_lines() -> list[dict[str, Any]]:
    from returns_devstack.seed import demo_orders
    from returns_shared.service.dependencies import utc_now

    [order] = [order for order in demo_orders(utc_now()) if order["id"] == "AK-1001"]
    return list(order["lines"])
