"""The pages' Content-Security-Policy and the other security headers, as the local stack sends them.

Deployed, CloudFront sends the same page policy (template.yaml, `WebSecurityHeaders`; a test compares
the two), with the Hosted UI's domain added to `connect-src` for the sign-in's token request. Tokens
live in sessionStorage, so scripts come from the pages' own origin only and talk to it alone, and to
the inspection photos' bucket: the warehouse screen posts photos straight to it (`connect-src`) and
the pages show them from it (`img-src`) through short-lived links (deployed: the bucket's regional
host; locally: the moto server).

Two local pages need more than the apps:
- the mailbox renders HTML emails in sandboxed `srcdoc` frames, which inherit the page's policy: the
  emails' own style attributes are allowed there (`style-src-attr`), nothing else;
- GraphiQL (a developer tool, local only) runs one inline script, allowed by its hash, and styles
  itself inline.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGE_DIRECTIVES: tuple[tuple[str, str], ...] = (
    ("default-src", "'self'"),
    ("script-src", "'self'"),
    ("connect-src", "'self'"),
    ("img-src", "'self' data:"),  # data: the pages' empty favicon
    ("style-src", "'self'"),
    ("object-src", "'none'"),
    ("frame-ancestors", "'none'"),
    ("base-uri", "'none'"),
    ("form-action", "'self'"),
)

# Beside the policy, on every answer (template.yaml: SecurityHeadersConfig and CustomHeadersConfig).
OTHER_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "cross-origin-opener-policy": "same-origin",
}


def content_security_policy(*, connect: Iterable[str] = (), photos: str | None = None, **extra: str) -> str:
    """The page policy; `connect` adds origins to connect-src, `photos` (the inspection photos' origin)
    to connect-src and img-src, `extra` adds or replaces directives (keyword names with underscores:
    style_src_attr → style-src-attr)."""
    directives = dict(PAGE_DIRECTIVES)
    directives["connect-src"] = " ".join(["'self'", *connect, *([photos] if photos else [])])
    if photos:
        directives["img-src"] = f"{directives['img-src']} {photos}"
    directives.update({name.replace("_", "-"): value for name, value in extra.items()})
    return "; ".join(f"{name} {value}" for name, value in directives.items())


PAGE_POLICY = content_security_policy()
MAILBOX_POLICY = content_security_policy(style_src_attr="'unsafe-inline'")
_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)


def graphiql_policy(html: bytes) -> str:
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(script).digest()).decode()}'"
        for script in _INLINE_SCRIPT.findall(html)
    )
    return content_security_policy(script_src=f"'self' {hashes}".strip(), style_src="'self' 'unsafe-inline'",
                                   font_src="'self' data:")


class SecurityHeaders:
    """ASGI middleware of the local server: every answer gets the security headers, and the policy of
    its page (GraphiQL's is computed from the page it serves)."""

    def __init__(self, app: ASGIApp, *, graphql_path: str = "/graphql", photos: str | None = None) -> None:
        self.app = app
        self.graphql_path = graphql_path
        self.page_policy = content_security_policy(photos=photos) if photos else PAGE_POLICY
        self.mailbox_policy = MAILBOX_POLICY

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        policy = self.mailbox_policy if path.startswith("/_local/mail") else self.page_policy
        held: list[Message] = []  # GraphiQL's page: its policy hashes the body

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in OTHER_HEADERS.items():
                    headers.setdefault(name, value)
                is_ide = path.rstrip("/") == self.graphql_path and headers.get("content-type", "").startswith(
                    "text/html")
                if is_ide:
                    held.append(message)
                    return
                headers["content-security-policy"] = policy
            elif held:
                held.append(message)
                if message.get("more_body"):
                    return
                body = b"".join(m.get("body", b"") for m in held[1:])
                MutableHeaders(scope=held[0])["content-security-policy"] = graphiql_policy(body)
                await send(held[0])
                await send({"type": "http.response.body", "body": body})
                return
            await send(message)

        await self.app(scope, receive, send_with_headers)
