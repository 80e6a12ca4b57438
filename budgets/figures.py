"""Derived budget figures: totals, shares, year-on-year changes, source-of-funds subtotals, execution rates and the
funds block's score.

This is the one implementation. The editor, the HTML report, the PDF and the spreadsheets all read their figures
from here. Functions take already-fetched rows and run no queries, so callers control the query count.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from evaluations.money import ratio

from .models import BasicSpending, BudgetExecution, FundSource, ProjectItem, SpendingSummary

ZERO = Decimal("0")
ONE = Decimal("1")

# 分值 of the funds block (预算执行) in the national 自评表 (财预〔2020〕10号): 10 of 100 points. Provinces configure it
# differently (Hubei gives 20, Hunan city sheets split 投入 15 / 过程 40; domain.md §3), so callers that know their
# province's weight pass it; this is only the national default.
FUNDS_WEIGHT = Decimal("10")


@dataclass(frozen=True)
class Change:
    """This year against last year. Either may be unknown (None: nobody entered it); then so is the change."""

    current: Decimal | None
    previous: Decimal | None

    @property
    def amount(self) -> Decimal | None:
        if self.current is None or self.previous is None:
            return None
        return self.current - self.previous

    @property
    def rate(self) -> Decimal | None:
        """Change ÷ last year; ``None`` when last year was zero (there is no rate to speak of) or either is unknown."""
        return ratio(self.amount, self.previous)

    @property
    def is_increase(self) -> bool:
        return self.amount is not None and self.amount > 0

    @property
    def is_decrease(self) -> bool:
        return self.amount is not None and self.amount < 0


def known_sum(values: Iterable[Decimal | None]) -> Decimal | None:
    """The sum of amounts when every one of them is known; ``None`` when any is unknown. A total is never made
    from some of its parts: 人员经费 entered without 日常公用经费 gives no 基本支出."""
    total = ZERO
    for value in values:
        if value is None:
            return None
        total += value
    return total


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
    change: Change

    @property
    def total(self) -> Decimal | None:
        """The sum of the categories, or None when any of them is unknown."""
        return self.change.current

    @property
    def previous_total(self) -> Decimal | None:
        return self.change.previous

    def line(self, category: str) -> BasicLine | None:
        return next((line for line in self.lines if line.category == category), None)


def basic_spending_figures(rows: Iterable[BasicSpending]) -> BasicSpendingFigures:
    """Totals, changes and shares of basic spending, in the fixed category order (人员经费, 日常公用经费)."""
    by_category = {row.category: row for row in rows}
    ordered = [by_category[c] for c in BasicSpending.Category.values if c in by_category]
    total = known_sum(row.amount for row in ordered)
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
    return BasicSpendingFigures(lines=lines, change=Change(current=total, previous=previous_total))


@dataclass(frozen=True)
class SourceGroup:
    source: FundSource
    items: list[ProjectItem]
    subtotal: Decimal
    share: Decimal | None


@dataclass(frozen=True)
class ProjectSpendingFigures:
    groups: list[SourceGroup] = field(default_factory=list)
    # Items paid from no source the unit named (the source is optional).
    unassigned: list[ProjectItem] = field(default_factory=list)

    @property
    def unassigned_subtotal(self) -> Decimal:
        return sum((item.amount for item in self.unassigned), ZERO)

    @property
    def total(self) -> Decimal:
        return sum((group.subtotal for group in self.groups), self.unassigned_subtotal)

    @property
    def item_count(self) -> int:
        return sum(len(group.items) for group in self.groups) + len(self.unassigned)


def project_spending_figures(sources: Iterable[FundSource], items: Iterable[ProjectItem]) -> ProjectSpendingFigures:
    """Project items grouped by source of funds, in the sources' order, each group with its subtotal and share;
    items of no given source (an item's source is optional) apart, in ``unassigned``."""
    sources = sorted(sources, key=lambda s: (s.order, s.pk or 0))
    items_by_source: dict[int, list[ProjectItem]] = {source.pk: [] for source in sources}
    unassigned: list[ProjectItem] = []
    for item in sorted(items, key=lambda i: (i.order, i.pk or 0)):
        items_by_source.get(item.source_id, unassigned).append(item)
    subtotals = {pk: sum((item.amount for item in group), ZERO) for pk, group in items_by_source.items()}
    total = sum(subtotals.values(), sum((item.amount for item in unassigned), ZERO))
    groups = [
        SourceGroup(
            source=source,
            items=items_by_source[source.pk],
            subtotal=subtotals[source.pk],
            share=ratio(subtotals[source.pk], total),
        )
        for source in sources
    ]
    return ProjectSpendingFigures(groups=groups, unassigned=unassigned)


def execution_rate(executed: Decimal | None, budget: Decimal | None) -> Decimal | None:
    """执行率 = 全年执行数 ÷ 全年预算数."""
    return ratio(executed, budget)


def execution_score(rate: Decimal | None, weight: Decimal = FUNDS_WEIGHT) -> Decimal | None:
    """得分 = 分值 × 执行率, never above 分值 (财预〔2020〕10号): spending more than the budget earns nothing extra.
    Exact; round only for display. ``None`` when there is no rate (no full-year budget or no execution)."""
    if rate is None:
        return None
    return weight * min(rate, ONE)


def _sum_or_none(values: Iterable[Decimal | None]) -> Decimal | None:
    present = [value for value in values if value is not None]
    return sum(present, ZERO) if present else None


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
    total = ExecutionLine(
        label="年度资金总额",
        initial_budget=_sum_or_none(line.initial_budget for line in lines),
        full_year_budget=_sum_or_none(line.full_year_budget for line in lines),
        executed=_sum_or_none(line.executed for line in lines),
    )
    return ExecutionFigures(lines=lines, total=total)


def total_spending(basic: BasicSpendingFigures, project: ProjectSpendingFigures) -> Decimal | None:
    """Basic plus project spending: the unit's whole general-budget spending of the year (None while basic spending
    is unknown)."""
    return known_sum([basic.total, project.total])


# ---------------------------------------------------------------------------
# Totals stated without their parts (SpendingSummary), and whether they agree with the parts
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Mismatch:
    """A total stated beside the sum of its parts that disagrees with it: both figures and the difference."""

    stated: Decimal
    computed: Decimal

    @property
    def difference(self) -> Decimal:
        return self.stated - self.computed


def total_mismatch(stated: Decimal | None, computed: Decimal | None) -> Mismatch | None:
    """The disagreement between a stated total and the sum of its parts; None when they agree or either is
    unknown (a total without its parts, or parts without a total, contradict nothing)."""
    if stated is None or computed is None or stated == computed:
        return None
    return Mismatch(stated=stated, computed=computed)


def basic_parts_total(basic: BasicSpendingFigures) -> Decimal | None:
    """人员经费 + 日常公用经费 when the split was entered in full; None otherwise."""
    return basic.total if basic.lines else None


def project_parts_total(project: ProjectSpendingFigures) -> Decimal | None:
    """The sum of the project items when there are any; None when none were entered (a total stated alone)."""
    return project.total if project.item_count else None


@dataclass(frozen=True)
class SpendingTotals:
    """The year's totals as the unit can state them: each as entered in the summary, else as the sum of its
    parts where every part is known; None where neither is known."""

    budget: Decimal | None
    basic: Decimal | None
    project: Decimal | None
    total: Decimal | None

    @property
    def execution_rate(self) -> Decimal | None:
        """实际支出 ÷ 预算安排."""
        return execution_rate(self.total, self.budget)


def spending_totals(
    summary: SpendingSummary | None, basic: BasicSpendingFigures, project: ProjectSpendingFigures
) -> SpendingTotals:
    """The stated totals first: where a unit gives 基本支出合计 and also a split that disagrees, the editor shows the
    mismatch (:func:`total_mismatch`) and submission is refused; the stated figure is the one the unit signs."""

    def stated(name: str) -> Decimal | None:
        return getattr(summary, name) if summary is not None else None

    basic_total = stated("basic_total")
    if basic_total is None:
        basic_total = basic_parts_total(basic)
    project_total = stated("project_total")
    if project_total is None:
        project_total = project_parts_total(project)
    total = stated("total_spending")
    if total is None and basic_total is not None and project_total is not None:
        total = basic_total + project_total
    return SpendingTotals(budget=stated("total_budget"), basic=basic_total, project=project_total, total=total)
