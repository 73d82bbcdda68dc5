"""Gateway settings, read from the environment when asked for (never frozen at import)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

AuthMode = Literal["local", "cognito"]

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _flag(value: str | None, default: bool) -> bool:
    if value is None or not value.strip():
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError(f"not a boolean setting: {value!r}")


@dataclass(frozen=True)
class Settings:
    stage: str = "local"
    auth_mode: AuthMode = "local"
    local_jwt_secret: str = "local-dev-secret"
    cognito_region: str | None = None
    cognito_user_pool_id: str | None = None
    cognito_app_client_id: str | None = None
    graphql_ide: bool = True
    max_body_bytes: int = 64 * 1024
    request_function: str = "returns-request"
    screening_function: str = "returns-screening"
    refund_function: str = "returns-refund"
    label_url_ttl_seconds: int = 15 * 60
    graphiql_assets_url: str = "/_assets/graphiql"  # GraphiQL's scripts and styles: never a CDN

    @property
    def production(self) -> bool:
        return self.stage.lower() in {"prod", "production"}

    @property
    def developer_tools(self) -> bool:
        """GraphiQL, introspection and field suggestions: on locally, never in production."""
        return self.graphql_ide and not self.production

    @property
    def cognito_issuer(self) -> str:
        return f"https://cognito-idp.{self.cognito_region}.amazonaws.com/{self.cognito_user_pool_id}"

    @property
    def cognito_jwks_url(self) -> str:
        return f"{self.cognito_issuer}/.well-known/jwks.json"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        stage = env.get("STAGE", "local")
        production = stage.lower() in {"prod", "production"}
        auth_mode = env.get("AUTH_MODE", "local").strip().lower()
        if auth_mode not in ("local", "cognito"):
            raise ValueError(f"AUTH_MODE must be local or cognito, not {auth_mode!r}")
        if production and auth_mode != "cognito":
            # A forgeable shared-secret token in production would be an open door.
            raise ValueError("STAGE=prod requires AUTH_MODE=cognito")
        settings = cls(
            stage=stage,
            auth_mode=auth_mode,  # type: ignore[arg-type]
            local_jwt_secret=env.get("RETURNS_LOCAL_JWT_SECRET") or "local-dev-secret",
            cognito_region=env.get("COGNITO_REGION") or env.get("AWS_REGION"),
            cognito_user_pool_id=env.get("COGNITO_USER_POOL_ID"),
            cognito_app_client_id=env.get("COGNITO_APP_CLIENT_ID"),
            graphql_ide=_flag(env.get("GRAPHQL_IDE"), default=not production),
            max_body_bytes=int(env.get("MAX_BODY_BYTES", str(cls.max_body_bytes))),
            request_function=env.get("REQUEST_FUNCTION_NAME", cls.request_function),
            screening_function=env.get("SCREENING_FUNCTION_NAME", cls.screening_function),
            refund_function=env.get("REFUND_FUNCTION_NAME", cls.refund_function),
            graphiql_assets_url=env.get("GRAPHIQL_ASSETS_URL") or cls.graphiql_assets_url,
        )
        if auth_mode == "cognito" and not (
            settings.cognito_region and settings.cognito_user_pool_id and settings.cognito_app_client_id
        ):
            raise ValueError(
                "AUTH_MODE=cognito needs COGNITO_REGION (or AWS_REGION), COGNITO_USER_POOL_ID "
                "and COGNITO_APP_CLIENT_ID"
            )
        return settings
