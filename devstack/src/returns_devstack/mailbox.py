"""What customers would have received: the mail moto's SES kept (same process as the moto server).

Raw messages (with attachments) are parsed so that a developer reads subject and text, and tests can
assert the content and the attachments.
"""

from __future__ import annotations

import email
from email import policy as email_policy
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from moto.ses.models import SESBackend

ACCOUNT = "123456789012"


def _backend(region: str) -> SESBackend:
    from moto.ses.models import ses_backends

    return ses_backends[ACCOUNT][region]


def sent_emails(region: str = "us-east-1") -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    for sent in _backend(region).sent_messages:
        if hasattr(sent, "raw_data"):
            parsed = email.message_from_string(sent.raw_data, policy=email_policy.default)
            body = parsed.get_body(preferencelist=("plain", "html"))
            html = parsed.get_body(preferencelist=("html",))
            messages.append({
                "id": sent.id,
                "to": _once(sent.destinations),  # moto adds the To header to the Destination list
                "subject": str(parsed["subject"]),
                "body": body.get_content() if body else "",
                "html": html.get_content() if html else None,
                "attachments": [(part.get_filename(), part.get_content_type(), part.get_content())
                                for part in parsed.iter_attachments()],
            })
        elif hasattr(sent, "subject"):
            to = (
                sent.destinations.get("ToAddresses", [])
                if isinstance(sent.destinations, dict)
                else sent.destinations
            )
            # moto keeps one body of a simple email: the HTML one when there is one
            html = (
                sent.body if sent.body.lstrip()[:15].lower().startswith(("<!doctype html", "<html")) else None
            )
            messages.append({"id": sent.id, "to": _once(to), "subject": sent.subject, "body": sent.body,
                             "html": html, "attachments": []})
    return messages


def _once(addresses: list[str]) -> list[str]:
    """Each recipient once (addresses compare case-insensitively), in the order given."""
    once: dict[str, str] = {}
    for address in addresses:
        once.setdefault(address.strip().lower(), address.strip())
    return list(once.values())
