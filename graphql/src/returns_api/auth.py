"""The one place that decides who is calling: bearer JWT → Caller (or anonymous, or refused).

local:   HS256 signed with RETURNS_LOCAL_JWT_SECRET; `exp` required; no issuer/audience checks.
cognito: RS256 against the keys of the pool the token names, which must be one of the two trusted
         pools (issuers.py: customers' and staff); audience = that pool's app client (id tokens:
         `aud`; access tokens: `client_id` with token_use=access). Roles come only from the staff
         pool (MFA on): a customer-pool token is a customer whatever groups it carries.
Customers (no group) must carry `email` (in cognito mode also `email_verified`): a customer
is their order email, so an unverified address would open someone else's orders; and it must be
canonical (`is_canonical_email`), so a look-alike address cannot own another customer's orders.

PyJWT (and the `cryptography` it loads for RS256) is imported by the first token, not at cold
start: anonymous requests (`returnPolicy`) never pay for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from returns_api.app_clients import app_clients
from returns_api.issuers import InvalidCredential, TrustedIssuer, claimed_groups, issuer_of, issuer_table
from returns_api.settings import Settings
from returns_shared.domain.orders import is_canonical_email
from returns_shared.service.ports import Caller
from returns_shared.service.roles import STAFF_GROUPS, Role

if TYPE_CHECKING:
    import jwt

KNOWN_GROUPS = STAFF_GROUPS  # local tokens: other groups mean nothing (Cognito: issuers.py decides)
LEEWAY_SECONDS = 30  # clock skew between the token issuer and Lambda


@dataclass(frozen=True)
class Identity:
    """Outcome of authentication: a caller, anonymous (both None) or a refused credential."""

    caller: Caller | None = None
    error: str | None = None

    @property
    def anonymous(self) -> bool:
        return self.caller is None and self.error is None


ANONYMOUS = Identity()


def identify(headers: Mapping[str, str], settings: Settings) -> Identity:
    """Headers must be looked up case-insensitively (lower-case keys)."""
    header = headers.get("authorization")
    if header is None:
        return ANONYMOUS
    try:
        return Identity(caller=caller_from_token(bearer_token(header), settings))
    except InvalidCredential as exc:
        return Identity(error=str(exc))


def bearer_token(header: str) -> str:
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise InvalidCredential("the Authorization header must be 'Bearer <token>'")
    return token.strip()


def caller_from_token(token: str, settings: Settings) -> Caller:
    if settings.auth_mode == "cognito":
        claims, issuer = _cognito_claims(token, settings)
        return _caller(claims, issuer.groups_granted(claims), require_verified_email=True)
    claims = _local_claims(token, settings)
    return _caller(claims, claimed_groups(claims) & KNOWN_GROUPS, require_verified_email=False)


def _local_claims(token: str, settings: Settings) -> dict[str, Any]:
    import jwt

    try:
        return jwt.decode(
            token,
            settings.local_jwt_secret,
            algorithms=["HS256"],
            options={"require": ["exp", "sub"], "verify_aud": False, "verify_iss": False},
            leeway=LEEWAY_SECONDS,
        )
    except jwt.ExpiredSignatureError as exc:
        raise InvalidCredential("the token has expired") from exc
    except jwt.PyJWTError as exc:
        raise InvalidCredential(f"the token is not valid: {exc}") from exc


@lru_cache(maxsize=4)
def jwk_client(jwks_url: str) -> jwt.PyJWKClient:
    """Module-level on purpose: a key cache that may outlive invocations (keys rotate rarely)."""
    import jwt

    return jwt.PyJWKClient(jwks_url, cache_keys=True, lifespan=3600, timeout=5)


def _cognito_claims(token: str, settings: Settings) -> tuple[dict[str, Any], TrustedIssuer]:
    import jwt

    try:
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise InvalidCredential(f"the token is not valid: {exc}") from exc
    # Keys are fetched only from a pool of the table, never from a URL the token names.
    issuer = issuer_of(unverified, issuer_table(settings, app_clients(settings)))
    try:
        key = jwk_client(issuer.jwks_url).get_signing_key_from_jwt(token)
    except jwt.PyJWKClientConnectionError:
        raise  # the key server is unreachable: our fault, not the caller's (masked as internal)
    except (jwt.PyJWKClientError, jwt.PyJWTError) as exc:
        raise InvalidCredential(f"the token is not valid: {exc}") from exc
    try:
        claims = jwt.decode(
            token,
            key.key,
            algorithms=["RS256"],
            issuer=issuer.url,
            options={"require": ["exp", "iat", "sub", "iss", "token_use"], "verify_aud": False},
            leeway=LEEWAY_SECONDS,
        )
    except jwt.ExpiredSignatureError as exc:
        raise InvalidCredential("the token has expired") from exc
    except jwt.PyJWTError as exc:
        raise InvalidCredential(f"the token is not valid: {exc}") from exc
    # Audience by hand (Cognito id and access tokens carry the app client in different claims): the
    # issuer's groups_granted checks it, with the roles its tokens may carry.
    return claims, issuer


def _caller(claims: Mapping[str, Any], groups: frozenset[str], *, require_verified_email: bool) -> Caller:
    """`groups`: the roles the token's issuer grants (empty = a customer)."""
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub:
        raise InvalidCredential("the token has no subject")
    email = claims.get("email")
    if email is not None and (not isinstance(email, str) or "@" not in email):
        raise InvalidCredential("the email claim is not an email address")
    caller = Caller(sub=sub, email=email, groups=groups)
    if caller.role == Role.CUSTOMER:
        if not email:
            raise InvalidCredential("a customer token needs an email claim (use the ID token)")
        if not is_canonical_email(email):
            # e.g. KELVIN SIGN for K: a different mailbox whose key equals another customer's
            raise InvalidCredential(
                "the email claim is not in canonical form (NFKC, no case-folding collisions)"
            )
        if require_verified_email and claims.get("email_verified") not in (True, "true"):
            raise InvalidCredential("the customer's email address is not verified")
    return caller
