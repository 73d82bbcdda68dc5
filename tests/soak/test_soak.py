"""The soak's short form (`make soak` runs the long one): concurrent lifecycles on the local stack
under injected faults, then every invariant (money, one return per request, nothing stuck, each email
once, nothing dropped) with zero violations; and an invariant broken on purpose fails it."""

from __future__ import annotations

import pytest

from returns_devstack.soak.faults import Rates
from returns_devstack.soak.run import run_soak
from returns_devstack.soak.sabotage import SABOTAGE

from . import conftest

pytestmark = pytest.mark.slow


def test_the_short_soak_keeps_every_invariant(localstripe):
    result = run_soak(lifecycles=14, workers=4, seed=19, rates=Rates().scaled(2.0), localstripe=localstripe)
    conftest.SOAK_REPORTS.append(result.report())
    assert result.passed, result.report()
    faults = result.figures["faults"]["injected"]
    assert sum(faults.values()) >= 10 and len(faults) >= 5, faults  # the run was not a fair-weather one
    assert result.figures["returns checked"] == 14
    assert result.figures["most carrier labels bought for one return"] == 1  # labels were bought, once each


def test_a_broken_invariant_fails_the_soak(localstripe):
    """Paying one refunded return a second time at Stripe, and buying a second carrier label for a
    labelled one (both behind the service's back), must be caught."""

    def both(embedded, lifecycles) -> str:
        return "; ".join(SABOTAGE[name](embedded, lifecycles) for name in ("refund-twice", "label-twice"))

    result = run_soak(lifecycles=2, workers=1, seed=7, rates=Rates().scaled(0), localstripe=localstripe,
                      sabotage=both)
    assert not result.passed
    caught = [v for v in result.violations if v.startswith("money:") and "succeeded refunds" in v]
    assert caught, result.violations
    labels = [v for v in result.violations if v.startswith("labels:") and "bought 2 carrier labels" in v]
    assert labels and result.figures["most carrier labels bought for one return"] == 2, result.violations
