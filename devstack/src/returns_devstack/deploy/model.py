"""What a deployment of template.yaml into moto yields, and the kinds of resources it handles."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from returns_devstack import template as tpl

if TYPE_CHECKING:
    from returns_devstack.deploy.roles import FunctionRole

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
        "AWS::SSM::Parameter",  # its value names the (not created) distribution's domain
    }
)
#: Created through cognito-idp with deploy_stack(cognito=True); otherwise named only.
COGNITO_TYPES = frozenset(
    {
        "AWS::Cognito::UserPool",
        "AWS::Cognito::UserPoolClient",
        "AWS::Cognito::UserPoolGroup",
        "AWS::Cognito::UserPoolResourceServer",
        "AWS::Cognito::UserPoolDomain",
    }
)
#: Not created, but given a local physical name so that Ref/GetAtt to them resolve.
NAMED_ONLY_TYPES = frozenset(
    # the web distribution: the pages are served by the local stack itself, but the gateway's environment
    # names its domain; log groups and the schedule group: the roles name them; the insights' Firehose,
    # Glue catalogue and Athena workgroup: locally the facts are Parquet files queried by DuckDB, but the
    # insights function's environment and role name them
    {"AWS::Lambda::Function", "AWS::Lambda::LayerVersion", "AWS::IAM::Role", "AWS::CloudFront::Distribution",
     "AWS::Logs::LogGroup", "AWS::Scheduler::ScheduleGroup", "AWS::KinesisFirehose::DeliveryStream",
     "AWS::Glue::Database", "AWS::Glue::Table", "AWS::Athena::WorkGroup"}
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


class StreamMapping(NamedTuple):
    table: str  # table logical id (its DynamoDB stream)
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
    stream_mappings: list[StreamMapping] = field(default_factory=list)  # DynamoDB streams → functions
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
    # function logical id -> its execution role as declared, resolved (returns_devstack.iam proves it)
    function_roles: dict[str, FunctionRole] = field(default_factory=dict)
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
