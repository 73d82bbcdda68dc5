"""Switching on what moto only does when told: executing state machines (in-process or server)."""

from __future__ import annotations

import json
import os
import warnings
from typing import TYPE_CHECKING
from urllib.parse import urlparse

if TYPE_CHECKING:
    from moto.core.config import DefaultConfig

#: Moto configuration the stack needs (pass to mock_aws, or POST to /moto-api/config).
MOTO_CONFIG: DefaultConfig = {"stepfunctions": {"execute_state_machine": True}}


def moto_mock_active() -> bool:
    try:
        from moto.core.models import MockAWS
    except ImportError:  # pragma: no cover - moto is a dependency of this package
        return False
    return getattr(MockAWS, "_nested_count", 1) > 0


def enable_state_machine_execution_in_process() -> None:
    """Switch on ASL execution for the active mock_aws (restored when the mock stops)."""
    from moto.core.config import default_user_config

    # Replace the key (never mutate the shared inner dict): mock_aws's patch.dict restores it.
    default_user_config["stepfunctions"] = MOTO_CONFIG["stepfunctions"].copy()


def configure_moto_server(endpoint_url: str, config: DefaultConfig = MOTO_CONFIG) -> None:
    """POST /moto-api/config on a moto server; warn when its tasks would call back elsewhere."""
    import urllib.request

    request = urllib.request.Request(
        endpoint_url.rstrip("/") + "/moto-api/config",
        data=json.dumps(config).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=5) as response:  # a local moto server
        response.read()
    port = urlparse(endpoint_url).port
    if port and str(port) != os.environ.get("MOTO_PORT", "5000"):
        warnings.warn(
            f"moto server on port {port} but MOTO_PORT={os.environ.get('MOTO_PORT', '5000')} here: "
            "state machine tasks call moto at localhost:$MOTO_PORT of the SERVER process; "
            "make sure the server runs with MOTO_PORT set to its port",
            stacklevel=2,
        )
