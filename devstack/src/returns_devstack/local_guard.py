"""Guards the developer endpoints (`/_local/*`) of the local stack.

- DNS rebinding: a web page whose name an attacker re-points at 127.0.0.1 reaches this server with
  the attacker's Host header; only loopback Hosts are answered.
- Cross-site requests: a form on any web page can POST here (forms need no CORS). A state-changing
  request is refused when the browser says it is cross-site (Origin, Sec-Fetch-Site) or when its
  body is one a plain HTML form can send. `curl -X POST` sends none of these and still works.
  One exception: the mailbox's own "Reply as the customer" form posts to FORM_ROUTES, accepted only
  when the browser vouches that the page was ours (a loopback Origin and Sec-Fetch-Site: same-origin,
  which a page elsewhere cannot forge).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

PREFIX = "/_local"
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data", "text/plain")
FORM_ROUTES = frozenset({"/_local/mail/inbound"})  # posted by the mailbox page itself (same origin)


def _host(value: str) -> str:
    """`127.0.0.1:8000` → 127.0.0.1, `[::1]:8000` → ::1 (lower case)."""
    return (urlsplit(f"//{value}").hostname or "").lower()


def refusal(method: str, headers: dict[str, str], path: str = "") -> str | None:
    """Why this request to a developer endpoint is refused, or None."""
    if _host(headers.get("host", "")) not in LOOPBACK:
        return "developer endpoints answer loopback hosts only (127.0.0.1, localhost, [::1])"
    if method in SAFE_METHODS:
        return None
    origin = headers.get("origin")
    if origin is not None and (urlsplit(origin).hostname or "").lower() not in LOOPBACK:
        return "cross-origin requests may not run developer actions"
    if headers.get("sec-fetch-site", "same-origin") not in {"same-origin", "none"}:
        return "cross-site requests may not run developer actions"
    if headers.get("content-type", "").split(";")[0].strip().lower() in FORM_TYPES and not (
            path in FORM_ROUTES and origin is not None and headers.get("sec-fetch-site") == "same-origin"):
        return "a form post may not run developer actions (send no body, or JSON)"
    return None


class LocalEndpointsGuard:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if scope["type"] == "http" and (path == PREFIX or path.startswith(f"{PREFIX}/")):
            headers = {
                k.decode("latin-1").lower(): v.decode("latin-1")
                for k, v in scope.get("headers", [])
            }
            problem = refusal(str(scope.get("method", "GET")).upper(), headers, path)
            if problem is not None:
                await PlainTextResponse(problem, status_code=403)(scope, receive, send)
                return
        await self.app(scope, receive, send)
