"""Developer pages of the local stack beside the gateway: sent emails (and customers' replies to them,
received as SES would), scheduled jobs on demand.

Everything under /_local/ is behind LocalEndpointsGuard (loopback Host, no cross-site posts); every
answer carries the pages' Content-Security-Policy and security headers (security_headers.py)."""

from __future__ import annotations

from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route

from returns_api.middleware import BodyLimit
from returns_devstack import mail_inbound
from returns_devstack.local_guard import LocalEndpointsGuard
from returns_devstack.mailbox import sent_emails
from returns_devstack.mailbox_page import MAIL_CSS, mail_json, mail_page
from returns_devstack.security_headers import SecurityHeaders
from returns_devstack.stack import EmbeddedStack
from returns_devstack.web_routes import web_routes
from returns_devstack.webhooks import webhook_routes


def local_app(embedded: EmbeddedStack) -> SecurityHeaders:
    region = embedded.stack.region

    async def mail(request: Request) -> HTMLResponse | JSONResponse:
        messages = sent_emails(region)
        if "application/json" in request.headers.get("accept", ""):
            return JSONResponse(mail_json(messages, region=region))
        return HTMLResponse(mail_page(messages, before=request.query_params.get("before"), region=region))

    async def inbound(request: Request) -> Response:
        """A raw RFC 5322 message as the body (or the mailbox's reply form): received as SES would."""
        body = await request.body()
        form = request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded")
        try:
            verdicts = mail_inbound.verdicts_of(dict(request.headers))
            if form:
                fields = {name: values[0] for name, values in parse_qs(body.decode()).items()}
                body = mail_inbound.customer_reply(
                    customer=fields["customer"], support=embedded.deps.addresses.support,
                    subject=fields.get("subject", ""), in_reply_to=fields.get("inReplyTo", ""),
                    text=fields["text"])
            if not body.strip():
                raise ValueError("send one raw RFC 5322 message as the body")
        except (KeyError, ValueError, UnicodeDecodeError) as exc:
            return JSONResponse({"error": f"not a message: {exc}"}, status_code=400)
        outcome = await run_in_threadpool(mail_inbound.receive, embedded, body, verdicts=verdicts)
        if form:  # back to the mailbox the reply was written in
            return RedirectResponse("/_local/mail", status_code=303)
        return JSONResponse(outcome, status_code=201)

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
        Route("/_local/mail/inbound", BodyLimit(Route("/_local/mail/inbound", inbound, methods=["POST"]),
                                                max_bytes=mail_inbound.MAX_MESSAGE_BYTES), methods=["POST"]),
        Route("/_local/mail.css", mail_css),
        Route("/_local/jobs/{job}", run_job, methods=["POST"]),
        *webhook_routes(embedded),
        Mount("/", app=embedded.gateway_app()),
    ])), photos=embedded.photos_origin)
