"""Inspection photos in their private bucket: the warehouse's browser uploads them straight to S3 with a
presigned POST (the signed policy fixes the key, the content type and the size range, so S3 itself
refuses anything else), and people see them only through short-lived presigned GET links."""

from __future__ import annotations

from typing import Any

from returns_shared.adapters._aws import LazyClient, error_code
from returns_shared.service.ports import StoredPhoto, UploadForm

SIGNATURE_BYTES = 16  # enough for the JPEG, PNG and WebP signatures
NOT_THERE = {"404", "NoSuchKey", "NotFound"}


class S3PhotoStore:
    def __init__(
        self, bucket: str, client: Any = None, *, endpoint_url: str | None = None,
        region_name: str | None = None,
    ) -> None:
        self.bucket = bucket
        self._client = LazyClient("s3", client, endpoint_url=endpoint_url, region_name=region_name,
                                  config=_virtual_sigv4)

    def upload_form(self, key: str, *, content_type: str, max_bytes: int,
                    expires_in: int) -> UploadForm:
        fields = {"Content-Type": content_type, "x-amz-server-side-encryption": "AES256"}
        post: dict[str, Any] = self._client().generate_presigned_post(
            Bucket=self.bucket,
            Key=key,
            Fields=fields,
            Conditions=[
                {"Content-Type": content_type},
                {"x-amz-server-side-encryption": "AES256"},
                ["content-length-range", 1, max_bytes],
            ],
            ExpiresIn=expires_in,
        )
        fields = {name: str(value) for name, value in post["fields"].items()}
        return UploadForm(url=post["url"], fields=fields)

    def stored(self, key: str) -> StoredPhoto | None:
        try:
            answer = self._client().get_object(
                Bucket=self.bucket, Key=key, Range=f"bytes=0-{SIGNATURE_BYTES - 1}"
            )
        except Exception as exc:
            if error_code(exc) in NOT_THERE:
                return None
            raise
        total = answer.get("ContentRange", "").rpartition("/")[2]  # "bytes 0-15/123456"
        head: bytes = answer["Body"].read()
        return StoredPhoto(size=int(total) if total.isdigit() else int(answer["ContentLength"]), head=head)

    def url(self, key: str, *, expires_in: int) -> str:
        url: str = self._client().generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=expires_in
        )
        return url


def _virtual_sigv4() -> Any:
    # SigV4, and the bucket's own host name (bucket.s3.<region>.amazonaws.com): the pages' CSP names
    # exactly that origin (the template's RegionalDomainName) for uploads and pictures. A custom
    # endpoint (the local moto server) stays path-style: http://127.0.0.1:<port>/<bucket>.
    from botocore.config import Config

    return Config(signature_version="s3v4",
                  s3={"addressing_style": "virtual", "us_east_1_regional_endpoint": "regional"})
