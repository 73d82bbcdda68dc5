"""An email as the notifications write it and a Mailer sends it (the value, not the sending)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    text: str
    html: str | None = None
    attachments: tuple[tuple[str, bytes, str], ...] = ()  # (filename, content, mime type)
    sender: str | None = None  # None: the service's sender address (SENDER_EMAIL)
    headers: tuple[tuple[str, str], ...] = ()  # e.g. In-Reply-To and References of a reply
