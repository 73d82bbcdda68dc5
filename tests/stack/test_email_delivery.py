"""Customer emails that cannot be delivered (issue 11, item 6), through the functions on the stack: SES
errors classified, bounded attempts with backoff recorded on the notification, no head-of-line
blocking, a record and an ops alert for every email given up, and resends checked against the
return's current state. SES answers are injected at the sesv2 client, under the real SesMailer."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from returns_shared.adapters.ses_mailer import SesMailer
from returns_shared.domain.vocabulary import ReturnStatus
from returns_shared.service import notify

from .support import CANCEL, line, order_input

JOB = json.loads((Path(__file__).resolve().parents[2] / "events/label/schedule_resend_emails.json").read_text())


class FlakySes:
    """The sesv2 client, answering an SES error code for the sends `fault` names (None: really send)."""

    def __init__(self, real: Any):
        self.real = real
        self.fault: Any = lambda request: None

    def send_email(self, **request: Any) -> dict[str, Any]:
        code = self.fault(request)
        if code:
            raise ClientError({"Error": {"Code": code, "Message": f"{code} (injected)"},
                               "ResponseMetadata": {"HTTPStatusCode": 400}}, "SendEmail")
        return self.real.send_email(**request)


@pytest.fixture
def ses(stack, monkeypatch) -> FlakySes:
    import boto3

    flaky = FlakySes(boto3.client("sesv2"))
    monkeypatch.setattr(stack.deps, "mailer", SesMailer(stack.deps.mailer.sender, flaky))
    return flaky


def to(*addresses: str):
    return lambda request: request["Destination"]["ToAddresses"][0] in addresses


def every(code: str | None):
    return lambda request: code


def only_for(code: str, *addresses: str):
    return lambda request: code if to(*addresses)(request) else None


def at(stack, moment: datetime) -> None:
    stack.deps.clock = lambda: moment


def run_job(stack) -> dict[str, int]:
    return stack.runtime.invoke("LabelFunction", JOB)["counts"]


def record(stack, return_id: str, kind: str) -> dict[str, Any]:
    return stack.deps.repo.get_email(return_id, kind)


def when(value: str) -> datetime:
    return datetime.fromisoformat(value)


def ops_alerts(stack) -> list[tuple[str, str]]:
    from moto.sns.models import sns_backends

    topic = sns_backends["123456789012"]["us-east-1"].topics[stack.stack.ops_topic_arn]
    return [(subject or "", message) for _id, message, subject, _attrs, _group in topic.sent_notifications]


def mails_about(mailbox, return_id: str) -> list[dict[str, Any]]:
    return [m for m in mailbox() if return_id in m["subject"]]


def test_an_undeliverable_address_is_given_up_at_once_with_a_record_and_an_alert(flow, stack, ses, mailbox):
    ses.fault = only_for("BadRequestException", "no-such-box@shop.example")
    order = flow.record(order_input(line("L1"), email="no-such-box@shop.example"))
    ret = flow.request(order)["return"]
    assert ret["status"] == "APPROVED"  # the return stands; only its email failed
    given_up = record(stack, ret["id"], "instructions")
    assert (given_up["status"], given_up["attempts"]) == ("GIVEN_UP", 1)
    assert "BadRequestException" in given_up["reason"]
    assert [(e["returnId"], e["kind"]) for e in stack.deps.repo.given_up_emails()] == [(ret["id"], "instructions")]
    [(subject, message)] = [a for a in ops_alerts(stack) if "given up" in a[0]]
    assert ret["id"] in message and "no-such-box" not in subject + message  # ids only: no customer data
    at(stack, stack.deps.clock() + timedelta(days=3))
    assert run_job(stack) == {"resent": 0, "failed": 0, "given_up": 0, "skipped": 0}  # never tried again
    assert mails_about(mailbox, ret["id"]) == []


def test_transient_failures_back_off_then_give_up_after_the_bounded_attempts(flow, stack, ses, mailbox):
    ses.fault = every("ServiceUnavailable")
    order = flow.record(order_input(line("L1")))
    ret = flow.request(order)["return"]
    email = record(stack, ret["id"], "instructions")
    assert (email["status"], email["attempts"], email["lastError"].split(":")[0]) == ("PENDING", 1, "ServiceUnavailable")
    gaps = []
    for attempt in range(2, notify.MAX_ATTEMPTS + 1):
        at(stack, when(email["nextAttemptAt"]) - timedelta(seconds=1))
        assert run_job(stack)["failed"] == 0  # not due yet
        at(stack, when(email["nextAttemptAt"]) + timedelta(seconds=1))
        counts = run_job(stack)
        email = record(stack, ret["id"], "instructions")
        assert email["attempts"] == attempt
        if attempt < notify.MAX_ATTEMPTS:
            assert counts["failed"] == 1 and email["status"] == "PENDING"
            gaps.append(when(email["nextAttemptAt"]) - when(email["lastAttemptAt"]))
    assert gaps == [notify.backoff(n) for n in range(2, notify.MAX_ATTEMPTS)]
    assert gaps[0] < gaps[1] < gaps[-1] == notify.MAX_BACKOFF
    assert counts["given_up"] == 1 and email["status"] == "GIVEN_UP"
    assert f"after {notify.MAX_ATTEMPTS} attempts" in email["reason"]
    assert any(ret["id"] in message for subject, message in ops_alerts(stack) if "given up" in subject)
    ses.fault = every(None)
    at(stack, stack.deps.clock() + timedelta(days=2))
    assert run_job(stack)["resent"] == 0 and mails_about(mailbox, ret["id"]) == []


def test_a_hundred_failing_emails_do_not_block_a_newer_one(flow, stack, ses, mailbox):
    ses.fault = every("ServiceUnavailable")  # an outage: every first send fails
    bad = flow.record(order_input(line("L1"), email="bad@shop.example"))
    stuck = flow.request(bad)["return"]
    older = stack.deps.clock() - timedelta(hours=1)
    for n in range(100):  # a hundred older pending emails to the same failing address
        clone = stack.deps.repo.get_return(stuck["id"]).model_copy(update={"id": f"RMA-BAD{n:07d}"})
        uow = stack.deps.unit_of_work()
        uow.add_return(clone)
        uow.commit()  # one write per commit: moto copies the whole table for a transaction
        uow.claim_email(clone.id, "instructions", at=older, retry_at=older + notify.RESEND_AFTER)
        uow.commit()
    good = flow.request(flow.record(order_input(line("L1"), email="good@shop.example")))["return"]
    ses.fault = only_for("ServiceUnavailable", "bad@shop.example")  # SES is back, but not for bad@
    at(stack, stack.deps.clock() + timedelta(minutes=16))
    counts = run_job(stack)
    assert counts["resent"] == 1 and counts["failed"] == 101
    assert len(mails_about(mailbox, good["id"])) == 1
    assert record(stack, good["id"], "instructions")["status"] == "SENT"
    assert run_job(stack)["failed"] == 0  # the failed ones moved back by their backoff


def test_a_resent_email_is_checked_against_the_current_state_of_the_return(flow, tokens, stack, ses, mailbox):
    ses.fault = every("ServiceUnavailable")  # SES outage
    order = flow.record(order_input(line("L1")))
    ret = flow.request(order)["return"]  # approved: "how to ship your items" fails
    assert flow.act(CANCEL, tokens.customer(), id=ret["id"])["return"]["status"] == "CANCELED"  # its email fails too
    ses.fault = every(None)
    at(stack, stack.deps.clock() + timedelta(minutes=16))
    assert run_job(stack) == {"resent": 1, "failed": 0, "given_up": 0, "skipped": 1}
    [sent] = mails_about(mailbox, ret["id"])
    assert "canceled" in sent["subject"].lower()
    skipped = record(stack, ret["id"], "instructions")
    assert skipped["status"] == "SKIPPED" and skipped["reason"] == "the return is CANCELED now"
    assert ReturnStatus.CANCELED not in notify.STILL_TRUE["instructions"]


def test_when_ses_refuses_all_sending_the_run_stops_without_spending_the_others_attempts(flow, stack, ses):
    ses.fault = every("SendingPausedException")
    order = flow.record(order_input(line("L1"), line("L2")))
    first = flow.request(order)["return"]
    second = flow.request(order, [{"orderLineId": "L2", "quantity": 1, "reason": "STYLE"}])["return"]
    at(stack, stack.deps.clock() + timedelta(minutes=16))
    alerts_before = len(ops_alerts(stack))
    assert run_job(stack)["failed"] == 1  # the first attempt hit the pause; the run stopped there
    attempts = sorted(record(stack, r["id"], "instructions")["attempts"] for r in (first, second))
    assert attempts == [1, 2]
    [(subject, message)] = ops_alerts(stack)[alerts_before:]
    assert "still failing" in subject and "refuses all sending" in message


def test_every_kind_of_email_says_in_which_states_it_is_still_true():
    assert set(notify.STILL_TRUE) == set(notify.BUILDERS)
    assert all(notify.backoff(n) <= notify.MAX_BACKOFF for n in range(1, 50))
