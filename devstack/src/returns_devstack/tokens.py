"""Bearer tokens for the local stack: HS256, signed with RETURNS_LOCAL_JWT_SECRET, Cognito-shaped claims.

    python -m returns_devstack.tokens agent          # prints a token valid for 12 hours
    python -m returns_devstack.tokens customer --email jane.doe@example.com
"""

from __future__ import annotations

import argparse
import os
import time
import warnings

import jwt

DEFAULT_SECRET = "local-dev-secret"
# the contract's local default is short on purpose (a well-known dev value); PyJWT warns about it
warnings.filterwarnings("ignore", message="The HMAC key is")

# The demo callers `make dev` prints tokens for (the customer owns the seeded demo orders).
DEMO_CALLERS = {
    "customer": {"sub": "demo-customer", "email": "jane.doe@example.com", "groups": []},
    "agent": {"sub": "demo-agent", "email": "agent@allegra-k.com", "groups": ["agent"]},
    "warehouse": {"sub": "demo-warehouse", "email": "warehouse@allegra-k.com", "groups": ["warehouse"]},
    "integration": {"sub": "demo-order-feed", "email": None, "groups": ["integration"]},
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


def demo_token(role: str, **overrides: object) -> str:
    caller = {**DEMO_CALLERS[role], **overrides}
    return mint(sub=str(caller["sub"]), email=caller["email"], groups=list(caller["groups"]))  # type: ignore[arg-type]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("role", choices=sorted(DEMO_CALLERS))
    parser.add_argument("--email", help="the token's email (customers: the order email)")
    parser.add_argument("--sub")
    parser.add_argument("--hours", type=float, default=12)
    args = parser.parse_args()
    caller = dict(DEMO_CALLERS[args.role])
    if args.email:
        caller["email"] = args.email
    if args.sub:
        caller["sub"] = args.sub
    print(
        mint(
            sub=caller["sub"],
            email=caller["email"],
            groups=caller["groups"],
            ttl_seconds=int(args.hours * 3600),
        )
    )


if __name__ == "__main__":
    main()
