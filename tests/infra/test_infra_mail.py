"""Customer service by email in template.yaml (issue 17): SES receives for the support address, stores
the raw message in the mail bucket (encrypted, public access blocked, expiring) and invokes the mail
function with its verdicts; every grant is the narrowest that works; a failure ends in an alarmed DLQ."""

from __future__ import annotations

from typing import Any

import pytest

from returns_devstack import template as tpl
from returns_shared.adapters.s3_mail_store import ATTACHMENTS_PREFIX, INBOUND_PREFIX
from returns_shared.service.inbound_mail import RAW_PREFIX

from .conftest import TEMPLATE
from .test_infra_template import actions, statements

RULE_ARN = ("arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:receipt-rule-set/"
            "${AWS::StackName}-inbound:receipt-rule/${AWS::StackName}-support")


@pytest.fixture(scope="module")
def cfn() -> dict[str, Any]:
    return tpl.translate_file(TEMPLATE, region="us-east-1")


def test_the_receipt_rule_stores_then_invokes_for_the_support_address(cfn):
    resources = cfn["Resources"]
    rule = resources["MailReceiptRule"]["Properties"]["Rule"]
    assert rule["Recipients"] == [{"Ref": "SupportEmail"}] and rule["Enabled"] is True
    assert rule["ScanEnabled"] is True  # spam and virus verdicts
    store, invoke = rule["Actions"]  # in this order: the raw message is in S3 before the function runs
    assert store["S3Action"]["BucketName"] == {"Ref": "MailBucket"}
    assert store["S3Action"]["ObjectKeyPrefix"] == RAW_PREFIX == INBOUND_PREFIX
    assert invoke["LambdaAction"] == {"FunctionArn": {"Fn::GetAtt": ["MailFunction", "Arn"]},
                                      "InvocationType": "Event"}
    assert resources["MailReceiptRule"]["Properties"]["RuleSetName"] == {"Ref": "MailReceiptRuleSet"}
    assert {"MailBucketPolicy", "MailFunctionSesPermission"} <= set(resources["MailReceiptRule"]["DependsOn"])
    assert cfn["Outputs"]["MailReceiptRuleSetName"]["Value"] == {"Ref": "MailReceiptRuleSet"}


def test_the_mail_bucket_is_private_encrypted_and_expires_mail(cfn):
    props = cfn["Resources"]["MailBucket"]["Properties"]
    [encryption] = props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert encryption["ServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}
    assert all(props["PublicAccessBlockConfiguration"][k] is True for k in (
        "BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"))
    [expire] = [r for r in props["LifecycleConfiguration"]["Rules"] if "ExpirationInDays" in r]
    assert expire["ExpirationInDays"] == {"Ref": "MailRetentionDays"}
    policy = cfn["Resources"]["MailBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    [ses] = [s for s in policy if s.get("Principal") == {"Service": "ses.amazonaws.com"}]
    assert ses["Action"] == "s3:PutObject"
    assert ses["Resource"] == {"Fn::Sub": "${MailBucket.Arn}/" + INBOUND_PREFIX + "*"}
    assert ses["Condition"]["StringEquals"]["aws:SourceArn"] == {"Fn::Sub": RULE_ARN}
    assert any(s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
               for s in policy)


def test_only_this_stack_s_rule_may_invoke_the_mail_function(cfn):
    permission = cfn["Resources"]["MailFunctionSesPermission"]["Properties"]
    assert permission["Principal"] == "ses.amazonaws.com"
    assert permission["SourceArn"] == {"Fn::Sub": RULE_ARN}
    assert permission["SourceAccount"] == {"Ref": "AWS::AccountId"}


def test_the_mail_function_reads_inbound_writes_attachments_and_replies_from_the_support_address(cfn):
    granted = {a: s for s in statements(cfn, "MailFunctionRole") for a in actions(s)}
    assert granted["s3:GetObject"]["Resource"] == {"Fn::Sub": "${MailBucket.Arn}/" + INBOUND_PREFIX + "*"}
    assert granted["s3:PutObject"]["Resource"] == {"Fn::Sub": "${MailBucket.Arn}/" + ATTACHMENTS_PREFIX + "*"}
    from_support = {"StringEquals": {"ses:FromAddress": {"Ref": "SupportEmail"}}}
    assert granted["ses:SendEmail"]["Condition"] == from_support
    assert not any(a.startswith(("states:", "secretsmanager:", "lambda:")) for a in granted)
    gateway = [s for s in statements(cfn, "GraphQLFunctionRole") if "s3:GetObject" in actions(s)]
    assert {"Fn::Sub": "${MailBucket.Arn}/" + ATTACHMENTS_PREFIX + "*"} in [s["Resource"] for s in gateway]
    # raw customer mail is never readable by the gateway: only the attachments it links
    assert {"Fn::Sub": "${MailBucket.Arn}/*"} not in [s["Resource"] for s in gateway]


def test_a_failed_email_is_retried_then_dead_lettered_and_alarmed(cfn):
    resources = cfn["Resources"]
    function = resources["MailFunction"]["Properties"]
    assert function["DeadLetterConfig"] == {"TargetArn": {"Fn::GetAtt": ["MailDLQ", "Arn"]}}
    [invoke_config] = [r["Properties"] for r in resources.values()
                       if r["Type"] == "AWS::Lambda::EventInvokeConfig"
                       and r["Properties"]["FunctionName"] == {"Ref": "MailFunction"}]
    assert invoke_config["MaximumRetryAttempts"] == 2
    alarm = resources["MailDLQAlarm"]["Properties"]
    assert alarm["Dimensions"] == [{"Name": "QueueName", "Value": {"Fn::GetAtt": ["MailDLQ", "QueueName"]}}]
    assert alarm["AlarmActions"] == [{"Ref": "OpsTopic"}]
    assert "${MailDLQAlarm.Arn}" in resources["OpsDashboard"]["Properties"]["DashboardBody"]["Fn::Sub"]


def test_every_function_knows_the_support_address(cfn):
    for lid, resource in cfn["Resources"].items():
        if resource["Type"] == "AWS::Lambda::Function":
            variables = resource["Properties"]["Environment"]["Variables"]
            assert variables["SUPPORT_EMAIL"] == {"Ref": "SupportEmail"}, lid
