"""The RefundDeadline state machine (REFUND-7D): one running execution per return, named after it.

A closed execution keeps its name for 90 days (StartExecution answers ExecutionAlreadyExists), so when
a return's execution died before its due time (failed, aborted) the reconciler's restart runs as the
next generation, `<name>--2`, `<name>--3`, ...; `is_running` and `stop` look at every generation."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from typing import Any

from returns_shared.adapters._aws import LazyClient, dumps, error_code, utc_z

NAME_MAX = 80
MAX_GENERATIONS = 20  # restarts of one return's deadline, each after the previous execution died
_NOT_ALLOWED = re.compile(r"[^A-Za-z0-9_-]")  # also the charset CloudWatch logging accepts


def execution_name(return_id: str) -> str:
    """A valid, stable execution name. When the id had to be changed, a hash of it keeps names unique."""
    name = _NOT_ALLOWED.sub("-", return_id)
    if name == return_id and 0 < len(name) <= NAME_MAX:
        return name
    digest = hashlib.sha256(return_id.encode()).hexdigest()[:12]
    return f"{name[: NAME_MAX - len(digest) - 1]}-{digest}"


def generation_name(return_id: str, generation: int) -> str:
    """The name of a return's n-th deadline execution (the first is plain `execution_name`)."""
    name = execution_name(return_id)
    if generation == 1:
        return name
    suffix = f"--{generation}"
    return f"{name[: NAME_MAX - len(suffix)]}{suffix}"


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

    def _arn(self, return_id: str, generation: int = 1) -> str:
        return execution_arn(self.state_machine_arn, generation_name(return_id, generation))

    def _status(self, return_id: str, generation: int) -> str | None:
        try:
            answer = self._client().describe_execution(executionArn=self._arn(return_id, generation))
        except Exception as exc:
            if error_code(exc) == "ExecutionDoesNotExist":
                return None
            raise
        return str(answer["status"])

    def _running_generation(self, return_id: str) -> int | None:
        for generation in range(1, MAX_GENERATIONS + 1):
            status = self._status(return_id, generation)
            if status is None:
                return None  # generations are started in order: no later one exists
            if status == "RUNNING":
                return generation
        return None

    def start(self, *, return_id: str, reminder_at: datetime, due_at: datetime) -> None:
        execution_input = {
            "returnId": return_id,
            "reminderAt": utc_z(reminder_at),
            "dueAt": utc_z(due_at),
        }
        for generation in range(1, MAX_GENERATIONS + 1):
            try:
                self._client().start_execution(
                    stateMachineArn=self.state_machine_arn,
                    name=generation_name(return_id, generation),
                    input=dumps(execution_input),
                )
                return
            except Exception as exc:
                if error_code(exc) != "ExecutionAlreadyExists":
                    raise
            # The name is taken. Running: this return already has its deadline, so a redelivered
            # "received" event changes nothing. Closed (died before its time): try the next generation.
            if self._status(return_id, generation) == "RUNNING":
                return
        raise RuntimeError(
            f"return {return_id} has had {MAX_GENERATIONS} deadline executions; not starting another"
        )

    def stop(self, *, return_id: str) -> None:
        generation = self._running_generation(return_id)
        if generation is None:
            return
        try:
            self._client().stop_execution(
                executionArn=self._arn(return_id, generation), cause="refund issued"
            )
        except Exception as exc:
            if error_code(exc) != "ExecutionDoesNotExist":
                raise

    def is_running(self, *, return_id: str) -> bool:
        return self._running_generation(return_id) is not None
