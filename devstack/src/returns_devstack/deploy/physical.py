"""Physical ids and intrinsics: what each logical id of the template is called in this moto."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from returns_devstack import template as tpl
from returns_devstack.deploy.model import COGNITO_TYPES, EMULATED_TYPES, NAMED_ONLY_TYPES


class Deployment:
    """One deployment in progress: the translated template, the physical ids of what exists, the
    intrinsics resolved against them, and the boto3 clients of this moto."""

    def __init__(
        self,
        cfn: dict[str, Any],
        params: dict[str, Any],
        stack_name: str,
        region: str,
        endpoint_url: str | None,
        repo_root: Path,
        *,
        cognito: bool = False,
    ) -> None:
        self.cfn = cfn
        self.emulated = EMULATED_TYPES | COGNITO_TYPES if cognito else EMULATED_TYPES
        self.named_only = NAMED_ONLY_TYPES if cognito else NAMED_ONLY_TYPES | COGNITO_TYPES
        self.params = params
        self.stack_name = stack_name
        self.region = region
        self.endpoint_url = endpoint_url
        self.repo_root = repo_root
        self.account_id = tpl.PSEUDO_ACCOUNT_ID
        self.physical_ids: dict[str, str] = {}  # logical id -> physical id reported by moto
        self.physical: dict[str, dict[str, str]] = {}  # logical id -> {"Ref": ..., attribute: ...}
        self.skipped: dict[str, str] = {}
        self.dlq_by_queue: dict[str, str] = {}
        self._clients: dict[str, Any] = {}
        self.intrinsics = tpl.Intrinsics(
            template=cfn,
            parameters=params,
            pseudo=self.pseudo(),
            ref=self.ref,
            get_att=self.get_att,
        )

    # -- plumbing

    def client(self, service: str) -> Any:
        if service not in self._clients:
            import boto3

            self._clients[service] = boto3.client(
                service, region_name=self.region, endpoint_url=self.endpoint_url
            )
        return self._clients[service]

    def pseudo(self) -> dict[str, str]:
        return {
            "AWS::Region": self.region,
            "AWS::AccountId": self.account_id,
            "AWS::Partition": "aws",
            "AWS::StackName": self.stack_name,
            "AWS::StackId": (
                f"arn:aws:cloudformation:{self.region}:{self.account_id}:stack/{self.stack_name}/local"
            ),
            "AWS::URLSuffix": "amazonaws.com",
        }

    def resolve(self, node: Any) -> Any:
        return self.intrinsics.resolve(node)

    def ref(self, logical_id: str) -> str:
        return self.get_att(logical_id, "Ref")

    def get_att(self, logical_id: str, attribute: str) -> str:
        if logical_id not in self.physical and logical_id in self.physical_ids:
            self.physical[logical_id] = self._attributes(logical_id, self.physical_ids[logical_id])
        if logical_id not in self.physical:
            resource = self.cfn["Resources"].get(logical_id)
            if resource is None:
                raise tpl.Unresolvable(f"no resource {logical_id}")
            if resource["Type"] not in self.named_only:
                raise tpl.Unresolvable(
                    f"{logical_id} ({resource['Type']}) has no local counterpart"
                )
            self.physical[logical_id] = self._named_only(logical_id, resource)
        attributes = self.physical[logical_id]
        if attribute not in attributes:
            raise tpl.Unresolvable(f"{logical_id}.{attribute} is not known locally")
        return attributes[attribute]

    def _named_only(self, logical_id: str, resource: dict[str, Any]) -> dict[str, str]:
        props = resource.get("Properties") or {}
        r, a, kind = self.region, self.account_id, resource["Type"]
        if kind == "AWS::Lambda::Function":
            name = self.resolve(props.get("FunctionName")) or f"{self.stack_name}-{logical_id}"[:64]
            return {"Ref": name, "Arn": f"arn:aws:lambda:{r}:{a}:function:{name}"}
        if kind == "AWS::Lambda::LayerVersion":
            name = self.resolve(props.get("LayerName")) or f"{self.stack_name}-{logical_id}"
            arn = f"arn:aws:lambda:{r}:{a}:layer:{name}:1"
            return {"Ref": arn, "LayerVersionArn": arn}
        if kind in COGNITO_TYPES:
            return self._fake_cognito(logical_id, kind, props)
        if kind == "AWS::KinesisFirehose::DeliveryStream":
            name = self.resolve(props.get("DeliveryStreamName")) or f"{self.stack_name}-{logical_id}"[:64]
            return {"Ref": name, "Arn": f"arn:aws:firehose:{r}:{a}:deliverystream/{name}"}
        if kind == "AWS::Glue::Database":
            return {"Ref": self.resolve(props["DatabaseInput"]["Name"])}
        if kind == "AWS::Glue::Table":
            return {"Ref": self.resolve(props["TableInput"]["Name"])}
        if kind == "AWS::Athena::WorkGroup":
            return {"Ref": self.resolve(props["Name"])}
        if kind == "AWS::Logs::LogGroup":
            name = self.resolve(props.get("LogGroupName")) or f"{self.stack_name}-{logical_id}"
            return {"Ref": name, "Arn": f"arn:aws:logs:{r}:{a}:log-group:{name}:*"}
        if kind == "AWS::Scheduler::ScheduleGroup":
            name = self.resolve(props.get("Name")) or f"{self.stack_name}-{logical_id}"
            return {"Ref": name, "Arn": f"arn:aws:scheduler:{r}:{a}:schedule-group/{name}"}
        if kind == "AWS::CloudFront::Distribution":
            distribution_id = f"E{logical_id.upper()[:13]}"
            return {"Ref": distribution_id, "Id": distribution_id,
                    "DomainName": f"{distribution_id.lower()}.cloudfront.net"}
        name = self.resolve(props.get("RoleName")) or f"{self.stack_name}-{logical_id}"[:64]
        return {
            "Ref": name,
            "Arn": f"arn:aws:iam::{a}:role/{name}",
            "RoleId": f"AROA{logical_id.upper()[:17]}",
        }

    def _fake_cognito(self, logical_id: str, kind: str, props: Mapping[str, Any]) -> dict[str, str]:
        """Stable, well-formed ids for Cognito resources that are not created."""
        digest = hashlib.sha256(f"{self.stack_name}/{logical_id}".encode()).hexdigest()
        if kind == "AWS::Cognito::UserPool":
            pool_id = f"{self.region}_{digest[:9]}"
            provider = f"cognito-idp.{self.region}.amazonaws.com/{pool_id}"
            return {
                "Ref": pool_id,
                "UserPoolId": pool_id,
                "Arn": f"arn:aws:cognito-idp:{self.region}:{self.account_id}:userpool/{pool_id}",
                "ProviderName": provider,
                "ProviderURL": f"https://{provider}",
            }
        if kind == "AWS::Cognito::UserPoolClient":
            return {"Ref": digest[:26], "ClientId": digest[:26]}
        if kind == "AWS::Cognito::UserPoolDomain":
            return {"Ref": self.resolve(props["Domain"])}
        if kind == "AWS::Cognito::UserPoolResourceServer":
            return {"Ref": self.resolve(props["Identifier"])}
        return {"Ref": self.resolve(props.get("GroupName")) or logical_id}

    # -- 1. create_stack with what moto's CloudFormation creates

    def _attributes(self, logical_id: str, physical_id: str) -> dict[str, str]:
        resource = self.cfn["Resources"][logical_id]
        r, a, kind = self.region, self.account_id, resource["Type"]
        if kind == "AWS::DynamoDB::Table":
            table = self.client("dynamodb").describe_table(TableName=physical_id)["Table"]
            stream = {"StreamArn": table["LatestStreamArn"]} if "LatestStreamArn" in table else {}
            return {"Ref": physical_id, "Arn": f"arn:aws:dynamodb:{r}:{a}:table/{physical_id}", **stream}
        if kind == "AWS::SQS::Queue":
            name = physical_id.rstrip("/").rsplit("/", 1)[-1]
            url = self.client("sqs").get_queue_url(QueueName=name)["QueueUrl"]
            return {
                "Ref": url,
                "QueueUrl": url,
                "QueueName": name,
                "Arn": f"arn:aws:sqs:{r}:{a}:{name}",
            }
        if kind == "AWS::Events::EventBus":
            # moto reports no usable physical id for a bus; its name is the Name property
            name = self.resolve((resource.get("Properties") or {}).get("Name"))
            return {"Ref": name, "Name": name, "Arn": f"arn:aws:events:{r}:{a}:event-bus/{name}"}
        if kind == "AWS::Events::Rule":
            name = physical_id.rsplit("/", 1)[-1].split("|")[-1]
            bus = self.resolve((resource.get("Properties") or {}).get("EventBusName")) or "default"
            bus = bus.rsplit("/", 1)[-1]
            prefix = "" if bus == "default" else f"{bus}/"
            return {
                "Ref": name if bus == "default" else f"{bus}|{name}",
                "Arn": f"arn:aws:events:{r}:{a}:rule/{prefix}{name}",
            }
        if kind == "AWS::S3::Bucket":
            return {
                "Ref": physical_id,
                "Arn": f"arn:aws:s3:::{physical_id}",
                "DomainName": f"{physical_id}.s3.amazonaws.com",
                "RegionalDomainName": f"{physical_id}.s3.{r}.amazonaws.com",
            }
        if kind == "AWS::SNS::Topic":
            return {
                "Ref": physical_id,
                "TopicArn": physical_id,
                "TopicName": physical_id.rsplit(":", 1)[-1],
            }
        return {"Ref": physical_id}

    # -- 2. gaps

    def condition_holds(self, resource: Mapping[str, Any]) -> bool:
        condition = resource.get("Condition")
        return True if condition is None else self.intrinsics.condition(condition)

    # -- 3. reading back

    def queues(self) -> tuple[dict[str, str], dict[str, str]]:
        resources = self.cfn["Resources"]
        all_queues = {
            lid: self.ref(lid) for lid, r in resources.items() if r["Type"] == "AWS::SQS::Queue"
        }
        for lid in all_queues:
            redrive = (resources[lid].get("Properties") or {}).get("RedrivePolicy") or {}
            target = tpl.target_logical_id(redrive.get("deadLetterTargetArn"))
            if target:
                self.dlq_by_queue[lid] = target
        # dead-letter queues: behind a queue (redrive), or behind a rule target or a schedule
        dlq_ids = set(self.dlq_by_queue.values()) | (tpl.dead_letter_targets(self.cfn) & set(all_queues))
        queues = {lid: url for lid, url in all_queues.items() if lid not in dlq_ids}
        dlqs = {lid: url for lid, url in all_queues.items() if lid in dlq_ids}
        return queues, dlqs

    def outputs(self) -> dict[str, str]:
        result = {}
        for name, output in (self.cfn.get("Outputs") or {}).items():
            if not self.condition_holds(output):
                continue
            try:
                result[name] = str(self.resolve(output["Value"]))
            except tpl.Unresolvable:
                continue  # e.g. the HTTP API URL: served by the local stack itself
        return result
