"""Operational alerts (SLA breaches, stuck reviews, unknown packages) to the ops SNS topic."""

from __future__ import annotations

from typing import Any

from returns_shared.adapters._aws import LazyClient

SUBJECT_MAX = 99  # SNS: "less than 100 characters", no line breaks or control characters
MESSAGE_MAX_BYTES = 256 * 1024


def clean_subject(subject: str) -> str:
    text = "".join(ch if ch.isprintable() and ch.isascii() else " " for ch in subject)
    text = " ".join(text.split()) or "Returns service alert"
    return text if len(text) <= SUBJECT_MAX else text[: SUBJECT_MAX - 3].rstrip() + "..."


class SnsOpsAlerts:
    def __init__(
        self,
        topic_arn: str,
        client: Any = None,
        *,
        endpoint_url: str | None = None,
        region_name: str | None = None,
    ) -> None:
        self.topic_arn = topic_arn
        self._client = LazyClient("sns", client, endpoint_url=endpoint_url, region_name=region_name)

    def alert(self, subject: str, message: str) -> None:
        body = message.encode("utf-8")[:MESSAGE_MAX_BYTES].decode("utf-8", errors="ignore")
        self._client().publish(
            TopicArn=self.topic_arn, Subject=clean_subject(subject), Message=body
        )
