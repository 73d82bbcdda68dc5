"""The soak (`make soak`; a short form runs in `make test`): many concurrent return lifecycles on the
local stack while faults are injected at its boundaries, then the money, progress, email and
dead-letter invariants checked and printed as figures. Modules: faults.py (what is injected, where),
stripe_proxy.py (Stripe's faults, in front of localstripe), lifecycles.py (what customers, agents, the
warehouse and the providers do), invariants.py (what must hold at the end), run.py (the run and its
figures), __main__.py (the command line)."""
