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

from .models import BasicSpending, BudgetExecution, FundSource, ProjectItem

ZERO = Decimal("0")
ONE = Decimal("1")

# 分值 of the funds block (预算执行) in the national 自评表 (财预〔2020〕10号): 10 of 100 points. Provinces configure it
# differently (Hubei gives 20, Hunan city sheets split 投入 15 / 过程 40; domain.md §3), so callers that know their
# province's weight pass it; this is only the national default.
FUNDS_WEIGHT = Decimal("10")


@dataclass(frozen=True)
class Change:
    """This year against last year."""

    current: Decimal
    previous: Decimal

    @property
    def amount(self) -> Decimal:
        return self.current - self.previous

    @property
    def rate(self) -> Decimal | None:
        """Change ÷ last year; ``None`` when last year was zero (there is no rate to speak of)."""
        return ratio(self.amount, self.previous)

    @property
    def is_increase(self) -> bool:
        return self.amount > 0

    @property
    def is_decrease(self) -> bool:
        return self.amount < 0


@dataclass(frozen=True)
class BasicLine:
    category: str
    label: str
    change: Change
    reason: str
    share: Decimal | None

    @property
    def amount(self) -> Decimal:
        return self.change.current

    @property
    def previous_amount(self) -> Decimal:
        return self.change.previous


@dataclass(frozen=True)
class BasicSpendingFigures:
    lines: list[BasicLine]
    change: Change

    @property
    def total(self) -> Decimal:
        return self.change.current

    @property
    def previous_total(self) -> Decimal:
        return self.change.previous

    def line(self, category: str) -> BasicLine | None:
        return next((line for line in self.lines if line.category == category), None)


def basic_spending_figures(rows: Iterable[BasicSpending]) -> BasicSpendingFigures:
    """Totals, changes and shares of basic spending, in the fixed category order (人员经费, 日常公用经费)."""
    by_category = {row.category: row for row in rows}
    ordered = [by_category[c] for c in BasicSpending.Category.values if c in by_category]
    total = sum((row.amount for row in ordered), ZERO)
    previous_total = sum((row.previous_amount for row in ordered), ZERO)
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

    @property
    def total(self) -> Decimal:
        return sum((group.subtotal for group in self.groups), ZERO)

    @property
    def item_count(self) -> int:
        return sum(len(group.items) for group in self.groups)


def project_spending_figures(sources: Iterable[FundSource], items: Iterable[ProjectItem]) -> ProjectSpendingFigures:
    """Project items grouped by source of funds, in the sources' order, each group with its subtotal and share."""
    sources = sorted(sources, key=lambda s: (s.order, s.pk or 0))
    items_by_source: dict[int, list[ProjectItem]] = {source.pk: [] for source in sources}
    for item in sorted(items, key=lambda i: (i.order, i.pk or 0)):
        items_by_source.setdefault(item.source_id, []).append(item)
    subtotals = {pk: sum((item.amount for item in group), ZERO) for pk, group in items_by_source.items()}
    total = sum(subtotals.values(), ZERO)
    groups = [
        SourceGroup(
            source=source,
            items=items_by_source[source.pk],
            subtotal=subtotals[source.pk],
            share=ratio(subtotals[source.pk], total),
        )
        for source in sources
    ]
    return ProjectSpendingFigures(groups=groups)


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


def total_spending(basic: BasicSpendingFigures, project: ProjectSpendingFigures) -> Decimal:
    """Basic plus project spending: the unit's whole general-budget spending of the year."""
    return basic.total + project.total
