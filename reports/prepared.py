"""Files a worker prepares for someone waiting on a page (the draft's PDF preview, the bureau's workbook of every
unit's 自评表): kept in the default storage
under ``prepared/``, named by what they were made from (the evaluation's content revision), so a file is made once
per revision and an edit makes the next request prepare a new one. Without a broker the worker's function runs in
the request itself, as before (`make run`)."""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db.models import Max

from evaluations.models import Evaluation, StatusChange

from . import rendering
from .excel.safe_writer import workbook_bytes
from .models import KeyFigures, Review
from .summary_exports import self_evaluation_workbook

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


def sheets_name(year: int, evaluation_ids: list[int]) -> str:
    """The name of the 自评表 workbook of these evaluations as they stand (two queries): which ones, and the latest
    change to what the sheets show (a transition, frozen figures, a review)."""
    stamps = [
        StatusChange.objects.filter(evaluation_id__in=evaluation_ids).aggregate(latest=Max("id"))["latest"],
        KeyFigures.objects.filter(evaluation_id__in=evaluation_ids).aggregate(latest=Max("computed_at"))["latest"],
        Review.objects.filter(evaluation_id__in=evaluation_ids).aggregate(latest=Max("updated_at"))["latest"],
        Evaluation.objects.filter(pk__in=evaluation_ids).aggregate(latest=Max("updated_at"))["latest"],
    ]
    made_of = f"{year}|{sorted(evaluation_ids)}|{stamps}"
    return f"{FOLDER}/sheets-{year}-{hashlib.sha256(made_of.encode()).hexdigest()[:32]}.xlsx"


def prepare_sheets(evaluation_ids: list[int], name: str) -> str:
    """Every listed evaluation's 自评表 in one workbook (:func:`reports.summary_exports.self_evaluation_workbook`),
    kept under ``name``."""
    storage = prepared_storage()
    if storage.exists(name):
        return name
    wb = self_evaluation_workbook(Evaluation.objects.filter(pk__in=evaluation_ids))
    if not wb.worksheets:
        wb.create_sheet("-")
    saved = storage.save(name, ContentFile(workbook_bytes(wb)))
    if saved != name:
        storage.delete(saved)
    return name
