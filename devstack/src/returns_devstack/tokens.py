"""Bearer tokens for the local stack: HS256, signed with RETURNS_LOCAL_JWT_SECRET, Cognito-shaped claims.

    python -m returns_devstack.tokens agent          # prints a token valid for 12 hours
    python -m returns_devstack.tokens customer --email jane.doe@example.com
"""

from __future__ import annotations

import argparse
import os
import time
import warnings
from typing import TypedDict

import jwt

DEFAULT_SECRET = "local-dev-secret"
# the contract's local default is short on purpose (a well-known dev value); PyJWT warns about it
warnings.filterwarnings("ignore", message="The HMAC key is")


class DemoCaller(TypedDict):
    sub: str
    email: str | None
    groups: list[str]


# The demo callers `make dev` prints tokens for (the customer owns the seeded demo orders).
DEMO_CALLERS: dict[str, DemoCaller] = {
    "customer": {"sub": "demo-customer", "email": "jane.doe@example.com", "groups": []},
    "agent": {"sub": "demo-agent", "email": "agent@allegra-k.com", "groups": ["agent"]},
    "warehouse": {"sub": "demo-warehouse", "email": "warehouse@allegra-k.com", "groups": ["warehouse"]},
    "integration": {"sub": "demo-order-feed", "email": None, "groups": ["integration"]},
    "merchant": {"sub": "demo-merchant", "email": "merchant@allegra-k.com", "groups": ["merchant"]},
}


def mint(*, sub: str, email: str | None, groups: list[str], ttl_seconds: int = 12 * 3600,
         secret: str | None = None, now: float | None = None) -> str:
    issued = int(now if now is not None else time.time())
    claims: dict[str, object] = {
        "sub": sub,
        "cognito:groups": groups,
        "iat": issued,
        "exp": issued + ttl_seconds,
        "token_use": "id",
    }
    if email:
        claims["email"] = email
    return jwt.encode(
        claims, secret or os.environ.get("RETURNS_LOCAL_JWT_SECRET") or DEFAULT_SECRET, algorithm="HS256"
    )


def demo_token(
    role: str, *, email: str | None = None, sub: str | None = None, ttl_seconds: int = 12 * 3600
) -> str:
    """A token of the demo caller in `role`; `email` and `sub` replace the caller's when given."""
    caller = DEMO_CALLERS[role]
    return mint(sub=sub or caller["sub"], email=email or caller["email"], groups=list(caller["groups"]),
                ttl_seconds=ttl_seconds)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("role", choices=sorted(DEMO_CALLERS))
    parser.add_argument("--email", help="the token's email (customers: the order email)")
    parser.add_argument("--sub")
    parser.add_argument("--hours", type=float, default=12)
    args = parser.parse_args()
    print(demo_token(args.role, email=args.email, sub=args.sub, ttl_seconds=int(args.hours * 3600)))


if __name__ == "__main__":
    main()
