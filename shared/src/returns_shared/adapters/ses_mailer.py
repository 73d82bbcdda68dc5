"""Customer email through SES v2: Simple content, or a raw MIME message when files are attached."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

from returns_shared.adapters._aws import LazyClient, error_code
from returns_shared.adapters.errors import MailRejected, MailSendingBlocked
from returns_shared.notifications.message import Email
from returns_shared.service.ports import EmailNotSent

# SES v2 SendEmail error codes (API reference), by who is at fault:
# this message, for good: a malformed/refused recipient or rejected content. Retrying cannot help.
UNDELIVERABLE = frozenset({"BadRequestException", "MessageRejected"})
# the sender: nothing goes out until ops act or the rate drops. The message itself is fine.
SENDING_BLOCKED = frozenset(
    {
        "AccountSuspendedException",  # sending restricted for the account
        "SendingPausedException",  # account or configuration set paused
        "MailFromDomainNotVerifiedException",
        "NotFoundException",  # e.g. the configuration set does not exist
        "AccessDeniedException",  # the function's role may not send from this identity
        "TooManyRequestsException",
        "LimitExceededException",
        "ThrottlingException",
    }
)
# Any other SES answer (InternalFailure, ServiceUnavailable, ...) is EmailNotSent, and timeouts or
# connection errors propagate as they are: transient failures, retried with backoff by the caller.


def _one_recipient(address: str) -> None:
    """The order feed keeps an order's email as recorded (SCREEN-EMAIL flags malformed ones), so a
    recipient can be "a@x.com, b@y.com" or "Jane <jane@x.com>": SES must never get more or other
    recipients than one plain address. Such an email is undeliverable, given up and alerted."""
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(address, check_deliverability=False)  # syntax only: no DNS at send time
    except EmailNotValidError as exc:
        raise MailRejected("InvalidRecipient", f"{address!r} is not one email address: {exc}") from exc


class SesMailer:
    def __init__(
        self,
        sender: str,  # a verified identity, e.g. 'Allegra K Returns <returns@allegra-k.com>'
        client: Any = None,
        *,
        endpoint_url: str | None = None,
        region_name: str | None = None,
        configuration_set: str | None = None,
        reply_to: str | None = None,
    ) -> None:
        self.sender = sender
        self._configuration_set = configuration_set
        self._reply_to = reply_to
        self._client = LazyClient(
            "sesv2", client, endpoint_url=endpoint_url, region_name=region_name
        )

    def send(self, email: Email) -> str:
        _one_recipient(email.to)
        request: dict[str, Any] = {
            "FromEmailAddress": email.sender or self.sender,
            "Destination": {"ToAddresses": [email.to]},
            # a raw MIME message when it carries files or headers of its own (a reply's thread)
            "Content": self._raw(email) if email.attachments or email.headers else self._simple(email),
        }
        if self._reply_to:
            request["ReplyToAddresses"] = [self._reply_to]
        if self._configuration_set:
            request["ConfigurationSetName"] = self._configuration_set
        try:
            return str(self._client().send_email(**request)["MessageId"])
        except Exception as exc:
            code = error_code(exc)
            if code in UNDELIVERABLE:
                raise MailRejected(code, str(exc)) from exc
            if code in SENDING_BLOCKED:
                raise MailSendingBlocked(code, str(exc)) from exc
            if code:
                raise EmailNotSent(code, str(exc)) from exc
            raise

    @staticmethod
    def _simple(email: Email) -> dict[str, Any]:
        body = {"Text": {"Data": email.text, "Charset": "UTF-8"}}
        if email.html:
            body["Html"] = {"Data": email.html, "Charset": "UTF-8"}
        return {"Simple": {"Subject": {"Data": email.subject, "Charset": "UTF-8"}, "Body": body}}

    def _raw(self, email: Email) -> dict[str, Any]:
        return {"Raw": {"Data": self.mime(email)}}

    def mime(self, email: Email) -> bytes:
        """The MIME message: text (+ html alternative) and attachments."""
        message = EmailMessage()
        message["From"] = email.sender or self.sender
        message["To"] = email.to
        message["Subject"] = email.subject
        if self._reply_to:
            message["Reply-To"] = self._reply_to
        for name, value in email.headers:
            message[name] = value
        # quoted-printable keeps the message 7-bit clean: relays and parsers mangle raw 8-bit text
        message.set_content(email.text, cte="quoted-printable")
        if email.html:
            message.add_alternative(email.html, subtype="html", cte="quoted-printable")
        for filename, content, mime_type in email.attachments:
            maintype, _, subtype = mime_type.partition("/")
            message.add_attachment(
                content, maintype=maintype, subtype=subtype or "octet-stream", filename=filename
            )
        return message.as_bytes()
