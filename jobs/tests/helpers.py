"""Run the queue in the test's own process and transaction, as ``db_worker`` would."""

from django_tasks_db.management.commands.db_worker import Worker


def run_queued_jobs() -> None:
    """Run every queued task to the end, then return (``db_worker --batch``, no signals)."""
    Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()
