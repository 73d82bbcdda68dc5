"""Label PDFs in the private labels bucket; customers get them only through time-limited URLs."""

from __future__ import annotations

from typing import Any

from returns_shared.adapters._aws import LazyClient

MAX_URL_SECONDS = 7 * 24 * 3600  # SigV4 presigned URLs cannot live longer


class S3LabelStore:
    def __init__(
        self,
        bucket: str,
        client: Any = None,
        *,
        endpoint_url: str | None = None,
        region_name: str | None = None,
        kms_key_id: str | None = None,  # SSE-KMS with this key; otherwise SSE-S3 (AES256)
    ) -> None:
        self.bucket = bucket
        self._kms_key_id = kms_key_id
        self._client = LazyClient(
            "s3", client, endpoint_url=endpoint_url, region_name=region_name, config=_sigv4
        )

    def put(self, key: str, pdf: bytes) -> None:
        encryption: dict[str, str] = (
            {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": self._kms_key_id}
            if self._kms_key_id
            else {"ServerSideEncryption": "AES256"}
        )
        self._client().put_object(
            Bucket=self.bucket,
            Key=key,
            Body=pdf,
            ContentType="application/pdf",
            ContentDisposition=f'inline; filename="{key.rsplit("/", 1)[-1]}"',
            **encryption,
        )

    def get(self, key: str) -> bytes:
        body: bytes = self._client().get_object(Bucket=self.bucket, Key=key)["Body"].read()
        return body

    def url(self, key: str, *, expires_in: int) -> str:
        if not 0 < expires_in <= MAX_URL_SECONDS:
            raise ValueError(f"expires_in must be between 1 and {MAX_URL_SECONDS} seconds")
        url: str = self._client().generate_presigned_url(
            "get_object",
            Params={"Bucket": self.bucket, "Key": key},
            ExpiresIn=expires_in,
        )
        return url


def _sigv4() -> Any:
    # Presigned URLs must be SigV4 (SSE-KMS objects refuse anything else).
    from botocore.config import Config

    return Config(signature_version="s3v4")
