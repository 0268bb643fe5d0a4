"""A tiny workflow that calls the activity named `edit` on a given task queue (as the Java workflow does)."""
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

BAD_INPUT = "org.featmap.core.contract.BadInputException"


@workflow.defn(name="EditOnce")
class EditOnce:
    @workflow.run
    async def run(self, queue: str, task: dict) -> dict:
        return await workflow.execute_activity(
            "edit", task, task_queue=queue, start_to_close_timeout=timedelta(minutes=5),
            heartbeat_timeout=timedelta(seconds=60),
            retry_policy=RetryPolicy(initial_interval=timedelta(milliseconds=200), maximum_attempts=3,
                                     non_retryable_error_types=[BAD_INPUT]))
