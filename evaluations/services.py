"""Writes to evaluations. Every change of an evaluation's content passes :func:`ensure_editable` first, so that a
submitted, approved or published report cannot be altered by any path (views, admin, import, shell)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Duty, Evaluation, Office, SectionRevision, StaffingLine
from .rows import plan_rows, write_rows
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
def section_save(*, evaluation: Evaluation, section: str, revision: int, actor: Any) -> Iterator[Evaluation]:
    """Lock the evaluation, apply the workflow guard, refuse a stale page, let the caller write, then count the
    section's revision up. Everything happens in one transaction: a refusal or an error writes nothing.

    The evaluation row lock serialises concurrent saves of the same evaluation, so two people who loaded the same
    revision cannot both pass the check: the second one waits, then sees the first one's revision.
    """
    with transaction.atomic():
        locked = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
        ensure_editable(locked)
        if not may_edit_content(actor, locked):
            raise ValidationError(EDIT_NOT_ALLOWED, code="forbidden")
        record, _created = SectionRevision.objects.select_related("saved_by").get_or_create(
            evaluation=locked, section=section
        )
        if record.revision != revision:
            raise stale_error(record)
        yield locked
        now = timezone.now()
        record.revision += 1
        record.saved_by = actor
        record.saved_at = now
        record.save(update_fields=["revision", "saved_by", "saved_at"])
        Evaluation.objects.filter(pk=locked.pk).update(updated_at=now)


def count_up_sections(evaluation: Evaluation, sections: Iterable[str], actor: Any) -> None:
    """Mark sections as changed by a path other than their editor page (an import, the admin), so that an editor
    page opened before refuses to save over the change. Call it inside the writing transaction."""
    now = timezone.now()
    for section in sorted(set(sections)):
        record, _created = SectionRevision.objects.get_or_create(evaluation=evaluation, section=section)
        record.revision += 1
        record.saved_by = actor
        record.saved_at = now
        record.save(update_fields=["revision", "saved_by", "saved_at"])


def section_revision(evaluation: Evaluation, section: str) -> SectionRevision | None:
    """The last save of a section (None if it was never saved in the editor)."""
    return SectionRevision.objects.select_related("saved_by").filter(evaluation=evaluation, section=section).first()


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
    """一、预算单位基本情况: the mandate, staff movements, and the lists of duties, offices and staffing lines.

    Each list is kept by id like every other list (:mod:`evaluations.rows`): rows with an ``id`` are updated, rows
    without one are new, rows left out are deleted. Nothing refers to these rows by id today, but one rule for all
    lists is simpler to trust than two, and it keeps two offices able to swap names under their unique constraint."""
    with section_save(evaluation=evaluation, section="profile", revision=revision, actor=actor) as locked:
        lists = [
            plan_rows(Duty, locked, duties, ["text"]),
            plan_rows(Office, locked, offices, ["name"], unique="name"),
            plan_rows(
                StaffingLine,
                locked,
                staffing,
                ["establishment_type", "approved", "actual"],
                unique="establishment_type",
            ),
        ]
        for name, value in profile.items():
            setattr(locked, name, value)
        locked.save(update_fields=[*profile, "updated_at"])
        for writes in lists:
            write_rows(writes)
    return locked


def save_narrative(*, evaluation: Evaluation, actor: Any, revision: int, fields: dict[str, Any]) -> Evaluation:
    """四、五、六 and the signature date."""
    with section_save(evaluation=evaluation, section="narrative", revision=revision, actor=actor) as locked:
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save(update_fields=[*fields, "updated_at"])
    return locked
