"""Reading the budget figures an evaluation's common indicators need, in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from evaluations.measures import staff_control_rate
from evaluations.models import Evaluation, StaffingLine

from . import figures
from .models import BasicSpending, BudgetExecution, CommonFigures, ProjectItem, SpendingSummary


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


def common_indicators_for(evaluations: Sequence[Evaluation]) -> dict[int, figures.CommonMeasures]:
    """:func:`common_indicators_of` of many evaluations, by primary key: the same six queries whatever their number
    (the start page and the bureau's lists score every evaluation they show)."""
    ids = [evaluation.pk for evaluation in evaluations]
    if not ids:
        return {}
    common = {row.evaluation_id: row for row in CommonFigures.objects.filter(evaluation_id__in=ids)}
    execution: dict[int, list[BudgetExecution]] = defaultdict(list)
    for row in BudgetExecution.objects.filter(evaluation_id__in=ids).order_by():
        execution[row.evaluation_id].append(row)
    operating = dict(
        BasicSpending.objects.filter(evaluation_id__in=ids, category=BasicSpending.Category.OPERATING)
        .order_by()
        .values_list("evaluation_id", "amount")
    )
    summaries = {row.evaluation_id: row for row in SpendingSummary.objects.filter(evaluation_id__in=ids)}
    items: dict[int, list[ProjectItem]] = defaultdict(list)
    for item in ProjectItem.objects.filter(evaluation_id__in=ids).order_by():
        items[item.evaluation_id].append(item)
    staffing: dict[int, list[StaffingLine]] = defaultdict(list)
    for line in StaffingLine.objects.filter(evaluation_id__in=ids).order_by():
        staffing[line.evaluation_id].append(line)
    found = {}
    for evaluation in evaluations:
        pk = evaluation.pk
        summary = summaries.get(pk)
        project = figures.project_spending_figures([], items[pk])
        found[pk] = figures.common_indicators(
            common.get(pk),
            execution[pk],
            operating_actual=operating.get(pk),
            project_total=figures.project_total(summary.project_total if summary else None, project),
            staff_control=staff_control_rate(staffing[pk], evaluation.staff_on_roll),
        )
    return found
