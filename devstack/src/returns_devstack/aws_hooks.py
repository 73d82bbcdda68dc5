"""Botocore event hooks on every AWS client the local stack's code makes: which function made a call,
a record of the calls (the permission proof), and faults injected at the AWS boundary (the soak).

The handlers are registered once, in botocore's BUILTIN_HANDLERS (as moto registers its own), so every
botocore session made afterwards carries them; `fresh_sessions()` (called when an embedded stack
starts) drops the sessions and the Powertools parameter providers made before, so no client of the
stack's code lacks them. They do nothing unless a recording or a fault plan is active.

- `acting_as(principal)`: calls made meanwhile (in this context: contextvars follow asyncio tasks and
  `asyncio.to_thread`) are that principal's: the function the local runtime is running, the gateway.
- `recording()`: every call a principal makes (`before-parameter-build`: each API call once, SDK retries
  not counted, and each presigned URL as the action it signs).
- `injecting(fault)`: `fault(call)` may answer a call with an AWS error instead of AWS
  (`before-call`, after the SDK's own retries would have run: the code sees what exhausted retries
  leave it), e.g. DynamoDB throttling or a lost conditional write, SES throttling.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from botocore.handlers import BUILTIN_HANDLERS

_principal: ContextVar[str | None] = ContextVar("aws_principal", default=None)
_posted_key: ContextVar[str | None] = ContextVar("aws_presigned_post_key", default=None)
_lock = threading.Lock()
_recordings: list[list[AwsCall]] = []
_faults: list[Callable[[AwsCall], AwsError | None]] = []


@dataclass(frozen=True)
class AwsCall:
    principal: str | None  # the function (template logical id) whose code made it, None: no function's
    service: str  # botocore's service name: dynamodb, sesv2, stepfunctions, ...
    signing_name: str  # IAM's prefix for most services: ses for sesv2, states for stepfunctions
    operation: str  # GetItem, SendEmail, ...
    params: dict[str, Any] = field(hash=False, compare=False)
    presigned: bool = False


@dataclass(frozen=True)
class AwsError:
    """What an injected fault answers instead of AWS (an HTTP error with AWS's error code)."""

    code: str
    message: str
    status: int = 400
    extra: dict[str, Any] = field(default_factory=dict)


@contextmanager
def acting_as(principal: str | None) -> Iterator[None]:
    token = _principal.set(principal)
    try:
        yield
    finally:
        _principal.reset(token)


def current_principal() -> str | None:
    return _principal.get()


class ActingAs:
    """An ASGI app whose requests act as `principal` (the local gateway app: the gateway function);
    `invoked()` runs before each request (what the Lambda service does at each invocation)."""

    def __init__(self, app: Any, principal: str, *, invoked: Callable[[], None] = lambda: None) -> None:
        self.app = app
        self.principal = principal
        self.invoked = invoked

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        with acting_as(self.principal):
            if scope.get("type") == "http":
                self.invoked()
            await self.app(scope, receive, send)

    def __getattr__(self, name: str) -> Any:  # the wrapped app's own parts (e.g. `view`, for tests)
        return getattr(self.app, name)


@contextmanager
def recording() -> Iterator[list[AwsCall]]:
    """Every AWS call a principal makes meanwhile, in order (also those of other threads' principals)."""
    calls: list[AwsCall] = []
    with _lock:
        _recordings.append(calls)
    try:
        yield calls
    finally:
        with _lock:
            _recordings.remove(calls)


def record(call: AwsCall) -> None:
    """A call made on a principal's behalf outside botocore (the Lambda service writing a function's
    logs, an in-process command standing for lambda:Invoke)."""
    with _lock:
        for calls in _recordings:
            calls.append(call)


@contextmanager
def injecting(fault: Callable[[AwsCall], AwsError | None]) -> Iterator[None]:
    with _lock:
        _faults.append(fault)
    try:
        yield
    finally:
        with _lock:
            _faults.remove(fault)


def _call(model: Any, params: Any, context: Any) -> AwsCall:
    service = model.service_model
    presigned = bool((context or {}).get("is_presign_request"))
    operation, params = model.name, dict(params or {})
    if presigned and service.service_name == "s3" and operation == "CreateBucket" and _posted_key.get():
        # botocore builds a presigned POST's URL with CreateBucket's model: what it signs is a PutObject
        operation, params = "PutObject", {**params, "Key": _posted_key.get()}
    return AwsCall(principal=_principal.get(), service=service.service_name,
                   signing_name=service.signing_name or service.endpoint_prefix, operation=operation,
                   params=params, presigned=presigned)


_PARAMS = "returns.api_params"  # where the call's API parameters wait for `before-call` (one context a call)


def _on_parameter_build(params: Any = None, model: Any = None, context: Any = None, **_: Any) -> None:
    if _principal.get() is None or model is None:
        return
    if _faults and isinstance(context, dict):
        context[_PARAMS] = dict(params or {})
    if _recordings:
        record(_call(model, params, context))


class _InjectedResponse:
    def __init__(self, status: int) -> None:
        self.status_code = status
        self.headers: dict[str, str] = {}
        self.content = b""


def _on_before_call(model: Any = None, params: Any = None, context: Any = None, **_: Any) -> Any:
    if not _faults or model is None or _principal.get() is None:  # only the functions' own calls
        return None
    call = _call(model, (context or {}).get(_PARAMS), context)
    with _lock:
        faults = list(_faults)
    for fault in faults:
        error = fault(call)
        if error is not None:
            parsed = {"Error": {"Code": error.code, "Message": error.message}, **error.extra,
                      "ResponseMetadata": {"HTTPStatusCode": error.status, "RetryAttempts": 0}}
            return _InjectedResponse(error.status), parsed
    return None


def fresh_sessions() -> None:
    """Sessions (and Powertools' parameter providers, which hold clients) made before the hooks were
    registered carry none: drop them, so the stack's next clients come from a session that has them."""
    import boto3
    from aws_lambda_powertools.utilities.parameters.constants import DEFAULT_PROVIDERS

    boto3.DEFAULT_SESSION = None
    DEFAULT_PROVIDERS.clear()


@contextmanager
def parameter_caches_bypassed() -> Iterator[None]:
    """Powertools Parameters answer from their cache for `max_age`: a second function reading a
    secret or parameter within it would make no call. Bypassed, every read is a call (and recorded)."""
    from aws_lambda_powertools.utilities.parameters.base import BaseProvider

    original = BaseProvider.has_not_expired_in_cache
    BaseProvider.has_not_expired_in_cache = lambda self, key: False  # type: ignore[method-assign]
    try:
        yield
    finally:
        BaseProvider.has_not_expired_in_cache = original  # type: ignore[method-assign]


def _on_creating_s3_class(class_attributes: dict[str, Any], **_: Any) -> None:
    """The key of a presigned POST never reaches the parameter hook (botocore passes the bucket only):
    S3 clients' generate_presigned_post tells it on the side."""
    original = class_attributes.get("generate_presigned_post")
    if original is None or getattr(original, "_tells_key", False):
        return

    def generate_presigned_post(self: Any, Bucket: str, Key: str, *args: Any, **kwargs: Any) -> Any:
        token = _posted_key.set(Key)
        try:
            return original(self, Bucket, Key, *args, **kwargs)
        finally:
            _posted_key.reset(token)

    generate_presigned_post._tells_key = True  # type: ignore[attr-defined]
    class_attributes["generate_presigned_post"] = generate_presigned_post


if ("before-parameter-build", _on_parameter_build) not in BUILTIN_HANDLERS:  # once per process
    BUILTIN_HANDLERS.append(("before-parameter-build", _on_parameter_build))
    BUILTIN_HANDLERS.append(("before-call", _on_before_call))
    BUILTIN_HANDLERS.append(("creating-client-class.s3", _on_creating_s3_class))
