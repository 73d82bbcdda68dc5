"""The pages deployed: a private bucket read only by the CloudFront distribution (OAC), CORS on the API
for the pages' origin only, the Hosted UIs with authorization code + PKCE for exactly the three apps."""

from __future__ import annotations

from typing import Any

import pytest

from returns_devstack import template as tpl

from .conftest import TEMPLATE

ORIGIN = {"Fn::Sub": "https://${WebDistribution.DomainName}"}


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
    [origin] = config["Origins"]
    assert origin["OriginAccessControlId"] == {"Fn::GetAtt": ["WebOriginAccessControl", "Id"]}
    behaviors = [config["DefaultCacheBehavior"], *config["CacheBehaviors"]]
    assert {b["ViewerProtocolPolicy"] for b in behaviors} == {"redirect-to-https"}


def test_cors_allows_only_the_pages_origin(cfn):
    cors = _of_type(cfn, "AWS::ApiGatewayV2::Api")["Body"]["x-amazon-apigateway-cors"]  # as SAM translates it
    assert cors["allowOrigins"] == [ORIGIN]


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
