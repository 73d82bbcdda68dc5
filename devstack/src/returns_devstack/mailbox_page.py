"""The local mailbox as a page and as JSON: HTML emails rendered as HTML in a sandboxed frame (no
scripts, no same-origin access), attachments listed (as names and sizes in JSON; bytes are not JSON)."""

from __future__ import annotations

import html
from typing import Any


def mail_json(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**message, "attachments": [{"filename": name, "contentType": kind, "size": len(content)}
                                        for name, kind, content in message["attachments"]]}
            for message in messages]


def _message(message: dict[str, Any]) -> str:
    subject = html.escape(message["subject"])
    if message.get("html"):
        # srcdoc + an empty sandbox: the email's markup runs in a frame with no scripts and no origin
        body = (f'<iframe sandbox title="{subject}" srcdoc="{html.escape(message["html"], quote=True)}"'
                ' style="width:100%;height:28rem;border:1px solid #ccc"></iframe>')
    else:
        body = f"<pre>{html.escape(message['body'])}</pre>"
    attached = "".join(f"<li>{html.escape(name or 'attachment')} ({html.escape(kind)}, {len(content):,} bytes)</li>"
                       for name, kind, content in message["attachments"])
    return (f"<article><h2>{subject}</h2><p><b>To:</b> {html.escape(', '.join(message['to']))}</p>{body}"
            f"{f'<p><b>Attachments</b></p><ul>{attached}</ul>' if attached else ''}</article><hr>")


def mail_page(messages: list[dict[str, Any]]) -> str:
    items = "".join(_message(message) for message in reversed(messages))
    return ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sent mail</title>'
            '<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
            f'<body style="font-family:system-ui,sans-serif;max-width:60rem;margin:auto;padding:1rem">'
            f"<main><h1>Sent mail ({len(messages)})</h1>{items or '<p>No mail sent yet.</p>'}</main></body></html>")
