"""Developer pages of the local stack beside the gateway: sent emails, scheduled jobs on demand.

Everything under /_local/ is behind LocalEndpointsGuard (loopback Host, no cross-site posts); every
answer carries the pages' Content-Security-Policy and security headers (security_headers.py)."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route

from returns_devstack.local_guard import LocalEndpointsGuard
from returns_devstack.mailbox import sent_emails
from returns_devstack.mailbox_page import MAIL_CSS, mail_json, mail_page
from returns_devstack.security_headers import SecurityHeaders
from returns_devstack.stack import EmbeddedStack
from returns_devstack.web_routes import web_routes
from returns_devstack.webhooks import webhook_routes


def local_app(embedded: EmbeddedStack) -> SecurityHeaders:
    async def mail(request: Request) -> HTMLResponse | JSONResponse:
        messages = sent_emails()
        if "application/json" in request.headers.get("accept", ""):
            return JSONResponse(mail_json(messages))
        return HTMLResponse(mail_page(messages, before=request.query_params.get("before")))

    async def mail_css(_: Request) -> Response:
        return Response(MAIL_CSS, media_type="text/css")

    async def run_job(request: Request) -> JSONResponse:
        job = request.path_params["job"]
        if job not in embedded.runtime.job_names():
            return JSONResponse(
                {"error": f"unknown job {job}", "jobs": embedded.runtime.job_names()}, status_code=404
            )
        return JSONResponse(embedded.runtime.run_job(job))

    return SecurityHeaders(LocalEndpointsGuard(Starlette(routes=[
        *web_routes(),  # the three apps, their config, local sign-in, GraphiQL's files
        Route("/_local/mail", mail),
        Route("/_local/mail.css", mail_css),
        Route("/_local/jobs/{job}", run_job, methods=["POST"]),
        *webhook_routes(embedded),
        Mount("/", app=embedded.gateway_app()),
    ])), photos=embedded.photos_origin)
