"""What must hold after the soak, whatever was injected, read from the stores themselves (the table,
localstripe's refunds, SES's sent mail, the queues), each as figures and violations:

- money: for every return, what Stripe paid (succeeded or pending refunds whose metadata names it)
  equals its settlement if it is REFUNDED, nothing otherwise; never two refunds for one attempt's key,
  never two succeeded refunds for one return; a REFUNDED return's refund is one Stripe paid;
- one return per request: each customer's requestReturn (doubled, retried) made exactly one return;
- labels: the carrier sold at most one label per return (counted by the local carrier, whose purchases
  the faults make lose their answers), and each label it sold is on its return or was voided;
- nothing stuck: each return is final, or waits on a person in a queue that lists it (review, failed
  refunds, failed labels), or on its deadline workflow, running;
- emails: every email the return's path called for was sent once (SES holds one message per SENT
  record; none PENDING or GIVEN_UP; one moved on from is SKIPPED, which is its own record);
- nothing silently dropped: the domain queues are empty; every dead-letter message is counted and
  explained (its handler's failures, its injected redeliveries), none without a reason.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from returns_devstack.mailbox import sent_emails
from returns_devstack.soak.lifecycles import Lifecycle
from returns_devstack.stack import EmbeddedStack
from returns_shared.adapters.carrier_local import LocalCarrier
from returns_shared.adapters.dynamodb import items
from returns_shared.domain.returns import Return
from returns_shared.domain.vocabulary import ReturnStatus as S

FINAL = {S.REFUNDED, S.CANCELED, S.DECLINED, S.EXPIRED}
UNDER_WAY = {"succeeded", "pending", "requires_action"}
EMAIL_KINDS = ("instructions", "label", "label_failed", "review", "declined", "canceled", "expired",
               "received", "refund", *(f"refund-{n}" for n in range(2, 6)))


@dataclass
class Check:
    figures: dict[str, Any] = field(default_factory=dict)
    violations: list[str] = field(default_factory=list)
    dead_letters: list[str] = field(default_factory=list)  # each with its explanation

    def count(self, name: str, amount: int | Decimal = 1) -> None:
        self.figures[name] = self.figures.get(name, 0) + amount


def check(embedded: EmbeddedStack, lifecycles: Sequence[Lifecycle], *,
          redelivered: Counter[str]) -> Check:
    result = Check(figures={"dead-letter entries": 0, "carrier labels bought": 0,
                            "most carrier labels bought for one return": 0})
    repo, carrier = embedded.deps.repo, embedded.deps.carrier
    assert isinstance(carrier, LocalCarrier), "the soak counts labels at the local carrier"
    bought = carrier.bought_labels()
    mail = Counter(subject_return(message["subject"]) for message in sent_emails())
    for life in lifecycles:
        made = repo.returns_of_customer(life.email)
        if len(made) != 1:
            result.violations.append(f"one return per request: {life.email} has {len(made)} returns")
        for ret in made:
            result.count("returns checked")
            result.count(f"final status {ret.status.value}")
            _money(result, embedded, life, ret)
            _labels(result, carrier, ret, bought.get(ret.id, []))
            _progress(result, embedded, ret)
            _emails(result, embedded, ret, mail.get(ret.id, 0))
    _queues(result, embedded, redelivered)
    result.figures["violations"] = len(result.violations)
    return result


def subject_return(subject: str) -> str | None:
    """Every customer email's subject starts "Return <RMA>" (notifications/emails.py)."""
    words = subject.replace(":", " ").split()
    return words[1] if len(words) > 1 and words[0] == "Return" else None


def _money(result: Check, embedded: EmbeddedStack, life: Lifecycle, ret: Return) -> None:
    assert embedded.payments is not None
    refunds = [r for r in embedded.payments.refunds_of(life.payment)
               if (r.get("metadata") or {}).get("return_id") == ret.id]
    paid = Decimal(sum(r["amount"] for r in refunds if r["status"] in UNDER_WAY)) / 100
    owed = ret.settlement.amount.amount if ret.status == S.REFUNDED and ret.settlement else Decimal("0")
    result.count("money settled (USD)", owed)
    result.count("money paid at Stripe (USD)", paid)
    result.count("refunds at Stripe", len(refunds))
    result.count("refunds failed at Stripe (the bank returned them)",
                 sum(r["status"] == "failed" for r in refunds))
    if paid != owed:
        stripe = [(r["id"], r["status"], (r.get("metadata") or {}).get("idempotency_key")) for r in refunds]
        last = [entry.note for entry in ret.timeline[-5:]]
        result.violations.append(f"money: {ret.id} ({ret.status.value}) settled {owed}, Stripe paid {paid}: "
                                 f"{stripe}; refund {ret.refund}; last: {last}")
    keys = Counter((r.get("metadata") or {}).get("idempotency_key") for r in refunds)
    twice = [key for key, n in keys.items() if n > 1]
    if twice:
        result.violations.append(f"money: {ret.id} has several refunds for one attempt: {twice}")
    succeeded = [r for r in refunds if r["status"] in UNDER_WAY]
    if len(succeeded) > 1:
        result.violations.append(f"money: {ret.id} has {len(succeeded)} succeeded refunds")
    if ret.status == S.REFUNDED and owed > 0 and (ret.refund is None or
                                                  ret.refund.id not in {r["id"] for r in succeeded}):
        result.violations.append(f"money: {ret.id} records refund {ret.refund and ret.refund.id}, "
                                 "which Stripe did not pay")


def _labels(result: Check, carrier: LocalCarrier, ret: Return, bought: list[str]) -> None:
    """Labels bought per return <= 1 (the merchant pays each), and none forgotten: each is the return's
    label, or was voided (a purchase the return no longer wanted when its answer came back)."""
    result.count("carrier labels bought", len(bought))
    most = "most carrier labels bought for one return"
    result.figures[most] = max(result.figures[most], len(bought))
    if len(bought) > 1:
        result.violations.append(f"labels: {ret.id} bought {len(bought)} carrier labels: {bought}")
    for shipment_id in bought:
        on_return = ret.label is not None and ret.label.shipment_id == shipment_id
        if not on_return and carrier.shipments[shipment_id].tracking_number not in carrier.voided:
            result.violations.append(f"labels: {ret.id} bought {shipment_id}, which is neither its label nor "
                                     f"voided (label: {ret.label and ret.label.shipment_id})")


def _progress(result: Check, embedded: EmbeddedStack, ret: Return) -> None:
    repo, deps = embedded.deps.repo, embedded.deps
    if ret.status in FINAL:
        return
    if ret.status == S.UNDER_REVIEW and _listed(repo.returns_in_status(S.UNDER_REVIEW, limit=1000)[0], ret):
        result.count("waiting on an agent (review queue)")
    elif ret.status == S.INSPECTED and ret.refund_failed and _listed(
            repo.failed_refunds(first=1000, after=None).items, ret):
        result.count("waiting on an agent (failed refunds)")
    elif ret.status == S.APPROVED and ret.label_failure and _listed(
            repo.failed_labels(first=1000, after=None).items, ret):
        result.count("waiting on an agent (failed labels)")
    elif ret.status in {S.RECEIVED, S.INSPECTED} and deps.workflow.is_running(return_id=ret.id):
        result.count("waiting on its deadline workflow")
    else:
        result.violations.append(f"stuck: {ret.id} is {ret.status.value} (attempt {ret.refund_attempt}); "
                                 f"last: {ret.timeline[-1].note if ret.timeline else ''}")


def _listed(page: Iterable[Return], ret: Return) -> bool:
    return any(listed.id == ret.id for listed in page)


def _emails(result: Check, embedded: EmbeddedStack, ret: Return, messages: int) -> None:
    table = embedded.stack.client("dynamodb")
    records = {}
    for kind in EMAIL_KINDS:
        item = table.get_item(TableName=embedded.stack.table_name, Key=items.email_key(ret.id, kind),
                              ConsistentRead=True).get("Item")
        if item:
            records[kind] = item["status"]["S"]
    sent = sum(status == "SENT" for status in records.values())
    result.count("emails sent", sent)
    result.count("emails skipped (the return moved on)", sum(s == "SKIPPED" for s in records.values()))
    for kind, status in records.items():
        if status in {"PENDING", "GIVEN_UP"}:
            result.violations.append(f"email: {ret.id} {kind} is {status}")
    if messages != sent:
        result.violations.append(f"email: {ret.id} has {sent} sent records ({records}) and {messages} "
                                 "messages at SES")
    history = {entry.status for entry in ret.timeline}
    wanted = {"review"} if S.UNDER_REVIEW in history else set()
    wanted |= {"received"} if S.RECEIVED in history else set()
    wanted |= {kind for status, kind in ((S.DECLINED, "declined"), (S.CANCELED, "canceled"),
                                          (S.EXPIRED, "expired")) if ret.status == status}
    if S.APPROVED in history:
        wanted.add("instructions" if ret.method.value == "SELF_SHIP" and not ret.label_failure
                   else "label_failed" if ret.label_failure else "label")
    if ret.status == S.REFUNDED:
        attempt = ret.refund.attempt if ret.refund is not None else 1
        wanted.add("refund" if attempt == 1 else f"refund-{attempt}")
    for kind in wanted - set(records):
        result.violations.append(f"email: {ret.id} never sent its {kind} email (records: {records})")


def _queues(result: Check, embedded: EmbeddedStack, redelivered: Counter[str]) -> None:
    sqs = embedded.stack.client("sqs")
    for queue_id, url in embedded.stack.queues.items():
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        left = sum(int(attributes[name]) for name in ("ApproximateNumberOfMessages",
                                                         "ApproximateNumberOfMessagesNotVisible"))
        if left:
            result.violations.append(f"dropped? {left} messages still in {queue_id}")
    failures = embedded.runtime.failures
    for queue_id, url in embedded.stack.dlqs.items():
        while True:
            batch = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"],
                                        VisibilityTimeout=600).get("Messages", [])
            if not batch:
                break
            for message in batch:
                result.count("dead-letter entries")
                body = message["Body"][:200]
                why = (f"handler failed {failures[message['MessageId']]} times, redelivered "
                       f"{redelivered[message['MessageId']]} times by injection, received "
                       f"{message['Attributes'].get('ApproximateReceiveCount')} times")
                result.dead_letters.append(f"{queue_id}: {body} ({why})")
                if not failures[message["MessageId"]] and not redelivered[message["MessageId"]]:
                    result.violations.append(f"dead letter without a reason in {queue_id}: {body}")
