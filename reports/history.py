"""Who changed what in an evaluation's content since its previous submission, read from the content history
(:mod:`evaluations.history`): every insert, update and delete of every content row, with who, when, through which
path, and each field's value before and after.

A fixed number of queries whatever the size of the evaluation or its history: one per content model.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from achievements.models import Indicator, Theme
from budgets.models import (
    BasicSpending,
    BudgetExecution,
    CommonFigures,
    FundSource,
    FundTypeSpending,
    ProjectItem,
    SpendingSummary,
)
from evaluations.history import Via
from evaluations.models import Block, Duty, Evaluation, Office, StaffingLine, Submission, WrittenText

# The content models in the report's order; the evaluation's own fields first.
CONTENT_MODELS: list[type[models.Model]] = [
    Evaluation,
    Duty,
    Office,
    StaffingLine,
    SpendingSummary,
    BasicSpending,
    FundSource,
    ProjectItem,
    FundTypeSpending,
    BudgetExecution,
    CommonFigures,
    Theme,
    Indicator,
    WrittenText,
]
# Fields that are bookkeeping, not content a reviewer reads: renumbering after a deletion is not an edit of its own.
_NOT_SHOWN = {"id", "evaluation", "order", "unit", "year"}
ACTIONS = {"+": _("新增"), "~": _("修改"), "-": _("删除")}


@dataclass(frozen=True)
class FieldEdit:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime.datetime
    who: str
    via: str
    what: str
    row: str
    action: str
    edits: list[FieldEdit] = field(default_factory=list)
    user_id: int | None = None

    @property
    def action_label(self) -> str:
        return str(ACTIONS[self.action])


@dataclass(frozen=True)
class ContentHistory:
    """The entries after ``since`` (newest first); ``since`` is None when there is no submission to compare with."""

    since: Submission | None
    entries: list[HistoryEntry]


def changes_since_previous_submission(evaluation: Evaluation) -> ContentHistory:
    """While the report is with its reviewers (submitted, approved, published), what was changed between its previous
    submission and now: what the reviewer has not seen before. While it is being edited (draft, returned), what was
    changed since its latest submission. With no such submission, nothing to compare with."""
    editing = evaluation.is_editable
    submissions = list(evaluation.submissions.order_by("-number")[:2])
    baseline = submissions[0] if editing and submissions else submissions[1] if len(submissions) == 2 else None
    if baseline is None:
        return ContentHistory(None, [])
    return ContentHistory(baseline, content_history(evaluation, since=baseline.submitted_at))


def edited_submitted_version(evaluation: Evaluation, user: Any) -> bool:
    """Whether ``user`` changed the content that the latest submission handed over for review (four-eyes: who wrote
    part of it may not approve it).

    The window is the editing round that ended with the latest submission: every change after the previous
    submission (after the evaluation's creation for a first submission) up to now — content cannot change while a
    report is submitted, so "now" is the submission. Earlier rounds were handed over before and returned; changes
    without a recorded person (the demo, commands) count for nobody.

    Two queries in the usual case (the submissions; then one UNION over every content table for rows by this
    person); only when that finds rows does the full history confirm that one of them changed something a reader
    sees (a save that changed nothing, such as a renumbering, is not an edit)."""
    if not getattr(user, "is_authenticated", False):
        return False
    submitted = list(evaluation.submissions.order_by("-number").values_list("submitted_at", flat=True)[:2])
    if not submitted:
        return False
    since = submitted[1] if len(submitted) == 2 else None
    window = {"history_user_id": user.pk}
    if since is not None:
        window["history_date__gt"] = since
    by_user = [
        model.history.filter(
            **window, **({"id": evaluation.pk} if model is Evaluation else {"evaluation_id": evaluation.pk})
        )
        .order_by()
        .values_list("history_type")
        for model in CONTENT_MODELS
    ]
    if not by_user[0].union(*by_user[1:], all=True)[:1]:
        return False
    return any(entry.user_id == user.pk for entry in content_history(evaluation, since=since))


def content_history(evaluation: Evaluation, *, since: datetime.datetime | None = None) -> list[HistoryEntry]:
    """Every recorded change of the evaluation's content after ``since`` (all of them without), newest first."""
    records_by_model = {model: _records(model, evaluation) for model in CONTENT_MODELS}
    # Names of sources and themes as they were last recorded: an item's or an indicator's link reads as a name.
    names = {
        FundSource: _latest_names(records_by_model[FundSource], "name"),
        Theme: _latest_names(records_by_model[Theme], "title"),
    }
    entries: list[HistoryEntry] = []
    for model, records in records_by_model.items():
        previous: dict[int, Any] = {}
        for record in records:
            before = previous.get(record.id)
            previous[record.id] = record
            if since is not None and record.history_date <= since:
                continue
            entry = _entry(model, record, before, names)
            if entry is not None:
                entries.append(entry)
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries


def _records(model: type[models.Model], evaluation: Evaluation) -> list[Any]:
    history = model.history.select_related("history_user")
    records = history.filter(id=evaluation.pk) if model is Evaluation else history.filter(evaluation_id=evaluation.pk)
    return list(records.order_by("history_date", "history_id"))


def _latest_names(records: Iterable[Any], attribute: str) -> dict[int, str]:
    return {record.id: getattr(record, attribute) for record in records}


def _fields(model: type[models.Model]) -> list[models.Field]:
    content = {f.name for f in model._meta.concrete_fields} - _NOT_SHOWN
    return [f for f in model.history.model._meta.fields if f.name in content]


def _entry(model: type[models.Model], record: Any, before: Any, names: dict) -> HistoryEntry | None:
    edits = []
    for model_field in _fields(model):
        value = _shown(model, model_field, getattr(record, model_field.attname), names)
        if record.history_type == "+":
            old, new = "", value
        elif record.history_type == "-":
            old, new = value, ""
        else:
            old = _shown(model, model_field, getattr(before, model_field.attname), names) if before else ""
            new = value
        if old != new:
            edits.append(FieldEdit(str(_label(model, model_field)), old, new))
    if record.history_type == "~" and not edits:
        return None  # a renumbering, or a save that changed nothing a reader sees
    user = record.history_user
    return HistoryEntry(
        at=record.history_date,
        who=(user.get_full_name() or user.get_username()) if user else str(_("（未记录）")),
        via=str(Via(record.history_via).label) if record.history_via in Via.values else record.history_via,
        what=str(model._meta.verbose_name),
        row=_row_label(model, record),
        action=record.history_type,
        edits=edits,
        user_id=record.history_user_id,
    )


def _label(model: type[models.Model], model_field: models.Field) -> Any:
    return model._meta.get_field(model_field.name).verbose_name


def _row_label(model: type[models.Model], record: Any) -> str:
    if model is Evaluation:
        return str(_("单位概况和报告正文"))
    if model is BasicSpending:
        return str(BasicSpending.Category(record.category).label)
    if model is BudgetExecution:
        return str(BudgetExecution.Kind(record.kind).label)
    if model is FundTypeSpending:
        return str(FundTypeSpending.FundType(record.fund_type).label)
    if model in (SpendingSummary, CommonFigures):
        return str(model._meta.verbose_name)
    if model is WrittenText:
        # "para:<block>" reads as the block's name; a free section keeps its outline key (titles differ by outline).
        kind, _colon, name = record.key.partition(":")
        if kind == "para" and name in Block.values:
            return str(_("%(block)s（本单位表述）") % {"block": Block(name).label})
        return record.key
    text = getattr(record, "name", None) or getattr(record, "title", None) or getattr(record, "text", None)
    if text is None:
        text = getattr(record, "establishment_type", "")
    return text if len(text) <= 40 else f"{text[:40]}…"


def _shown(model: type[models.Model], model_field: models.Field, value: Any, names: dict) -> str:
    if value is None or value == "":
        return ""
    real = model._meta.get_field(model_field.name)
    if real.is_relation:
        related = names.get(real.related_model, {})
        return related.get(value, f"#{value}")
    if real.choices:
        return str(dict(real.flatchoices).get(value, value))
    if isinstance(value, Decimal):
        text = f"{value:f}"
        return text.rstrip("0").rstrip(".") if "." in text and real.decimal_places > 2 else text
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)
