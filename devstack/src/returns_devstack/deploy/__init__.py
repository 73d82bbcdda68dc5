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
   Step Functions backend; SSM parameters are put (the portal URL's names the distribution's
   domain, which moto does not create); SES email identities are verified (whatever their Condition:
   locally the sender must be able to send); with `cognito=True`, the Cognito user pools (their
   MFA configuration applied as CloudFormation does), resource servers, app clients, groups and
   domains (real moto ids, moto-issued RS256 tokens; ~50 ms more per deploy).
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

Modules: model.py (DeployedStack, the kinds of resources), moto_config.py, physical.py (physical
ids and intrinsics), moto_stack.py (step 2), emulated.py (step 3: one handler per resource type).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from returns_devstack import template as tpl
from returns_devstack.deploy.emulated import fill_gaps
from returns_devstack.deploy.model import (
    EVENT_BUS_ID,
    LABELS_BUCKET_ID,
    OPS_TOPIC_ID,
    REFUND_DEADLINE_ID,
    TABLE_ID,
    DeployedStack,
    EventSourceMapping,
    FunctionSpec,
    Schedule,
    StreamMapping,
)
from returns_devstack.deploy.moto_config import (
    MOTO_CONFIG,
    configure_moto_server,
    enable_state_machine_execution_in_process,
    moto_mock_active,
)
from returns_devstack.deploy.moto_stack import create_stack
from returns_devstack.deploy.physical import Deployment
from returns_devstack.deploy.roles import function_roles

__all__ = [
    "MOTO_CONFIG",
    "DeployedStack",
    "EventSourceMapping",
    "FunctionSpec",
    "Schedule",
    "StreamMapping",
    "configure_moto_server",
    "deploy_stack",
    "moto_mock_active",
]


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

    deployer = Deployment(cfn, params, stack_name, region, endpoint_url, repo_root, cognito=cognito)
    created = create_stack(deployer)
    fill_gaps(deployer, created)

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
        stream_mappings=[StreamMapping(*entry) for entry in tpl.stream_event_sources(cfn)],
        stack_name=stack_name,
        region=region,
        account_id=deployer.account_id,
        endpoint_url=endpoint_url,
        state_machines=state_machines,
        outputs=deployer.outputs(),
        skipped=dict(sorted(deployer.skipped.items())),
        dlq_by_queue=dict(deployer.dlq_by_queue),
        http_routes=tpl.http_routes(cfn),
        function_roles=function_roles(deployer),
        deploy_seconds=time.perf_counter() - started,
    )
