"""Run the queue in the test's own process and transaction, as ``db_worker`` would."""

from unittest import mock

from django_tasks_db.management.commands import db_worker


def run_queued_jobs() -> None:
    """Run every queued task to the end, then return (``db_worker --batch``, no signals).

    The worker closes "old" connections between tasks; inside a test's
    transaction that would close the test's own connection, so it is skipped.
    """
    worker = db_worker.Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    with mock.patch.object(db_worker, "close_old_connections"):
        worker.run()
