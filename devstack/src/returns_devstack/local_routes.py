"""Developer pages of the local stack beside the gateway: sent emails, scheduled jobs on demand.

Everything under /_local/ is behind LocalEndpointsGuard (loopback Host, no cross-site posts)."""

from __future__ import annotations

import html
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse
from starlette.routing import Mount, Route

from returns_devstack.local_guard import LocalEndpointsGuard
from returns_devstack.mailbox import sent_emails
from returns_devstack.stack import EmbeddedStack
from returns_devstack.webhooks import webhook_routes


def local_app(embedded: EmbeddedStack) -> Any:
    async def mail(request: Request) -> HTMLResponse | JSONResponse:
        messages = sent_emails()
        if "application/json" in request.headers.get("accept", ""):
            return JSONResponse(messages)
        items = "".join(
            f"<article><h3>{html.escape(m['subject'])}</h3><p><b>To:</b> {html.escape(', '.join(m['to']))}"
            f"</p><pre>{html.escape(m['body'])}</pre></article><hr>"
            for m in reversed(messages)
        )
        return HTMLResponse(f"<html><head><title>Sent mail</title></head><body><h1>Sent mail ({len(messages)})</h1>"
                            f"{items or '<p>No mail sent yet.</p>'}</body></html>")

    async def run_job(request: Request) -> JSONResponse:
        job = request.path_params["job"]
        if job not in embedded.runtime.job_names():
            return JSONResponse({"error": f"unknown job {job}", "jobs": embedded.runtime.job_names()}, status_code=404)
        return JSONResponse(embedded.runtime.run_job(job))

    async def root(_: Request) -> RedirectResponse:
        return RedirectResponse("/graphql")

    return LocalEndpointsGuard(Starlette(routes=[
        Route("/", root),
        Route("/_local/mail", mail),
        Route("/_local/jobs/{job}", run_job, methods=["POST"]),
        *webhook_routes(embedded),
        Mount("/", app=embedded.gateway_app()),
    ]))
