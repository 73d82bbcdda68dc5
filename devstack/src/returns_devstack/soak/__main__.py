"""`make soak`: python -m returns_devstack.soak [--lifecycles N] [--workers N] [--seed N] [--faults X]

Prints the seed, the rates, the faults injected by kind and the invariants as figures; exits 1 when an
invariant is violated. `--faults 2` doubles every rate (0: none). `--break refund-twice` (tests only)
pays one refunded return a second time behind the service's back: the money invariant must catch it.
"""

from __future__ import annotations

import argparse
import random
import sys

from returns_devstack.localstripe_server import LocalStripe
from returns_devstack.soak.faults import Rates
from returns_devstack.soak.run import run_soak
from returns_devstack.soak.sabotage import SABOTAGE


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m returns_devstack.soak", description=__doc__)
    parser.add_argument("--lifecycles", type=int, default=120)
    parser.add_argument("--workers", type=int, default=6)
    parser.add_argument("--seed", type=int, default=None, help="default: a random one (printed)")
    parser.add_argument("--faults", type=float, default=1.0, help="a factor on every default rate")
    parser.add_argument("--break", dest="sabotage", choices=sorted(SABOTAGE), default=None)
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else random.randrange(1_000_000)
    stripe = LocalStripe(port=0).start()
    try:
        result = run_soak(lifecycles=args.lifecycles, workers=args.workers, seed=seed,
                          rates=Rates().scaled(args.faults), localstripe=stripe,
                          sabotage=SABOTAGE[args.sabotage] if args.sabotage else None,
                          log=lambda line: print(line, flush=True))
    finally:
        stripe.stop()
    print(result.report(), flush=True)
    return 0 if result.passed else 1


if __name__ == "__main__":
    sys.exit(main())
