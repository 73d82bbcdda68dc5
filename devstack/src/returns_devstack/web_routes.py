"""The web pages on the local stack: the three apps of web/ with their runtime config, the local
sign-in (demo users, tokens; loopback only) and GraphiQL's npm files (no CDN).

Deployed, the same files sit in the web bucket behind CloudFront (`python -m returns_devstack.web_publish`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from returns_devstack.template import find_template
from returns_devstack.tokens import DEMO_CALLERS, mint

APPS = ("portal", "console", "warehouse", "shared")
SIGN_IN_ROLES = ("customer", "agent", "warehouse", "merchant")
LOOPBACK = {"127.0.0.1", "::1", "localhost"}


def web_root() -> Path:
    return find_template().parent / "web"


def local_config() -> dict[str, Any]:
    """What the pages read from /config.json (deployed: written by web_publish from the stack outputs)."""
    return {"graphqlUrl": "/graphql", "auth": {"mode": "local"}}


def graphiql_asset(package: str, version: str, path: str) -> Path | None:
    """A file of an npm package installed from web/graphiql/package-lock.json, if it is that version."""
    modules = (web_root() / "graphiql" / "node_modules").resolve()
    root = (modules / package).resolve()
    if not root.is_relative_to(modules) or not (root / "package.json").is_file():
        return None
    if json.loads((root / "package.json").read_text(encoding="utf-8")).get("version") != version:
        return None
    file = (root / path).resolve()
    return file if file.is_relative_to(root) and file.is_file() else None


def _from_loopback(request: Request) -> bool:
    """Tokens are for this machine only: a loopback peer, addressing us by a loopback name (no DNS
    rebinding)."""
    host = request.headers.get("host", "").rsplit(":", 1)[0].strip("[]")
    return request.client is not None and request.client.host in LOOPBACK and host in LOOPBACK


def _demo_users(roles: tuple[str, ...]) -> list[dict[str, str]]:
    return [{"email": str(caller["email"]), "label": f"demo {name}", "role": name}
            for name, caller in DEMO_CALLERS.items() if name in roles and caller["email"]]


def _refusal(request: Request, *, role_optional: bool = False) -> JSONResponse | None:
    """Why a local sign-in request is refused (not from loopback, no known role), or None."""
    if not _from_loopback(request):
        return JSONResponse({"error": "local sign-in answers on loopback only"}, status_code=403)
    if role_optional and "role" not in request.query_params:
        return None
    if request.query_params.get("role", "") not in SIGN_IN_ROLES:
        return JSONResponse({"error": f"role must be one of {', '.join(SIGN_IN_ROLES)}"}, status_code=400)
    return None


async def demo_users(request: Request) -> JSONResponse:
    """GET /_local/demo-users[?role=…]: the demo users of one role, or of every role that signs in."""
    if refused := _refusal(request, role_optional=True):
        return refused
    role = request.query_params.get("role")
    return JSONResponse(_demo_users((role,) if role else SIGN_IN_ROLES))


async def token(request: Request) -> JSONResponse:
    """GET /_local/token?role=customer&email=… → {"token": …}: a 12 h HS256 token of the local stack."""
    if refused := _refusal(request):
        return refused
    role = request.query_params["role"]
    caller = DEMO_CALLERS[role]
    email = request.query_params.get("email", "").strip() or str(caller["email"])
    if role != "customer" and email != caller["email"]:
        return JSONResponse({"error": f"the local {role} is {caller['email']}"}, status_code=400)
    if "@" not in email or len(email) > 320:
        return JSONResponse({"error": "an email address is needed"}, status_code=400)
    sub = f"local-{role}-{email.lower()}" if role == "customer" else str(caller["sub"])
    return JSONResponse({"token": mint(sub=sub, email=email, groups=list(caller["groups"]))})


async def config(_: Request) -> JSONResponse:
    return JSONResponse(local_config(), headers={"cache-control": "no-store"})


async def landing(_: Request) -> FileResponse:
    return FileResponse(web_root() / "index.html")


async def asset(request: Request) -> Response:
    spec = request.path_params["spec"]  # e.g. @graphiql/plugin-explorer@1.0.2/dist/index.umd.js
    scoped = spec.startswith("@")
    parts = spec.split("/")
    package_and_version = "/".join(parts[:2]) if scoped else parts[0]
    rest = "/".join(parts[2:] if scoped else parts[1:])
    package, _, version = package_and_version.rpartition("@")
    found = graphiql_asset(package, version, rest) if package and version and rest else None
    if found is None:
        return JSONResponse({"error": f"no GraphiQL asset {spec}; run `make web-assets`"}, status_code=404)
    return FileResponse(found, headers={"cache-control": "public, max-age=86400, immutable"})


def web_routes() -> list[BaseRoute]:
    root = web_root()
    return [
        Route("/", landing),
        Route("/config.json", config),
        Route("/_local/demo-users", demo_users),
        Route("/_local/token", token),
        Route("/_assets/graphiql/{spec:path}", asset),
        *(Mount(f"/{app}", app=StaticFiles(directory=root / app, html=True), name=app) for app in APPS),
    ]
