"""The issuer table: which Cognito user pools the gateway trusts, and what their tokens may mean.

Cognito cannot require MFA per group, and its tokens carry no `amr` claim, so "staff passed MFA"
is a property of the pool that issued the token, not of the token:

customers  the customers' pool (MFA optional). Its tokens always mean a customer: `cognito:groups`
           is ignored, so a group added to a customer account grants nothing.
staff      the staff pool (MfaConfiguration ON, TOTP, admin-created users). Its `agent`/`warehouse`
           groups are the only source of those roles; a staff-pool token in neither is refused
           (never a customer). Its client-credentials app client is the order feed (a machine, no
           user, so no MFA): an access token of that client carrying ORDER_FEED_SCOPE is `integration`.

A token naming any other issuer is refused before any key is fetched. Pure: no I/O (the app
clients' ids are read by app_clients).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from returns_api.app_clients import AppClients
from returns_api.settings import Settings
from returns_shared.service.roles import Role

# The resource server and scope the order feed's app client is granted (template.yaml:
# OrderFeedResourceServer; a test keeps them equal).
ORDER_FEED_SCOPE = "returns-api/order-feed"
STAFF_POOL_GROUPS = frozenset({Role.AGENT.value, Role.WAREHOUSE.value, Role.MERCHANT.value})


class InvalidCredential(Exception):
    """A token was presented and is not acceptable (never silently treated as anonymous)."""


@dataclass(frozen=True)
class TrustedIssuer:
    """One user pool: its issuer URL, the app clients whose tokens it may present, and what they mean."""

    name: str
    url: str
    app_clients: frozenset[str]  # id tokens (`aud`) and user access tokens (`client_id`)
    honoured_groups: frozenset[str] = frozenset()  # the customers' pool honours none
    machine_clients: Mapping[str, tuple[str, Role]] = field(default_factory=dict)  # id -> (scope, role)
    staff_only: bool = False  # no customers here: a token without a staff role is refused

    @property
    def jwks_url(self) -> str:
        return f"{self.url}/.well-known/jwks.json"

    def groups_granted(self, claims: Mapping[str, Any]) -> frozenset[str]:
        """The roles (as group names) a verified token of this issuer carries; empty = a customer."""
        token_use = claims.get("token_use")
        if token_use not in ("id", "access"):
            raise InvalidCredential("token_use must be id or access")
        client = claims.get("client_id" if token_use == "access" else "aud")
        if not isinstance(client, str):
            raise InvalidCredential("the token names no app client")
        if token_use == "access" and client in self.machine_clients:
            scope, role = self.machine_clients[client]
            if scope not in str(claims.get("scope", "")).split():
                raise InvalidCredential(f"the token lacks the scope {scope}")
            return frozenset({role.value})
        if client not in self.app_clients:
            raise InvalidCredential("the token was issued to another app client")
        groups = claimed_groups(claims) & self.honoured_groups
        if self.staff_only and not groups:
            staff_groups = ", ".join(sorted(self.honoured_groups))
            raise InvalidCredential(f"a {self.name}-pool token needs a staff group ({staff_groups})")
        return groups


def claimed_groups(claims: Mapping[str, Any]) -> frozenset[str]:
    groups = claims.get("cognito:groups", [])
    if not isinstance(groups, list) or not all(isinstance(group, str) for group in groups):
        raise InvalidCredential("cognito:groups must be a list of group names")
    return frozenset(groups)


def pool_url(region: str, user_pool_id: str) -> str:
    return f"https://cognito-idp.{region}.amazonaws.com/{user_pool_id}"


def trusted_issuers(
    *,
    region: str,
    customer_pool: str,
    customer_client: str,
    staff_pool: str,
    staff_client: str,
    order_feed_client: str | None = None,
) -> dict[str, TrustedIssuer]:
    """issuer URL -> TrustedIssuer for the two pools of one deployment."""
    if customer_pool == staff_pool:
        # one pool for both would honour groups on customer accounts and skip MFA for staff
        raise ValueError("the customers' and the staff user pools must be different pools")
    customers = TrustedIssuer("customer", pool_url(region, customer_pool), frozenset({customer_client}))
    feed = {order_feed_client: (ORDER_FEED_SCOPE, Role.INTEGRATION)} if order_feed_client else {}
    staff = TrustedIssuer(
        "staff",
        pool_url(region, staff_pool),
        frozenset({staff_client}),
        honoured_groups=STAFF_POOL_GROUPS,
        machine_clients=feed,
        staff_only=True,
    )
    return {customers.url: customers, staff.url: staff}


@lru_cache(maxsize=4)
def issuer_table(settings: Settings, clients: AppClients) -> dict[str, TrustedIssuer]:
    """The deployment's two pools (settings and clients are frozen and hashable: built once)."""
    return trusted_issuers(
        region=settings.cognito_region or "",
        customer_pool=settings.customer_user_pool_id or "",
        customer_client=clients.customer,
        staff_pool=settings.staff_user_pool_id or "",
        staff_client=clients.staff,
        order_feed_client=settings.order_feed_client_id,
    )


def issuer_of(claims: Mapping[str, Any], issuers: Mapping[str, TrustedIssuer]) -> TrustedIssuer:
    """The trusted issuer an (as yet unverified) token names; anything else is refused."""
    named = claims.get("iss")
    issuer = issuers.get(named) if isinstance(named, str) else None
    if issuer is None:
        raise InvalidCredential("the token's issuer is not trusted")
    return issuer
