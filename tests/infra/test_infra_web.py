"""The pages deployed: a private bucket read only by the CloudFront distribution (OAC), GraphQL on the
pages' own origin (no CORS), the pages' Content-Security-Policy and security headers on every
behaviour, the Hosted UIs with authorization code + PKCE for exactly the three apps."""

from __future__ import annotations

from typing import Any

import pytest

from returns_devstack import template as tpl
from returns_devstack.security_headers import OTHER_HEADERS, content_security_policy

from .conftest import TEMPLATE

HOSTED_UIS = [f"https://${{{domain}}}.auth.${{AWS::Region}}.amazoncognito.com"
              for domain in ("UserPoolDomain", "StaffUserPoolDomain")]
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac"


@pytest.fixture(scope="module")
def cfn() -> dict[str, Any]:
    return tpl.translate_file(TEMPLATE, region="us-east-1")


def _of_type(cfn: dict[str, Any], kind: str) -> dict[str, Any]:
    [found] = [res["Properties"] for res in cfn["Resources"].values() if res["Type"] == kind]
    return found


def test_the_web_bucket_is_private_and_read_only_by_the_distribution(cfn):
    bucket = cfn["Resources"]["WebBucket"]["Properties"]
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    statements = cfn["Resources"]["WebBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    allows = [s for s in statements if s["Effect"] == "Allow"]
    assert allows == [
        {
            "Sid": "CloudFrontReadsThroughOAC",
            "Effect": "Allow",
            "Principal": {"Service": "cloudfront.amazonaws.com"},
            "Action": "s3:GetObject",
            "Resource": {"Fn::Sub": "${WebBucket.Arn}/*"},
            "Condition": {
                "StringEquals": {
                    "AWS:SourceArn": {
                        "Fn::Sub": "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:"
                                   "distribution/${WebDistribution}"
                    }
                }
            },
        }
    ]
    config = cfn["Resources"]["WebDistribution"]["Properties"]["DistributionConfig"]
    [origin] = [origin for origin in config["Origins"] if origin["Id"] == "web"]
    assert origin["OriginAccessControlId"] == {"Fn::GetAtt": ["WebOriginAccessControl", "Id"]}
    pages = [b for b in _behaviors(cfn).values() if b["TargetOriginId"] == "web"]
    assert {b["ViewerProtocolPolicy"] for b in pages} == {"redirect-to-https"}


def _behaviors(cfn: dict[str, Any]) -> dict[str, dict[str, Any]]:
    config = cfn["Resources"]["WebDistribution"]["Properties"]["DistributionConfig"]
    paths = {behavior["PathPattern"]: behavior for behavior in config["CacheBehaviors"]}
    return {"default": config["DefaultCacheBehavior"], **paths}


def test_graphql_is_on_the_pages_origin_uncached_and_the_api_has_no_cors(cfn):
    """The pages post to /graphql of their own origin: connect-src 'self' covers the API, and no
    browser needs a cross-origin answer from it."""
    config = cfn["Resources"]["WebDistribution"]["Properties"]["DistributionConfig"]
    [api] = [origin for origin in config["Origins"] if origin["Id"] == "api"]
    assert api["DomainName"] == {"Fn::Sub": "${HttpApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}"}
    assert api["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    graphql = _behaviors(cfn)["/graphql"]
    assert graphql["TargetOriginId"] == "api" and graphql["ViewerProtocolPolicy"] == "https-only"
    assert {"POST", "OPTIONS"} <= set(graphql["AllowedMethods"])
    # never cached, and the bearer token reaches the API (every viewer header but Host)
    assert graphql["CachePolicyId"] == CACHING_DISABLED
    assert graphql["OriginRequestPolicyId"] == ALL_VIEWER_EXCEPT_HOST
    assert "x-amazon-apigateway-cors" not in _of_type(cfn, "AWS::ApiGatewayV2::Api")["Body"]


def test_every_behaviour_sends_the_pages_content_security_policy(cfn):
    for name, behavior in _behaviors(cfn).items():  # the pages, /config.json and /graphql alike
        assert behavior["ResponseHeadersPolicyId"] == {"Ref": "WebSecurityHeaders"}, name
    config = cfn["Resources"]["WebSecurityHeaders"]["Properties"]["ResponseHeadersPolicyConfig"]
    security = config["SecurityHeadersConfig"]
    csp = security["ContentSecurityPolicy"]
    # the local stack's policy, plus the Hosted UIs' token endpoints (the sign-in's one cross-origin request)
    # and the inspection photos' bucket (the warehouse posts photos to it; pages show them from it)
    photos = "https://${InspectionPhotosBucket.RegionalDomainName}"
    assert csp == {"Override": True,
                   "ContentSecurityPolicy": {"Fn::Sub": content_security_policy(connect=HOSTED_UIS,
                                                                                 photos=photos)}}
    assert security["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000
    sent = {
        "x-content-type-options": "nosniff" if security["ContentTypeOptions"]["Override"] else None,
        "x-frame-options": security["FrameOptions"]["FrameOption"],
        "referrer-policy": security["ReferrerPolicy"]["ReferrerPolicy"],
        **{item["Header"].lower(): item["Value"] for item in config["CustomHeadersConfig"]["Items"]},
    }
    assert sent == OTHER_HEADERS  # what the local server sends beside the policy


def test_the_hosted_uis_sign_in_the_three_apps_with_the_code_flow(cfn):
    """The portal through the customers' pool, the console and the warehouse screen through the staff
    pool (MFA on): each app can be sent back only to itself by its own pool."""
    expected = {"UserPoolClient": ["portal"], "StaffUserPoolClient": ["console", "warehouse"]}
    for client_id, apps in expected.items():
        client = cfn["Resources"][client_id]["Properties"]
        assert client["AllowedOAuthFlows"] == ["code"] and client["GenerateSecret"] is False  # public: PKCE
        assert client["AllowedOAuthFlowsUserPoolClient"] is True
        assert client["CallbackURLs"] == [{"Fn::Sub": f"https://${{WebDistribution.DomainName}}/{app}/"}
                                          for app in apps]
    assert {"UserPoolDomain", "StaffUserPoolDomain"} <= set(cfn["Resources"])
    assert {
        "WebUrl",
        "WebBucketName",
        "WebDistributionId",
        "CognitoDomain",
        "StaffCognitoDomain",
        "GraphQLUrl",
        "UserPoolClientId",
        "StaffUserPoolClientId",
    } <= set(cfn["Outputs"])
