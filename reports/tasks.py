"""Work done outside the request (Celery, config/celery.py): each task is a thin shell around one function that
can also be called directly, so the work is tested without a worker and the worker adds only delivery and retries.
Without a broker (CELERY_BROKER_URL unset) ``delay`` runs the task in the asking process."""

from __future__ import annotations

from celery import shared_task

from . import workflow


@shared_task(bind=True, name="reports.publish_report", max_retries=None)
def publish_report(self, job_id: int) -> int | None:
    """Render, store and record one publish job (:func:`reports.workflow.run_publish_job`). A transient failure
    comes back as RetryLater and is queued again after its pause (growing with each attempt); the job counts the
    attempts and gives up after PUBLISH_MAX_ATTEMPTS, so Celery's own limit is off."""
    while True:
        try:
            publication = workflow.run_publish_job(job_id)
        except workflow.RetryLater as later:
            if self.request.is_eager:
                # In-process (no broker): nothing to wait in; the job's attempt count still ends the loop.
                continue
            raise self.retry(countdown=later.delay) from None
        return publication.pk if publication is not None else None
