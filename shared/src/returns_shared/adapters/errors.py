"""Typed failures of the adapters: what callers must react to, without knowing boto."""

from __future__ import annotations

from returns_shared.service.ports import EmailSendingBlocked, EmailUndeliverable, PaymentDeclined


class EventPublishError(Exception):
    """EventBridge refused an event (FailedEntryCount > 0): it was NOT published."""

    def __init__(self, detail_type: str, code: str | None, message: str | None):
        super().__init__(f"event {detail_type!r} not published: {code}: {message}")
        self.detail_type = detail_type
        self.code = code
        self.message = message


class CommandFailed(Exception):
    """The function that owns a command raised. Carries its error type and message, never its stack."""

    def __init__(self, function: str, command: str, error_type: str, message: str):
        super().__init__(f"{function}.{command} failed: {error_type}: {message}")
        self.function = function
        self.command = command
        self.error_type = error_type
        self.message = message


class MailRejected(EmailUndeliverable):
    """SES refused this message for good (bad address, rejected content); retrying will not help."""


class MailSendingBlocked(EmailSendingBlocked):
    """SES refuses every message for now (account paused or suspended, sender domain not verified,
    configuration set missing, throttled): the message is fine, the sender is not."""


class RefundKeyReused(PaymentDeclined):
    """An idempotency key that already paid a DIFFERENT refund (amount, currency or payment).

    A PaymentDeclined, so callers that handle refusals pay nothing more; a real provider answers
    the same way when a key is reused with other parameters.
    """
