"""The local mailbox as a page and as JSON: HTML emails rendered as HTML in a sandboxed frame (no
scripts, no same-origin access), attachments listed (as names and sizes in JSON; bytes are not JSON),
each email's `messageId` as its Message-ID header reads (SES's form), and under each a "Reply as the
customer" form that posts to /_local/mail/inbound (a plain form: the page runs no script).

The page shows the newest mail first, a page at a time (one frame per HTML email is what makes a long
page slow): `?before=<n>` shows the mails numbered below n (numbers count from 1, oldest first, so a
page stays the same while new mail arrives)."""

from __future__ import annotations

import html
from typing import Any

from returns_shared.domain.messages import ses_message_id_header

PER_PAGE = 20


def mail_json(messages: list[dict[str, Any]], *, region: str = "us-east-1") -> list[dict[str, Any]]:
    """Each mail with its text and HTML parts apart (`null` when the email has none), and its Message-ID
    (what a reply's In-Reply-To names)."""
    return [{"id": message["id"], "messageId": ses_message_id_header(message["id"], region),
             "from": message.get("from"), "to": message["to"], "subject": message["subject"],
             "inReplyTo": message.get("inReplyTo"),
             "text": message["text"], "html": message["html"],
             "attachments": [{"filename": name, "contentType": kind, "size": len(content)}
                             for name, kind, content in message["attachments"]]}
            for message in messages]


def _reply_form(number: int, message: dict[str, Any], region: str) -> str:
    """Answer this email as its recipient would, threaded to it (the customer's mail client, locally)."""
    def hidden(name: str, value: str) -> str:
        return f'<input type="hidden" name="{name}" value="{html.escape(value, quote=True)}">'

    customer = message["to"][0] if message["to"] else ""
    return (f'<form method="post" action="/_local/mail/inbound" class="reply">'
            f'{hidden("customer", customer)}{hidden("subject", message["subject"])}'
            f'{hidden("inReplyTo", ses_message_id_header(message["id"], region))}'
            f'<label for="reply-{number}">Reply as the customer ({html.escape(customer)})</label>'
            f'<textarea id="reply-{number}" name="text" rows="3" required></textarea>'
            f'<button type="submit">Send reply</button></form>')


def _message(number: int, message: dict[str, Any], region: str = "us-east-1") -> str:
    subject = html.escape(message["subject"])
    if message.get("html"):
        # srcdoc + an empty sandbox: the email's markup runs in a frame with no scripts and no origin
        body = (f'<iframe sandbox title="{subject}" srcdoc="{html.escape(message["html"], quote=True)}"'
                ' loading="lazy" class="mail"></iframe>')
    else:
        body = f"<pre>{html.escape(message['body'])}</pre>"
    attached = "".join(
        f"<li>{html.escape(name or 'attachment')} ({html.escape(kind)}, {len(content):,} bytes)</li>"
        for name, kind, content in message["attachments"]
    )
    return (f'<article id="mail-{number}"><h2>{number}. {subject}</h2>'
            f"<p><b>To:</b> {html.escape(', '.join(message['to']))}</p>{body}"
            f"{f'<p><b>Attachments</b></p><ul>{attached}</ul>' if attached else ''}"
            f"{_reply_form(number, message, region)}</article><hr>")


def page_end(count: int, before: str | None) -> int:
    """Where the page ends (exclusive, counted from the oldest mail): `?before=`, clamped; else the newest."""
    try:
        end = int(before) if before is not None else count + 1
    except ValueError:
        end = count + 1
    return max(1, min(end, count + 1))


def mail_page(messages: list[dict[str, Any]], *, before: str | None = None, per_page: int = PER_PAGE,
              region: str = "us-east-1") -> str:
    count = len(messages)
    end = page_end(count, before)  # numbers end-1, end-2, … down to start
    start = max(1, end - per_page)
    items = "".join(_message(number, messages[number - 1], region)
                    for number in range(end - 1, start - 1, -1))
    links = []
    if end <= count:
        links.append('<a href="/_local/mail">Newest mail</a>')
        links.append(f'<a href="/_local/mail?before={min(end + per_page, count + 1)}">Newer mail</a>')
    if start > 1:
        links.append(f'<a href="/_local/mail?before={start}">Older mail</a>')
    shown = f"{end - start} shown, numbers {start}–{end - 1}" if end > start else "none shown"
    nav = f'<nav aria-label="Pages of mail"><p>{" · ".join(links)}</p></nav>' if links else ""
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sent mail</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        # an empty icon, as the apps have: else the browser asks for /favicon.ico and logs its 404
        '<link rel="icon" href="data:,"><link rel="stylesheet" href="/_local/mail.css"></head>'
        f"<body><main><h1>Sent mail ({count})</h1>"
        f"<p>Newest first, {per_page} a page ({shown}).</p>{nav}"
        f"{items or '<p>No mail sent yet.</p>'}{nav}</main></body></html>"
    )


# The page's style as a file of its own: the Content-Security-Policy allows no <style> in the page.
MAIL_CSS = """body { font-family: system-ui, sans-serif; max-width: 60rem; margin: auto; padding: 1rem; }
iframe.mail { width: 100%; height: 28rem; border: 1px solid #ccc; }
pre { white-space: pre-wrap; }
form.reply { display: grid; gap: .25rem; margin-top: .5rem; }
form.reply textarea { width: 100%; font: inherit; }
form.reply button { justify-self: start; }
"""
