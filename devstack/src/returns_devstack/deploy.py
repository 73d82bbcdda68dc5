"""Deploy template.yaml into moto: the one way the local stack and every stack test get AWS.

    from moto import mock_aws
    from returns_devstack.deploy import MOTO_CONFIG, deploy_stack

    with mock_aws(config=MOTO_CONFIG):          # in-process
        stack = deploy_stack()
        os.environ.update(stack.env())          # what the functions read
        ...

    stack = deploy_stack(endpoint_url="http://127.0.0.1:5000")   # a moto server

What happens (everything is read from template.yaml; Python knows only the logical ids of
the five singletons below and the conventions written at the top of the template):

1. The SAM template is translated offline with aws-sam-translator (local CodeUri /
   ContentUri / DefinitionUri become S3 placeholders whose key is the local path; a local
   managed-policy map replaces the IAM lookup). The translation is cached per process.
2. `create_stack` in moto with the resources moto's CloudFormation really creates:
   DynamoDB tables, SQS queues, EventBridge buses and rules (with their SQS targets), S3
   buckets, SNS topics. Rules whose targets are not created are left out. Schedules (EventBridge
   Scheduler, SAM ScheduleV2) are not created: moto never fires them; the local stack drives
   them from `DeployedStack.schedules`.
3. Gaps filled through the service APIs, from the same template properties:
   DynamoDB TTL and point-in-time recovery (moto's CloudFormation ignores them); S3 public
   access block, ownership controls, lifecycle; SQS queue policies; the state machines,
   created from their ASL files with DefinitionSubstitutions applied, in moto's EXECUTING
   Step Functions backend; SES email identities are verified (whatever their Condition:
   locally the sender must be able to send); with `cognito=True`, the Cognito user pools,
   app clients and groups (real moto ids, moto-issued RS256 tokens; ~50 ms more per deploy).
4. Not created (moto cannot run them, or they mean nothing locally), but named so that
   references to them resolve: Lambda functions (`<stack>-<LogicalId>`), layers, IAM roles,
   and by default Cognito (stable fake ids; locally the gateway runs with AUTH_MODE=local).
   Skipped outright: event source mappings and Lambda permissions (moto would "invoke" the
   function itself and eat the queue's messages; the local stack polls the queues),
   API Gateway v2 (the local stack serves the gateway itself), CloudWatch alarms and the
   dashboard, log groups (the local stack logs to its console), scheduler schedules, the ops
   e-mail subscription, the TLS-only bucket policy (local endpoints are plain http).
   `DeployedStack.skipped` lists them.

Executing state machines (moto only runs ASL when told to):
  * in-process: `mock_aws(config=MOTO_CONFIG)`; `deploy_stack(execute_state_machines=True)`
    also switches it on inside an active mock (moto restores the config when the
    outermost mock stops);
  * moto server: `POST <endpoint>/moto-api/config` with MOTO_CONFIG (done by deploy_stack,
    or call `configure_moto_server(endpoint_url)`). Task states of a server call back into
    moto at http://localhost:$MOTO_PORT (default 5000): start the server on that port or
    set MOTO_PORT in the server's environment.
  * Wait states compare timestamps with LOCAL time: run with TZ=UTC.
  * moto quirk: StopExecution sent before the execution's worker thread has started fails
    (AttributeError inside moto) and the execution keeps RUNNING; wait for its first
    history event before stopping it in tests.

Cost: ~0.2 s per deploy once the process has imported moto's CloudFormation and Step
Functions engines; the first deploy in a process also pays those imports (~1-1.5 s with
bytecode cached; moto's CloudFormation module imports every backend it can create).
The offline translation is cached on disk (see returns_devstack.template.translate_file).
"""

from __future__ import annotations

import json
import os
import time
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlparse

from returns_devstack import template as tpl

#: Moto configuration the stack needs (pass to mock_aws, or POST to /moto-api/config).
MOTO_CONFIG: dict[str, Any] = {"stepfunctions": {"execute_state_machine": True}}

# The singletons the rest of the code base names (logical ids in template.yaml).
TABLE_ID = "ReturnsTable"
EVENT_BUS_ID = "ReturnsBus"
LABELS_BUCKET_ID = "LabelsBucket"
OPS_TOPIC_ID = "OpsTopic"
REFUND_DEADLINE_ID = "RefundDeadlineStateMachine"

#: Resource types created by moto's create_stack.
CLOUDFORMATION_TYPES = frozenset(
    {
        "AWS::DynamoDB::Table",
        "AWS::SQS::Queue",
        "AWS::Events::EventBus",
        "AWS::Events::Rule",
        "AWS::S3::Bucket",
        "AWS::SNS::Topic",
    }
)
#: Resource types created or configured through the service APIs after create_stack.
EMULATED_TYPES = frozenset(
    {
        "AWS::StepFunctions::StateMachine",
        "AWS::SQS::QueuePolicy",
        "AWS::SES::EmailIdentity",
        "AWS::SecretsManager::Secret",
    }
)
#: Created through cognito-idp with deploy_stack(cognito=True); otherwise named only.
COGNITO_TYPES = frozenset(
    {"AWS::Cognito::UserPool", "AWS::Cognito::UserPoolClient", "AWS::Cognito::UserPoolGroup"}
)
#: Not created, but given a local physical name so that Ref/GetAtt to them resolve.
NAMED_ONLY_TYPES = frozenset(
    # the web distribution: the pages are served by the local stack itself, but the gateway's environment
    # names its domain
    {"AWS::Lambda::Function", "AWS::Lambda::LayerVersion", "AWS::IAM::Role", "AWS::CloudFront::Distribution"}
)


@dataclass(frozen=True)
class FunctionSpec:
    """How the local stack runs one function: `getattr(import_module(handler_module), handler_attr)`."""

    handler_module: str
    handler_attr: str
    function_name: str = ""  # local physical name (what REQUEST_FUNCTION_NAME etc. hold)
    code_uri: str = ""


class EventSourceMapping(NamedTuple):
    queue: str  # queue logical id
    function: str  # function logical id
    batch_size: int


class Schedule(NamedTuple):
    rule: str  # schedule logical id (SAM names it <Function><EventName>; AWS::Scheduler::Schedule)
    function: str  # function logical id
    expression: str  # rate(...) / cron(...)
    input: dict[str, Any]


@dataclass(frozen=True)
class DeployedStack:
    table_name: str
    event_bus_name: str
    labels_bucket: str
    ops_topic_arn: str
    refund_deadline_state_machine_arn: str
    queues: dict[str, str]  # logical id -> queue URL (queues that are not DLQs)
    dlqs: dict[str, str]  # logical id -> queue URL (dead-letter queues)
    function_env: dict[str, dict[str, str]]  # function logical id -> resolved environment
    functions: dict[str, FunctionSpec]
    event_source_mappings: list[EventSourceMapping]
    schedules: list[Schedule]
    # more about the deployment
    stack_name: str = ""
    region: str = ""
    account_id: str = ""
    endpoint_url: str | None = None
    state_machines: dict[str, str] = field(default_factory=dict)  # logical id -> ARN
    outputs: dict[str, str] = field(default_factory=dict)  # template Outputs that resolve locally
    skipped: dict[str, str] = field(default_factory=dict)  # logical id -> type, not created
    dlq_by_queue: dict[str, str] = field(default_factory=dict)  # queue logical id -> DLQ logical id
    http_routes: list[tpl.HttpRoute] = field(default_factory=list)  # the HTTP API's routes to functions
    deploy_seconds: float = 0.0

    def env(self) -> dict[str, str]:
        """Every function's variables in one dict (the in-process stack has one os.environ).

        Raises ValueError if two functions give one variable different values: one process
        could not honour both.
        """
        merged: dict[str, str] = {}
        owner: dict[str, str] = {}
        for function, variables in self.function_env.items():
            for name, value in variables.items():
                if name in merged and merged[name] != value:
                    raise ValueError(
                        f"{name} differs between {owner[name]} ({merged[name]!r}) and {function} ({value!r})"
                    )
                merged[name], owner[name] = value, function
        return merged

    def client(self, service: str) -> Any:
        """A boto3 client for this stack's moto (endpoint and region)."""
        import boto3

        return boto3.client(service, region_name=self.region, endpoint_url=self.endpoint_url)

    def dlq_of(self, queue_logical_id: str) -> str:
        """URL of the dead-letter queue behind a queue."""
        return self.dlqs[self.dlq_by_queue[queue_logical_id]]


# --------------------------------------------------------------------------- moto configuration


def moto_mock_active() -> bool:
    try:
        from moto.core.models import MockAWS
    except ImportError:  # pragma: no cover - moto is a dependency of this package
        return False
    return getattr(MockAWS, "_nested_count", 1) > 0


def enable_state_machine_execution_in_process() -> None:
    """Switch on ASL execution for the active mock_aws (restored when the mock stops)."""
    from moto.core.config import default_user_config

    # Replace the key (never mutate the shared inner dict): mock_aws's patch.dict restores it.
    default_user_config["stepfunctions"] = dict(MOTO_CONFIG["stepfunctions"])  # type: ignore[typeddict-item]


def configure_moto_server(endpoint_url: str, config: Mapping[str, Any] = MOTO_CONFIG) -> None:
    """POST /moto-api/config on a moto server; warn when its tasks would call back elsewhere."""
    import urllib.request

    request = urllib.request.Request(
        endpoint_url.rstrip("/") + "/moto-api/config",
        data=json.dumps(dict(config)).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - local moto server
        response.read()
    port = urlparse(endpoint_url).port
    if port and str(port) != os.environ.get("MOTO_PORT", "5000"):
        warnings.warn(
            f"moto server on port {port} but MOTO_PORT={os.environ.get('MOTO_PORT', '5000')} here: "
            "state machine tasks call moto at localhost:$MOTO_PORT of the SERVER process; "
            "make sure the server runs with MOTO_PORT set to its port",
            stacklevel=2,
        )


# --------------------------------------------------------------------------- deploy


def deploy_stack(
    *,
    endpoint_url: str | None = None,
    region: str = "us-east-1",
    stack_name: str = "returns-local",
    template_path: Path | str | None = None,
    execute_state_machines: bool = True,
    parameter_overrides: Mapping[str, str] | None = None,
    cognito: bool = False,
) -> DeployedStack:
    """Create the stack of template.yaml in moto and return what the local stack needs.

    `endpoint_url=None` means in-process moto: call inside `mock_aws(config=MOTO_CONFIG)`
    (refused otherwise, so that nothing ever reaches real AWS). See the module docstring.
    """
    started = time.perf_counter()
    if endpoint_url is None and not moto_mock_active():
        raise RuntimeError(
            "deploy_stack without endpoint_url needs an active moto mock: "
            "`with mock_aws(config=MOTO_CONFIG): deploy_stack()`, or pass the moto server's endpoint_url"
        )
    if execute_state_machines:
        if endpoint_url is None:
            enable_state_machine_execution_in_process()
        else:
            configure_moto_server(endpoint_url)

    path = Path(template_path) if template_path else tpl.find_template()
    repo_root = path.resolve().parent
    cfn = tpl.translate_file(path, region=region, parameter_overrides=parameter_overrides)
    params = tpl.parameter_values(cfn, parameter_overrides)
    resources: dict[str, Any] = cfn["Resources"]

    deployer = _Deployer(cfn, params, stack_name, region, endpoint_url, repo_root, cognito=cognito)
    created = deployer.create_stack()
    deployer.fill_gaps(created)

    queues, dlqs = deployer.queues()
    sources = tpl.functions(cfn, repo_root)
    functions = {
        logical_id: FunctionSpec(
            handler_module=source.handler_module,
            handler_attr=source.handler_attr,
            function_name=deployer.ref(logical_id),
            code_uri=source.code_uri,
        )
        for logical_id, source in sources.items()
    }
    function_env = {
        logical_id: {
            name: str(value)
            for name, value in deployer.resolve(
                ((source.properties.get("Environment") or {}).get("Variables")) or {}
            ).items()
        }
        for logical_id, source in sources.items()
    }
    for queue, _function, _batch, _props in tpl.sqs_event_sources(cfn):
        if queue not in queues:
            raise ValueError(f"event source {queue} is not a created queue")

    state_machines = {
        logical_id: deployer.ref(logical_id)
        for logical_id, resource in resources.items()
        if resource["Type"] == "AWS::StepFunctions::StateMachine"
    }
    return DeployedStack(
        table_name=deployer.ref(TABLE_ID),
        event_bus_name=deployer.ref(EVENT_BUS_ID),
        labels_bucket=deployer.ref(LABELS_BUCKET_ID),
        ops_topic_arn=deployer.ref(OPS_TOPIC_ID),
        refund_deadline_state_machine_arn=deployer.ref(REFUND_DEADLINE_ID),
        queues=queues,
        dlqs=dlqs,
        function_env=function_env,
        functions=functions,
        event_source_mappings=[
            EventSourceMapping(queue, function, batch)
            for queue, function, batch, _ in tpl.sqs_event_sources(cfn)
        ],
        schedules=[Schedule(*entry) for entry in tpl.schedules(cfn)],
        stack_name=stack_name,
        region=region,
        account_id=deployer.account_id,
        endpoint_url=endpoint_url,
        state_machines=state_machines,
        outputs=deployer.outputs(),
        skipped=dict(sorted(deployer.skipped.items())),
        dlq_by_queue=dict(deployer.dlq_by_queue),
        http_routes=tpl.http_routes(cfn),
        deploy_seconds=time.perf_counter() - started,
    )


class _Deployer:
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
            pseudo=self._pseudo(),
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

    def _pseudo(self) -> dict[str, str]:
        return {
            "AWS::Region": self.region,
            "AWS::AccountId": self.account_id,
            "AWS::Partition": "aws",
            "AWS::StackName": self.stack_name,
            "AWS::StackId": f"arn:aws:cloudformation:{self.region}:{self.account_id}:stack/{self.stack_name}/local",
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
        if kind == "AWS::CloudFront::Distribution":
            distribution_id = f"E{logical_id.upper()[:13]}"
            return {"Ref": distribution_id, "Id": distribution_id, "DomainName": f"{distribution_id.lower()}.cloudfront.net"}
        name = self.resolve(props.get("RoleName")) or f"{self.stack_name}-{logical_id}"[:64]
        return {
            "Ref": name,
            "Arn": f"arn:aws:iam::{a}:role/{name}",
            "RoleId": f"AROA{logical_id.upper()[:17]}",
        }

    def _fake_cognito(self, logical_id: str, kind: str, props: Mapping[str, Any]) -> dict[str, str]:
        """Stable, well-formed ids for Cognito resources that are not created."""
        import hashlib

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
        return {"Ref": self.resolve(props.get("GroupName")) or logical_id}

    # -- 1. create_stack with what moto's CloudFormation creates

    def moto_template(self) -> dict[str, Any]:
        resources = self.cfn["Resources"]
        kept = {lid for lid, res in resources.items() if res["Type"] in CLOUDFORMATION_TYPES}
        # drop what refers to something not created (e.g. schedule rules -> Lambda functions)
        changed = True
        while changed:
            changed = False
            for lid in sorted(kept):
                if not (tpl.resource_references(resources[lid]) & resources.keys()) <= kept:
                    kept.discard(lid)
                    changed = True
        for lid, res in resources.items():
            if lid not in kept and res["Type"] not in self.emulated:
                self.skipped[lid] = res["Type"]
        return {
            "AWSTemplateFormatVersion": "2010-09-09",
            "Parameters": self.cfn.get("Parameters", {}),
            "Conditions": self.cfn.get("Conditions", {}),
            "Mappings": self.cfn.get("Mappings", {}),
            "Resources": _moto_compatible(
                {lid: resources[lid] for lid in resources if lid in kept}
            ),
        }

    def create_stack(self) -> set[str]:
        template = self.moto_template()
        if not template["Mappings"]:
            del template["Mappings"]
        specs = self.cfn.get("Parameters") or {}
        parameters = [
            {"ParameterKey": k, "ParameterValue": ",".join(v) if isinstance(v, list) else str(v)}
            for k, v in self.params.items()
            if k in specs
        ]
        cloudformation = self.client("cloudformation")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # moto warns about every property it does not model
            stack_id = cloudformation.create_stack(
                StackName=self.stack_name, TemplateBody=json.dumps(template), Parameters=parameters
            )["StackId"]
        self.account_id = stack_id.split(":")[4]
        self.intrinsics.pseudo = self._pseudo() | {"AWS::StackId": stack_id}
        created: set[str] = set()
        paginator = cloudformation.get_paginator("list_stack_resources")
        for page in paginator.paginate(StackName=self.stack_name):
            for summary in page["StackResourceSummaries"]:
                lid = summary["LogicalResourceId"]
                self.physical_ids[lid] = summary["PhysicalResourceId"]
                created.add(lid)
        missing = set(template["Resources"]) - created
        if missing:
            raise RuntimeError(f"moto did not create {sorted(missing)}")
        return created

    def _attributes(self, logical_id: str, physical_id: str) -> dict[str, str]:
        resource = self.cfn["Resources"][logical_id]
        r, a, kind = self.region, self.account_id, resource["Type"]
        if kind == "AWS::DynamoDB::Table":
            return {"Ref": physical_id, "Arn": f"arn:aws:dynamodb:{r}:{a}:table/{physical_id}"}
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

    def fill_gaps(self, created: set[str]) -> None:
        resources = self.cfn["Resources"]
        for lid in created:
            kind = resources[lid]["Type"]
            props = resources[lid].get("Properties") or {}
            if kind == "AWS::DynamoDB::Table":
                self._table_gaps(lid, props)
            elif kind == "AWS::S3::Bucket":
                self._bucket_gaps(lid, props)
        order = [  # dependencies first
            "AWS::SecretsManager::Secret",
            "AWS::Cognito::UserPool",
            "AWS::Cognito::UserPoolClient",
            "AWS::Cognito::UserPoolGroup",
            "AWS::SES::EmailIdentity",
            "AWS::SQS::QueuePolicy",
            "AWS::StepFunctions::StateMachine",
        ]
        for kind in (k for k in order if k in self.emulated):
            for lid, resource in resources.items():
                if resource["Type"] != kind:
                    continue
                if kind != "AWS::SES::EmailIdentity" and not self._condition_holds(resource):
                    self.skipped[lid] = kind
                    continue
                getattr(self, "_create_" + kind.rsplit("::", 1)[-1])(
                    lid, resource.get("Properties") or {}
                )

    def _condition_holds(self, resource: Mapping[str, Any]) -> bool:
        condition = resource.get("Condition")
        return True if condition is None else self.intrinsics.condition(condition)

    def _table_gaps(self, lid: str, props: Mapping[str, Any]) -> None:
        dynamodb = self.client("dynamodb")
        name = self.ref(lid)
        ttl = self.resolve(props.get("TimeToLiveSpecification"))
        if ttl and str(ttl.get("Enabled")).lower() == "true":
            dynamodb.update_time_to_live(
                TableName=name,
                TimeToLiveSpecification={"AttributeName": ttl["AttributeName"], "Enabled": True},
            )
        pitr = self.resolve(props.get("PointInTimeRecoverySpecification"))
        if pitr and str(pitr.get("PointInTimeRecoveryEnabled")).lower() == "true":
            dynamodb.update_continuous_backups(
                TableName=name,
                PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
            )

    def _bucket_gaps(self, lid: str, props: Mapping[str, Any]) -> None:
        s3 = self.client("s3")
        name = self.ref(lid)
        block = self.resolve(props.get("PublicAccessBlockConfiguration"))
        if block:
            s3.put_public_access_block(
                Bucket=name,
                PublicAccessBlockConfiguration={
                    k: str(v).lower() == "true" for k, v in block.items()
                },
            )
        ownership = self.resolve(props.get("OwnershipControls"))
        if ownership:
            s3.put_bucket_ownership_controls(Bucket=name, OwnershipControls=ownership)
        lifecycle = self.resolve(props.get("LifecycleConfiguration"))
        if lifecycle:
            s3.put_bucket_lifecycle_configuration(
                Bucket=name,
                LifecycleConfiguration={"Rules": [_lifecycle_rule(r) for r in lifecycle["Rules"]]},
            )

    def _create_UserPool(self, lid: str, props: Mapping[str, Any]) -> None:
        props = self.resolve(props)
        kwargs: dict[str, Any] = {
            "PoolName": props.get("UserPoolName") or f"{self.stack_name}-{lid}"
        }
        for key in ("UsernameAttributes", "AutoVerifiedAttributes", "Policies", "MfaConfiguration"):
            if key in props:
                kwargs[key] = props[key]
        pool = self.client("cognito-idp").create_user_pool(**kwargs)["UserPool"]
        provider = f"cognito-idp.{self.region}.amazonaws.com/{pool['Id']}"
        self.physical[lid] = {
            "Ref": pool["Id"],
            "UserPoolId": pool["Id"],
            "Arn": pool["Arn"],
            "ProviderName": provider,
            "ProviderURL": f"https://{provider}",
        }

    def _create_UserPoolClient(self, lid: str, props: Mapping[str, Any]) -> None:
        props = self.resolve(props)
        kwargs: dict[str, Any] = {
            "UserPoolId": props["UserPoolId"],
            "ClientName": props.get("ClientName") or f"{self.stack_name}-{lid}",
            "GenerateSecret": str(props.get("GenerateSecret", False)).lower() == "true",
        }
        if "ExplicitAuthFlows" in props:
            kwargs["ExplicitAuthFlows"] = props["ExplicitAuthFlows"]
        client = self.client("cognito-idp").create_user_pool_client(**kwargs)["UserPoolClient"]
        self.physical[lid] = {"Ref": client["ClientId"], "ClientId": client["ClientId"]}

    def _create_UserPoolGroup(self, lid: str, props: Mapping[str, Any]) -> None:
        props = self.resolve(props)
        name = props.get("GroupName") or lid
        kwargs = {"UserPoolId": props["UserPoolId"], "GroupName": name}
        if props.get("Description"):
            kwargs["Description"] = props["Description"]
        self.client("cognito-idp").create_group(**kwargs)
        self.physical[lid] = {"Ref": name}

    def _create_EmailIdentity(self, lid: str, props: Mapping[str, Any]) -> None:
        identity = self.resolve(props["EmailIdentity"])
        ses = self.client("ses")
        if "@" in identity:
            ses.verify_email_identity(EmailAddress=identity)
        else:
            ses.verify_domain_identity(Domain=identity)
        self.physical[lid] = {"Ref": identity}

    def _create_Secret(self, lid: str, props: Mapping[str, Any]) -> None:
        """As CloudFormation does: the given SecretString, or a generated random one."""
        props = self.resolve(props)
        generate = props.get("GenerateSecretString")
        if generate is not None:
            value = self.client("secretsmanager").get_random_password(
                PasswordLength=int(generate.get("PasswordLength", 32)),
                ExcludePunctuation=str(generate.get("ExcludePunctuation", False)).lower() == "true",
            )["RandomPassword"]
        else:
            value = props.get("SecretString", "")
        name = props.get("Name") or f"{self.stack_name}-{lid}"
        arn = self.client("secretsmanager").create_secret(Name=name, SecretString=value)["ARN"]
        self.physical[lid] = {"Ref": arn, "Id": arn}

    def _create_QueuePolicy(self, lid: str, props: Mapping[str, Any]) -> None:
        props = self.resolve(props)
        for url in props["Queues"]:
            self.client("sqs").set_queue_attributes(
                QueueUrl=url, Attributes={"Policy": json.dumps(props["PolicyDocument"])}
            )
        self.physical[lid] = {"Ref": lid}

    def _create_StateMachine(self, lid: str, props: Mapping[str, Any]) -> None:
        if "DefinitionS3Location" in props:
            key = props["DefinitionS3Location"]["Key"]
            definition = (self.repo_root / key).read_text(encoding="utf-8")
        elif "DefinitionString" in props:
            definition = self.resolve(props["DefinitionString"])
        else:
            definition = json.dumps(self.resolve(props["Definition"]))
        for name, value in self.resolve(props.get("DefinitionSubstitutions") or {}).items():
            definition = definition.replace("${" + name + "}", str(value))
        json.loads(definition)  # a broken substitution must fail here, not inside an execution
        name = self.resolve(props.get("StateMachineName")) or f"{self.stack_name}-{lid}"[:80]
        try:
            role_arn = self.resolve(props["RoleArn"])
        except tpl.Unresolvable:
            role_arn = f"arn:aws:iam::{self.account_id}:role/{self.stack_name}-{lid}Role"
        arn = self.client("stepfunctions").create_state_machine(
            name=name,
            definition=definition,
            roleArn=role_arn,
            type=props.get("StateMachineType", "STANDARD"),
        )["stateMachineArn"]
        self.physical[lid] = {"Ref": arn, "Arn": arn, "Name": name}

    # -- 3. reading back

    def queues(self) -> tuple[dict[str, str], dict[str, str]]:
        resources = self.cfn["Resources"]
        all_queues = {
            lid: self.ref(lid) for lid, r in resources.items() if r["Type"] == "AWS::SQS::Queue"
        }
        for lid in all_queues:
            redrive = (resources[lid].get("Properties") or {}).get("RedrivePolicy") or {}
            target = tpl._target_logical_id(redrive.get("deadLetterTargetArn"))
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
            if not self._condition_holds(output):
                continue
            try:
                result[name] = str(self.resolve(output["Value"]))
            except tpl.Unresolvable:
                continue  # e.g. the HTTP API URL: served by the local stack itself
        return result


def _moto_compatible(resources: dict[str, Any]) -> dict[str, Any]:
    """Work around moto CloudFormation quirks (same meaning, other spelling).

    * moto's EventBus has no physical id, so {"Ref": Bus} resolves to a Python object:
      spell it {"Fn::GetAtt": [Bus, "Name"]} (what Ref means for a bus).
    """
    buses = {lid for lid, r in resources.items() if r["Type"] == "AWS::Events::EventBus"}

    def rewrite(node: Any) -> Any:
        if isinstance(node, list):
            return [rewrite(n) for n in node]
        if isinstance(node, dict):
            if set(node) == {"Ref"} and node["Ref"] in buses:
                return {"Fn::GetAtt": [node["Ref"], "Name"]}
            return {k: rewrite(v) for k, v in node.items()}
        return node

    return rewrite(resources)


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
