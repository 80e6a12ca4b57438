"""Services that span the evaluation and its figures: starting a new year from last year's report."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from achievements.models import Indicator, Theme
from budgets.models import BasicSpending, BudgetExecution, FundSource
from evaluations.history import Via, create_rows, recording
from evaluations.models import AmountUnit, Duty, Evaluation, Office, StaffingLine, Unit
from evaluations.selectors import may_start_evaluation

from .key_figures import HANDED_OVER

EVALUATION_EXISTS = _("%(year)s年度的绩效自评已经存在。")
START_NOT_ALLOWED = _("只有本单位的填报人、单位负责人或系统管理员可以新建本单位的绩效自评。")

PREVIOUS_YEAR_NOT_HANDED_OVER = _(
    "%(previous)s年度的绩效自评尚未提交（当前状态：%(status)s）。请先完成并提交%(previous)s年度，再新建%(year)s年度。"
)

# ---------------------------------------------------------------------------
# A new year, from last year
# ---------------------------------------------------------------------------


def ensure_previous_year_handed_over(*, unit: Unit, year: int) -> None:
    """The editor's rule for starting a year: last year's report, where there is one, has been handed over (submitted
    or later), so that the new year copies finished figures and the unit finishes one report before the next.
    ValidationError otherwise. A separate check rather than part of :func:`create_evaluation`, which also serves
    data loading and tests that start a year beside a draft."""
    previous = Evaluation.objects.filter(unit=unit, year=year - 1).only("status").first()
    if previous is not None and previous.status not in HANDED_OVER:
        raise ValidationError(
            PREVIOUS_YEAR_NOT_HANDED_OVER,
            code="previous_not_handed_over",
            params={"previous": year - 1, "year": year, "status": previous.get_status_display()},
        )


def create_evaluation(*, unit: Unit, year: int, actor: Any) -> Evaluation:
    """Start ``year``'s evaluation. With last year's evaluation at hand, copy what carries over (the mandate, duties,
    offices with their groups, establishment types with their 编制数 and the approving body, the amount unit the
    unit types in, the sources of project funds, theme titles, indicator definitions with their targets) and fill
    last year's basic spending from last year's amounts where they were entered; everything that happens during the
    year (headcounts, staff movements, amounts, whether the unit spent from the other budgets, prose) starts
    unknown, never zero. Without last year, start empty."""
    if not may_start_evaluation(actor, unit):
        raise ValidationError(START_NOT_ALLOWED, code="forbidden")
    with transaction.atomic(), recording(actor=actor, via=Via.NEW_YEAR):
        previous = Evaluation.objects.filter(unit=unit, year=year - 1).first()
        try:
            with transaction.atomic():
                # Not copied: the staffing date, the count on roll and the note on budgets without spending are
                # statements about one year (a unit with no 政府性基金 spending last year may have some this year).
                evaluation = Evaluation.objects.create(
                    unit=unit,
                    year=year,
                    mandate=previous.mandate if previous else "",
                    staffing_authority=previous.staffing_authority if previous else "",
                    amount_unit=previous.amount_unit if previous else AmountUnit.YUAN,
                )
        except IntegrityError:
            raise ValidationError(EVALUATION_EXISTS, code="exists", params={"year": year}) from None

        last_amounts: dict[str, Decimal | None] = {}
        if previous is not None:
            create_rows(
                Duty,
                [Duty(evaluation=evaluation, order=row.order, text=row.text) for row in previous.duties.all()],
            )
            create_rows(
                Office,
                [
                    Office(evaluation=evaluation, order=row.order, group=row.group, name=row.name)
                    for row in previous.offices.all()
                ],
            )
            # The establishment carries over; the headcount at 31 December is this year's to enter.
            create_rows(
                StaffingLine,
                [
                    StaffingLine(
                        evaluation=evaluation,
                        order=row.order,
                        establishment_type=row.establishment_type,
                        approved=row.approved,
                        actual=None,
                    )
                    for row in previous.staffing_lines.all()
                ],
            )
            create_rows(
                FundSource,
                [
                    FundSource(evaluation=evaluation, order=row.order, name=row.name, description=row.description)
                    for row in previous.fund_sources.all()
                ],
            )
            # Only what was entered: an amount nobody knew last year stays unknown as this year's 上年决算数.
            last_amounts = {row.category: row.amount for row in previous.basic_spending.all()}
            new_theme_of: dict[int, Theme] = {}
            for theme in previous.themes.all():
                new_theme_of[theme.pk] = Theme(evaluation=evaluation, order=theme.order, title=theme.title)
            create_rows(Theme, new_theme_of.values())
            create_rows(
                Indicator,
                [
                    Indicator(
                        evaluation=evaluation,
                        theme=new_theme_of.get(row.theme_id),
                        order=row.order,
                        level1=row.level1,
                        level2=row.level2,
                        name=row.name,
                        measure_unit=row.measure_unit,
                        direction=row.direction,
                        target=row.target,
                        target_text=row.target_text,
                        weight=row.weight,
                    )
                    for row in previous.indicators.all()
                ],
            )
        create_rows(
            BasicSpending,
            [
                BasicSpending(evaluation=evaluation, category=category, previous_amount=last_amounts.get(category))
                for category in BasicSpending.Category.values
            ],
        )
        create_rows(
            BudgetExecution,
            [BudgetExecution(evaluation=evaluation, kind=kind) for kind in BudgetExecution.Kind.values],
        )
    return evaluation
