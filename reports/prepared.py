"""Files a worker prepares for someone waiting on a page (the draft's PDF preview): kept in the default storage
under ``prepared/``, named by what they were made from (the evaluation's content revision), so a file is made once
per revision and an edit makes the next request prepare a new one. Without a broker the worker's function runs in
the request itself, as before (`make run`)."""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages

from evaluations.models import Evaluation

from . import rendering

logger = logging.getLogger(__name__)

FOLDER = "prepared"


def prepared_storage() -> Storage:
    return storages["default"]


def in_worker() -> bool:
    """Whether tasks go to a worker (a broker is configured) rather than running in the asking process."""
    return not settings.CELERY_TASK_ALWAYS_EAGER


def content_revision(evaluation: Evaluation) -> str:
    """What the report's content is made of, as a short fingerprint (one query): the evaluation's own fields
    (updated_at, status) and the revision of every editor section. Any saved edit changes it."""
    sections = sorted(evaluation.section_revisions.values_list("section", "revision"))
    made_of = f"{evaluation.pk}|{evaluation.updated_at.isoformat()}|{evaluation.status}|{sections}"
    return hashlib.sha256(made_of.encode()).hexdigest()[:32]


def preview_name(evaluation: Evaluation) -> str:
    return f"{FOLDER}/preview-{evaluation.pk}-{content_revision(evaluation)}.pdf"


def prepare_preview(evaluation_id: int, name: str) -> str:
    """Render the draft's PDF preview (:func:`reports.rendering.render_report_pdf`, the one function that renders
    it) and keep it under ``name``; a file already there is that revision's and is kept."""
    storage = prepared_storage()
    if storage.exists(name):
        return name
    evaluation = Evaluation.objects.select_related("unit").get(pk=evaluation_id)
    pdf = rendering.render_report_pdf(evaluation)
    saved = storage.save(name, ContentFile(pdf))
    if saved != name:
        # Another worker finished the same revision first: its file is the same document.
        storage.delete(saved)
    return name
