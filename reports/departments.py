"""The department's own summary (主管部门汇总): its units' reports of one year, a page of units at a time, with the
key figures frozen at submission. A plain list: the bureau's summary table, filtered to the department, can replace
it later without changing who may see what."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, OuterRef

from evaluations.departments import units_under
from evaluations.models import Evaluation, Membership, Unit
from evaluations.money import format_percent, format_wan
from evaluations.selectors import membership_of

from .models import KeyFigures

NOT_SUBMITTED = "—"


def department_of(user: AbstractBaseUser | AnonymousUser) -> Unit | None:
    """The department (a unit with units under it) whose head the person is, or None (one query for a head)."""
    membership = membership_of(user)
    if membership is None or membership.role != Membership.Role.HEAD:
        return None
    return (
        Unit.objects.filter(pk=membership.unit_id).filter(Exists(Unit.objects.filter(parent_id=OuterRef("pk")))).first()
    )


@dataclass(frozen=True)
class SummaryRow:
    unit: Unit
    evaluation: Evaluation | None  # None: not started, or a draft (drafts do not exist outside their unit)
    submitted_at: datetime | None
    total_spending: str
    execution_rate: str
    score: str
    grade: str


def _row(unit: Unit, evaluation: Evaluation | None) -> SummaryRow:
    try:
        figures: KeyFigures | None = evaluation.key_figures if evaluation is not None else None
    except KeyFigures.DoesNotExist:
        figures = None
    if figures is None:
        return SummaryRow(unit, evaluation, None, NOT_SUBMITTED, NOT_SUBMITTED, NOT_SUBMITTED, NOT_SUBMITTED)
    return SummaryRow(
        unit=unit,
        evaluation=evaluation,
        submitted_at=figures.submitted_at,
        total_spending=format_wan(figures.total_spending) or NOT_SUBMITTED,
        execution_rate=format_percent(figures.execution_rate),
        score=f"{figures.score_total:.2f}" if figures.score_total is not None else NOT_SUBMITTED,
        grade=figures.grade or NOT_SUBMITTED,
    )


def summary_units(department: Unit):
    """Every unit under the department, at any depth, by name (a queryset for the paginator)."""
    return units_under(department).order_by("name", "pk")


def summary_rows(units: list[Unit], year: int) -> list[SummaryRow]:
    """One row per unit of the page: its report of the year unless it is a draft, with the frozen key figures when
    there are some. One query whatever the number of units: the reports with their key figures joined."""
    evaluations = {
        evaluation.unit_id: evaluation
        for evaluation in Evaluation.objects.filter(unit__in=[unit.pk for unit in units], year=year)
        .exclude(status=Evaluation.Status.DRAFT)
        .select_related("key_figures")
        .order_by()
    }
    return [_row(unit, evaluations.get(unit.pk)) for unit in units]
