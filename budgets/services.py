"""Writes to the budget figures of an evaluation. Each save is one editor section: it goes through
:func:`evaluations.services.section_save` (row lock, workflow guard, stale-page check) and writes a fixed number of
queries however many rows the section has."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from evaluations.history import create_rows, update_rows
from evaluations.models import Evaluation, Section
from evaluations.money import format_percent
from evaluations.rows import ROWS_DO_NOT_MATCH, create_new_rows, is_new_row_key, plan_rows, write_rows
from evaluations.services import remember_amount_unit, section_save

from . import figures
from .models import (
    COMMON_AMOUNTS,
    BasicSpending,
    BudgetExecution,
    CommonFigures,
    FundSource,
    FundTypeSpending,
    ProjectItem,
    SpendingSummary,
)
from .rules import common_figures_errors, execution_reason_error, fund_type_errors, source_line_errors

BASIC_FIELDS = ["amount", "previous_amount", "change_reason"]
EXECUTION_FIELDS = [
    "carryover_from_last_year",
    "initial_budget",
    "additions",
    "reductions",
    "full_year_budget",
    "executed",
    "year_end_carryover",
]
COMMON_FIELDS = [
    *COMMON_AMOUNTS,
    "payment_progress_actual",
    "payment_progress_planned",
    "rules_met",
    "violations",
    "execution_reason",
]
SOURCE_FIELDS = ["name", "description"]
ITEM_FIELDS = ["source_id", "name", "description", "amount"]
SUMMARY_FIELDS = ["total_budget", "total_spending", "basic_total", "project_total"]
FUND_TYPE_FIELDS = ["has_spending", "amount", "narrative"]


def _is_blank(values: dict[str, Any]) -> bool:
    return all(value is None or value == "" for value in values.values())


def _save_fixed_lines(
    model: type[BasicSpending] | type[BudgetExecution] | type[FundTypeSpending],
    evaluation: Evaluation,
    key: str,
    lines: dict[str, dict[str, Any]],
    fields: list[str],
) -> None:
    """Lines with one row per fixed key (category, kind, fund type): update the rows whose values changed, create
    the missing ones in which something was entered. A line left blank writes no row: its absence is what
    "nobody said" looks like. Fields a line leaves out are not touched. Three queries at most, with the history of
    what was written."""
    # order_by(): the default ordering would join the evaluation and its unit for nothing.
    existing = {getattr(row, key): row for row in model.objects.filter(evaluation=evaluation).order_by()}
    to_update, to_create, changed_fields = [], [], set()
    for value, data in lines.items():
        # A field left out of ``data`` is left as it is (a caller from code may set only some columns).
        data = {name: data[name] for name in fields if name in data}
        row = existing.get(value)
        if row is None:
            if not _is_blank(data):
                to_create.append(model(evaluation=evaluation, **{key: value}, **data))
            continue
        changed = [name for name in data if getattr(row, name) != data[name]]
        for name in changed:
            setattr(row, name, data[name])
        if changed:
            to_update.append(row)
            changed_fields.update(changed)
    update_rows(model, to_update, changed_fields)
    create_rows(model, to_create)


def save_basic_spending(
    *,
    evaluation: Evaluation,
    actor: Any,
    revision: int,
    lines: dict[str, dict[str, Any]],
    amount_unit: str | None = None,
) -> None:
    """（一）基本支出: this year's and last year's amount and the reason for the change, per category. Amounts may
    be None (not entered); the split itself is optional when the total is stated on the overview page."""
    unknown = set(lines) - set(BasicSpending.Category.values)
    if unknown:
        raise ValidationError(ROWS_DO_NOT_MATCH, code="rows")
    with section_save(evaluation=evaluation, section=Section.BASIC, revision=revision, actor=actor) as locked:
        _save_fixed_lines(BasicSpending, locked, "category", lines, BASIC_FIELDS)
        remember_amount_unit(locked, amount_unit)


def execution_reason_message(execution: figures.ExecutionFigures, reason: str) -> str | None:
    """The refusal of execution rates under 90% without a reason, naming each such line; None when none is due."""
    below = [(line.label, format_percent(line.rate)) for line in figures.execution_lines_needing_reason(execution)]
    return execution_reason_error(below, reason)


def save_execution(
    *,
    evaluation: Evaluation,
    actor: Any,
    revision: int,
    lines: dict[str, dict[str, Any]],
    common: dict[str, Any] | None = None,
    amount_unit: str | None = None,
) -> None:
    """预算执行 and the figures of the common indicators. ``lines``: per kind of spending (基本/项目), 上年结转,
    年初预算数, 本年追加, 本年调减, 全年预算数, 全年执行数 and 年末结转结余; per source of funds (财政拨款,
    上年结转资金, 其他资金), 年初预算数, 全年预算数 and 全年执行数 only. ``common``: the unit-level figures of
    :class:`CommonFigures` by field (None: leave them as they are). Every figure may be None (not entered).

    An execution rate under 90% needs ``common["execution_reason"]``, an adjustment column on a source line is
    refused, and 在用固定资产 cannot exceed the total: refused with the message, nothing written. Breakdowns that
    disagree are saved (the page shows it, and budgets.checks refuses the submission). A fixed number of queries:
    the lines and the common row are read once and written only where something changed."""
    unknown = set(lines) - set(BudgetExecution.Kind.values)
    if unknown or (common is not None and set(common) - set(COMMON_FIELDS)):
        raise ValidationError(ROWS_DO_NOT_MATCH, code="rows")
    for kind, values in lines.items():
        errors = source_line_errors(kind, values)
        if errors:
            raise ValidationError(next(iter(errors.values())), code="source_adjustments")
    if common is not None:
        errors = common_figures_errors(common)
        if errors:
            raise ValidationError(next(iter(errors.values())), code="common")
        typed = [BudgetExecution(kind=kind, **values) for kind, values in lines.items()]
        message = execution_reason_message(figures.execution_figures(typed), common.get("execution_reason") or "")
        if message:
            raise ValidationError(message, code="execution_reason")
    with section_save(evaluation=evaluation, section=Section.EXECUTION, revision=revision, actor=actor) as locked:
        _save_fixed_lines(BudgetExecution, locked, "kind", lines, EXECUTION_FIELDS)
        if common is not None:
            _save_one_row(CommonFigures, locked, {name: common.get(name) for name in COMMON_FIELDS})
        remember_amount_unit(locked, amount_unit)


def _save_one_row(
    model: type[SpendingSummary] | type[CommonFigures], evaluation: Evaluation, values: dict[str, Any]
) -> None:
    """The evaluation's one row of ``model``: created when something was entered, else updated where it changed.
    Two queries at most, with the history of what was written."""
    row = model.objects.filter(evaluation=evaluation).first()
    if row is None:
        if not _is_blank(values):
            create_rows(model, [model(evaluation=evaluation, **values)])
        return
    changed = [name for name in values if getattr(row, name) != values[name]]
    for name in changed:
        setattr(row, name, values[name])
    update_rows(model, [row] if changed else [], changed)


def save_totals(
    *,
    evaluation: Evaluation,
    actor: Any,
    revision: int,
    summary: dict[str, Any],
    fund_types: dict[str, dict[str, Any]],
    amount_unit: str | None = None,
) -> None:
    """支出总体情况和其他预算: the totals a report may state without their parts (预算安排, 实际支出合计, 基本支出合计,
    项目支出合计; each optional) and, per other budget type, whether the unit spent from it (None: not said; False:
    “本单位无此项支出”), how much and its own narrative.

    ``summary``: the four amounts (None for blank). ``fund_types``: ``has_spending``, ``amount``, ``narrative`` by fund
    type. A fixed number of queries: the summary row and the fund-type rows are read once and written only where
    something changed."""
    unknown = set(fund_types) - set(FundTypeSpending.FundType.values)
    if unknown or set(summary) - set(SUMMARY_FIELDS):
        raise ValidationError(ROWS_DO_NOT_MATCH, code="rows")
    # The rule holds for every path (import, shell), not only for the editor's form.
    for line in fund_types.values():
        errors = fund_type_errors(line.get("has_spending"), line.get("amount"), line.get("narrative") or "")
        if errors:
            raise ValidationError(next(iter(errors.values())), code="fund_type")
    with section_save(evaluation=evaluation, section=Section.TOTALS, revision=revision, actor=actor) as locked:
        _save_one_row(SpendingSummary, locked, {name: summary.get(name) for name in SUMMARY_FIELDS})
        _save_fixed_lines(FundTypeSpending, locked, "fund_type", fund_types, FUND_TYPE_FIELDS)
        remember_amount_unit(locked, amount_unit)


def save_project_spending(
    *,
    evaluation: Evaluation,
    actor: Any,
    revision: int,
    sources: list[dict[str, Any]],
    items: list[dict[str, Any]],
    amount_unit: str | None = None,
) -> None:
    """（二）项目支出: the sources of funds and the items, each kept by id and numbered in the order given.

    ``sources``: dicts with ``id`` (None for a new source), ``name``, ``description``, and for a new source
    optionally the ``key`` items may name it by ("new:2"). ``items``: dicts with ``id`` (None for a new item),
    ``source_id`` (None, an existing source that is kept, or the key of a new source: it is created first, in the
    same transaction), ``name``, ``description``, ``amount``.
    """
    with section_save(evaluation=evaluation, section=Section.PROJECT, revision=revision, actor=actor) as locked:
        source_writes = plan_rows(FundSource, locked, sources, SOURCE_FIELDS, unique="name")
        wanted = {row["source_id"] for row in items if is_new_row_key(row["source_id"])}
        new_ids = create_new_rows(source_writes, sources, wanted)
        items = [{**row, "source_id": new_ids.get(row["source_id"], row["source_id"])} for row in items]
        item_writes = plan_rows(ProjectItem, locked, items, ITEM_FIELDS)
        kept_sources = {row["id"] for row in sources if row.get("id") is not None} | set(new_ids.values())
        if not {row["source_id"] for row in items if row["source_id"] is not None} <= kept_sources:
            raise ValidationError(ROWS_DO_NOT_MATCH, code="rows")
        # Items first: a source cannot be deleted while items point at it.
        write_rows(item_writes)
        write_rows(source_writes)
        remember_amount_unit(locked, amount_unit)
