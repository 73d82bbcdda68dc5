"""Publish the pages after `sam deploy`: web/ (the three apps) and their config.json (from the stack's
outputs: the Hosted UI domain and client of each user pool) into the private web bucket; then
CloudFront forgets what it cached. The pages post GraphQL to /graphql of their own origin (the
distribution forwards it to the HTTP API), so their Content-Security-Policy needs no other API origin.
(GraphiQL is local only: deployed stages turn it off.)

    make web-publish STACK=returns-dev            # or: python -m returns_devstack.web_publish --stack …
    python -m returns_devstack.web_publish --out build/web --outputs outputs.json   # build only, no AWS
"""

from __future__ import annotations

import argparse
import json
import mimetypes
import time
from pathlib import Path
from typing import Any

from returns_devstack.web_routes import APPS, web_root

CACHE = {"config.json": "no-store", "html": "no-cache", "other": "public, max-age=300"}
# Named here rather than left to the host's mime.types: the pages' catalogues (shared/locales/*.json)
# are fetched and parsed as JSON, and the modules load only as JavaScript.
CONTENT_TYPES = {".json": "application/json", ".js": "text/javascript"}


def site_config(outputs: dict[str, str]) -> dict[str, Any]:
    """The portal signs in to the customers' pool; the console and the warehouse to the staff pool
    (MFA on): each app takes its pool by its role (web/shared/session.js)."""
    return {
        "graphqlUrl": "/graphql",  # same origin: CloudFront's /graphql behaviour
        "auth": {
            "mode": "cognito",
            "customer": {"domain": outputs["CognitoDomain"], "clientId": outputs["UserPoolClientId"]},
            "staff": {"domain": outputs["StaffCognitoDomain"], "clientId": outputs["StaffUserPoolClientId"]},
        },
    }


def site_files(outputs: dict[str, str]) -> dict[str, tuple[bytes, str, str]]:
    """key in the bucket → (bytes, content type, cache control)."""
    root = web_root()
    files: dict[str, tuple[bytes, str, str]] = {}
    for path in [
        root / "index.html",
        *(p for app in APPS for p in sorted((root / app).rglob("*")) if p.is_file()),
    ]:
        key = path.relative_to(root).as_posix()
        kind = CONTENT_TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0]
        kind = kind or "application/octet-stream"
        files[key] = (path.read_bytes(), kind, CACHE["html"] if kind == "text/html" else CACHE["other"])
    files["config.json"] = (
        json.dumps(site_config(outputs), indent=2).encode(),
        "application/json",
        CACHE["config.json"],
    )
    return files


def upload(files: dict[str, tuple[bytes, str, str]], bucket: str, s3: Any) -> None:
    for key, (body, content_type, cache_control) in files.items():
        s3.put_object(Bucket=bucket, Key=key, Body=body, ContentType=content_type, CacheControl=cache_control)


def stack_outputs(stack: str, region: str | None) -> dict[str, str]:
    import boto3

    described = boto3.client("cloudformation", region_name=region).describe_stacks(StackName=stack)["Stacks"][
        0
    ]
    return {o["OutputKey"]: o["OutputValue"] for o in described.get("Outputs", [])}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--stack", help="the deployed stack (its outputs name the bucket, API and Cognito)")
    parser.add_argument("--region")
    parser.add_argument("--outputs", type=Path, help="a JSON file of stack outputs instead of asking AWS")
    parser.add_argument("--out", type=Path, help="write the site into this folder instead of uploading")
    args = parser.parse_args()
    if args.outputs:
        outputs = json.loads(args.outputs.read_text(encoding="utf-8"))
    elif args.stack:
        outputs = stack_outputs(args.stack, args.region)
    else:
        parser.error("--stack or --outputs is needed")
    files = site_files(outputs)
    if args.out:
        for key, (body, _kind, _cache) in files.items():
            (args.out / key).parent.mkdir(parents=True, exist_ok=True)
            (args.out / key).write_bytes(body)
        print(f"wrote {len(files)} files to {args.out}")
        return
    import boto3

    upload(files, outputs["WebBucketName"], boto3.client("s3", region_name=args.region))
    boto3.client("cloudfront").create_invalidation(
        DistributionId=outputs["WebDistributionId"],
        InvalidationBatch={"Paths": {"Quantity": 1, "Items": ["/*"]}, "CallerReference": str(time.time())})
    print(f"published {len(files)} files: {outputs['WebUrl']}/portal/ /console/ /warehouse/")


if __name__ == "__main__":
    main()
