"""Customer service by email against in-memory ports (docs/spec/customer-service.md): received mail is
kept once and joins a conversation only by the spec's rules; agents answer once per click, attach inbox
mail to its sender's returns only, and start returns from an email; the review waits for whoever's turn
it is."""

from __future__ import annotations

import json
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest

from returns_shared.domain.vocabulary import MessageDirection, ReturnStatus, ReviewWaitingFor
from returns_shared.service import inbound_mail, screening
from returns_shared.service.inbound_mail import RAW_PREFIX

from . import builders as b
from .fakes import World

EVENT = json.loads((Path(__file__).resolve().parents[2] / "events/mail/ses_receipt.json").read_text())
STRANGER = "someone@elsewhere.example"


def codes(answer: dict) -> list[str]:
    return [error["code"] for error in answer["userErrors"]]


def email(*, sender: str = b.ALICE, subject: str = "About my return", text: str = "Hello",
          in_reply_to: str | None = None, html: str | None = None,
          attachments: tuple[tuple[str, str, bytes], ...] = ()) -> bytes:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, "cs@allegra-k.com", subject
    message["Message-ID"] = f"<{abs(hash((sender, subject, text)))}@mail.example>"
    if in_reply_to:
        message["In-Reply-To"] = message["References"] = in_reply_to
    if html is not None:
        message.set_content(html, subtype="html")
    else:
        message.set_content(text)
    for name, kind, content in attachments:
        maintype, _, subtype = kind.partition("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()


def receive(world: World, raw: bytes, *, ses_id: str = "ses-1", **verdicts: str) -> dict:
    """What SES does: store the raw message, then invoke the function with its receipt."""
    world.mail_store.put_raw(RAW_PREFIX + ses_id, raw)
    record = json.loads(json.dumps(EVENT["Records"][0]))
    record["ses"]["mail"]["messageId"] = ses_id
    record["ses"]["receipt"]["timestamp"] = world.clock().isoformat()  # received now
    for name, status in verdicts.items():
        if name == "source":  # the envelope sender (MAIL FROM), what SPF checked
            record["ses"]["mail"]["source"] = status
        else:
            record["ses"]["receipt"][f"{name}Verdict"] = {"status": status}
    return inbound_mail.receive_ses_record(record, world.deps)


@pytest.fixture
def flagged() -> tuple[World, str]:
    """A return under review: the screening email went out (recorded on its conversation)."""
    world = World()
    order = world.table.put_order(b.order(billing=b.address("GB", "SW1A 1AA")))
    rid = world.command("requestReturn", b.customer(), b.request_input(order.id))["returnId"]
    assert screening.screen_return(rid, world.deps) == "REVIEW"
    return world, rid


def review_email_id(world: World, rid: str) -> str:
    [sent] = [m for m in world.repo.conversation(rid) if m.kind == "review"]
    assert sent.message_id_header == f"<{sent.ses_message_id}@email.amazonses.com>"
    return sent.message_id_header


# -- received mail ----------------------------------------------------------------------------------
def test_a_reply_to_the_screening_email_joins_its_return_and_hands_the_review_to_an_agent(flagged):
    world, rid = flagged
    world.clock.advance(hours=2)
    answer = receive(world, email(text="They are unworn.\n\nOn Mon, X wrote:\n> details?",
                                  in_reply_to=review_email_id(world, rid)))
    assert (answer["returnId"], answer["inbox"]) == (rid, False)
    inbound = world.repo.get_message(answer["messageId"])
    assert inbound.text == "They are unworn." and inbound.authenticated
    wait = world.stored(rid).review_wait
    assert (wait.waiting_for, wait.customer_replied_at) == (ReviewWaitingFor.AGENT, inbound.at)
    assert [m.direction for m in world.repo.conversation(rid)] == [MessageDirection.OUTBOUND,
                                                                  MessageDirection.INBOUND]


def test_an_owner_naming_the_rma_joins_a_stranger_naming_it_never_does(flagged):
    world, rid = flagged
    owner = receive(world, email(subject=f"Question about {rid.lower()}"), ses_id="ses-owner")
    stranger = receive(world, email(sender=STRANGER, subject=f"Re: {rid}", text=f"{rid} is mine"),
                       ses_id="ses-stranger")
    assert owner["returnId"] == rid
    assert stranger["returnId"] is None and stranger["inbox"]
    assert [m.id for m in world.repo.inbox(first=10, after=None).items] == [stranger["messageId"]]
    attach = {"messageId": stranger["messageId"], "returnId": rid}
    refused = world.command("attachMessage", b.AGENT, attach)
    assert codes(refused) == ["INVALID_INPUT"]
    assert world.repo.get_message(stranger["messageId"]).return_id is None


def test_spf_and_dkim_failures_keep_the_message_and_mark_it(flagged):
    world, rid = flagged
    answer = receive(world, email(subject=rid), spf="FAIL", dkim="FAIL")
    message = world.repo.get_message(answer["messageId"])
    assert message.return_id == rid and not message.authenticated
    assert message.verdicts["spf"] == message.verdicts["dkim"] == "FAIL"
    signature = b"DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=s1; b=abc\n"
    signed = signature + email(subject=rid, text="again")
    assert receive(world, signed, ses_id="ses-2", spf="FAIL")["returnId"] == rid
    assert world.repo.get_message("MSG-IN-ses-2").authenticated  # DKIM alone vouches (d= the From's domain)


def test_html_only_mail_is_kept_as_text_and_an_unreadable_one_raw(flagged):
    world, _ = flagged
    html = receive(world, email(html="<html><body><p>Hi <b>there</b></p><script>x()</script></body></html>"))
    assert world.repo.get_message(html["messageId"]).text == "Hi there"
    broken = email().replace(f"From: {b.ALICE}".encode(), b"From: Alice, without an address")
    unreadable = receive(world, broken, ses_id="ses-broken")
    kept = world.repo.get_message(unreadable["messageId"])
    assert (kept.readable, kept.in_inbox, kept.from_address) == (False, True, "jane.doe@example.com")
    assert kept.raw_key == RAW_PREFIX + "ses-broken" and "could not be read" in kept.text


def test_a_redelivered_receipt_keeps_one_message_and_changes_nothing_more(flagged):
    world, rid = flagged
    raw = email(subject=rid)
    first = receive(world, raw)
    version = world.stored(rid).version
    again = receive(world, raw)
    assert again == {**first, "duplicate": True}
    assert len([m for m in world.table.messages.values() if m.direction == MessageDirection.INBOUND]) == 1
    assert world.stored(rid).version == version


def test_attachments_are_kept_unless_the_virus_verdict_is_not_pass(flagged):
    world, rid = flagged
    photo = ("tags.png", "image/png", b"\x89PNG-bytes")
    kept = world.repo.get_message(receive(world, email(subject=rid, attachments=(photo,)))["messageId"])
    [attachment] = kept.attachments
    assert attachment.viewable and world.mail_store.objects[attachment.object_key] == b"\x89PNG-bytes"
    dropped = receive(world, email(subject=rid, text="x", attachments=(photo,)), ses_id="ses-v", virus="FAIL")
    message = world.repo.get_message(dropped["messageId"])
    assert message.text == "x" and message.attachments[0].object_key is None
    assert "FAIL" in message.attachments_dropped


def test_a_raw_message_that_cannot_be_read_from_the_bucket_fails_the_invocation_for_a_retry(flagged):
    world, _ = flagged
    world.mail_store.down = True
    with pytest.raises(Exception, match="S3 is down"):
        receive(world, email())
    assert not [m for m in world.table.messages.values() if m.direction == MessageDirection.INBOUND]


# -- agents' replies --------------------------------------------------------------------------------
def test_an_agent_answers_in_the_customer_s_thread_once_per_click(flagged):
    world, rid = flagged
    customer_mail = receive(world, email(in_reply_to=review_email_id(world, rid)))
    inbound = world.repo.get_message(customer_mail["messageId"])
    world.clock.advance(minutes=10)
    sent_before = len(world.mailer.sent)
    click = {"returnId": rid, "text": "Thanks!", "idempotencyKey": "c1"}
    first, second = world.command("sendMessage", b.AGENT, click), world.command("sendMessage", b.AGENT, click)
    assert first == second and first["userErrors"] == []
    [reply] = world.mailer.sent[sent_before:]
    assert reply.sender == "cs@allegra-k.com" and reply.to == b.ALICE
    assert dict(reply.headers)["In-Reply-To"] == inbound.message_id_header
    assert rid in reply.subject and reply.subject.startswith("Re: ")
    kept = world.repo.get_message(first["messageId"])
    assert (kept.kind, kept.text, kept.delivery, kept.return_id) == ("AGENT_REPLY", "Thanks!", "SENT", rid)
    assert world.table.sent[kept.ses_message_id] == rid  # the customer's answer to it threads back
    wait = world.stored(rid).review_wait
    assert (wait.waiting_for, wait.since) == (ReviewWaitingFor.CUSTOMER, world.clock.now)
    reused = world.command("sendMessage", b.AGENT, {"returnId": rid, "text": "Other", "idempotencyKey": "c1"})
    assert codes(reused) == ["IDEMPOTENCY_KEY_REUSED"]


def test_without_a_key_the_same_words_are_one_reply_for_a_while_then_a_new_one(flagged):
    world, rid = flagged
    sent_before = len(world.mailer.sent)
    click = {"returnId": rid, "text": "Thank you!"}
    first, double = world.command("sendMessage", b.AGENT, click), world.command("sendMessage", b.AGENT, click)
    assert first == double and len(world.mailer.sent) == sent_before + 1
    world.clock.advance(minutes=9)
    assert world.command("sendMessage", b.AGENT, click) == first  # a client's retry: still that reply
    world.clock.advance(days=14)
    later = world.command("sendMessage", b.AGENT, click)
    assert later == world.command("sendMessage", b.AGENT, click)  # the repeat's double click: one email
    assert later["messageId"] != first["messageId"]
    world.clock.advance(days=14)
    third = world.command("sendMessage", b.AGENT, click)
    assert third["messageId"] not in {first["messageId"], later["messageId"]}
    assert len(world.mailer.sent) == sent_before + 3
    replies = [m for m in world.repo.conversation(rid) if m.kind == "AGENT_REPLY"]
    assert [m.text for m in replies] == ["Thank you!"] * 3


@pytest.mark.parametrize("text", ["", "   ", "x" * 5001, "bell \x07", "flip \u202e"])
def test_bad_text_is_refused_and_nothing_is_sent(flagged, text):
    world, rid = flagged
    before = len(world.mailer.sent)
    assert codes(world.command("sendMessage", b.AGENT, {"returnId": rid, "text": text})) == ["INVALID_INPUT"]
    assert len(world.mailer.sent) == before


def test_a_reply_ses_refuses_is_not_kept_and_can_be_sent_again(flagged):
    world, rid = flagged
    world.mailer.down = True
    answer = world.command("sendMessage", b.AGENT, {"returnId": rid, "text": "Hi", "idempotencyKey": "k"})
    assert codes(answer) == ["EMAIL_NOT_SENT"]
    assert not [m for m in world.repo.conversation(rid) if m.kind == "AGENT_REPLY"]
    world.mailer.down = False
    again = world.command("sendMessage", b.AGENT, {"returnId": rid, "text": "Hi", "idempotencyKey": "k"})
    assert again["userErrors"] == [] and world.repo.get_message(again["messageId"]).delivery == "SENT"


def test_a_customer_cannot_send_attach_or_note():
    world = World()
    for name, payload in (("sendMessage", {"returnId": "R", "text": "x"}),
                          ("attachMessage", {"messageId": "M", "returnId": "R"}),
                          ("markMessageHandled", {"messageId": "M"}),
                          ("addInternalNote", {"returnId": "R", "text": "x"})):
        assert codes(world.command(name, b.customer(), payload)) == ["FORBIDDEN"], name


# -- the inbox --------------------------------------------------------------------------------------
def test_inbox_mail_goes_onto_its_sender_s_return_once_and_is_handled(flagged):
    world, rid = flagged
    answer = receive(world, email(subject="No number, sorry"))
    mid = answer["messageId"]
    assert answer["inbox"] and world.repo.get_message(mid).authenticated  # SES vouched for the sender
    attached = world.command("attachMessage", b.AGENT, {"messageId": mid, "returnId": rid})
    assert attached["userErrors"] == [] and attached == world.command(
        "attachMessage", b.AGENT, {"messageId": mid, "returnId": rid})  # a second click changes nothing
    message = world.repo.get_message(mid)
    assert (message.return_id, message.handled, message.in_inbox) == (rid, True, True)
    assert world.repo.inbox(first=5, after=None).items == []
    assert [m.id for m in world.repo.inbox(first=5, after=None, include_handled=True).items] == [mid]
    assert world.stored(rid).review_wait.waiting_for == ReviewWaitingFor.AGENT


def test_inbox_mail_is_marked_handled_and_open_again():
    world = World()
    mid = receive(world, email(sender=STRANGER))["messageId"]
    assert world.command("markMessageHandled", b.AGENT, {"messageId": mid})["userErrors"] == []
    assert world.repo.get_message(mid).handled
    world.command("markMessageHandled", b.AGENT, {"messageId": mid, "handled": False})
    assert [m.id for m in world.repo.inbox(first=5, after=None).items] == [mid]
    assert codes(world.command("markMessageHandled", b.AGENT, {"messageId": "MSG-none"})) == ["NOT_FOUND"]


def test_an_agent_starts_a_return_from_the_customer_s_email():
    world = World()
    order = world.table.put_order(b.order())
    mid = receive(world, email(text="Please take back the dress (too small); unworn, tags on."))["messageId"]
    stranger_mail = receive(world, email(sender=STRANGER), ses_id="ses-2")["messageId"]
    request = {**b.request_input(order.id, key="from-mail"), "sourceMessageId": mid}
    answer = world.command("requestReturn", b.AGENT, request)
    assert answer["userErrors"] == []
    ret = world.stored(answer["returnId"])
    assert ret.timeline[0].note == ("requested by customer service on the customer's behalf; condition "
                                    "attested by email (2026-11-26)")
    message = world.repo.get_message(mid)
    assert (message.return_id, message.handled) == (ret.id, True)
    assert world.command("requestReturn", b.AGENT, request) == answer  # the same key: the same return
    refused = world.command("requestReturn", b.AGENT, {**b.request_input(order.id, key="other"),
                                                       "sourceMessageId": stranger_mail})
    assert codes(refused) == ["INVALID_INPUT"]
    customer = world.command("requestReturn", b.customer(), {**b.request_input(order.id, key="mine"),
                                                             "sourceMessageId": stranger_mail})
    assert codes(customer) == ["INVALID_INPUT"]


def test_internal_notes_go_on_the_timeline_marked_internal(flagged):
    world, rid = flagged
    answer = world.command("addInternalNote", b.AGENT, {"returnId": rid, "text": "Called her."})
    assert answer["userErrors"] == []
    note = world.stored(rid).timeline[-1]
    assert (note.note, note.internal, note.actor) == ("Called her.", True, "agent:agent-1")


# -- the review queue -------------------------------------------------------------------------------
def test_the_review_queue_puts_replied_returns_first_then_by_deadline():
    world = World()
    ids = []
    for n in range(3):
        order = world.table.put_order(b.order(f"O{n}", billing=b.address("GB", "SW1A 1AA")))
        rid = world.command("requestReturn", b.customer(), b.request_input(order.id, key=f"k{n}"))["returnId"]
        screening.screen_return(rid, world.deps)
        ids.append(rid)
        world.clock.advance(hours=1)
    receive(world, email(subject=ids[2]))  # the newest one's customer replied
    queue = world.repo.review_queue(first=10, after=None).items
    assert [r.id for r in queue] == [ids[2], ids[0], ids[1]]
    deadlines = [world.stored(rid).review_deadline for rid in ids]
    assert deadlines == sorted(deadlines)
    assert all(d > world.stored(ids[0]).status_changed_at for d in deadlines)
    world.command("approveReturn", b.AGENT, {"id": ids[2]})
    assert world.stored(ids[2]).review_wait is None
    assert [r.id for r in world.repo.review_queue(first=10, after=None).items] == [ids[0], ids[1]]


def test_returns_flagged_before_the_queue_existed_join_it_with_the_hourly_job(flagged):
    world, rid = flagged
    legacy = world.table.returns[rid]
    legacy.review_wait, legacy.review_deadline = None, None
    world.clock.advance(minutes=1)
    counts = screening.escalate_reviews(world.deps)
    assert counts["queued"] == 1 and world.stored(rid).review_wait.waiting_for == ReviewWaitingFor.CUSTOMER
    assert world.stored(rid).review_deadline > world.stored(rid).status_changed_at
    assert screening.escalate_reviews(world.deps)["queued"] == 0


def test_a_return_leaving_review_waits_for_nobody(flagged):
    world, rid = flagged
    world.clock.advance(days=1)
    world.command("cancelReturn", b.customer(), {"id": rid})
    ret = world.stored(rid)
    assert ret.status == ReturnStatus.CANCELED and ret.review_wait is None
    assert timedelta(0) <= world.clock.now - ret.status_changed_at


# -- hostile or unusual mail (probe3) ---------------------------------------------------------------
def test_an_unknown_charset_is_read_rather_than_lost_as_unreadable(flagged):
    """Outlook labels Thai windows-874 and Hebrew iso-8859-8-i, which Python's codecs do not know."""
    world, rid = flagged
    thai = (f"From: {b.ALICE}\r\nTo: cs@allegra-k.com\r\nSubject: {rid}\r\nMIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=windows-874\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
            ).encode() + "สวัสดี".encode("cp874")
    unknown = email(subject=rid, text="Bonjour").replace(b'charset="utf-8"', b'charset="x-no-such-charset"')
    read_thai = world.repo.get_message(receive(world, thai, ses_id="ses-thai")["messageId"])
    read_unknown = world.repo.get_message(receive(world, unknown, ses_id="ses-unknown")["messageId"])
    assert (read_thai.readable, read_thai.return_id, read_thai.text) == (True, rid, "สวัสดี")
    assert (read_unknown.readable, read_unknown.return_id, read_unknown.text) == (True, rid, "Bonjour")


def test_oversized_headers_are_kept_bounded_so_the_message_fits_its_item(flagged):
    """DynamoDB refuses an item over 400 KB and a key over 2 KB: an email with 20,000 recipients, a huge
    References header or thousands of attachments would fail every retry and wait in the DLQ unseen."""
    world, rid = flagged
    raw = email(subject=rid, attachments=tuple((f"{'f' * 180}{i}.bin", "application/octet-stream", b"x")
                                              for i in range(1500)))
    recipients = ", ".join(f"user{i}@example.com" for i in range(20_000))
    references = " ".join(f"<id{i}@mail.example.com>" for i in range(20_000))
    raw = raw.replace(b"To: cs@allegra-k.com", f"To: {recipients}\nReferences: {references}".encode())
    kept = world.repo.get_message(receive(world, raw)["messageId"])
    assert kept.return_id == rid and kept.readable
    assert len(kept.model_dump_json().encode()) < 200_000
    assert len(kept.to) <= 50 and sum(len(r) for r in kept.references) <= 4000
    assert "1500" in (kept.attachments_dropped or "")  # told how many came, though not all are listed


def test_a_sender_address_longer_than_any_address_is_kept_as_unreadable(flagged):
    world, _ = flagged
    answer = receive(world, email(sender=f"{'b' * 5000}@example.org"), ses_id="ses-long")
    kept = world.repo.get_message(answer["messageId"])
    assert (kept.readable, kept.in_inbox) == (False, True) and len(kept.from_address) <= 254


def test_spf_or_dkim_passing_for_another_domain_than_from_s_vouches_for_nothing(flagged):
    """SES's SPF verdict is about the envelope sender, DKIM's about the signing domain: a forger passes
    both with their own domain and writes the customer's address in From. Only a domain aligned with
    From's (DMARC's rule; or SES's DMARC verdict itself) authenticates it."""
    world, rid = flagged
    forged = email(subject=rid, text="Refund me to this card")  # From: the owner, alice@example.com
    forged_signed = b"DKIM-Signature: v=1; a=rsa-sha256; d=forger.example; s=s1; b=abc\n" + forged
    no_dmarc = {"source": "bounce@forger.example", "dmarc": "GRAY"}  # the owner's domain publishes none
    spf_elsewhere = receive(world, forged, ses_id="ses-spf", dkim="FAIL", **no_dmarc)
    dkim_elsewhere = receive(world, forged_signed, ses_id="ses-dkim", **no_dmarc)
    for answer in (spf_elsewhere, dkim_elsewhere):
        message = world.repo.get_message(answer["messageId"])
        assert message.return_id == rid and not message.authenticated
    aligned = receive(world, email(subject=rid, text="mine"), ses_id="ses-ok",
                      source="bounce@mail.example.com", dkim="FAIL", dmarc="GRAY")
    dmarc = receive(world, forged_signed, ses_id="ses-dmarc", source="bounce@forger.example", dmarc="PASS")
    assert world.repo.get_message(aligned["messageId"]).authenticated  # SPF for a subdomain of From's
    assert world.repo.get_message(dmarc["messageId"]).authenticated  # SES's DMARC check passed
