"""Derived budget figures: totals, shares, year-on-year changes, source-of-funds subtotals, execution rates and the
funds block's score.

This is the one implementation. The editor, the HTML report, the PDF and the spreadsheets all read their figures
from here. Functions take already-fetched rows and run no queries, so callers control the query count.

Blank is not zero (issue 9): an amount nobody entered is ``None``, and every figure derived from it is ``None`` too.
A total is the entered total when there is one, else the sum of its parts when every part is known; a partial sum
is never passed off as a total.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from evaluations.money import ratio
from evaluations.scoring_rules import proportional_points

from .models import BasicSpending, BudgetExecution, FundSource, ProjectItem, SpendingSummary

ZERO = Decimal("0")

# 分值 of the funds block (预算执行) in the national 自评表 (财预〔2020〕10号): 10 of 100 points. Provinces configure it
# differently (Hubei gives 20, Hunan city sheets split 投入 15 / 过程 40; domain.md §3), so callers that know their
# province's weight pass it; this is only the national default.
FUNDS_WEIGHT = Decimal("10")


def known_sum(values: Iterable[Decimal | None]) -> Decimal | None:
    """The sum of figures that are all known; ``None`` when any of them is unknown or there are none."""
    values = list(values)
    if not values or any(value is None for value in values):
        return None
    return sum(values, ZERO)


def given_or_sum(given: Decimal | None, parts: Iterable[Decimal | None]) -> Decimal | None:
    """A total as a report may state it: the entered total, else the sum of its parts when every part is known."""
    return given if given is not None else known_sum(parts)


def reconciliation(given: Decimal | None, parts_total: Decimal | None) -> Decimal | None:
    """Entered total minus the sum of its parts (0 when they reconcile); ``None`` unless both are known."""
    if given is None or parts_total is None:
        return None
    return given - parts_total


@dataclass(frozen=True)
class Change:
    """This year against last year; either may be unknown, and then there is no change to speak of."""

    current: Decimal | None
    previous: Decimal | None

    @property
    def is_known(self) -> bool:
        return self.current is not None and self.previous is not None

    @property
    def amount(self) -> Decimal | None:
        if not self.is_known:
            return None
        return self.current - self.previous

    @property
    def rate(self) -> Decimal | None:
        """Change ÷ last year; ``None`` when last year was zero (there is no rate to speak of) or unknown."""
        return ratio(self.amount, self.previous)

    @property
    def is_increase(self) -> bool:
        return self.amount is not None and self.amount > 0

    @property
    def is_decrease(self) -> bool:
        return self.amount is not None and self.amount < 0


@dataclass(frozen=True)
class BasicLine:
    category: str
    label: str
    change: Change
    reason: str
    share: Decimal | None

    @property
    def amount(self) -> Decimal | None:
        return self.change.current

    @property
    def previous_amount(self) -> Decimal | None:
        return self.change.previous


@dataclass(frozen=True)
class BasicSpendingFigures:
    lines: list[BasicLine]
    # total: the entered basic total (SpendingSummary.basic_total) if any, else the sum of the split.
    change: Change
    # The sum of the split (人员经费 + 日常公用经费) when every line's amount is known.
    split_total: Decimal | None = None

    @property
    def total(self) -> Decimal | None:
        return self.change.current

    @property
    def previous_total(self) -> Decimal | None:
        return self.change.previous

    @property
    def known_lines(self) -> list[BasicLine]:
        """The lines whose amount this year was entered: the split a report may state."""
        return [line for line in self.lines if line.amount is not None]

    def line(self, category: str) -> BasicLine | None:
        return next((line for line in self.lines if line.category == category), None)


def basic_spending_figures(rows: Iterable[BasicSpending], given_total: Decimal | None = None) -> BasicSpendingFigures:
    """Totals, changes and shares of basic spending, in the fixed category order (人员经费, 日常公用经费).

    ``given_total`` is the basic total entered without (or beside) the split; the total is that, else the sum of the
    split when every amount is known. Shares are of the total the report states."""
    by_category = {row.category: row for row in rows}
    ordered = [by_category[c] for c in BasicSpending.Category.values if c in by_category]
    split_total = known_sum(row.amount for row in ordered)
    total = given_total if given_total is not None else split_total
    previous_total = known_sum(row.previous_amount for row in ordered)
    lines = [
        BasicLine(
            category=row.category,
            label=row.get_category_display(),
            change=Change(current=row.amount, previous=row.previous_amount),
            reason=row.change_reason,
            share=ratio(row.amount, total),
        )
        for row in ordered
    ]
    return BasicSpendingFigures(
        lines=lines, change=Change(current=total, previous=previous_total), split_total=split_total
    )


@dataclass(frozen=True)
class SourceGroup:
    source: FundSource
    items: list[ProjectItem]
    subtotal: Decimal
    share: Decimal | None


@dataclass(frozen=True)
class ProjectSpendingFigures:
    groups: list[SourceGroup] = field(default_factory=list)
    # Items entered without a source of funds (many reports list items plainly), in their order.
    unsourced: list[ProjectItem] = field(default_factory=list)

    @property
    def unsourced_subtotal(self) -> Decimal:
        return sum((item.amount for item in self.unsourced), ZERO)

    @property
    def total(self) -> Decimal:
        """The sum of the items (0 without items; see :attr:`items_total` for "unknown" instead)."""
        return sum((group.subtotal for group in self.groups), self.unsourced_subtotal)

    @property
    def item_count(self) -> int:
        return sum(len(group.items) for group in self.groups) + len(self.unsourced)

    @property
    def items_total(self) -> Decimal | None:
        """The sum of the items, or ``None`` when no item was entered: no items is not a total of 0."""
        return self.total if self.item_count else None


def project_spending_figures(sources: Iterable[FundSource], items: Iterable[ProjectItem]) -> ProjectSpendingFigures:
    """Project items grouped by source of funds, in the sources' order, each group with its subtotal and its share of
    all items; items without a source (or of a source not given here) apart, in their own order, so that no item is
    ever left out of the total."""
    sources = sorted(sources, key=lambda s: (s.order, s.pk or 0))
    items_by_source: dict[int, list[ProjectItem]] = {source.pk: [] for source in sources}
    unsourced: list[ProjectItem] = []
    for item in sorted(items, key=lambda i: (i.order, i.pk or 0)):
        items_by_source.get(item.source_id, unsourced).append(item)
    subtotals = {pk: sum((item.amount for item in group), ZERO) for pk, group in items_by_source.items()}
    total = sum(subtotals.values(), ZERO) + sum((item.amount for item in unsourced), ZERO)
    groups = [
        SourceGroup(
            source=source,
            items=items_by_source[source.pk],
            subtotal=subtotals[source.pk],
            share=ratio(subtotals[source.pk], total),
        )
        for source in sources
    ]
    return ProjectSpendingFigures(groups=groups, unsourced=unsourced)


def execution_rate(executed: Decimal | None, budget: Decimal | None) -> Decimal | None:
    """执行率 = 全年执行数 ÷ 全年预算数."""
    return ratio(executed, budget)


def execution_score(rate: Decimal | None, weight: Decimal = FUNDS_WEIGHT) -> Decimal | None:
    """得分 = 分值 × 执行率, never above 分值 (财预〔2020〕10号): spending more than the budget earns nothing extra.
    Exact; round only for display. ``None`` when there is no rate (no full-year budget or no execution). The rule is
    the scoring engine's proportional one (:func:`evaluations.scoring_rules.proportional_points`)."""
    if rate is None:
        return None
    return proportional_points(weight, rate)


@dataclass(frozen=True)
class ExecutionLine:
    label: str
    initial_budget: Decimal | None
    full_year_budget: Decimal | None
    executed: Decimal | None

    @property
    def rate(self) -> Decimal | None:
        return execution_rate(self.executed, self.full_year_budget)

    def score(self, weight: Decimal = FUNDS_WEIGHT) -> Decimal | None:
        return execution_score(self.rate, weight)


@dataclass(frozen=True)
class ExecutionFigures:
    lines: list[ExecutionLine]
    total: ExecutionLine

    @property
    def is_empty(self) -> bool:
        return all(
            line.initial_budget is None and line.full_year_budget is None and line.executed is None
            for line in self.lines
        )


def execution_figures(rows: Iterable[BudgetExecution]) -> ExecutionFigures:
    """The funds block: basic and project lines in fixed order and their total (年度资金总额)."""
    by_kind = {row.kind: row for row in rows}
    lines = [
        ExecutionLine(
            label=label,
            initial_budget=getattr(by_kind.get(kind), "initial_budget", None),
            full_year_budget=getattr(by_kind.get(kind), "full_year_budget", None),
            executed=getattr(by_kind.get(kind), "executed", None),
        )
        for kind, label in BudgetExecution.Kind.choices
    ]
    # A column's total only when both lines are known: basic spending alone is not 年度资金总额.
    total = ExecutionLine(
        label="年度资金总额",
        initial_budget=known_sum(line.initial_budget for line in lines),
        full_year_budget=known_sum(line.full_year_budget for line in lines),
        executed=known_sum(line.executed for line in lines),
    )
    return ExecutionFigures(lines=lines, total=total)


def total_spending(basic: BasicSpendingFigures, project: ProjectSpendingFigures) -> Decimal | None:
    """Basic plus project spending: the unit's whole general-budget spending of the year, when both are known (a
    project total of no items is unknown, not 0). :func:`spending_totals` also reads the entered totals."""
    return known_sum([basic.total, project.items_total])


# ---------------------------------------------------------------------------
# Totals without their parts (SpendingSummary): what the report states, and whether they reconcile
# ---------------------------------------------------------------------------
def basic_total(given: Decimal | None, basic: BasicSpendingFigures) -> Decimal | None:
    """基本支出: the entered total, else the sum of the split when every amount is known."""
    return given if given is not None else basic.split_total


def project_total(given: Decimal | None, project: ProjectSpendingFigures) -> Decimal | None:
    """项目支出: the entered total, else the sum of the items when there are any."""
    return given if given is not None else project.items_total


def budget_execution_rate(total_budget: Decimal | None, total_spending: Decimal | None) -> Decimal | None:
    """预算执行率 = 实际支出 ÷ 预算安排."""
    return execution_rate(total_spending, total_budget)


@dataclass(frozen=True)
class SpendingTotals:
    """The totals a report may state: each ``None`` when neither entered nor the sum of known parts."""

    total_budget: Decimal | None
    total: Decimal | None
    basic: Decimal | None
    project: Decimal | None

    @property
    def execution_rate(self) -> Decimal | None:
        return budget_execution_rate(self.total_budget, self.total)


def spending_totals(
    summary: SpendingSummary | None, basic: BasicSpendingFigures, project: ProjectSpendingFigures
) -> SpendingTotals:
    """预算安排, 实际支出合计, 基本支出 and 项目支出 from the entered totals, each falling back to the sum of its
    parts. ``basic`` may already carry the entered basic total (``basic_spending_figures(rows, given_total=…)``)."""
    given = summary or SpendingSummary()
    basic_amount = basic_total(given.basic_total, basic)
    project_amount = project_total(given.project_total, project)
    return SpendingTotals(
        total_budget=given.total_budget,
        total=given_or_sum(given.total_spending, [basic_amount, project_amount]),
        basic=basic_amount,
        project=project_amount,
    )


@dataclass(frozen=True)
class Mismatch:
    """An entered total that differs from the sum of its parts, with both figures (元)."""

    label: str
    given: Decimal
    parts_total: Decimal

    @property
    def difference(self) -> Decimal:
        return self.given - self.parts_total


def total_mismatch(label: str, given: Decimal | None, parts_total: Decimal | None) -> Mismatch | None:
    """An entered total against the sum of its parts: the mismatch, or None when they reconcile or either is
    unknown (a total without its parts, or parts without a total, contradict nothing)."""
    difference = reconciliation(given, parts_total)
    if difference is None or difference == 0:
        return None
    return Mismatch(label, given, parts_total)
