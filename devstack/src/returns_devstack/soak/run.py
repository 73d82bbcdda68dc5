"""One soak run: the embedded stack on in-process moto, localstripe behind the fault proxy, the
lifecycles on a pool of workers while faults are injected, then a settle phase with the faults off
(the outage is over: people come back to what was left, the queues drain, the jobs run three hours
later), then the invariants."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from moto import mock_aws

from returns_devstack.aws_hooks import injecting
from returns_devstack.deploy import MOTO_CONFIG
from returns_devstack.environment import apply_local_environment
from returns_devstack.localstripe_server import LocalStripe
from returns_devstack.runtime import BackgroundTriggers
from returns_devstack.soak.faults import Faults, Rates
from returns_devstack.soak.invariants import check
from returns_devstack.soak.lifecycles import Lifecycle, Lifecycles
from returns_devstack.soak.stripe_proxy import StripeFaultProxy
from returns_devstack.stack import EmbeddedStack, start_embedded_stack
from returns_shared.domain.vocabulary import ReturnStatus as S
from returns_shared.service.dependencies import utc_now

LATER = timedelta(hours=3)  # the settle phase's clock: leases ended, emails due again, nothing expired
SETTLE_ROUNDS = 4
SETTLE_JOBS = ("resend-emails", "void-labels", "reconcile-deadlines", "escalate-reviews")


@dataclass
class SoakResult:
    figures: dict[str, Any]
    violations: list[str] = field(default_factory=list)
    dead_letters: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.violations

    def report(self) -> str:
        lines = [json.dumps(self.figures, indent=2, default=str)]
        lines += [f"dead letter: {entry}" for entry in self.dead_letters]
        lines += [f"VIOLATION: {violation}" for violation in self.violations]
        lines.append(f"soak {'passed' if self.passed else 'FAILED'}: {self.figures['violations']} violations")
        return "\n".join(lines)


def run_soak(*, lifecycles: int, workers: int, seed: int, rates: Rates, localstripe: LocalStripe,
             sabotage: Callable[[EmbeddedStack, list[Lifecycle]], str] | None = None,
             log: Callable[[str], None] = lambda line: None) -> SoakResult:
    """`sabotage` (tests only): breaks the outcome on purpose before the check (what it did, returned)."""
    apply_local_environment({"POWERTOOLS_LOG_LEVEL": "CRITICAL"})  # fake credentials, one region, UTC
    faults = Faults(rates, seed)
    proxy = StripeFaultProxy(localstripe.url, faults).start()
    started = time.monotonic()
    redelivered: Counter[str] = Counter()
    try:
        with mock_aws(config=MOTO_CONFIG):
            embedded = start_embedded_stack(payments=localstripe, stripe_api_base=proxy.url,
                                            function_log_level="CRITICAL")
            runtime = embedded.runtime

            def redeliver(queue_id: str, message: dict[str, Any]) -> bool:
                again = faults.redeliver(queue_id, message)
                redelivered[message["MessageId"]] += again
                return again

            runtime.redeliver, runtime.retry_after = redeliver, 1
            faults.wrap_carrier(embedded.deps.carrier)
            poller = BackgroundTriggers(runtime, poll_seconds=0.2)  # deliveries the commands leave behind
            poller.start()
            people = Lifecycles(embedded, seed)
            log(f"soak: {lifecycles} lifecycles on {workers} workers, seed {seed}, "
                f"rates {faults.figures()['rates']}")
            with injecting(faults.aws), ThreadPoolExecutor(workers, thread_name_prefix="soak") as pool:
                done = list(pool.map(people.run, range(lifecycles)))
            ran = time.monotonic() - started
            faults.on = False
            log(f"soak: lifecycles done in {ran:.0f} s; settling")
            finished = _settle(embedded, people, done)
            poller.stop()
            sabotaged = sabotage(embedded, done) if sabotage else None
            result = check(embedded, done, redelivered=redelivered)
    finally:
        proxy.stop()
    figures = {
        "lifecycles": lifecycles, "workers": workers,
        "paths": dict(sorted(Counter(life.plan.kind for life in done).items())),
        "methods": dict(sorted(Counter(life.plan.method for life in done).items())),
        "double clicks": sum(life.plan.double_click for life in done),
        "forged failure events": sum(life.plan.forged_failure for life in done),
        "faults": faults.figures(),
        "client retries": sum(life.retries for life in done),
        "left to the settle phase": sorted(reason for life in done for reason in life.left_before),
        "finished in the settle phase": finished,
        "handler failures (retried deliveries)": sum(runtime.failures.values()),
        "seconds": {"lifecycles": round(ran), "total": round(time.monotonic() - started)},
        **({"sabotage": sabotaged} if sabotaged else {}),
        **result.figures,
    }
    return SoakResult(figures=figures, violations=result.violations, dead_letters=result.dead_letters)


def _settle(embedded: EmbeddedStack, people: Lifecycles, done: list[Lifecycle]) -> int:
    """The outage is over: the queues drain, the jobs run with the clock three hours on (attempt leases
    and email backoffs over), the people come back to what they left (each step again: a step already
    done answers as done), and an agent pays what a client left unpaid (an interrupted attempt: the
    deadline workflow would pay it at its due time). Returns how many lifecycles it finished."""
    deps, runtime = embedded.deps, embedded.runtime
    deps.clock = lambda: utc_now() + LATER
    finished = 0
    for _ in range(SETTLE_ROUNDS):
        runtime.drain(max_rounds=50)
        for job in SETTLE_JOBS:
            if job in runtime.job_names():
                runtime.run_job(job)
        for life in done:
            if life.left is not None:
                life.left = None
                people.resume(life)
                finished += life.left is None
        for life in done:
            ret = deps.repo.get_return(life.return_id) if life.return_id else None
            if ret is not None and ret.status == S.INSPECTED and not ret.refund_failed:
                command = {"command": "issueRefund", "caller": _agent(), "input": {"id": ret.id}}
                runtime.invoke("RefundFunction", command)
        runtime.drain(max_rounds=50)
    return finished


def _agent() -> dict[str, Any]:
    from returns_devstack.tokens import DEMO_CALLERS

    return dict(DEMO_CALLERS["agent"])
