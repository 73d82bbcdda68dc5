"""What the soak injects, at which boundary, how often, and how many it injected.

- DynamoDB (botocore hook, before the call: nothing written): throttling of any call; a lost
  conditional race on a version-conditioned write or a transaction (as if another writer got there
  first; write-once claims are left alone: losing one means somebody really holds it).
- SES (botocore hook): SendEmail throttled (the message was not taken).
- Stripe (stripe_proxy.py, in front of localstripe): 5xx and 429 before Stripe acts, and a refund
  Stripe took whose answer is lost (the connection drops after Stripe answered).
- EasyPost (the carrier port of the local stack): unavailable (a 5xx or a timeout before it acts), and
  a label purchase the carrier made whose answer is lost (a timeout after it bought: the retry must
  take that label, not buy a second one).
- SQS (the local runtime's event source mapping): a handled message delivered again.

Decisions come from one random generator seeded by `seed`: with one worker a run repeats exactly;
with several, the workload repeats and the rates hold, the interleaving does not.
"""

from __future__ import annotations

import json
import random
import threading
from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any

from returns_devstack.aws_hooks import AwsCall, AwsError
from returns_shared.service.ports import CarrierUnavailable


@dataclass(frozen=True)
class Rates:
    dynamodb_throttle: float = 0.01  # any DynamoDB call of a function
    dynamodb_race: float = 0.03  # a version-conditioned write or a transaction
    ses_throttle: float = 0.10  # SendEmail
    sqs_redelivery: float = 0.10  # a handled message
    stripe_5xx: float = 0.05  # any Stripe request of the refund function
    stripe_429: float = 0.05
    stripe_lost_answer: float = 0.10  # a refund Stripe took
    easypost_unavailable: float = 0.08  # a label shipment or purchase, tracker or void
    easypost_lost_answer: float = 0.10  # a label purchase the carrier made

    def scaled(self, factor: float) -> Rates:
        return Rates(**{kind: min(1.0, rate * factor) for kind, rate in asdict(self).items()})


class Faults:
    def __init__(self, rates: Rates, seed: int) -> None:
        self.rates = rates
        self.seed = seed
        self.injected: Counter[str] = Counter()
        self.on = True
        self._random = random.Random(seed)
        self._lock = threading.Lock()

    def roll(self, kind: str) -> bool:
        """Inject a fault of this kind now? (counted when it is)"""
        if not self.on:
            return False
        with self._lock:
            hit: bool = self._random.random() < getattr(self.rates, kind)
            if hit:
                self.injected[kind] += 1
        return hit

    # -- botocore (aws_hooks.injecting)
    def aws(self, call: AwsCall) -> AwsError | None:
        if call.service == "dynamodb":
            if self.roll("dynamodb_throttle"):
                return AwsError("ProvisionedThroughputExceededException",
                                "The level of configured provisioned throughput for the table was exceeded")
            if _version_conditioned(call) and self.roll("dynamodb_race"):
                if call.operation == "TransactWriteItems":
                    reasons = [{"Code": "ConditionalCheckFailed"}] + [
                        {"Code": "None"} for _ in call.params["TransactItems"][1:]]
                    return AwsError("TransactionCanceledException",
                                    "Transaction cancelled, please refer cancellation reasons for specific "
                                    "reasons [ConditionalCheckFailed]",
                                    extra={"CancellationReasons": reasons})
                return AwsError("ConditionalCheckFailedException", "The conditional request failed")
        if call.service == "sesv2" and call.operation == "SendEmail" and self.roll("ses_throttle"):
            return AwsError("TooManyRequestsException", "Maximum sending rate exceeded.", status=429)
        return None

    # -- the local runtime's SQS event source mappings
    def redeliver(self, queue_id: str, message: dict[str, Any]) -> bool:
        return self.roll("sqs_redelivery")

    # -- the carrier port (EasyPost's stand-in locally)
    def wrap_carrier(self, carrier: Any) -> None:
        for name in ("create_label_shipment", "buy_label", "track", "void_label"):
            real = getattr(carrier, name)

            def unavailable(*args: Any, _real: Any = real, _name: str = name, **kwargs: Any) -> Any:
                if self.roll("easypost_unavailable"):
                    raise CarrierUnavailable(f"EasyPost {_name}: 503 Service Unavailable (injected)")
                answer = _real(*args, **kwargs)
                if _name == "buy_label" and self.roll("easypost_lost_answer"):
                    raise CarrierUnavailable("EasyPost buy_label: read timed out after the label was bought "
                                             "(injected)")
                return answer

            setattr(carrier, name, unavailable)

    def figures(self) -> dict[str, Any]:
        return {"seed": self.seed, "rates": asdict(self.rates),
                "injected": dict(sorted(self.injected.items()))}


def _version_conditioned(call: AwsCall) -> bool:
    """A write another writer can really win: conditioned on the item's version (optimistic locking)."""
    if call.operation == "TransactWriteItems":
        return any("version" in json.dumps(body.get("ConditionExpression", ""))
                   for item in call.params.get("TransactItems", []) for body in item.values())
    if call.operation in {"PutItem", "UpdateItem", "DeleteItem"}:
        return "version" in str(call.params.get("ConditionExpression", ""))
    return False
