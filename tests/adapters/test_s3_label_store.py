from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import boto3
import pytest

from returns_shared.adapters.s3_label_store import S3LabelStore

BUCKET = "returns-labels-test"
KEY = "labels/RMA-7Q2K9.pdf"


@pytest.fixture
def store(aws):
    boto3.client("s3").create_bucket(Bucket=BUCKET)
    return S3LabelStore(BUCKET)  # the adapter makes its own client, as in a Lambda


def test_put_stores_an_encrypted_pdf(store):
    store.put(KEY, b"%PDF-1.3 label")
    head = boto3.client("s3").head_object(Bucket=BUCKET, Key=KEY)
    assert head["ContentType"] == "application/pdf"
    assert head["ServerSideEncryption"] == "AES256"
    body = boto3.client("s3").get_object(Bucket=BUCKET, Key=KEY)["Body"].read()
    assert body == b"%PDF-1.3 label"


def test_get_reads_back_the_stored_pdf(store):
    store.put(KEY, b"%PDF-1.3 label")
    assert store.get(KEY) == b"%PDF-1.3 label"
    with pytest.raises(Exception, match="NoSuchKey"):
        store.get("labels/none.pdf")


def test_url_is_a_presigned_sigv4_get(store):
    store.put(KEY, b"%PDF")
    url = store.url(KEY, expires_in=900)
    parsed = urlparse(url)
    query = parse_qs(parsed.query)
    assert KEY in parsed.path
    assert BUCKET in url
    assert "X-Amz-Signature" in query
    assert query["X-Amz-Expires"] == ["900"]


def test_url_lifetime_is_bounded(store):
    with pytest.raises(ValueError):
        store.url(KEY, expires_in=8 * 24 * 3600)
