"""The RefundDeadline state machine (REFUND-7D): one execution per return, named after it."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from typing import Any

from returns_shared.adapters._aws import LazyClient, dumps, error_code, utc_z

NAME_MAX = 80
_NOT_ALLOWED = re.compile(r"[^A-Za-z0-9_-]")  # also the charset CloudWatch logging accepts


def execution_name(return_id: str) -> str:
    """A valid, stable execution name. When the id had to be changed, a hash of it keeps names unique."""
    name = _NOT_ALLOWED.sub("-", return_id)
    if name == return_id and 0 < len(name) <= NAME_MAX:
        return name
    digest = hashlib.sha256(return_id.encode()).hexdigest()[:12]
    return f"{name[: NAME_MAX - len(digest) - 1]}-{digest}"


def execution_arn(state_machine_arn: str, name: str) -> str:
    # arn:<partition>:states:<region>:<account>:stateMachine:<sm> -> ...:execution:<sm>:<name>
    parts = state_machine_arn.split(":")
    if len(parts) != 7 or parts[5] != "stateMachine":
        raise ValueError(f"not a state machine ARN: {state_machine_arn}")
    return ":".join([*parts[:5], "execution", parts[6], name])


class StepFunctionsDeadlineWorkflow:
    def __init__(
        self,
        state_machine_arn: str,
        client: Any = None,
        *,
        endpoint_url: str | None = None,
        region_name: str | None = None,
    ) -> None:
        self.state_machine_arn = state_machine_arn
        self._client = LazyClient(
            "stepfunctions", client, endpoint_url=endpoint_url, region_name=region_name
        )

    def _arn(self, return_id: str) -> str:
        return execution_arn(self.state_machine_arn, execution_name(return_id))

    def start(self, *, return_id: str, reminder_at: datetime, due_at: datetime) -> None:
        execution_input = {
            "returnId": return_id,
            "reminderAt": utc_z(reminder_at),
            "dueAt": utc_z(due_at),
        }
        try:
            self._client().start_execution(
                stateMachineArn=self.state_machine_arn,
                name=execution_name(return_id),
                input=dumps(execution_input),
            )
        except Exception as exc:
            # The name is taken (running, or finished within 90 days): this return already has
            # its deadline, so a redelivered "received" event changes nothing.
            if error_code(exc) != "ExecutionAlreadyExists":
                raise

    def stop(self, *, return_id: str) -> None:
        if not self.is_running(return_id=return_id):
            return
        try:
            self._client().stop_execution(executionArn=self._arn(return_id), cause="refund issued")
        except Exception as exc:
            if error_code(exc) != "ExecutionDoesNotExist":
                raise

    def is_running(self, *, return_id: str) -> bool:
        try:
            answer = self._client().describe_execution(executionArn=self._arn(return_id))
        except Exception as exc:
            if error_code(exc) == "ExecutionDoesNotExist":
                return False
            raise
        return answer["status"] == "RUNNING"
