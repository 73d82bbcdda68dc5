"""The mail bucket: raw messages SES received (its S3 action writes them under `inbound/`) and the
attachments kept of them (`attachments/`), read by staff only through short-lived links."""

from __future__ import annotations

from typing import Any

from returns_shared.adapters._aws import LazyClient
from returns_shared.adapters.s3_label_store import MAX_URL_SECONDS, _sigv4

INBOUND_PREFIX = "inbound/"  # template.yaml: the receipt rule's S3 action ObjectKeyPrefix (a test checks)
ATTACHMENTS_PREFIX = "attachments/"


class S3MailStore:
    def __init__(self, bucket: str, client: Any = None, *, region_name: str | None = None) -> None:
        self.bucket = bucket
        self._client = LazyClient("s3", client, region_name=region_name, config=_sigv4)

    def raw(self, key: str) -> bytes:
        body: bytes = self._client().get_object(Bucket=self.bucket, Key=key)["Body"].read()
        return body

    def put_raw(self, key: str, raw: bytes) -> None:
        self._client().put_object(Bucket=self.bucket, Key=key, Body=raw, ContentType="message/rfc822",
                                  ServerSideEncryption="AES256")

    def put_attachment(self, key: str, content: bytes, *, content_type: str, filename: str) -> None:
        # the type staff's browser is told is ours (an allow-list decides what is linked at all)
        safe_name = "".join(c if c.isalnum() or c in "._- " else "_" for c in filename)[:100] or "attachment"
        self._client().put_object(Bucket=self.bucket, Key=key, Body=content, ContentType=content_type,
                                  ContentDisposition=f'inline; filename="{safe_name}"',
                                  ServerSideEncryption="AES256")

    def url(self, key: str, *, expires_in: int) -> str:
        if not 0 < expires_in <= MAX_URL_SECONDS:
            raise ValueError(f"expires_in must be between 1 and {MAX_URL_SECONDS} seconds")
        url: str = self._client().generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=expires_in)
        return url
