"""Writes to evaluations. Every change of an evaluation's content, from any path (editor, Excel import, admin, a new
year, code), passes through :func:`content_change`: one gate that locks the evaluation, refuses a report that is no
longer editable or a person who may not edit it, and records every row written in the history, so that a submitted,
approved or published report cannot be altered by any path and every change is accounted for."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .history import create_rows, current_via, recording, update_rows
from .models import AmountUnit, Duty, Evaluation, Office, Section, SectionRevision, StaffingLine, WrittenText
from .outlines import outline_for, writing_places
from .rows import ROWS_DO_NOT_MATCH, plan_rows, write_rows
from .selectors import is_unit_staff

EVALUATION_LOCKED = _("该绩效自评已提交、已审核或已公开，不能修改。如需修改，请由单位负责人或财政局退回。")


def ensure_editable(evaluation: Evaluation) -> None:
    """Refuse any content change unless the evaluation is a draft or has been returned."""
    if not evaluation.is_editable:
        raise ValidationError(EVALUATION_LOCKED, code="locked")


# ---------------------------------------------------------------------------
# Saving one editor section, refusing a stale page
# ---------------------------------------------------------------------------

SECTION_STALE = _(
    "本栏目已由%(who)s于%(when)s保存，您打开的页面已过期，本次修改没有保存。您填写的内容仍在页面上："
    "请把需要的内容复制下来，重新打开本页，在最新内容上再修改。"
)
EDIT_NOT_ALLOWED = _("只有本单位的填报人、单位负责人或系统管理员可以修改本单位的绩效自评。")


def may_edit_content(user: Any, evaluation: Evaluation) -> bool:
    """Who may change a report's content (while it is editable): the unit's own preparers and head, and
    administrators. The finance bureau reads and returns reports; it never writes them."""
    if user is None or not user.is_authenticated:
        return False
    return user.is_superuser or is_unit_staff(user, evaluation)


def _display_name(user: Any) -> str:
    if user is None:
        return str(_("其他人"))
    return user.get_full_name() or user.get_username()


def stale_error(record: SectionRevision) -> ValidationError:
    """The refusal of a page opened before ``record``'s save, naming who saved and when."""
    when = timezone.localtime(record.saved_at).strftime("%Y-%m-%d %H:%M") if record.saved_at else ""
    return ValidationError(SECTION_STALE, code="stale", params={"who": _display_name(record.saved_by), "when": when})


@contextmanager
def content_change(
    *,
    evaluation: Evaluation,
    actor: Any,
    sections: Iterable[str],
    via: str | None = None,
    revisions: dict[str, int] | None = None,
) -> Iterator[Evaluation]:
    """The one gate of every content change, whatever the path (editor, import, admin, code).

    Lock the evaluation, apply the workflow guard, check that ``actor`` may edit it, refuse a stale page
    (``revisions``: the revision of each section the page was loaded with), let the caller write, then count up the
    revisions of ``sections`` so that any page opened before refuses to save over the change. ``sections`` is read
    after the caller's writes, so it may be a set the caller fills. Every row written inside is recorded in the
    history with ``actor`` and the path: ``via``, or the one the entry point named (``Via.SERVICE`` when none did).
    One transaction: a refusal or an error writes nothing.

    The evaluation row lock serialises concurrent writers of the same evaluation, so two people who loaded the same
    revision cannot both pass the check: the second one waits, then sees the first one's revision.
    """
    with transaction.atomic(), recording(actor=actor, via=via or current_via()):
        locked = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
        ensure_editable(locked)
        if not may_edit_content(actor, locked):
            raise ValidationError(EDIT_NOT_ALLOWED, code="forbidden")
        records = _section_records(locked, revisions or {})
        for section, revision in (revisions or {}).items():
            if records[section].revision != revision:
                raise stale_error(records[section])
        yield locked
        # Read only now: an import learns which sections it changes while it plans under the lock.
        sections = set(sections)
        records.update(_section_records(locked, sections - set(records)))
        now = timezone.now()
        for record in (records[section] for section in sorted(sections)):
            record.revision += 1
            record.saved_by = actor
            record.saved_at = now
            record.save(update_fields=["revision", "saved_by", "saved_at"])
        # Not a content change of its own: the rows written above are the history.
        Evaluation.objects.filter(pk=locked.pk).update(updated_at=now)


def _section_records(evaluation: Evaluation, sections: Iterable[str]) -> dict[str, SectionRevision]:
    sections = sorted(set(sections))
    if not sections:
        return {}
    records = {
        record.section: record
        for record in SectionRevision.objects.select_related("saved_by").filter(
            evaluation=evaluation, section__in=sections
        )
    }
    for section in sections:
        if section not in records:
            records[section] = SectionRevision.objects.create(evaluation=evaluation, section=section)
    return records


@contextmanager
def section_save(*, evaluation: Evaluation, section: str, revision: int, actor: Any) -> Iterator[Evaluation]:
    """Saving one editor page: :func:`content_change` for its section, refusing a page older than ``revision``."""
    with content_change(
        evaluation=evaluation, actor=actor, sections=[section], revisions={section: revision}
    ) as locked:
        yield locked


def section_revision(evaluation: Evaluation, section: str) -> SectionRevision | None:
    """The last save of a section (None if it was never saved in the editor)."""
    return SectionRevision.objects.select_related("saved_by").filter(evaluation=evaluation, section=section).first()


def _save_changed_fields(evaluation: Evaluation, values: dict[str, Any]) -> None:
    # Only a real change is written, so the history holds no entry for a save that changed nothing.
    changed = [name for name, value in values.items() if getattr(evaluation, name) != value]
    for name in changed:
        setattr(evaluation, name, values[name])
    if changed:
        evaluation.save(update_fields=changed)


def remember_amount_unit(evaluation: Evaluation, amount_unit: str | None) -> None:
    """Keep the unit a budget page was saved with (元 or 万元) as the one the next page opens in. Call it on the
    locked evaluation inside :func:`section_save`; None leaves it as it is (a save from code or an import)."""
    if amount_unit is not None:
        _save_changed_fields(evaluation, {"amount_unit": AmountUnit(amount_unit).value})


def save_profile(
    *,
    evaluation: Evaluation,
    actor: Any,
    revision: int,
    profile: dict[str, Any],
    duties: list[dict[str, Any]],
    offices: list[dict[str, Any]],
    staffing: list[dict[str, Any]],
) -> Evaluation:
    """一、预算单位基本情况: the mandate, staff movements, the unit-level staffing figures (在编人数, 核定机关,
    截止日期), and the lists of duties, offices (each in its group) and staffing lines. Counts left blank are None.

    Each list is kept by id like every other list (:mod:`evaluations.rows`): rows with an ``id`` are updated, rows
    without one are new, rows left out are deleted. Nothing refers to these rows by id today, but one rule for all
    lists is simpler to trust than two, and it keeps two offices able to swap names under their unique constraint."""
    with section_save(evaluation=evaluation, section=Section.PROFILE, revision=revision, actor=actor) as locked:
        lists = [
            plan_rows(Duty, locked, duties, ["text"]),
            plan_rows(Office, locked, offices, ["group", "name"], unique="name"),
            plan_rows(
                StaffingLine,
                locked,
                staffing,
                ["establishment_type", "approved", "actual"],
                unique="establishment_type",
            ),
        ]
        _save_changed_fields(locked, profile)
        for writes in lists:
            write_rows(writes)
    return locked


def save_narrative(*, evaluation: Evaluation, actor: Any, revision: int, fields: dict[str, Any]) -> Evaluation:
    """四、五、六 and the signature date."""
    with section_save(evaluation=evaluation, section=Section.NARRATIVE, revision=revision, actor=actor) as locked:
        _save_changed_fields(locked, fields)
    return locked


def save_written_texts(*, evaluation: Evaluation, actor: Any, revision: int, texts: dict[str, str]) -> Evaluation:
    """报告文字: the unit's own text for places of its report, by key (:func:`evaluations.outlines.writing_places`):
    its wording in place of a block's generated paragraphs ("para:<block>") and the content of each free section
    ("node:<heading key>"). Only the places of the outline the evaluation follows are accepted, read under the
    lock: a key of another outline (a page opened before the bureau changed it, or a forged one) refuses the whole
    save with :data:`evaluations.rows.ROWS_DO_NOT_MATCH`. Places left out of ``texts`` are not touched, so text
    written under an earlier outline is kept (changing an outline changes no data).

    A blank text (or only spaces) is stored blank rather than deleted: the report goes back to the generated
    paragraph, or the free section to having no content, and completeness counts it as not written. Kept, the row
    records in its history what the wording was and when it was cleared, in the same statements as any other
    change; a delete would be recorded one row at a time. A place never written gets no row for a blank text.

    A fixed number of queries whatever the number of places: the outline (two at most), the rows of the places
    given, then one update and one create, each with its history."""
    with section_save(evaluation=evaluation, section=Section.TEXTS, revision=revision, actor=actor) as locked:
        places = {place.key for place in writing_places(outline_for(locked))}
        if not set(texts) <= places:
            raise ValidationError(ROWS_DO_NOT_MATCH, code="rows")
        existing = {row.key: row for row in WrittenText.objects.filter(evaluation=locked, key__in=list(texts))}
        created, updated = [], []
        for key in sorted(texts):
            text = texts[key] if texts[key].strip() else ""
            row = existing.get(key)
            if row is None:
                if text:
                    created.append(WrittenText(evaluation=locked, key=key, text=text))
            elif row.text != text:
                row.text = text
                updated.append(row)
        update_rows(WrittenText, updated, ["text"])
        create_rows(WrittenText, created)
    return locked
