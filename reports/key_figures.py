"""The key figures of a report frozen when it is submitted (:class:`reports.models.KeyFigures`), so that the bureau's
summary of thousands of units reads one row per unit instead of scoring every report on every page view.

Each figure comes from its one implementation: the totals and the budget from :func:`budgets.checks.known_totals`,
the failed checks from :func:`budgets.checks.cross_checks`, the execution rate from
:func:`budgets.figures.execution_rate`, the score and grade from :func:`reports.scoring.score_of`, and the
shortfalls from :func:`achievements.figures.is_shortfall`. A submitted report's content cannot change, so the frozen
row is the report's figures until it is returned and submitted again (which records it again)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from achievements.figures import is_shortfall
from budgets.checks import cross_checks, known_totals
from budgets.figures import execution_rate
from budgets.models import SpendingSummary
from evaluations.models import Evaluation, StatusChange

from .models import KeyFigures
from .scoring import score_of

# The reports whose figures the bureau sees: those handed over by their unit (the one list; the summary and the
# synthetic data read it).
HANDED_OVER = (
    Evaluation.Status.SUBMITTED,
    Evaluation.Status.APPROVED,
    Evaluation.Status.DEPT_APPROVED,
    Evaluation.Status.PUBLISHING,
    Evaluation.Status.PUBLISHED,
)


def headline_figures(evaluation: Evaluation) -> dict[str, object]:
    """The spending figures alone (total, basic, project, budget, executed and the execution rate), as the summary
    and a publication keep them: four queries, no score."""
    return _headline(known_totals(*_spending_rows(evaluation)))


def _spending_rows(evaluation: Evaluation) -> tuple:
    return (
        SpendingSummary.objects.filter(evaluation=evaluation).first(),
        list(evaluation.basic_spending.order_by("category")),
        list(evaluation.project_items.all()),
        list(evaluation.budget_execution.order_by("kind")),
    )


def _headline(totals) -> dict[str, object]:
    return {
        "total_spending": totals.total,
        "basic_spending": totals.basic,
        "project_spending": totals.project,
        "budget": totals.budget,
        "executed": totals.executed,
        "execution_rate": execution_rate(totals.executed, totals.budget),
    }


def compute_key_figures(evaluation: Evaluation) -> dict[str, object]:
    """The figures as field values of :class:`KeyFigures` (``None`` where the report does not know one)."""
    rows = _spending_rows(evaluation)
    totals = known_totals(*rows)
    failures = cross_checks(*rows)
    scored = score_of(evaluation)
    sheet = scored.sheet
    shown = scored.scheme.grades.shown(sheet.total) if sheet.total is not None else None
    shortfalls = sum(
        1
        for indicator in evaluation.indicators.all()
        if not indicator.not_applicable and is_shortfall(indicator) and not (indicator.deviation_reason or "").strip()
    )
    return {
        **_headline(totals),
        "score_total": shown,
        "grade": (sheet.grade or "") if shown is not None else "",
        "scheme_name": scored.scheme.name[:80],
        "unexplained_shortfalls": shortfalls,
        "failed_checks": len(failures),
    }


RATE_PLACES = Decimal("1e-8")
RATE_LIMIT = Decimal("10000")  # the column holds four digits before the point


def rounded_rate(rate: Decimal | None) -> Decimal | None:
    # The column keeps eight decimals: enough to sort by; the display rounds half-up to two. A rate of a million
    # percent (a budget typed in 万元 where 元 was meant) must not make the submission fail: it is left blank here,
    # and the report itself still shows it.
    if rate is None or abs(rate) >= RATE_LIMIT:
        return None
    return rate.quantize(RATE_PLACES)


def record_key_figures(evaluation: Evaluation, *, submitted_at: datetime.datetime | None = None) -> KeyFigures:
    """Compute and store the evaluation's key figures (one row per evaluation, replaced on each submission).
    Called by :func:`reports.workflow.submit` inside its transaction, so a submitted report always has its row."""
    values = compute_key_figures(evaluation)
    values["execution_rate"] = rounded_rate(values["execution_rate"])  # type: ignore[arg-type]
    values["submitted_at"] = submitted_at or timezone.now()
    row, _created = KeyFigures.objects.update_or_create(evaluation=evaluation, defaults=values)
    return row


def refresh_key_figures(*, year: int | None = None) -> int:
    """Recompute the rows of every handed-over report (of ``year``), keeping the time of its last submission.
    For data submitted before the figures were frozen, and after a change of a figure's rule."""
    evaluations = Evaluation.objects.filter(status__in=HANDED_OVER).select_related("unit").order_by("pk")
    if year is not None:
        evaluations = evaluations.filter(year=year)
    count = 0
    for evaluation in evaluations.iterator(chunk_size=200):
        submitted_at = (
            StatusChange.objects.filter(evaluation=evaluation, to_status=Evaluation.Status.SUBMITTED)
            .order_by("-at", "-id")
            .values_list("at", flat=True)
            .first()
        )
        record_key_figures(evaluation, submitted_at=submitted_at or evaluation.updated_at)
        count += 1
    return count
