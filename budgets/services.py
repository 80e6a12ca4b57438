"""Writes to the budget figures of an evaluation. Each save is one editor section: it goes through
:func:`evaluations.services.section_save` (row lock, workflow guard, stale-page check) and writes a fixed number of
queries however many rows the section has."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from evaluations.models import Evaluation
from evaluations.services import section_save

from .models import BasicSpending, BudgetExecution, FundSource, ProjectItem

ROWS_DO_NOT_MATCH = _("页面上的行与当前内容不符，请重新打开本页。")

BASIC_FIELDS = ["amount", "previous_amount", "change_reason"]
EXECUTION_FIELDS = ["initial_budget", "full_year_budget", "executed"]


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
    if to_update:
        model.objects.bulk_update(to_update, fields)
    if to_create:
        model.objects.bulk_create(to_create)


def save_basic_spending(*, evaluation: Evaluation, actor: Any, revision: int, lines: dict[str, dict[str, Any]]) -> None:
    """（一）基本支出: this year's and last year's amount and the reason for the change, per category."""
    unknown = set(lines) - set(BasicSpending.Category.values)
    if unknown:
        raise ValidationError(ROWS_DO_NOT_MATCH, code="rows")
    with section_save(evaluation=evaluation, section="basic", revision=revision, actor=actor) as locked:
        _save_fixed_lines(BasicSpending, locked, "category", lines, BASIC_FIELDS)


def save_execution(*, evaluation: Evaluation, actor: Any, revision: int, lines: dict[str, dict[str, Any]]) -> None:
    """The funds block of the self-evaluation table: budget at the start of the year, full-year budget, execution."""
    unknown = set(lines) - set(BudgetExecution.Kind.values)
    if unknown:
        raise ValidationError(ROWS_DO_NOT_MATCH, code="rows")
    with section_save(evaluation=evaluation, section="execution", revision=revision, actor=actor) as locked:
        _save_fixed_lines(BudgetExecution, locked, "kind", lines, EXECUTION_FIELDS)


def save_project_spending(
    *,
    evaluation: Evaluation,
    actor: Any,
    revision: int,
    sources: list[dict[str, Any]],
    items: list[dict[str, Any]],
) -> None:
    """（二）项目支出: the sources of funds (kept by id, since items point at them) and the items, in order.

    ``sources``: dicts with ``id`` (None for a new source), ``name``, ``description``. ``items``: dicts with
    ``source_id`` (an existing source that is kept), ``name``, ``description``, ``amount``.
    """
    with section_save(evaluation=evaluation, section="project", revision=revision, actor=actor) as locked:
        existing = {source.pk: source for source in FundSource.objects.filter(evaluation=locked)}
        kept_ids = {row["id"] for row in sources if row.get("id") is not None}
        if not kept_ids <= set(existing) or not {row["source_id"] for row in items} <= kept_ids:
            raise ValidationError(ROWS_DO_NOT_MATCH, code="rows")

        # Items go first: a source cannot be deleted while items point at it.
        ProjectItem.objects.filter(evaluation=locked).delete()
        FundSource.objects.filter(evaluation=locked).exclude(pk__in=kept_ids).delete()

        original_names = {pk: source.name for pk, source in existing.items()}
        kept, created = [], []
        for order, row in enumerate(sources, start=1):
            if row.get("id") is None:
                created.append(
                    FundSource(evaluation=locked, order=order, name=row["name"], description=row["description"])
                )
                continue
            source = existing[row["id"]]
            source.order, source.name, source.description = order, row["name"], row["description"]
            kept.append(source)
        if kept:
            renamed = [source for source in kept if source.name != original_names[source.pk]]
            if renamed:
                # Two sources may swap names; park the renamed ones on names nobody uses so that the unique
                # constraint holds after each statement (PostgreSQL checks it per statement, not per transaction).
                parked = [FundSource(pk=s.pk, name=f"\u2063{s.pk}") for s in renamed]
                FundSource.objects.bulk_update(parked, ["name"])
            FundSource.objects.bulk_update(kept, ["order", "name", "description"])
        if created:
            FundSource.objects.bulk_create(created)

        ProjectItem.objects.bulk_create(
            ProjectItem(
                evaluation=locked,
                source_id=row["source_id"],
                order=order,
                name=row["name"],
                description=row["description"],
                amount=row["amount"],
            )
            for order, row in enumerate(items, start=1)
        )
