"""Writes to the budget figures of an evaluation. Each save is one editor section: it goes through
:func:`evaluations.services.section_save` (row lock, workflow guard, stale-page check) and writes a fixed number of
queries however many rows the section has."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from evaluations.history import create_rows, update_rows
from evaluations.models import Evaluation, Section
from evaluations.rows import ROWS_DO_NOT_MATCH, plan_rows, write_rows
from evaluations.services import section_save

from .models import BasicSpending, BudgetExecution, FundSource, ProjectItem

BASIC_FIELDS = ["amount", "previous_amount", "change_reason"]
EXECUTION_FIELDS = ["initial_budget", "full_year_budget", "executed"]
SOURCE_FIELDS = ["name", "description"]
ITEM_FIELDS = ["source_id", "name", "description", "amount"]


def _save_fixed_lines(
    model: type[BasicSpending] | type[BudgetExecution],
    evaluation: Evaluation,
    key: str,
    lines: dict[str, dict[str, Any]],
    fields: list[str],
) -> None:
    """Lines with one row per fixed key (category or kind): update those that exist, create the others."""
    existing = {getattr(row, key): row for row in model.objects.filter(evaluation=evaluation)}
    to_update, to_create = [], []
    for value, data in lines.items():
        row = existing.get(value)
        if row is None:
            to_create.append(model(evaluation=evaluation, **{key: value}, **data))
            continue
        for name in fields:
            setattr(row, name, data[name])
        to_update.append(row)
    update_rows(model, to_update, fields)
    create_rows(model, to_create)


def save_basic_spending(*, evaluation: Evaluation, actor: Any, revision: int, lines: dict[str, dict[str, Any]]) -> None:
    """（一）基本支出: this year's and last year's amount and the reason for the change, per category."""
    unknown = set(lines) - set(BasicSpending.Category.values)
    if unknown:
        raise ValidationError(ROWS_DO_NOT_MATCH, code="rows")
    with section_save(evaluation=evaluation, section=Section.BASIC, revision=revision, actor=actor) as locked:
        _save_fixed_lines(BasicSpending, locked, "category", lines, BASIC_FIELDS)


def save_execution(*, evaluation: Evaluation, actor: Any, revision: int, lines: dict[str, dict[str, Any]]) -> None:
    """The funds block of the self-evaluation table: budget at the start of the year, full-year budget, execution."""
    unknown = set(lines) - set(BudgetExecution.Kind.values)
    if unknown:
        raise ValidationError(ROWS_DO_NOT_MATCH, code="rows")
    with section_save(evaluation=evaluation, section=Section.EXECUTION, revision=revision, actor=actor) as locked:
        _save_fixed_lines(BudgetExecution, locked, "kind", lines, EXECUTION_FIELDS)


def save_project_spending(
    *,
    evaluation: Evaluation,
    actor: Any,
    revision: int,
    sources: list[dict[str, Any]],
    items: list[dict[str, Any]],
) -> None:
    """（二）项目支出: the sources of funds and the items, each kept by id and numbered in the order given.

    ``sources``: dicts with ``id`` (None for a new source), ``name``, ``description``. ``items``: dicts with ``id``
    (None for a new item), ``source_id`` (an existing source that is kept), ``name``, ``description``, ``amount``.
    """
    with section_save(evaluation=evaluation, section=Section.PROJECT, revision=revision, actor=actor) as locked:
        source_writes = plan_rows(FundSource, locked, sources, SOURCE_FIELDS, unique="name")
        item_writes = plan_rows(ProjectItem, locked, items, ITEM_FIELDS)
        kept_sources = {row["id"] for row in sources if row.get("id") is not None}
        if not {row["source_id"] for row in items} <= kept_sources:
            raise ValidationError(ROWS_DO_NOT_MATCH, code="rows")
        # Items first: a source cannot be deleted while items point at it.
        write_rows(item_writes)
        write_rows(source_writes)
