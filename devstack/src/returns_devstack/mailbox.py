"""What customers would have received: the mail moto's SES kept (same process as the moto server).

Raw messages (with attachments) are parsed so that a developer reads subject and text, and tests can
assert the content and the attachments.
"""

from __future__ import annotations

import email
from email import policy as email_policy
from typing import Any

ACCOUNT = "123456789012"


def _backend(region: str) -> Any:
    from moto.ses.models import ses_backends

    return ses_backends[ACCOUNT][region]


def sent_emails(region: str = "us-east-1") -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    for sent in _backend(region).sent_messages:
        if hasattr(sent, "raw_data"):
            parsed = email.message_from_string(sent.raw_data, policy=email_policy.default)
            body = parsed.get_body(preferencelist=("plain", "html"))
            messages.append({
                "id": sent.id,
                "to": list(sent.destinations),
                "subject": str(parsed["subject"]),
                "body": body.get_content() if body else "",
                "attachments": [(part.get_filename(), part.get_content_type(), part.get_content())
                                for part in parsed.iter_attachments()],
            })
        elif hasattr(sent, "subject"):
            to = (
                sent.destinations.get("ToAddresses", [])
                if isinstance(sent.destinations, dict)
                else sent.destinations
            )
            messages.append({"id": sent.id, "to": list(to), "subject": sent.subject, "body": sent.body,
                             "attachments": []})
    return messages
