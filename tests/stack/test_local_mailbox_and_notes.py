"""Rough edges a newcomer met: the local mailbox (each recipient once, HTML emails as sandboxed HTML,
newest first a page at a time, a JSON view that survives attachments and keeps text and HTML apart),
a clause flagged twice named once, timeline instants in Z, and a refund email that never promises a
day already past."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta

import httpx

from returns_devstack.local_routes import local_app
from returns_devstack.mailbox_page import mail_page

from .lifecycle_helpers import approved, inspect_all, mails_about, ok, receive
from .support import REFUND, iso, line, order_input


def _get(app, path: str, accept: str) -> httpx.Response:
    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as http:
            return await http.get(path, headers={"accept": accept})

    return asyncio.run(call())


def test_the_mailbox_lists_each_recipient_once_renders_html_sandboxed_and_answers_json(flow, stack, mailbox):
    order = flow.record(order_input(line(), email="Pat@Example.com"))
    ret = approved(flow, order, method="PREPAID_LABEL")  # the label email carries the PDF
    [label_mail] = mails_about(mailbox, ret["id"], "label")
    assert label_mail["to"] == ["Pat@Example.com"]
    app = local_app(stack)
    answer = _get(app, "/_local/mail", "application/json")
    assert answer.status_code == 200
    [mail] = [m for m in answer.json() if ret["id"] in m["subject"] and "label" in m["subject"].lower()]
    [attachment] = mail["attachments"]
    assert attachment["contentType"] == "application/pdf" and attachment["size"] > 500
    page = _get(app, "/_local/mail", "text/html").text
    frames = re.findall(r"<iframe sandbox title=\"[^\"]*\" srcdoc=\"([^\"]*)\"", page)
    assert frames and all("&lt;" in frame and "<" not in frame for frame in frames)  # escaped into srcdoc
    assert "application/pdf" in page


def test_the_json_view_keeps_the_text_and_the_html_part_of_a_simple_email_apart(flow, stack):
    order = flow.record(order_input(line(), email="pat@example.com"))
    ret = approved(flow, order)  # self-ship: the instructions are a simple email, text and HTML
    answer = _get(local_app(stack), "/_local/mail", "application/json").json()
    [mail] = [m for m in answer if ret["id"] in m["subject"] and not m["attachments"]][:1]
    assert mail["html"].lstrip().lower().startswith(("<!doctype html", "<html"))
    assert "<" not in mail["text"] and ret["id"] in mail["text"]  # the text part, not the HTML again
    assert "body" not in mail


def _mails(count: int) -> list[dict]:
    return [{"id": f"m{n}", "to": ["pat@example.com"], "subject": f"Mail {n}", "text": None,
             "html": f"<html><body>mail {n}</body></html>", "body": "", "attachments": []}
            for n in range(1, count + 1)]


def test_the_mailbox_page_shows_the_newest_mail_a_page_at_a_time():
    mails = _mails(45)
    first = mail_page(mails)
    assert re.findall(r"<h2>(\d+)\. ", first) == [str(n) for n in range(45, 25, -1)]  # newest first, 20
    assert first.count("<iframe") == 20 and 'href="/_local/mail?before=26">Older mail' in first
    assert "Newer mail" not in first
    second = mail_page(mails, before="26")
    assert re.findall(r"<h2>(\d+)\. ", second) == [str(n) for n in range(25, 5, -1)]
    assert 'before=46">Newer mail' in second and 'before=6">Older mail' in second
    last = mail_page(mails, before="6")
    assert re.findall(r"<h2>(\d+)\. ", last) == ["5", "4", "3", "2", "1"] and "Older mail" not in last
    mails += _mails(50)[45:]  # new mail arrives: an older page still shows the same mails
    assert re.findall(r"<h2>(\d+)\. ", mail_page(mails, before="26")) == [str(n) for n in range(25, 5, -1)]
    assert mail_page(mails, before="junk") == mail_page(mails)
    assert "No mail sent yet" in mail_page([])


def test_the_mailbox_page_names_an_inline_icon_so_the_browser_asks_for_no_favicon():
    """The server has no /favicon.ico: without an icon of its own the page logged a 404 in the console."""
    icons = re.findall(r'<link rel="icon" href="([^"]*)">', mail_page(_mails(1)))
    assert icons == ["data:,"]  # img-src of MAILBOX_POLICY allows data:


def test_a_clause_flagged_twice_is_named_once_in_the_timeline_and_the_email(flow, stack, mailbox):
    # 620.00 is over the threshold AND far above the customer's earlier returns: two SCREEN-AMOUNT flags
    order = flow.record(
        order_input(
            line("L1", price="40.00"),
            line("L2", price="620.00", category="OUTERWEAR"),
            email="pat@example.com",
        )
    )
    ok(flow.request(order, [{"orderLineId": "L1", "quantity": 1, "reason": "STYLE"}]))
    flagged = ok(flow.request(order, [{"orderLineId": "L2", "quantity": 1, "reason": "STYLE"}]))
    assert flagged["status"] == "UNDER_REVIEW"
    assert [f["clause"]["id"] for f in flagged["screening"]["flags"]] == ["SCREEN-AMOUNT", "SCREEN-AMOUNT"]
    # staff read the service's note; the customer's timeline keeps the service's own notes back
    assert "flagged: SCREEN-AMOUNT" in [event["note"] for event in flow.get(flagged["id"])["timeline"]]
    assert not any(event["note"] for event in flagged["timeline"] if event["status"] == "UNDER_REVIEW")
    [mail] = mails_about(mailbox, flagged["id"], "confirm")
    findings = [text for text in mail["body"].splitlines() if "(policy clause SCREEN-AMOUNT)" in text]
    assert len(findings) == len(set(findings)) >= 1


def test_timeline_notes_write_instants_in_z_and_a_late_refund_promises_no_past_day(flow, mailbox):
    order = flow.record(order_input(line(delivered_days_ago=25), email="pat@example.com"))
    ret = approved(flow, order)
    received_at = datetime.now(UTC).replace(microsecond=0) - timedelta(days=20)
    received = receive(flow, ret["id"], iso(received_at.astimezone(UTC)))
    assert f"received at {iso(received_at)}" in [event["note"] for event in received["timeline"]]
    assert not any("+00:00" in (event["note"] or "") for event in received["timeline"])
    inspect_all(flow, ret)
    # 20 days after receipt: refundExpectedBy (receipt + 12 d) has passed. The deadline workflow, started
    # at receipt with its due time long past, may have recorded the breach before the inspection: then
    # the inspection itself refunds (pinned), and the agent's click finds it refunded already
    answer = flow.act(REFUND, flow.tokens.agent, id=ret["id"])
    refunded = answer["return"] if not answer["userErrors"] else flow.get(ret["id"])
    assert [e["code"] for e in answer["userErrors"]] in ([], ["ALREADY_REFUNDED"]), answer
    [mail] = mails_about(mailbox, ret["id"], "refund")
    promised = re.search(r"expected by (\w+ \d+, \d{4})", mail["body"])[1]
    issued = datetime.fromisoformat(refunded["refund"]["issuedAt"].replace("Z", "+00:00"))
    assert datetime.strptime(promised, "%b %d, %Y").date() >= issued.date()  # CLDR medium: Dec 11, 2026
