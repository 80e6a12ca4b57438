"""Work done outside the request (Celery, config/celery.py): each task is a thin shell around one function that
can also be called directly, so the work is tested without a worker and the worker adds only delivery and retries.
Without a broker (CELERY_BROKER_URL unset) ``delay`` runs the task in the asking process."""

from __future__ import annotations

from celery import shared_task

from evaluations import campaigns
from evaluations.models import Publication

from . import prepared, publication, workflow


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


@shared_task(name="reports.prepare_preview", autoretry_for=(OSError,), retry_backoff=2, max_retries=3)
def prepare_preview(evaluation_id: int, name: str) -> str:
    """The draft's PDF preview for the page that waits for it (:func:`reports.prepared.prepare_preview`)."""
    return prepared.prepare_preview(evaluation_id, name)


@shared_task(name="reports.prepare_sheets", autoretry_for=(OSError,), retry_backoff=2, max_retries=3)
def prepare_sheets(evaluation_ids: list[int], name: str) -> str:
    """The bureau's 各单位自评表 workbook for the page that waits for it (:func:`reports.prepared.prepare_sheets`)."""
    return prepared.prepare_sheets(evaluation_ids, name)


@shared_task(name="reports.send_reminders")
def send_reminders() -> int:
    """The campaigns' reminders due today (evaluations.campaigns.send_reminders), for celery beat where cron is
    not used; the same as `manage.py send_reminders`."""
    return len(campaigns.send_reminders().sent)


@shared_task(name="reports.verify_publications")
def verify_publications() -> int:
    """Every stored PDF against its SHA-256 (as `manage.py verify_publications`); returns how many failed."""
    return sum(
        not publication.verify_publication(each).ok
        for each in Publication.objects.defer("body_html", "data").order_by("pk").iterator(chunk_size=200)
    )
