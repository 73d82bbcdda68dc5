"""Step 2: what moto's CloudFormation leaves out, done through the service APIs from the same
template properties: one handler per resource type."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from returns_devstack import template as tpl
from returns_devstack.deploy.physical import Deployment

Handler = Callable[[Deployment, str, Mapping[str, Any]], None]


def table_gaps(d: Deployment, lid: str, props: Mapping[str, Any]) -> None:
    dynamodb = d.client("dynamodb")
    name = d.ref(lid)
    ttl = d.resolve(props.get("TimeToLiveSpecification"))
    if ttl and str(ttl.get("Enabled")).lower() == "true":
        dynamodb.update_time_to_live(
            TableName=name,
            TimeToLiveSpecification={"AttributeName": ttl["AttributeName"], "Enabled": True},
        )
    pitr = d.resolve(props.get("PointInTimeRecoverySpecification"))
    if pitr and str(pitr.get("PointInTimeRecoveryEnabled")).lower() == "true":
        dynamodb.update_continuous_backups(
            TableName=name,
            PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
        )


def bucket_gaps(d: Deployment, lid: str, props: Mapping[str, Any]) -> None:
    s3 = d.client("s3")
    name = d.ref(lid)
    block = d.resolve(props.get("PublicAccessBlockConfiguration"))
    if block:
        s3.put_public_access_block(
            Bucket=name,
            PublicAccessBlockConfiguration={
                k: str(v).lower() == "true" for k, v in block.items()
            },
        )
    ownership = d.resolve(props.get("OwnershipControls"))
    if ownership:
        s3.put_bucket_ownership_controls(Bucket=name, OwnershipControls=ownership)
    lifecycle = d.resolve(props.get("LifecycleConfiguration"))
    if lifecycle:
        s3.put_bucket_lifecycle_configuration(
            Bucket=name,
            LifecycleConfiguration={"Rules": [_lifecycle_rule(r) for r in lifecycle["Rules"]]},
        )


# CreateUserPool / CreateUserPoolClient parameters that the template's properties carry as they are.
_POOL_KEYS = ("UsernameAttributes", "AutoVerifiedAttributes", "Policies", "MfaConfiguration",
              "AdminCreateUserConfig", "DeviceConfiguration", "AccountRecoverySetting", "DeletionProtection")
_CLIENT_KEYS = ("ExplicitAuthFlows", "AllowedOAuthFlows", "AllowedOAuthScopes",
                "AllowedOAuthFlowsUserPoolClient", "SupportedIdentityProviders", "CallbackURLs", "LogoutURLs",
                "PreventUserExistenceErrors", "EnableTokenRevocation", "AccessTokenValidity",
                "IdTokenValidity", "RefreshTokenValidity", "TokenValidityUnits", "ReadAttributes")


def create_user_pool(d: Deployment, lid: str, props: Mapping[str, Any]) -> None:
    props = d.resolve(props)
    kwargs: dict[str, Any] = {"PoolName": props.get("UserPoolName") or f"{d.stack_name}-{lid}"}
    kwargs.update({key: props[key] for key in _POOL_KEYS if key in props})
    cognito = d.client("cognito-idp")
    pool = cognito.create_user_pool(**kwargs)["UserPool"]
    if "EnabledMfas" in props:
        # EnabledMfas is CloudFormation's: it applies the factors with SetUserPoolMfaConfig
        cognito.set_user_pool_mfa_config(
            UserPoolId=pool["Id"],
            MfaConfiguration=props.get("MfaConfiguration", "OFF"),
            SoftwareTokenMfaConfiguration={"Enabled": "SOFTWARE_TOKEN_MFA" in props["EnabledMfas"]},
        )
    provider = f"cognito-idp.{d.region}.amazonaws.com/{pool['Id']}"
    d.physical[lid] = {
        "Ref": pool["Id"],
        "UserPoolId": pool["Id"],
        "Arn": pool["Arn"],
        "ProviderName": provider,
        "ProviderURL": f"https://{provider}",
    }


def create_user_pool_client(d: Deployment, lid: str, props: Mapping[str, Any]) -> None:
    props = d.resolve(props)
    kwargs: dict[str, Any] = {
        "UserPoolId": props["UserPoolId"],
        "ClientName": props.get("ClientName") or f"{d.stack_name}-{lid}",
        "GenerateSecret": str(props.get("GenerateSecret", False)).lower() == "true",
    }
    kwargs.update({key: props[key] for key in _CLIENT_KEYS if key in props})
    client = d.client("cognito-idp").create_user_pool_client(**kwargs)["UserPoolClient"]
    d.physical[lid] = {"Ref": client["ClientId"], "ClientId": client["ClientId"]}


def create_user_pool_group(d: Deployment, lid: str, props: Mapping[str, Any]) -> None:
    props = d.resolve(props)
    name = props.get("GroupName") or lid
    kwargs = {"UserPoolId": props["UserPoolId"], "GroupName": name}
    if props.get("Description"):
        kwargs["Description"] = props["Description"]
    d.client("cognito-idp").create_group(**kwargs)
    d.physical[lid] = {"Ref": name}


def create_resource_server(d: Deployment, lid: str, props: Mapping[str, Any]) -> None:
    props = d.resolve(props)
    d.client("cognito-idp").create_resource_server(
        UserPoolId=props["UserPoolId"], Identifier=props["Identifier"], Name=props["Name"],
        Scopes=props.get("Scopes", []),
    )
    d.physical[lid] = {"Ref": props["Identifier"]}


def create_user_pool_domain(d: Deployment, lid: str, props: Mapping[str, Any]) -> None:
    props = d.resolve(props)
    d.client("cognito-idp").create_user_pool_domain(Domain=props["Domain"], UserPoolId=props["UserPoolId"])
    d.physical[lid] = {"Ref": props["Domain"]}


def verify_email_identity(d: Deployment, lid: str, props: Mapping[str, Any]) -> None:
    identity = d.resolve(props["EmailIdentity"])
    ses = d.client("ses")
    if "@" in identity:
        ses.verify_email_identity(EmailAddress=identity)
    else:
        ses.verify_domain_identity(Domain=identity)
    d.physical[lid] = {"Ref": identity}


def create_secret(d: Deployment, lid: str, props: Mapping[str, Any]) -> None:
    """As CloudFormation does: the given SecretString, or a generated random one."""
    props = d.resolve(props)
    generate = props.get("GenerateSecretString")
    if generate is not None:
        value = d.client("secretsmanager").get_random_password(
            PasswordLength=int(generate.get("PasswordLength", 32)),
            ExcludePunctuation=str(generate.get("ExcludePunctuation", False)).lower() == "true",
        )["RandomPassword"]
    else:
        value = props.get("SecretString", "")
    name = props.get("Name") or f"{d.stack_name}-{lid}"
    arn = d.client("secretsmanager").create_secret(Name=name, SecretString=value)["ARN"]
    d.physical[lid] = {"Ref": arn, "Id": arn}


def put_parameter(d: Deployment, lid: str, props: Mapping[str, Any]) -> None:
    """A String parameter, as CloudFormation creates it (the local stack may overwrite its value)."""
    props = d.resolve(props)
    name = props.get("Name") or f"CFN-{lid}"
    kwargs = {"Description": props["Description"]} if props.get("Description") else {}
    d.client("ssm").put_parameter(Name=name, Value=str(props["Value"]), Type=props.get("Type", "String"),
                                  **kwargs)
    d.physical[lid] = {"Ref": name, "Type": props.get("Type", "String"), "Value": str(props["Value"])}


def set_queue_policy(d: Deployment, lid: str, props: Mapping[str, Any]) -> None:
    props = d.resolve(props)
    for url in props["Queues"]:
        d.client("sqs").set_queue_attributes(
            QueueUrl=url, Attributes={"Policy": json.dumps(props["PolicyDocument"])}
        )
    d.physical[lid] = {"Ref": lid}


def create_state_machine(d: Deployment, lid: str, props: Mapping[str, Any]) -> None:
    if "DefinitionS3Location" in props:
        key = props["DefinitionS3Location"]["Key"]
        definition = (d.repo_root / key).read_text(encoding="utf-8")
    elif "DefinitionString" in props:
        definition = d.resolve(props["DefinitionString"])
    else:
        definition = json.dumps(d.resolve(props["Definition"]))
    for name, value in d.resolve(props.get("DefinitionSubstitutions") or {}).items():
        definition = definition.replace("${" + name + "}", str(value))
    json.loads(definition)  # a broken substitution must fail here, not inside an execution
    name = d.resolve(props.get("StateMachineName")) or f"{d.stack_name}-{lid}"[:80]
    try:
        role_arn = d.resolve(props["RoleArn"])
    except tpl.Unresolvable:
        role_arn = f"arn:aws:iam::{d.account_id}:role/{d.stack_name}-{lid}Role"
    arn = d.client("stepfunctions").create_state_machine(
        name=name,
        definition=definition,
        roleArn=role_arn,
        type=props.get("StateMachineType", "STANDARD"),
    )["stateMachineArn"]
    d.physical[lid] = {"Ref": arn, "Arn": arn, "Name": name}


# Resources configured after create_stack made them (moto ignores these properties).
GAPS: dict[str, Handler] = {"AWS::DynamoDB::Table": table_gaps, "AWS::S3::Bucket": bucket_gaps}
# Resources created here, dependencies first.
CREATE: dict[str, Handler] = {
    "AWS::SecretsManager::Secret": create_secret,
    "AWS::Cognito::UserPool": create_user_pool,
    "AWS::Cognito::UserPoolResourceServer": create_resource_server,  # before the clients granted its scopes
    "AWS::Cognito::UserPoolClient": create_user_pool_client,
    "AWS::Cognito::UserPoolGroup": create_user_pool_group,
    "AWS::Cognito::UserPoolDomain": create_user_pool_domain,
    "AWS::SSM::Parameter": put_parameter,  # after what values name (the app clients)
    "AWS::SES::EmailIdentity": verify_email_identity,
    "AWS::SQS::QueuePolicy": set_queue_policy,
    "AWS::StepFunctions::StateMachine": create_state_machine,
}


def fill_gaps(d: Deployment, created: set[str]) -> None:
    resources = d.cfn["Resources"]
    for lid in created:
        handler = GAPS.get(resources[lid]["Type"])
        if handler:
            handler(d, lid, resources[lid].get("Properties") or {})
    for kind in (k for k in CREATE if k in d.emulated):
        for lid, resource in resources.items():
            if resource["Type"] != kind:
                continue
            if kind != "AWS::SES::EmailIdentity" and not d.condition_holds(resource):
                d.skipped[lid] = kind
                continue
            CREATE[kind](d, lid, resource.get("Properties") or {})


def _lifecycle_rule(rule: Mapping[str, Any]) -> dict[str, Any]:
    """A CloudFormation lifecycle rule in the S3 API's shape (the parts this template uses)."""
    api: dict[str, Any] = {"ID": rule.get("Id", "rule"), "Status": rule.get("Status", "Enabled")}
    api["Filter"] = {"Prefix": rule["Prefix"]} if "Prefix" in rule else {"Prefix": ""}
    if "ExpirationInDays" in rule:
        api["Expiration"] = {"Days": int(rule["ExpirationInDays"])}
    if "AbortIncompleteMultipartUpload" in rule:
        api["AbortIncompleteMultipartUpload"] = {
            "DaysAfterInitiation": int(
                rule["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"]
            )
        }
    if "NoncurrentVersionExpirationInDays" in rule:
        api["NoncurrentVersionExpiration"] = {
            "NoncurrentDays": int(rule["NoncurrentVersionExpirationInDays"])
        }
    return api
