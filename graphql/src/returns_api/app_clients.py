"""The app clients whose user tokens the gateway accepts: the portal's (customers' pool) and the
console's (staff pool).

Deployed, they come from the SSM parameter APP_CLIENTS_PARAMETER names, `{"customer": <id>, "staff":
<id>}`: the clients' callback URLs name the CloudFront distribution, whose API origin routes to this
gateway, so the gateway's environment cannot name them (a dependency cycle CloudFormation refuses).
Read with the first token and cached five minutes (ssm_parameters). CUSTOMER_APP_CLIENT_ID and
STAFF_APP_CLIENT_ID name them directly instead (tests, a stack wired another way).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from returns_api.settings import Settings
from returns_shared.adapters.ssm_parameters import ParameterUnavailable, SsmParameter


@dataclass(frozen=True)
class AppClients:
    customer: str
    staff: str


def app_clients(settings: Settings) -> AppClients:
    """Raises ParameterUnavailable when the parameter cannot be read: our fault, masked as internal."""
    if settings.customer_app_client_id and settings.staff_app_client_id:
        return AppClients(customer=settings.customer_app_client_id, staff=settings.staff_app_client_id)
    if not settings.app_clients_parameter:  # Settings.check_deployable refuses this at cold start
        raise ParameterUnavailable("no APP_CLIENTS_PARAMETER and no app client ids configured")
    return parse_app_clients(_parameter(settings).value(), source=settings.app_clients_parameter)


@lru_cache(maxsize=4)
def _parameter(settings: Settings) -> SsmParameter:
    """One reader per configuration (settings are frozen): its cache outlives invocations."""
    return SsmParameter(str(settings.app_clients_parameter), region_name=settings.cognito_region)


def parse_app_clients(value: str, *, source: str) -> AppClients:
    try:
        data = json.loads(value)
    except ValueError as exc:
        raise ParameterUnavailable(f"{source} holds no JSON: {exc}") from exc
    ids = {pool: data.get(pool) if isinstance(data, dict) else None for pool in ("customer", "staff")}
    if not all(isinstance(client, str) and client.strip() for client in ids.values()):
        raise ParameterUnavailable(f"{source} must name the customer and staff app clients")
    return AppClients(customer=str(ids["customer"]).strip(), staff=str(ids["staff"]).strip())
