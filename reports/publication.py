"""Publishing: render the report once, keep the PDF's bytes for ever, and hand the portal exactly those bytes.

The PDF goes to the ``publications`` storage (the file system by default, an S3-compatible store through settings)
under a content-addressed name, ``<sha256>.pdf``: the name says what the bytes are, so an existing file is never
overwritten, and one that does not hash to its name is refused loudly. The report body is kept as HTML beside the
row, so the portal shows what was approved even after the evaluation has been reopened and changed.

The score is kept the same way: the scheme row, its name and version, the scheme itself as data and the total and
grade as shown at that moment (:func:`score_fields`), so no later edit of the scheme changes a published score."""

from __future__ import annotations

import datetime
import hashlib
import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage, storages
from django.core.mail import mail_admins
from django.db.models import Max, OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from budgets.checks import known_totals
from budgets.figures import execution_rate
from budgets.models import SpendingSummary
from evaluations.models import Evaluation, Publication, StatusChange
from evaluations.money import format_percent, format_wan
from evaluations.schemes import BUILTIN
from evaluations.scoring_schemes import DEFAULT, chosen_scheme, scheme_spec

from . import open_data, rendering
from .key_figures import headline_figures, rounded_rate
from .models import PublicationCheck
from .scoring import score_of

logger = logging.getLogger(__name__)

RENDER_FAILED = _("报告PDF生成失败，报告未公开，仍为“已审核”状态。请稍后重试；如反复失败，请联系系统管理员。")
STORE_FAILED = _("报告PDF保存失败，报告未公开，仍为“已审核”状态。请稍后重试；如反复失败，请联系系统管理员。")
RECORD_FAILED = _("公开记录写入失败，报告未公开，仍为“已审核”状态。请稍后重试；如反复失败，请联系系统管理员。")
FILE_MISSING = _("已公开的报告文件缺失，请联系系统管理员。")
INTEGRITY_FAILED = _(
    "已公开的报告文件未通过完整性校验（文件内容与公布的SHA-256指纹不一致），暂停下载，已通知系统管理员。"
)

CHUNK = 64 * 1024


class PublicationError(Exception):
    """Publishing failed; nothing was published. The message is for the person who clicked 公开."""


class TransientPublicationError(PublicationError):
    """A failure that may pass by itself (the store or the database was unreachable): worth another attempt."""


class PublishedFileMissing(Exception):
    """The stored PDF of a published version is gone or no longer matches its fingerprint. Not a
    PublicationError: nothing failed to publish; the portal answers it with its own page."""


def publications_storage() -> Storage:
    # Looked up on every use rather than bound at import, so settings (and tests) can swap the store.
    return storages["publications"]


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def stored_sha256(name: str) -> str:
    """The SHA-256 of a stored file, read in chunks (a file never has to fit in memory)."""
    digest = hashlib.sha256()
    with publications_storage().open(name, "rb") as stored:
        while chunk := stored.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def store_pdf(data: bytes) -> tuple[str, str]:
    """Write the bytes under their own hash and return (name, sha256). A file already there is kept as it is if it
    holds the same bytes; anything else under that name means the store was tampered with, and is refused. What was
    written is read back and hashed: a store that lost or mangled it fails here, not on a reader's download."""
    digest = sha256_of(data)
    name = f"{digest}.pdf"
    storage = publications_storage()
    if storage.exists(name):
        if stored_sha256(name) != digest:
            raise PublicationError(f"{name} exists with other content; refusing to overwrite it")
        return name, digest
    saved = storage.save(name, ContentFile(data))
    if saved != name:
        # A store that renames instead of refusing (someone wrote the same name in between): ours is not the file.
        storage.delete(saved)
        raise PublicationError(f"the store saved {name} as {saved}")
    if stored_sha256(name) != digest:
        storage.delete(name)
        raise PublicationError(f"{name} did not read back as written")
    return name, digest


def discard_stored(name: str) -> None:
    """Remove a file stored for a publication that was not recorded, unless a publication refers to it: names are
    content-addressed, so the same bytes may already be another version's file, which must stay."""
    if Publication.objects.filter(pdf_name=name).exists():
        return
    try:
        publications_storage().delete(name)
    except Exception:
        logger.exception("Removing %s after a failed publication failed", name)


def open_pdf(publication: Publication | StoredFile) -> File:
    """The stored file of a published version, open for reading (the caller closes it, FileResponse does);
    :class:`PublishedFileMissing` if it is gone. Not hashed here: ``verify_publications`` checks every file."""
    try:
        return publications_storage().open(publication.pdf_name, "rb")
    except FileNotFoundError:
        logger.error("Publication %s: %s is missing from the store", publication.pk, publication.pdf_name)
        raise PublishedFileMissing(str(FILE_MISSING)) from None


def read_pdf(publication: Publication) -> bytes:
    """The stored bytes of a published version, checked against the fingerprint shown to the public;
    :class:`PublishedFileMissing` if they are gone or are not those bytes."""
    with open_pdf(publication) as stored:
        data = stored.read()
    if sha256_of(data) != publication.pdf_sha256:
        # Serving bytes that do not match the fingerprint on the page would be worse than serving nothing.
        logger.error("Publication %s: %s does not match its SHA-256", publication.pk, publication.pdf_name)
        raise PublishedFileMissing(str(INTEGRITY_FAILED))
    return data


@dataclass(frozen=True)
class StoredReport:
    """What the worker rendered and stored, before anything is recorded: the file's name, fingerprint and size,
    the body kept beside the row and the download's file name."""

    pdf_name: str
    pdf_sha256: str
    pdf_size: int
    body_html: str
    pdf_filename: str


def render_and_store(evaluation: Evaluation) -> StoredReport:
    """Render the PDF and the body and store the PDF. Runs in the worker without any lock: the report is
    ``publishing``, which no editor or transition touches. Raises PublicationError (nothing stored) if rendering
    fails, TransientPublicationError if storing does."""
    try:
        pdf = rendering.render_report_pdf(evaluation)
        body = rendering.render_report_body(evaluation)
        filename = rendering.report_filename(evaluation)
    except Exception as error:
        logger.exception("Rendering evaluation %s for publication failed", evaluation.pk)
        raise PublicationError(str(RENDER_FAILED)) from error
    if not pdf:
        logger.error("Rendering evaluation %s for publication gave no bytes", evaluation.pk)
        raise PublicationError(str(RENDER_FAILED))
    try:
        name, digest = store_pdf(pdf)
    except Exception as error:
        logger.exception("Storing the PDF of evaluation %s failed", evaluation.pk)
        # A write that broke off may have left part of the file under its name.
        discard_stored(f"{sha256_of(pdf)}.pdf")
        raise TransientPublicationError(str(STORE_FAILED)) from error
    return StoredReport(name, digest, len(pdf), body, filename)


def create_publication(evaluation: Evaluation, actor: AbstractBaseUser, stored: StoredReport) -> Publication:
    """Record the next version of a rendered and stored report. Called by :func:`reports.workflow.run_publish_job`
    with the evaluation's row locked, in the transaction that also marks it published."""
    version = (evaluation.publications.aggregate(latest=Max("version"))["latest"] or 0) + 1
    score = score_fields(evaluation)
    figures = published_figures(evaluation)
    metadata = publication_metadata(evaluation, version)
    published_at = timezone.now()
    # The open-data document is frozen with the version, from the very figures the row keeps.
    data = open_data.document(
        evaluation, version=version, published_at=published_at, figures=figures, score_record=score, metadata=metadata
    )
    Publication.objects.filter(evaluation=evaluation, is_current=True).update(is_current=False)
    return Publication.objects.create(
        evaluation=evaluation,
        version=version,
        published_at=published_at,
        published_by=actor,
        unit_name=evaluation.unit.name,
        year=evaluation.year,
        title=evaluation.title,
        body_html=stored.body_html,
        pdf_name=stored.pdf_name,
        pdf_filename=stored.pdf_filename,
        pdf_sha256=stored.pdf_sha256,
        pdf_size=stored.pdf_size,
        is_current=True,
        data=data,
        **score,
        **figures,
        **metadata,
    )


# ---------------------------------------------------------------------------
# Integrity of the stored files: checked when stored and nightly (verify_publications), not on every download
# ---------------------------------------------------------------------------
def with_last_check(publications: QuerySet[Publication]) -> QuerySet[Publication]:
    """Annotate ``last_check_ok``: the result of the latest integrity check (None: never checked), in the same
    query as the publications."""
    latest = PublicationCheck.objects.filter(publication=OuterRef("pk")).order_by("-checked_at", "-id")
    return publications.annotate(last_check_ok=Subquery(latest.values("ok")[:1]))


@dataclass(frozen=True)
class StoredFile:
    """What a download needs of a published version: its file, and whether that file's latest check failed."""

    pk: int
    pdf_name: str
    pdf_filename: str
    pdf_sha256: str
    pdf_size: int
    published_at: datetime.datetime
    failed_check: bool


# A download is answered from the cache, like whitenoise answers from its index of files: a version's file fields
# never change (the row is immutable), so they are kept for good; its latest integrity check is kept for a short
# while and dropped by verify_publication the moment a new result is recorded (at once everywhere with a shared
# cache, within CHECK_KEPT seconds in the other processes with the default per-process one).
CHECK_KEPT = 60
FILE_FIELDS = ("pdf_name", "pdf_filename", "pdf_sha256", "pdf_size", "published_at")


def _file_key(pk: int) -> str:
    return f"publication-file:{pk}"


def _check_key(pk: int) -> str:
    return f"publication-check:{pk}"


def stored_file(pk: int) -> StoredFile | None:
    """The download's facts: from the cache, else in two small queries (the version's file fields, its latest
    check). ``None`` for no such version."""
    cached = cache.get_many([_file_key(pk), _check_key(pk)])
    row = cached.get(_file_key(pk))
    if row is None:
        row = Publication.objects.filter(pk=pk).values_list(*FILE_FIELDS).first()
        if row is None:
            return None
        cache.set(_file_key(pk), row, timeout=None)
    if _check_key(pk) in cached:
        last_ok = cached[_check_key(pk)]
    else:
        last_ok = (
            PublicationCheck.objects.filter(publication_id=pk)
            .order_by("-checked_at", "-id")
            .values_list("ok", flat=True)
            .first()
        )
        cache.set(_check_key(pk), last_ok, timeout=CHECK_KEPT)
    return StoredFile(pk, *row, failed_check=last_ok is False)


def verify_publication(publication: Publication) -> PublicationCheck:
    """Hash the stored file, record the result beside the publication and, on a failure, tell the administrators."""
    try:
        actual = stored_sha256(publication.pdf_name)
    except FileNotFoundError:
        ok, detail = False, f"{publication.pdf_name} is missing from the store"
    except Exception as error:
        ok, detail = False, f"{publication.pdf_name} could not be read: {error!r}"
    else:
        ok = actual == publication.pdf_sha256
        detail = "" if ok else f"{publication.pdf_name} hashes to {actual}, not {publication.pdf_sha256}"
    check = PublicationCheck.objects.create(publication=publication, ok=ok, detail=detail)
    # The download reads the latest result from the cache: this one holds from now on.
    cache.delete(_check_key(publication.pk))
    if not ok:
        logger.error("Publication %s failed its integrity check: %s", publication.pk, detail)
        mail_admins(
            f"Publication {publication.pk} failed its integrity check",
            f"{publication} ({publication.unit_name}, {publication.year})\n{detail}\n"
            f"{settings.SITE_URL}{reverse('publication_detail', args=[publication.pk])}",
            fail_silently=True,
        )
    return check


def published_figures(evaluation: Evaluation) -> dict[str, Any]:
    """The headline figures a publication keeps, from their one implementation
    (:func:`reports.key_figures.headline_figures`, which the summary's key figures use too; the score is recorded by
    :func:`score_fields`, not computed a second time here); the execution rate kept to eight decimals like the
    summary's."""
    figures = headline_figures(evaluation)
    figures["execution_rate"] = rounded_rate(figures["execution_rate"])
    return figures


def publication_metadata(evaluation: Evaluation, version: int) -> dict[str, Any]:
    """索引号, 发布机构, 成文日期 and 主题分类 of the version about to be published. The 索引号 follows the configured
    pattern (``PUBLICATION_INDEX_PATTERN``: ``{code}`` the unit's code, or ``U`` and its number where it has none,
    ``{year}``, ``{version}``, ``{unit_id}``), so one unit's versions of one year are numbered apart; the 成文日期
    is the day the head approved the report (the latest approval), as on the signed document."""
    unit = evaluation.unit
    approved = (
        StatusChange.objects.filter(evaluation=evaluation, to_status=Evaluation.Status.APPROVED)
        .order_by("-at", "-id")
        .values_list("at", flat=True)
        .first()
    )
    return {
        "index_number": settings.PUBLICATION_INDEX_PATTERN.format(
            code=unit.code or f"U{unit.pk:06d}", year=evaluation.year, version=version, unit_id=unit.pk
        ),
        "publisher": unit.name,
        "written_on": timezone.localdate(approved) if approved is not None else None,
        "topic": settings.PUBLICATION_TOPIC,
    }


def score_fields(evaluation: Evaluation) -> dict[str, Any]:
    """What a publication records of the score: the scheme row (:func:`evaluations.scoring_schemes.chosen_scheme`),
    its name and version, the scheme as data, and the total as shown (half-up to the scheme's grade precision) with
    its grade. The scheme is read once and the score computed with that very scheme, so the record and the figure
    cannot come from two different versions. A score that cannot be computed is recorded as none, never 0
    (publication is refused before that: :mod:`reports.completeness`)."""
    row = chosen_scheme(evaluation)
    spec = scheme_spec(row) if row is not None else BUILTIN[DEFAULT]
    sheet = score_of(evaluation, spec).sheet
    return {
        "scheme": row,
        "scheme_name": spec.name,
        "scheme_version": row.version if row is not None else None,
        "scheme_data": spec.to_data(),
        "score_total": None if sheet.total is None else spec.grades.shown(sheet.total),
        "grade": sheet.grade or "",
    }


def shown_score(publication: Publication) -> str:
    """The published total as it was shown: whole points under a scheme graded on whole points, else two decimals;
    "" for a publication recorded without a score (published before scores were kept), never 0."""
    if publication.score_total is None:
        return ""
    precision = (publication.scheme_data or {}).get("grades", {}).get("precision")
    if precision is not None and Decimal(precision) == 1:
        return f"{publication.score_total.quantize(Decimal('1')):f}"
    return f"{publication.score_total:.2f}"


# ---------------------------------------------------------------------------
# What the person who publishes confirms: the key figures and the first page of the PDF
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class KeyFigure:
    label: str
    # As shown: 万元 with two decimals, or a percentage; "" when the figure is not known.
    value: str
    unit: str = ""

    @property
    def is_known(self) -> bool:
        return self.value != ""


def key_figures(evaluation: Evaluation) -> list[KeyFigure]:
    """Total spending, basic, project, the budget and the execution rate, as far as the report knows them, from the
    same figures the checks use (four queries: the summary, basic spending, project items, budget execution)."""
    summary = SpendingSummary.objects.filter(evaluation=evaluation).first()
    totals = known_totals(
        summary,
        evaluation.basic_spending.order_by("category"),
        evaluation.project_items.only("evaluation_id", "source_id", "order", "amount"),
        evaluation.budget_execution.order_by("kind"),
    )
    wan = str(_("万元"))
    return [
        KeyFigure(str(_("实际支出合计")), format_wan(totals.total), wan),
        KeyFigure(str(_("基本支出")), format_wan(totals.basic), wan),
        KeyFigure(str(_("项目支出")), format_wan(totals.project), wan),
        KeyFigure(str(_("预算安排") if totals.budget_is_stated else _("全年预算数")), format_wan(totals.budget), wan),
        KeyFigure(str(_("预算执行率")), _percent_or_blank(execution_rate(totals.executed, totals.budget))),
    ]


def _percent_or_blank(value) -> str:
    return format_percent(value) if value is not None else ""
