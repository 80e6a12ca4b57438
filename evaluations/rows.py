"""Saving a list of an evaluation's rows so that every row keeps its id.

The editor's lists (duties, offices, staffing lines, sources of funds, project items, themes, indicators) and the
spreadsheet import write through here. A row that comes with an id updates that row in place; a row without one is
new; a row of the evaluation that is missing from the list is deleted; rows are numbered in the order given. Ids
stay stable across saves, which is what lets a spreadsheet downloaded before an editor save still be uploaded after
it (the import matches rows by their hidden ID column).

Planning (:func:`plan_rows`) reads one query and writes nothing, so a caller can plan several lists and refuse the
whole save before touching any of them. Writing (:func:`write_rows`) costs at most four statements per list: delete,
park renamed unique values, update, create — the same however many rows. (SQLite caps a statement at 999
parameters, so there Django splits very long updates or inserts into batches of about sixty rows.)
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .history import create_rows, update_rows

ROWS_DO_NOT_MATCH = _("页面上的行与当前内容不符，请重新打开本页。")
NEW_ROW_NAME_TAKEN = _("新增的“%(value)s”与本次改名或删除的一行同名：请先保存改名或删除，再新增这一行。")

# The key of a row typed as new on a page, by its place in the page's list ("new:2"): another list of the same page
# may point at it before it has an id (a project item at a new source of funds, an indicator at a new theme).
NEW_ROW_KEY = "new:"


def new_row_key(index: int) -> str:
    return f"{NEW_ROW_KEY}{index}"


def is_new_row_key(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(NEW_ROW_KEY)


# Prefix of the placeholder a renamed row holds for a moment (see write_rows): an invisible separator that nobody
# types, followed by the row's own pk, so two placeholders never collide and never equal a real name.
_PARKED = "\u2063"


@dataclass
class RowWrites:
    """What saving a list will do. ``updated`` rows already carry their new values; ``fields`` are the fields that
    changed on any of them; ``renamed`` are the updated rows whose ``unique`` field changed."""

    model: type[models.Model]
    created: list[models.Model] = field(default_factory=list)
    updated: list[models.Model] = field(default_factory=list)
    fields: set[str] = field(default_factory=set)
    deleted: list[int] = field(default_factory=list)
    unique: str | None = None
    renamed: list[models.Model] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.created or self.updated or self.deleted)


def plan_rows(
    model: type[models.Model],
    evaluation: models.Model,
    rows: Iterable[Mapping[str, Any]],
    fields: Collection[str],
    *,
    unique: str | None = None,
) -> RowWrites:
    """Compare ``rows`` (dicts with ``id``, None for a new row, and each of ``fields``) with the evaluation's rows
    of ``model``. One query. Raises ``ValidationError(ROWS_DO_NOT_MATCH, code="rows")`` for an id that is not one of
    this evaluation's rows, or that appears twice: a forged or stale page must not reach another evaluation's data.

    ``unique``: a field that is unique per evaluation (an office's name), so that two rows may swap values."""
    # order_by(): the rows' default ordering may join another table (a project item's source) for nothing.
    existing = {obj.pk: obj for obj in model.objects.filter(evaluation=evaluation).order_by()}
    writes = RowWrites(model=model, unique=unique)
    compared = ["order", *fields]
    seen: set[int] = set()
    for order, row in enumerate(rows, start=1):
        values = {"order": order, **{name: row[name] for name in fields}}
        pk = row.get("id")
        if pk is None:
            writes.created.append(model(evaluation=evaluation, **values))
            continue
        obj = existing.get(pk)
        if obj is None or pk in seen:
            raise ValidationError(ROWS_DO_NOT_MATCH, code="rows")
        seen.add(pk)
        changed = [name for name in compared if getattr(obj, name) != values[name]]
        if not changed:
            continue
        if unique is not None and unique in changed:
            writes.renamed.append(obj)
        for name in changed:
            setattr(obj, name, values[name])
        writes.updated.append(obj)
        writes.fields.update(changed)
    writes.deleted = [pk for pk in existing if pk not in seen]
    return writes


def write_rows(writes: RowWrites) -> None:
    """Delete, update and create, in that order, so that a value a deleted row held is free for a kept or new row.

    Under a unique constraint, renamed rows first take a placeholder: PostgreSQL checks a (non-deferred) unique
    constraint row by row, so two rows swapping names in one UPDATE would collide half-way."""
    model = writes.model
    if writes.deleted:
        # Through the collector, which sends a signal per row: each deletion is recorded in the history.
        model.objects.filter(pk__in=writes.deleted).delete()
    if writes.renamed:
        # The placeholder is a moment inside this transaction, not a change anybody made: not recorded.
        parked = [model(pk=obj.pk, **{writes.unique: f"{_PARKED}{obj.pk}"}) for obj in writes.renamed]
        model.objects.bulk_update(parked, [writes.unique])
    update_rows(model, writes.updated, writes.fields)
    create_rows(model, writes.created)


def create_new_rows(writes: RowWrites, rows: Iterable[Mapping[str, Any]], needed: Collection[str]) -> dict[str, int]:
    """Create the planned new rows now, ahead of the rest of the save, when rows of another list point at them by
    their ``key`` (``needed``); their ids by key. Nothing is created when no key is needed: :func:`write_rows`
    then creates them last, as usual.

    Created first, a new row's unique value cannot take over one that a kept row gives up or a deleted row frees in
    the same save (that happens later): such a save is refused, and saving in two steps works."""
    if not needed:
        return {}
    new_rows = [row for row in rows if row.get("id") is None]
    keys = {row.get("key") for row in new_rows}
    if not set(needed) <= keys:
        raise ValidationError(ROWS_DO_NOT_MATCH, code="rows")
    model = writes.model
    if writes.unique is not None and writes.created:
        values = [getattr(obj, writes.unique) for obj in writes.created]
        evaluation_id = writes.created[0].evaluation_id
        taken = model.objects.filter(evaluation_id=evaluation_id, **{f"{writes.unique}__in": values})
        clash = taken.values_list(writes.unique, flat=True).first()
        if clash is not None:
            raise ValidationError(NEW_ROW_NAME_TAKEN, code="taken", params={"value": clash})
    created = create_rows(model, writes.created)
    writes.created = []
    return {row["key"]: obj.pk for row, obj in zip(new_rows, created, strict=True) if row.get("key")}
