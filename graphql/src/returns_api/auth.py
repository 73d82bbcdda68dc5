"""The one place that decides who is calling: bearer JWT → Caller (or anonymous, or refused).

local:   HS256 signed with RETURNS_LOCAL_JWT_SECRET; `exp` required; no issuer/audience checks.
cognito: RS256 against the user pool's JWKS; issuer checked; audience = the app client
         (id tokens: `aud`; access tokens: `client_id` with token_use=access).
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

from returns_api.settings import Settings
from returns_shared.domain.orders import is_canonical_email
from returns_shared.service.ports import Caller
from returns_shared.service.roles import STAFF_GROUPS, Role

if TYPE_CHECKING:
    import jwt

KNOWN_GROUPS = STAFF_GROUPS  # other groups of the user pool mean nothing here
LEEWAY_SECONDS = 30  # clock skew between the token issuer and Lambda


class InvalidCredential(Exception):
    """A token was presented and is not acceptable (never silently treated as anonymous)."""


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
        claims = _cognito_claims(token, settings)
    else:
        claims = _local_claims(token, settings)
    return _caller(claims, require_verified_email=settings.auth_mode == "cognito")


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


def _cognito_claims(token: str, settings: Settings) -> dict[str, Any]:
    import jwt

    try:
        key = jwk_client(settings.cognito_jwks_url).get_signing_key_from_jwt(token)
    except jwt.PyJWKClientConnectionError:
        raise  # the key server is unreachable: our fault, not the caller's (masked as internal)
    except (jwt.PyJWKClientError, jwt.PyJWTError) as exc:
        raise InvalidCredential(f"the token is not valid: {exc}") from exc
    try:
        claims = jwt.decode(
            token,
            key.key,
            algorithms=["RS256"],
            issuer=settings.cognito_issuer,
            options={"require": ["exp", "iat", "sub", "iss", "token_use"], "verify_aud": False},
            leeway=LEEWAY_SECONDS,
        )
    except jwt.ExpiredSignatureError as exc:
        raise InvalidCredential("the token has expired") from exc
    except jwt.PyJWTError as exc:
        raise InvalidCredential(f"the token is not valid: {exc}") from exc
    # Audience by hand: Cognito id and access tokens carry the app client in different claims.
    token_use = claims.get("token_use")
    client = settings.cognito_app_client_id
    if token_use == "id":
        audience = claims.get("aud")
        if audience != client and not (isinstance(audience, list) and client in audience):
            raise InvalidCredential("the token was issued to another app client")
    elif token_use == "access":
        if claims.get("client_id") != client:
            raise InvalidCredential("the token was issued to another app client")
    else:
        raise InvalidCredential("token_use must be id or access")
    return claims


def _caller(claims: Mapping[str, Any], *, require_verified_email: bool) -> Caller:
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub:
        raise InvalidCredential("the token has no subject")
    groups = claims.get("cognito:groups", [])
    if not isinstance(groups, list) or not all(isinstance(group, str) for group in groups):
        raise InvalidCredential("cognito:groups must be a list of group names")
    email = claims.get("email")
    if email is not None and (not isinstance(email, str) or "@" not in email):
        raise InvalidCredential("the email claim is not an email address")
    caller = Caller(sub=sub, email=email, groups=frozenset(groups) & KNOWN_GROUPS)
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
