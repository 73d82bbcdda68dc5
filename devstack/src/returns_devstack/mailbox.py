"""What customers would have received: the mail moto's SES kept (same process as the moto server).

Raw messages (with attachments) are parsed so that a developer reads subject and text, and tests can
assert the content and the attachments. moto keeps a single body of a simple email (the HTML part when
there is one); `keep_both_parts()` makes it keep the text part too.
"""

from __future__ import annotations

import email
import functools
import json
from email import policy as email_policy
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from moto.ses.models import SESBackend

ACCOUNT = "123456789012"


def _backend(region: str) -> SESBackend:
    from moto.ses.models import ses_backends

    return ses_backends[ACCOUNT][region]


def keep_both_parts() -> None:
    """SES v2 `send_email` with Simple content: remember its text and HTML parts on moto's message."""
    from moto.sesv2.responses import SESV2Response

    original = SESV2Response.send_email
    if getattr(original, "_keeps_both_parts", False):
        return

    @functools.wraps(original)
    def send_email(self: Any) -> str:
        answer: str = original(self)
        simple = (json.loads(self.body).get("Content") or {}).get("Simple")
        if simple:
            message_id = json.loads(answer)["MessageId"]
            body = simple.get("Body", {})
            for sent in reversed(self.sesv2_backend.core_backend.sent_messages):
                if sent.id == message_id:
                    sent.text = body.get("Text", {}).get("Data")
                    sent.html = body.get("Html", {}).get("Data")
                    break
        return answer

    send_email._keeps_both_parts = True  # type: ignore[attr-defined]
    SESV2Response.send_email = send_email  # type: ignore[method-assign]


def sent_emails(region: str = "us-east-1") -> list[dict[str, Any]]:
    """Every email sent, oldest first: `text` and `html` parts (either may be None), `body` (the text,
    or the HTML of an email without one: what tests search), recipients, subject, attachments."""
    messages: list[dict[str, Any]] = []
    for sent in _backend(region).sent_messages:
        if hasattr(sent, "raw_data"):
            parsed = email.message_from_string(sent.raw_data, policy=email_policy.default)
            text = parsed.get_body(preferencelist=("plain",))
            html = parsed.get_body(preferencelist=("html",))
            messages.append({
                "id": sent.id,
                "to": _once(sent.destinations),  # moto adds the To header to the Destination list
                "from": str(parsed["from"] or ""),
                "subject": str(parsed["subject"]),
                "inReplyTo": str(parsed["in-reply-to"]) if parsed["in-reply-to"] else None,
                "references": str(parsed["references"]) if parsed["references"] else None,
                **_parts(text.get_content() if text else None, html.get_content() if html else None),
                "attachments": [(part.get_filename(), part.get_content_type(), part.get_content())
                                for part in parsed.iter_attachments()],
            })
        elif hasattr(sent, "subject"):
            to = (
                sent.destinations.get("ToAddresses", [])
                if isinstance(sent.destinations, dict)
                else sent.destinations
            )
            if hasattr(sent, "text"):  # kept by keep_both_parts()
                parts = _parts(sent.text, sent.html)
            else:  # moto's one body: the HTML one when there is one
                html = sent.body.lstrip()[:15].lower().startswith(("<!doctype html", "<html"))
                parts = _parts(None if html else sent.body, sent.body if html else None)
            messages.append({"id": sent.id, "to": _once(to), "from": getattr(sent, "source", ""),
                             "subject": sent.subject, "inReplyTo": None, "references": None, **parts,
                             "attachments": []})
    return messages


def _parts(text: str | None, html: str | None) -> dict[str, str | None]:
    return {"text": text, "html": html, "body": text if text is not None else html or ""}


def _once(addresses: list[str]) -> list[str]:
    """Each recipient once (addresses compare case-insensitively), in the order given."""
    once: dict[str, str] = {}
    for address in addresses:
        once.setdefault(address.strip().lower(), address.strip())
    return list(once.values())
