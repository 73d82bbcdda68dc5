"""Developer pages of the local stack beside the gateway: sent emails, scheduled jobs on demand."""

from __future__ import annotations

import html
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Mount, Route

from returns_devstack.mailbox import sent_emails
from returns_devstack.stack import EmbeddedStack
from returns_devstack.web_routes import web_routes


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

    return Starlette(routes=[
        *web_routes(),  # the three apps, their config, local sign-in, GraphiQL's files
        Route("/_local/mail", mail),
        Route("/_local/jobs/{job}", run_job, methods=["POST"]),
        Mount("/", app=embedded.gateway_app()),
    ])
