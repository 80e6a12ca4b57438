"""Cross-checks of the budget figures: totals a unit states against their parts, and the execution block's 全年执行数
against the spending it executes. A report whose figures contradict each other cannot be submitted or published.

Each rule lives here once. The functions take rows already fetched (a summary, basic-spending lines, project items,
budget-execution lines) and run no queries, so callers control the query count. Blank is unknown: a rule is checked
only when both of its figures are known, never by treating a blank as zero.

Every failure names both figures in 元 and 万元, the difference, and the editor section and field where it is fixed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evaluations.models import Section
from evaluations.money import format_wan

from . import figures
from .models import BasicSpending, BudgetExecution, ProjectItem, SpendingSummary

ZERO = Decimal("0")

# The rules, named for tests and for the integrator who moves a figure elsewhere.
BASIC_SPLIT = "basic_split"
PROJECT_ITEMS = "project_items"
TOTAL_PARTS = "total_parts"
EXECUTION_BASIC = "execution_basic"
EXECUTION_PROJECT = "execution_project"

MISMATCH = gettext_lazy(
    "%(stated)s %(stated_yuan)s 元（%(stated_wan)s 万元）与%(against)s %(against_yuan)s 元（%(against_wan)s 万元）"
    "不一致，相差 %(difference_yuan)s 元（%(difference_wan)s 万元）。"
)
EXCEEDS = gettext_lazy(
    "%(against)s %(against_yuan)s 元（%(against_wan)s 万元）超过了%(stated)s %(stated_yuan)s 元"
    "（%(stated_wan)s 万元），多出 %(difference_yuan)s 元（%(difference_wan)s 万元）。"
)

# Where each figure is typed: the editor section and the id of its input, less the "id_" Django puts in front.
# The spending overview (Section.TOTALS) holds the stated totals.
TOTALS_FIELDS = {
    "total_budget": "totals-total_budget",
    "total_spending": "totals-total_spending",
    "basic_total": "totals-basic_total",
    "project_total": "totals-project_total",
}


@dataclass(frozen=True)
class Figure:
    """One side of a check: what the figure is called and its exact amount in 元."""

    label: str
    amount: Decimal


@dataclass(frozen=True)
class CheckFailure:
    """A check that failed: the stated figure, what it is checked against, and where to fix it."""

    rule: str
    stated: Figure
    against: Figure
    section: str
    field: str
    # True when only part of the parts is known: they may then not exceed the total, but may fall short of it.
    partial: bool = False

    @property
    def difference(self) -> Decimal:
        return abs(self.stated.amount - self.against.amount)

    @property
    def message(self) -> str:
        template = EXCEEDS if self.partial else MISMATCH
        return str(template) % {
            "stated": self.stated.label,
            "stated_yuan": f"{self.stated.amount:.2f}",
            "stated_wan": format_wan(self.stated.amount),
            "against": self.against.label,
            "against_yuan": f"{self.against.amount:.2f}",
            "against_wan": format_wan(self.against.amount),
            "difference_yuan": f"{self.difference:.2f}",
            "difference_wan": format_wan(self.difference),
        }

    def __str__(self) -> str:
        return self.message


# ---------------------------------------------------------------------------
# What is known of the totals, from budgets.figures, with what the checks need beside them
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class KnownTotals:
    """The totals of an evaluation as far as they are known: stated in the summary, or the sum of parts that are all
    entered. ``None`` is unknown, never zero."""

    basic: Decimal | None
    project: Decimal | None
    total: Decimal | None
    # 预算 and what was executed of it, from one source: the stated 预算安排 with the total spending, else the
    # funds block's 全年预算数 and 全年执行数 when both lines have them.
    budget: Decimal | None
    executed: Decimal | None
    budget_is_stated: bool
    # The parts, for the checks: the basic-spending lines with an amount, and the sum of the project items.
    basic_parts: dict[str, Decimal]
    basic_split_complete: bool
    items_total: Decimal | None

    @property
    def parts_total(self) -> Decimal | None:
        """Basic plus project spending, when both are known."""
        if self.basic is None or self.project is None:
            return None
        return self.basic + self.project


def known_totals(
    summary: SpendingSummary | None,
    basic: Iterable[BasicSpending],
    items: Iterable[ProjectItem],
    execution: Iterable[BudgetExecution] = (),
) -> KnownTotals:
    """Stated totals first; otherwise the sum of the parts when every part is entered (``budgets.figures``, the one
    home of these sums). The budget is the stated 预算安排 (executed: the total spending), else the funds block's
    全年预算数 and 全年执行数 summed over both lines when both lines have them."""
    execution = list(execution)
    basic = list(basic)
    parts = {row.category: row.amount for row in basic if row.amount is not None}
    project = figures.project_spending_figures([], items)
    totals = figures.spending_totals(summary, figures.basic_spending_figures(basic), project)
    budget = totals.total_budget
    executed = totals.total if budget is not None else None
    if budget is None:
        budget = _both_lines(execution, "full_year_budget")
        executed = _both_lines(execution, "executed") if budget is not None else None
    return KnownTotals(
        basic=totals.basic,
        project=totals.project,
        total=totals.total,
        budget=budget,
        executed=executed,
        budget_is_stated=totals.total_budget is not None,
        basic_parts=parts,
        basic_split_complete=all(category in parts for category in BasicSpending.Category.values),
        items_total=project.items_total,
    )


def _both_lines(execution: Iterable[BudgetExecution], name: str) -> Decimal | None:
    """The sum of one figure over the basic and project lines, or None unless both lines have it."""
    # The source lines (财政拨款 …) split the same money again: only 基本/项目 make the total.
    values = {row.kind: getattr(row, name) for row in execution if row.kind in BudgetExecution.SPENDING_KINDS}
    if set(values) != set(BudgetExecution.SPENDING_KINDS):
        return None
    return figures.known_sum(values.values())


# ---------------------------------------------------------------------------
# The rules
# ---------------------------------------------------------------------------
def _basic_parts_label(parts: dict[str, Decimal]) -> str:
    labels = [str(label) for category, label in BasicSpending.Category.choices if category in parts]
    if len(labels) == 1:
        return labels[0]
    return _("%(parts)s之和") % {"parts": "、".join(labels)}


def check_basic_split(summary: SpendingSummary | None, totals: KnownTotals) -> CheckFailure | None:
    """基本支出合计 against 人员经费 + 日常公用经费: equal when the split is complete; a partial split may not exceed
    the total."""
    stated = getattr(summary, "basic_total", None)
    if stated is None or not totals.basic_parts:
        return None
    parts = sum(totals.basic_parts.values(), ZERO)
    partial = not totals.basic_split_complete
    if parts == stated or (partial and parts < stated):
        return None
    return CheckFailure(
        BASIC_SPLIT,
        Figure(_("基本支出合计"), stated),
        Figure(_basic_parts_label(totals.basic_parts), parts),
        Section.TOTALS,
        TOTALS_FIELDS["basic_total"],
        partial=partial,
    )


def check_project_items(summary: SpendingSummary | None, totals: KnownTotals) -> CheckFailure | None:
    """项目支出合计 against the sum of the project items, when there are items."""
    stated = getattr(summary, "project_total", None)
    if figures.total_mismatch("项目支出合计", stated, totals.items_total) is None:
        return None
    return CheckFailure(
        PROJECT_ITEMS,
        Figure(_("项目支出合计"), stated),
        Figure(_("各项目支出之和"), totals.items_total),
        Section.TOTALS,
        TOTALS_FIELDS["project_total"],
    )


def check_total_parts(summary: SpendingSummary | None, totals: KnownTotals) -> CheckFailure | None:
    """实际支出合计 against 基本支出 + 项目支出, when both are known."""
    stated = getattr(summary, "total_spending", None)
    parts = totals.parts_total
    if figures.total_mismatch("实际支出合计", stated, parts) is None:
        return None
    return CheckFailure(
        TOTAL_PARTS,
        Figure(_("实际支出合计"), stated),
        Figure(_("基本支出与项目支出之和"), parts),
        Section.TOTALS,
        TOTALS_FIELDS["total_spending"],
    )


def check_execution(execution: Iterable[BudgetExecution], totals: KnownTotals) -> list[CheckFailure]:
    """The funds block's 全年执行数 of basic and of project spending against the basic and project totals: what was
    executed is what was spent."""
    failures = []
    spent = {BudgetExecution.Kind.BASIC: totals.basic, BudgetExecution.Kind.PROJECT: totals.project}
    rules = {BudgetExecution.Kind.BASIC: EXECUTION_BASIC, BudgetExecution.Kind.PROJECT: EXECUTION_PROJECT}
    spent_labels = {BudgetExecution.Kind.BASIC: _("基本支出"), BudgetExecution.Kind.PROJECT: _("项目支出")}
    # The source lines (财政拨款 …) split the same money by where it came from: only 基本/项目 are checked here.
    spending = [row for row in execution if row.kind in BudgetExecution.SPENDING_KINDS]
    for row in sorted(spending, key=lambda row: BudgetExecution.SPENDING_KINDS.index(row.kind)):
        total = spent.get(row.kind)
        if row.executed is None or total is None or row.executed == total:
            continue
        failures.append(
            CheckFailure(
                rules[row.kind],
                Figure(_("预算执行中%(kind)s全年执行数") % {"kind": row.get_kind_display()}, row.executed),
                Figure(spent_labels[row.kind], total),
                Section.EXECUTION,
                f"execution-{row.kind}-executed",
            )
        )
    return failures


def cross_checks(
    summary: SpendingSummary | None,
    basic: Iterable[BasicSpending],
    items: Iterable[ProjectItem],
    execution: Iterable[BudgetExecution],
) -> list[CheckFailure]:
    """Every failed cross-check of one evaluation's budget figures, in the report's order."""
    execution = list(execution)
    totals = known_totals(summary, basic, items, execution)
    failures = [
        check_basic_split(summary, totals),
        check_project_items(summary, totals),
        check_total_parts(summary, totals),
    ]
    return [failure for failure in failures if failure is not None] + check_execution(execution, totals)
