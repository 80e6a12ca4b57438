"""Units with a report of 2024 in a given state and frozen key figures, for the summary table's stories."""

from __future__ import annotations

import datetime
from decimal import Decimal

from evaluations.models import Evaluation, Unit
from reports.models import KeyFigures, Review

D = Decimal
YEAR = 2024


def handed_over(
    unit: Unit,
    *,
    status: str = Evaluation.Status.SUBMITTED,
    score: str | None = None,
    grade: str = "",
    total: str | None = None,
    budget: str | None = None,
    rate: str | None = None,
    shortfalls: int = 0,
    checks: int = 0,
    day: int = 1,
    year: int = YEAR,
) -> Evaluation:
    evaluation = Evaluation.objects.create(unit=unit, year=year, status=status)
    KeyFigures.objects.create(
        evaluation=evaluation,
        submitted_at=datetime.datetime(year + 1, 5, day, 9, tzinfo=datetime.UTC),
        total_spending=None if total is None else D(total),
        budget=None if budget is None else D(budget),
        executed=None if total is None else D(total),
        execution_rate=None if rate is None else D(rate),
        score_total=None if score is None else D(score),
        grade=grade,
        scheme_name="全国通用自评表（财预〔2020〕10号）",
        unexplained_shortfalls=shortfalls,
        failed_checks=checks,
    )
    return evaluation


def reviewed(evaluation: Evaluation, reviewer, score: str, *, released: bool = False) -> Review:
    return Review.objects.create(
        evaluation=evaluation,
        reviewer=reviewer,
        score_total=D(score),
        released_at=datetime.datetime(2025, 6, 1, tzinfo=datetime.UTC) if released else None,
        released_by=reviewer if released else None,
    )
