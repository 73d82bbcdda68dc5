"""Lambda entry point: `returns_api.lambda_handler.handler` (API Gateway HTTP API, payload v2).

The app is built on the first invocation, not at import, so tests (and cold starts that only
import) need no AWS wiring; it is then reused by every invocation of the warm container.
"""

from __future__ import annotations

from typing import Any

from mangum import Mangum

from returns_api.observability import logger
from returns_shared.cold_start import initialising

_handler: Mangum | None = None


def build_handler() -> Mangum:
    with initialising():  # the first invocation builds the app: no collections over what lives on
        return _build_handler()


def _build_handler() -> Mangum:
    # SEAM: production wiring lives in the shared package's composition root (bootstrap).
    from returns_api.app import create_app
    from returns_api.loaders import inline
    from returns_api.settings import Settings
    from returns_shared.bootstrap import (
        check_configuration,
        gateway_dependencies,
        gateway_mail_store,
        gateway_photo_store,
    )

    check_configuration(needs=("cursors",))  # production: no sandbox part, the cursor key configured
    settings = Settings.from_env()
    reader, command_bus, label_store = gateway_dependencies()
    # one request per container: the ports are called inline, never through a thread hop
    app = create_app(reader=reader, command_bus=command_bus, label_store=label_store, settings=settings,
                     blocking=inline, photo_store=gateway_photo_store(), mail_store=gateway_mail_store())
    return Mangum(app, lifespan="off")


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    global _handler
    # The request id (what a masked error quotes, and what commands carry to the functions) is this
    # invocation's: every gateway log line carries it as correlation_id, like the functions' lines.
    logger.set_correlation_id(getattr(context, "aws_request_id", None))
    if _handler is None:
        _handler = build_handler()
    return _handler(event, context)
