"""Gateway settings: one pydantic model, read from the environment and validated when the
app is built (the Lambda's first invocation), never frozen at import.

The gateway's backend (table, label bucket, cursor secret, function names) is configured by
`returns_shared.settings.GatewayBackendSettings`, validated by the same cold start (bootstrap).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import AliasChoices, Field, field_validator
from pydantic.fields import FieldInfo

from returns_shared.settings import EnvironmentSettings

AuthMode = Literal["local", "cognito"]
LOCAL_JWT_SECRET = "local-dev-secret"  # a well-known development value: refused in production (cognito only)

def _blank_is_unset(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


class Settings(EnvironmentSettings):
    stage: str = "local"
    auth_mode: AuthMode = "local"
    local_jwt_secret: str = Field(
        LOCAL_JWT_SECRET, validation_alias=AliasChoices("local_jwt_secret", "returns_local_jwt_secret")
    )
    cognito_region: str | None = Field(
        None, validation_alias=AliasChoices("cognito_region", "aws_region")
    )
    # Two user pools (see issuers.py): customers' (MFA optional, groups ignored) and staff (MFA on).
    customer_user_pool_id: str | None = None
    staff_user_pool_id: str | None = None
    # Their app clients: deployed, from the SSM parameter this names (app_clients.py); or named here.
    app_clients_parameter: str | None = None
    customer_app_client_id: str | None = None
    staff_app_client_id: str | None = None
    order_feed_client_id: str | None = None  # the staff pool's client-credentials client (integration)
    graphql_ide: bool | None = None  # unset: on unless production
    max_body_bytes: int = Field(64 * 1024, gt=0)
    label_url_ttl_seconds: int = Field(15 * 60, gt=0)
    photo_url_ttl_seconds: int = Field(10 * 60, gt=0)  # links to inspection photos: short-lived
    photo_upload_ttl_seconds: int = Field(10 * 60, gt=0)  # a presigned upload form
    graphiql_assets_url: str = "/_assets/graphiql"  # GraphiQL's scripts and styles: never a CDN

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """The process's settings, from os.environ (or from `env` alone): the values (one
        ConfigurationError naming every problem) AND the deployment rules below (ValueError) are
        checked. (Direct construction checks values only: tests build a production app with local
        tokens.)"""
        settings = super().from_env(env)
        settings.check_deployable()
        return settings

    @field_validator(
        "stage",
        "local_jwt_secret",
        "auth_mode",
        "graphql_ide",
        "graphiql_assets_url",
        "order_feed_client_id",
        "app_clients_parameter",
        mode="before",
    )
    @classmethod
    def _blank_means_default(cls, value: Any, info: Any) -> Any:
        value = _blank_is_unset(value)
        if value is None:
            field: FieldInfo = cls.model_fields[info.field_name]
            return field.default
        return value.strip().lower() if info.field_name == "auth_mode" and isinstance(value, str) else value

    def check_deployable(self) -> None:
        if self.production and self.auth_mode != "cognito":
            # A forgeable shared-secret token in production would be an open door.
            raise ValueError("STAGE=prod requires AUTH_MODE=cognito")
        if self.auth_mode != "cognito":
            return
        clients_named = bool(self.customer_app_client_id and self.staff_app_client_id)
        needed = {
            "COGNITO_REGION (or AWS_REGION)": self.cognito_region,
            "CUSTOMER_USER_POOL_ID": self.customer_user_pool_id,
            "STAFF_USER_POOL_ID": self.staff_user_pool_id,
            "APP_CLIENTS_PARAMETER (or CUSTOMER_APP_CLIENT_ID and STAFF_APP_CLIENT_ID)":
                clients_named or self.app_clients_parameter,
        }
        missing = [name for name, value in needed.items() if not value]
        if missing:
            raise ValueError(f"AUTH_MODE=cognito needs {', '.join(missing)}")
        if self.customer_user_pool_id == self.staff_user_pool_id:
            # one pool for both would honour groups on customer accounts and let staff skip MFA
            raise ValueError("CUSTOMER_USER_POOL_ID and STAFF_USER_POOL_ID must name different pools")

    @property
    def production(self) -> bool:
        return self.stage.lower() in {"prod", "production"}

    @property
    def developer_tools(self) -> bool:
        """GraphiQL, introspection and field suggestions: on locally, never in production."""
        enabled = not self.production if self.graphql_ide is None else self.graphql_ide
        return enabled and not self.production
