"""Reading a customer's email (RFC 5322 bytes, as SES stores it) into what the service keeps of it.

Parsed with the standard library's `email` package (`policy.default`). The new text is what the
customer wrote this time: quoted history and signatures are trimmed by mail-parser-reply, and
HTML-only mail is turned into text by inscriptis (customer HTML is never rendered anywhere). Both
libraries are imported by the first email read (the mail function's paths only).

Anything that cannot be read this way raises UnreadableEmail: the caller keeps the raw message and
lists it as unreadable (nothing that arrives is lost).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage, MIMEPart
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime

# Languages whose reply headers ("On <date>, <who> wrote:") the trimming recognises.
REPLY_LANGUAGES = ["en", "de", "fr", "es", "it", "nl", "ja", "pl", "sv", "da"]
MAX_TEXT = 20_000  # characters of new text kept on the message (the raw message keeps everything)
# What is kept of the headers: enough for people and threading, and small enough that the message fits
# one DynamoDB item (400 KB) whatever a sender puts in them (the raw message keeps everything).
MAX_RECIPIENTS = 50
MAX_HEADER_CHARS = 998  # RFC 5322's longest line: a Message-ID or In-Reply-To beyond it is not one
MAX_REFERENCES_CHARS = 4000  # the newest Message-IDs of References (it lists the thread oldest first)
MAX_ADDRESS_CHARS = 254  # RFC 5321's longest forward path, less its brackets
# Charsets mail clients write that Python's codecs do not know, by the codec that reads them; any other
# unknown one is read as UTF-8 with replacement characters rather than the email being unreadable.
CHARSET_ALIASES = {"windows-874": "cp874", "iso-8859-8-i": "iso-8859-8", "iso-8859-6-i": "iso-8859-6",
                   "x-user-defined": "latin-1"}


class UnreadableEmail(Exception):
    """The message could not be parsed into a sender and a text."""


@dataclass(frozen=True)
class ReadEmail:
    from_address: str  # the addr-spec of From
    to: list[str]
    subject: str
    sent_at: datetime | None  # its Date header, if it has a valid one
    message_id: str | None
    in_reply_to: str | None
    references: str | None
    text: str  # the new text
    full_text: str  # the whole body as text (quotes included): where an RMA may be named
    html_only: bool
    attachments: list[tuple[str, str, bytes]] = field(default_factory=list)  # (filename, type, content)
    dkim_domains: list[str] = field(default_factory=list)  # the d= of its DKIM-Signature headers


def read_email(raw: bytes) -> ReadEmail:
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw)
        if not isinstance(message, EmailMessage):
            raise UnreadableEmail("not an email message")
        sender = _sender(message)
        body, html_only = _body(message)
        return ReadEmail(
            from_address=sender,
            to=[address[:MAX_ADDRESS_CHARS] for _, address in getaddresses(
                [str(v) for v in message.get_all("to", [])]) if address][:MAX_RECIPIENTS],
            subject=_header(message, "subject"),
            sent_at=_date(message),
            message_id=_header(message, "message-id")[:MAX_HEADER_CHARS] or None,
            in_reply_to=_header(message, "in-reply-to")[:MAX_HEADER_CHARS] or None,
            references=_header(message, "references")[-MAX_REFERENCES_CHARS:] or None,
            text=new_text(body)[:MAX_TEXT],
            full_text=body,
            html_only=html_only,
            attachments=_attachments(message),
            dkim_domains=_dkim_domains(message),
        )
    except UnreadableEmail:
        raise
    except Exception as exc:
        raise UnreadableEmail(f"{type(exc).__name__}: {exc}") from exc


def new_text(body: str) -> str:
    """What the customer wrote this time: the latest reply without signature, else with it, else all
    of it (trimming never loses a message that is nothing but quotes)."""
    from mailparser_reply import EmailReplyParser

    replies = EmailReplyParser(languages=REPLY_LANGUAGES).read(body).replies
    latest = replies[0] if replies else None
    for candidate in (latest.body if latest else "", latest.content if latest else "", body):
        if candidate and candidate.strip():
            return str(candidate).strip()
    return ""


# Where mail clients put the quoted history of an HTML reply (Gmail, Thunderbird, Yahoo, Outlook).
QUOTE_XPATH = ("//blockquote | //*[contains(concat(' ', normalize-space(@class), ' '), ' gmail_quote ')]"
               " | //*[contains(@class, 'moz-cite-prefix')] | //*[contains(@class, 'yahoo_quoted')]"
               " | //*[@id='divRplyFwdMsg'] | //*[@id='appendonsend']")


def html_to_text(html: str) -> str:
    """The HTML as plain text without its quoted history (when anything is left without it)."""
    import lxml.html
    from inscriptis import Inscriptis

    if not html.strip():
        return ""
    tree = lxml.html.document_fromstring(html)
    whole = str(Inscriptis(tree).get_text()).strip()
    for quoted in tree.xpath(QUOTE_XPATH):
        if quoted.getparent() is not None:
            for later in list(quoted.itersiblings()) if quoted.get("id") == "divRplyFwdMsg" else []:
                later.getparent().remove(later)  # Outlook: the quoted message follows its header block
            quoted.getparent().remove(quoted)
    new = str(Inscriptis(tree).get_text()).strip()
    return new or whole


def _header(message: EmailMessage, name: str) -> str:
    value = message.get(name)
    return " ".join(str(value).split()) if value is not None else ""


def _sender(message: EmailMessage) -> str:
    header = message.get("from")
    addresses: tuple[Address, ...] = getattr(header, "addresses", ()) if header is not None else ()
    spec = addresses[0].addr_spec if addresses else ""
    if "@" not in spec:
        raise UnreadableEmail("no sender address (From)")
    if len(spec) > MAX_ADDRESS_CHARS:
        raise UnreadableEmail(f"the sender address (From) is longer than {MAX_ADDRESS_CHARS} characters")
    return spec


MAX_DKIM_SIGNATURES = 10


def _dkim_domains(message: EmailMessage) -> list[str]:
    """The signing domains (d=) its DKIM signatures name; SES says whether they verified."""
    found: list[str] = []
    for value in message.get_all("dkim-signature", [])[:MAX_DKIM_SIGNATURES]:
        tags = dict(tag.strip().partition("=")[::2] for tag in "".join(str(value).split()).split(";"))
        if tags.get("d"):
            found.append(tags["d"].lower()[:MAX_ADDRESS_CHARS])
    return found


def _date(message: EmailMessage) -> datetime | None:
    try:
        sent = parsedate_to_datetime(str(message["date"])) if message["date"] else None
    except (TypeError, ValueError):
        return None
    return sent if sent is not None and sent.tzinfo is not None else None


def _body(message: EmailMessage) -> tuple[str, bool]:
    """The text part, else the HTML part as text (html_only=True); an email without either is empty."""
    plain = message.get_body(preferencelist=("plain",))
    if plain is not None:
        return _text_content(plain), False
    html = message.get_body(preferencelist=("html",))
    if html is not None:
        return html_to_text(_text_content(html)), True
    return "", False


def _text_content(part: MIMEPart) -> str:
    """The part's text in its declared charset; one Python does not know by a known alias, else UTF-8
    with replacement characters (the email is still read, threaded and answered)."""
    try:
        return str(part.get_content())
    except LookupError:
        payload = part.get_payload(decode=True)
        content = payload if isinstance(payload, bytes) else b""
        charset = CHARSET_ALIASES.get((part.get_content_charset() or "").lower(), "utf-8")
        return content.decode(charset, errors="replace")


def _attachments(message: EmailMessage) -> list[tuple[str, str, bytes]]:
    found: list[tuple[str, str, bytes]] = []
    for part in message.iter_attachments():
        if not isinstance(part, EmailMessage) or part.is_multipart():
            continue
        content = part.get_payload(decode=True)
        if not isinstance(content, bytes):
            continue
        filename = part.get_filename() or f"attachment-{len(found) + 1}"
        found.append((filename, part.get_content_type()[:255], content))  # RFC 6838: 127 + "/" + 127
    return found
