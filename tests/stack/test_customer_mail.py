"""Customer service by email on the stack (issue 17): mail received through the local stand-in for SES
(`POST /_local/mail/inbound`, the mail function's own handler), the conversation read and written
through GraphQL, agents' replies read back from the local mailbox."""

from __future__ import annotations

import asyncio
import json
from email.message import EmailMessage
from pathlib import Path

import httpx
import pytest

from returns_devstack import mail_inbound
from returns_devstack.local_routes import local_app
from returns_devstack.mailbox_page import mail_json

from .lifecycle_helpers import ok
from .support import address, line, order_input

EVENTS = Path(__file__).resolve().parents[2] / "events"
OWNER, STRANGER = "pat@example.com", "mallory@elsewhere.example"
CONVERSATION = """query($id: ID!) { return(id: $id) { id status
  review { waitingFor since customerRepliedAt deadline }
  messages { id direction from to subject text authenticated kind sentBy returnId readable
             attachments { filename contentType size url } }
  timeline { actor note internal } } }"""
SEND = """mutation($r: ID!, $text: String!, $key: String) {
  sendMessage(returnId: $r, text: $text, idempotencyKey: $key) {
    message { id from subject text kind sentBy } userErrors { field message code } } }"""
INBOX = """query($all: Boolean) { inbox(includeHandled: $all) { edges { node {
  id from subject text readable handled authenticated returnId attachments { filename url } } } } }"""
QUEUE = "{ reviewQueue { edges { node { id review { waitingFor } } } } }"


def raw_email(*, sender: str = OWNER, subject: str = "My return", text: str = "Hello",
              in_reply_to: str | None = None, html: str | None = None) -> bytes:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, "cs@allegra-k.com", subject
    if in_reply_to:
        message["In-Reply-To"] = message["References"] = in_reply_to
    message.set_content(html, subtype="html") if html is not None else message.set_content(text)
    return message.as_bytes()


def nested_beyond_reading(*, sender: str, depth: int = 1500) -> bytes:
    """An email whose MIME parts nest deeper than the parser recurses: kept raw, listed unreadable."""
    body = "Content-Type: text/plain\n\ndeep\n"
    for level in range(depth):
        body = f'Content-Type: multipart/mixed; boundary="b{level}"\n\n--b{level}\n{body}\n--b{level}--\n'
    return f"From: {sender}\nTo: cs@allegra-k.com\nSubject: nested\nMIME-Version: 1.0\n{body}".encode()


def post(app, path: str, body: bytes, headers: dict[str, str]) -> httpx.Response:
    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as http:
            return await http.post(path, content=body, headers=headers)

    return asyncio.run(call())


@pytest.fixture
def app(stack):
    return local_app(stack)


def inbound(app, raw: bytes, **verdicts: str) -> dict:
    """POST /_local/mail/inbound, as a developer (or a test) sends a customer's email to the stack."""
    headers = {"content-type": "message/rfc822", **{f"x-local-{k}": v for k, v in verdicts.items()}}
    answer = post(app, "/_local/mail/inbound", raw, headers)
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_the_local_inbound_route_reads_at_most_what_ses_receives(app):
    too_large = post(app, "/_local/mail/inbound", b"x" * (mail_inbound.MAX_MESSAGE_BYTES + 1),
                     {"content-type": "message/rfc822"})
    assert too_large.status_code == 413


@pytest.fixture
def flagged(flow):
    """A return under review (SCREEN-ADDRESS), its screening email sent."""
    order = flow.record(order_input(line("L1"), billing=address("GB"), email=OWNER))
    ret = ok(flow.request(order))
    assert ret["status"] == "UNDER_REVIEW"
    return ret


def review_mail(mailbox, return_id: str) -> dict:
    [found] = [m for m in mail_json(mailbox()) if return_id in m["subject"] and "confirm" in m["subject"]]
    return found


def conversation(gql, tokens, return_id: str, token: str | None = None) -> dict:
    return gql(CONVERSATION, {"id": return_id}, token=token or tokens.agent)["return"]


def test_a_reply_threads_by_in_reply_to_and_the_agent_s_answer_reaches_the_mailbox_threaded(
        app, flagged, gql, tokens, mailbox):
    rid = flagged["id"]
    screening_email = review_mail(mailbox, rid)
    assert screening_email["messageId"].endswith("@email.amazonses.com>")
    reply = inbound(app, raw_email(subject=f"Re: {screening_email['subject']}", in_reply_to=screening_email[
        "messageId"], text="They are unworn, tags on.\n\nOn Monday Allegra K wrote:\n> Our checks found"))
    assert reply["returnId"] == rid and not reply["inbox"]
    seen = conversation(gql, tokens, rid)
    kinds = [(m["direction"], m["kind"]) for m in seen["messages"]]
    assert kinds == [("OUTBOUND", "review"), ("INBOUND", None)]
    assert seen["messages"][1]["text"] == "They are unworn, tags on." and seen["messages"][1]["authenticated"]
    assert seen["review"]["waitingFor"] == "AGENT" and seen["review"]["customerRepliedAt"]
    assert gql(QUEUE, token=tokens.agent)["reviewQueue"]["edges"][0]["node"]["id"] == rid

    click = {"r": rid, "text": "Thank you, approved shortly.", "key": "a1"}
    answer, again = gql(SEND, click, token=tokens.agent), gql(SEND, click, token=tokens.agent)
    message = answer["sendMessage"]["message"]
    assert answer["sendMessage"]["userErrors"] == []
    assert again["sendMessage"]["message"]["id"] == message["id"]
    assert message["from"] == "cs@allegra-k.com" and message["sentBy"] == "agent:agent@allegra-k.com"
    [sent] = [m for m in mail_json(mailbox()) if m["from"] == "cs@allegra-k.com"]  # one email: one click
    [customer_reply] = [m for m in conversation(gql, tokens, rid)["messages"] if m["direction"] == "INBOUND"]
    assert sent["to"] == [OWNER] and rid in sent["subject"] and sent["inReplyTo"]
    assert conversation(gql, tokens, rid)["review"]["waitingFor"] == "CUSTOMER"
    # ... and the customer's answer to the agent threads back onto the return through the mailbox's form
    form = (f"customer={OWNER}&subject={sent['subject']}&inReplyTo={sent['messageId']}&text=Great%2C+thanks"
            ).replace("<", "%3C").replace(">", "%3E").replace("@", "%40").replace(" ", "+")
    answer = post(app, "/_local/mail/inbound", form.encode(), {
        "content-type": "application/x-www-form-urlencoded", "origin": "http://127.0.0.1:8000",
        "sec-fetch-site": "same-origin"})
    assert answer.status_code == 303 and answer.headers["location"] == "/_local/mail"
    last = conversation(gql, tokens, rid)["messages"][-1]
    assert (last["direction"], last["text"], last["from"]) == ("INBOUND", "Great, thanks", OWNER)
    assert customer_reply["id"] != last["id"]


def test_an_owner_s_email_threads_by_rma_and_a_stranger_s_never_joins(app, flagged, gql, tokens):
    rid = flagged["id"]
    owner = inbound(app, raw_email(subject=f"About {rid}", text="Here is the photo."))
    stranger = inbound(app, raw_email(sender=STRANGER, subject=f"Re: {rid}", text=f"{rid} belongs to me"))
    assert owner["returnId"] == rid
    assert stranger["returnId"] is None and stranger["inbox"]
    texts = [m["text"] for m in conversation(gql, tokens, rid)["messages"]]
    assert "Here is the photo." in texts and f"{rid} belongs to me" not in texts
    [listed] = gql(INBOX, token=tokens.agent)["inbox"]["edges"]
    assert (listed["node"]["from"], listed["node"]["returnId"]) == (STRANGER, None)
    refused = gql("""mutation($m: ID!, $r: ID!) { attachMessage(messageId: $m, returnId: $r) {
        message { id } userErrors { field code message } } }""", {"m": stranger["messageId"], "r": rid},
                  token=tokens.agent)["attachMessage"]
    assert refused["message"] is None and refused["userErrors"][0]["field"] == ["returnId"]


def test_spf_and_dkim_failure_is_marked_and_the_message_kept(app, flagged, gql, tokens):
    rid = flagged["id"]
    inbound(app, raw_email(subject=rid, text="unverified"), spf="FAIL", dkim="FAIL")
    [message] = [m for m in conversation(gql, tokens, rid)["messages"] if m["text"] == "unverified"]
    assert message["authenticated"] is False
    assert post(app, "/_local/mail/inbound", raw_email(), {"x-local-spf": "MAYBE"}).status_code == 400


def test_html_only_mail_is_text_and_an_unparseable_message_is_kept_raw(app, gql, tokens):
    html = inbound(app, raw_email(html="<p>Where is my <b>refund</b>?</p><img src=x onerror=alert(1)>"))
    unreadable = inbound(app, nested_beyond_reading(sender=OWNER))
    nodes = {e["node"]["id"]: e["node"] for e in gql(INBOX, token=tokens.agent)["inbox"]["edges"]}
    assert nodes[html["messageId"]]["text"] == "Where is my refund?"
    kept = nodes[unreadable["messageId"]]
    assert kept["readable"] is False and kept["from"] == OWNER and "could not be read" in kept["text"]


def test_a_redelivered_ses_event_stores_one_message(stack, gql, tokens):
    """The real SES event file, twice, against the raw message SES's S3 action stored."""
    event = json.loads((EVENTS / "mail/ses_receipt.json").read_text())
    ses_id = event["Records"][0]["ses"]["mail"]["messageId"]
    stack.deps.mail_store.put_raw(f"inbound/{ses_id}", (EVENTS / "mail/inbound_reply.eml").read_bytes())
    first = stack.runtime.invoke("MailFunction", event)["received"][0]
    again = stack.runtime.invoke("MailFunction", event)["received"][0]
    assert again == {**first, "duplicate": True}
    edges = gql(INBOX, {"all": True}, token=tokens.agent)["inbox"]["edges"]
    assert [e["node"]["id"] for e in edges] == [first["messageId"]]
    node = edges[0]["node"]
    assert node["text"].startswith("Yes, I am returning the coat")
    assert "Thank you for your" not in node["text"]  # the quoted history is trimmed
    [photo] = node["attachments"]
    assert photo["filename"] == "coat-tags.png" and photo["url"]  # staff: a short-lived link


def test_the_customer_reads_their_conversation_without_internal_notes_or_agents_addresses(
        app, flagged, gql, tokens, mailbox):
    rid = flagged["id"]
    inbound(app, raw_email(subject=rid, text="Photo attached"))
    gql(SEND, {"r": rid, "text": "Received, thank you.", "key": "n1"}, token=tokens.agent)
    note = gql("""mutation($r: ID!) { addInternalNote(returnId: $r, text: "Looks genuine") {
        return { timeline { note internal } } userErrors { code } } }""", {"r": rid}, token=tokens.agent)
    assert note["addInternalNote"]["return"]["timeline"][-1] == {"note": "Looks genuine", "internal": True}
    mine = conversation(gql, tokens, rid, token=tokens.customer(OWNER))
    assert [m["direction"] for m in mine["messages"]] == ["OUTBOUND", "INBOUND", "OUTBOUND"]
    assert mine["messages"][-1]["sentBy"] == "customer service"
    assert "Looks genuine" not in json.dumps(mine)
    assert gql(CONVERSATION, {"id": rid}, token=tokens.customer(STRANGER))["return"] is None


def test_the_customer_never_reads_mail_the_service_cannot_vouch_is_theirs(app, flagged, gql, tokens, mailbox):
    """A stranger's reply in the thread (its In-Reply-To copied from a forwarded email) and mail From the
    owner's address that failed SPF and DKIM join the conversation for agents, marked unauthenticated;
    the customer's portal shows neither (it would show a forger's words, links included, as theirs)."""
    rid = flagged["id"]
    screening_email = review_mail(mailbox, rid)
    inbound(app, raw_email(sender=STRANGER, in_reply_to=screening_email["messageId"],
                           text="Pay the restocking fee at http://evil.example"))
    inbound(app, raw_email(subject=rid, text="Forged as the owner"), spf="FAIL", dkim="FAIL")
    inbound(app, raw_email(subject=rid, text="Really the owner"))
    staff = {m["text"]: m["authenticated"] for m in conversation(gql, tokens, rid)["messages"]
             if m["direction"] == "INBOUND"}
    assert staff == {"Pay the restocking fee at http://evil.example": False, "Forged as the owner": False,
                     "Really the owner": True}
    mine = conversation(gql, tokens, rid, token=tokens.customer(OWNER))["messages"]
    assert [m["text"] for m in mine if m["direction"] == "INBOUND"] == ["Really the owner"]


def test_an_email_with_thousands_of_recipients_is_kept(app, flagged, gql, tokens):
    """Kept bounded (the raw message keeps all): else DynamoDB refuses the item at every retry."""
    many = ", ".join(f"user{i}@example.com" for i in range(20_000)).encode()
    kept = inbound(app, raw_email(subject=flagged["id"], text="Cc'd everyone").replace(
        b"To: cs@allegra-k.com", b"To: " + many))
    assert kept["returnId"] == flagged["id"]
    messages = conversation(gql, tokens, flagged["id"])["messages"]
    [message] = [m for m in messages if m["text"] == "Cc'd everyone"]
    assert len(message["to"]) == 50


def test_bad_replies_are_refused_and_send_nothing(flagged, gql, tokens, mailbox):
    before = len(mailbox())
    for text, field in (("  ", ["text"]), ("x" * 5001, ["text"]), ("nul \x00", ["text"])):
        answer = gql(SEND, {"r": flagged["id"], "text": text, "key": None}, token=tokens.agent)["sendMessage"]
        assert answer["message"] is None and [e["field"] for e in answer["userErrors"]] == [field], text
        assert answer["userErrors"][0]["code"] == "INVALID_INPUT"
    assert len(mailbox()) == before


def test_an_agent_starts_a_return_from_an_inbox_email_and_the_customer_sees_it(app, flow, gql, tokens):
    order = flow.record(order_input(line("L1"), email=OWNER))
    mail = inbound(app, raw_email(subject="Return please", text="The dress is too small. Unworn, tags on."))
    customer = gql("""query($e: String!) { customer(email: $e) { email name
        orders { edges { node { id returnability { eligible } } } }
        messages { edges { node { id } } } } }""", {"e": OWNER.upper()}, token=tokens.agent)["customer"]
    assert [e["node"]["id"] for e in customer["orders"]["edges"]] == [order["id"]]
    assert [e["node"]["id"] for e in customer["messages"]["edges"]] == [mail["messageId"]]
    started = gql("""mutation($input: RequestReturnInput!) { requestReturn(input: $input) {
        return { id timeline { note } } userErrors { field code } } }""", {"input": {
        "orderId": order["id"], "method": "SELF_SHIP", "conditionAttested": True, "idempotencyKey": "cs-1",
        "sourceMessageId": mail["messageId"],
        "lines": [{"orderLineId": "L1", "quantity": 1, "reason": "SIZE_TOO_SMALL"}]}},
        token=tokens.agent)["requestReturn"]
    assert started["userErrors"] == []
    assert "on the customer's behalf; condition attested by email" in started["return"]["timeline"][0]["note"]
    rid = started["return"]["id"]
    mine = conversation(gql, tokens, rid, token=tokens.customer(OWNER))
    assert [m["text"] for m in mine["messages"]][0] == "The dress is too small. Unworn, tags on."
    assert gql(INBOX, token=tokens.agent)["inbox"]["edges"] == []  # handled
    assert gql("""query($e: String!) { customer(email: $e) { email } }""", {"e": "nobody@example.com"},
               token=tokens.agent)["customer"] is None


def test_the_send_message_command_event(flagged, stack, mailbox):
    """events/mail/command_send_message.json (what the gateway invokes the mail function with), twice."""
    event = json.loads((EVENTS / "mail/command_send_message.json").read_text().replace(
        "RMA-EXAMPLE001", flagged["id"]))
    first = stack.runtime.invoke("MailFunction", event)
    assert first["userErrors"] == [] and first["returnId"] == flagged["id"]
    assert stack.runtime.invoke("MailFunction", event) == first  # the same key: the same message
    assert len([m for m in mailbox() if m["from"] == "cs@allegra-k.com"]) == 1


def test_the_reply_form_is_taken_only_from_the_mailbox_page_itself(app, flagged):
    form = b"customer=pat%40example.com&subject=Hi&inReplyTo=&text=hello"
    urlencoded = {"content-type": "application/x-www-form-urlencoded"}
    same_origin = {"origin": "http://127.0.0.1:8000", "sec-fetch-site": "same-origin"}
    assert post(app, "/_local/mail/inbound", form, urlencoded).status_code == 403  # no browser vouched
    assert post(app, "/_local/mail/inbound", form, {**urlencoded, **same_origin,
                                                    "sec-fetch-site": "cross-site"}).status_code == 403
    assert post(app, "/_local/jobs/resend-emails", form, {**urlencoded, **same_origin}).status_code == 403
    assert post(app, "/_local/mail/inbound", form, {**urlencoded, **same_origin}).status_code == 303
    page = asyncio.run(_get_page(app))  # the screening email, with its reply form
    assert "Reply as the customer (pat@example.com)" in page and 'action="/_local/mail/inbound"' in page
    assert '@email.amazonses.com&gt;"' in page  # the In-Reply-To it answers
    assert "<script" not in page  # a plain form: the page runs no script (CSP)


async def _get_page(app) -> str:
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as http:
        return (await http.get("/_local/mail", headers={"accept": "text/html"})).text


def test_aws_calls_to_receive_a_reply_and_to_answer_it(app, flagged, stack, gql, tokens, mailbox):
    """Received: 1 consistent read (seen before?), the raw message, the threading lookups (the sent
    email's pointer, its return, the order for `authenticated`) and ONE write. Answered: the return and
    order, the claim, the thread, SES, the record; the gateway reads the message back."""
    from returns_devstack.bench_calls import counting_aws_calls

    screening_email = review_mail(mailbox, flagged["id"])
    raw = raw_email(subject="Re: x", in_reply_to=screening_email["messageId"], text="Unworn.")
    stack.deps.mail_store.put_raw("inbound/calls-1", raw)
    event = json.loads((EVENTS / "mail/ses_receipt.json").read_text().replace(
        "o3vrnil0e2ic28trm7dfhrc2v0clambda4nbp0g1", "calls-1"))
    with counting_aws_calls() as received:
        assert stack.runtime.invoke("MailFunction", event)["received"][0]["returnId"] == flagged["id"]
    assert received == {"dynamodb.GetItem": 3, "s3.GetObject": 1, "dynamodb.BatchGetItem": 1,
                        "dynamodb.TransactWriteItems": 1}, received
    with counting_aws_calls() as answered:
        gql(SEND, {"r": flagged["id"], "text": "Thanks", "key": "calls"}, token=tokens.agent)
    writes = answered["dynamodb.PutItem"] + answered["dynamodb.TransactWriteItems"]
    assert answered["sesv2.SendEmail"] == 1 and answered["dynamodb.Query"] == 1 and writes == 3, answered
    assert sum(answered[read] for read in ("dynamodb.GetItem", "dynamodb.BatchGetItem")) <= 6, answered
