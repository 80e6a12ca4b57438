"""Reading the budget figures an evaluation's common indicators need, in a fixed number of queries."""

from __future__ import annotations

from evaluations.measures import staff_control_rate
from evaluations.models import Evaluation

from . import figures
from .models import BasicSpending, SpendingSummary


def common_indicators_of(evaluation: Evaluation) -> figures.CommonMeasures:
    """The common indicators of ``evaluation`` from its saved data (:func:`budgets.figures.common_indicators`).

    Six queries whatever the size of the evaluation: the common figures, the execution lines, 日常公用经费, the stated
    totals and the project items (for 项目支出合计), the staffing lines. 在编人数 is on the evaluation itself."""
    operating = (
        BasicSpending.objects.filter(evaluation=evaluation, category=BasicSpending.Category.OPERATING)
        .order_by()
        .values_list("amount", flat=True)
        .first()
    )
    summary = SpendingSummary.objects.filter(evaluation=evaluation).first()
    project = figures.project_spending_figures([], evaluation.project_items.order_by())
    return figures.common_indicators(
        # Through the reverse accessor, which keeps the row (or its absence) for later readers of the evaluation.
        getattr(evaluation, "common_figures", None),
        evaluation.budget_execution.order_by(),
        operating_actual=operating,
        project_total=figures.project_total(summary.project_total if summary else None, project),
        staff_control=staff_control_rate(evaluation.staffing_lines.order_by(), evaluation.staff_on_roll),
    )
