"""Derived budget figures: totals, shares, year-on-year changes, source-of-funds subtotals, execution rates and the
funds block's score.

This is the one implementation. The editor, the HTML report, the PDF and the spreadsheets all read their figures
from here. Functions take already-fetched rows and run no queries, so callers control the query count.

Blank is not zero (issue 9): an amount nobody entered is ``None``, and every figure derived from it is ``None`` too.
A total is the entered total when there is one, else the sum of its parts when every part is known; a partial sum
is never passed off as a total.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from evaluations.measures import AMOUNT, CHANGE, COUNT, Measure
from evaluations.money import ratio
from evaluations.scoring_rules import CARRYOVER_AMOUNT, EXECUTION_RATE, PREVIOUS_CARRYOVER_AMOUNT, proportional_points

from .models import BasicSpending, BudgetExecution, CommonFigures, FundSource, ProjectItem, SpendingSummary

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
    # The BudgetExecution.Kind of the line ("" for 年度资金总额 and the breakdowns' sums): where it is typed.
    kind: str = ""

    @property
    def rate(self) -> Decimal | None:
        return execution_rate(self.executed, self.full_year_budget)

    @property
    def is_empty(self) -> bool:
        return self.initial_budget is None and self.full_year_budget is None and self.executed is None

    def score(self, weight: Decimal = FUNDS_WEIGHT) -> Decimal | None:
        return execution_score(self.rate, weight)


# The columns both breakdowns carry, with the names the 自评表 gives them.
FUNDS_COLUMNS = {"initial_budget": "年初预算数", "full_year_budget": "全年预算数", "executed": "全年执行数"}


@dataclass(frozen=True)
class BreakdownMismatch:
    """One column of the funds block whose two breakdowns are both complete and disagree (元)."""

    column: str
    label: str
    spending: Decimal
    sources: Decimal


@dataclass(frozen=True)
class ExecutionFigures:
    """The funds block of the 自评表. ``lines``: 基本支出 and 项目支出; ``sources``: under "其中", 财政拨款,
    上年结转资金 and 其他资金; ``total``: 年度资金总额, column by column the known sum of one complete breakdown."""

    lines: list[ExecutionLine]
    total: ExecutionLine
    sources: list[ExecutionLine] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return all(line.is_empty for line in [*self.lines, *self.sources])

    @property
    def spending_total(self) -> ExecutionLine:
        """基本支出 + 项目支出, column by column, where both lines are known."""
        return _sum_line("基本支出与项目支出", self.lines)

    @property
    def sources_total(self) -> ExecutionLine:
        """财政拨款 + 上年结转资金 + 其他资金, column by column, where all three lines are known."""
        return _sum_line("财政拨款、上年结转资金与其他资金", self.sources)

    @property
    def known_sources(self) -> list[ExecutionLine]:
        """The source lines with at least one figure: the ones a report prints."""
        return [line for line in self.sources if not line.is_empty]

    def mismatches(self) -> list[BreakdownMismatch]:
        """The columns in which both breakdowns are complete and their sums differ."""
        spending, sources = self.spending_total, self.sources_total
        found = []
        for name, label in FUNDS_COLUMNS.items():
            by_spending, by_source = getattr(spending, name), getattr(sources, name)
            if by_spending is not None and by_source is not None and by_spending != by_source:
                found.append(BreakdownMismatch(name, label, by_spending, by_source))
        return found


def _sum_line(label: str, lines: list[ExecutionLine]) -> ExecutionLine:
    return ExecutionLine(label, *(known_sum(getattr(line, name) for line in lines) for name in FUNDS_COLUMNS))


def _execution_lines(by_kind: dict[str, BudgetExecution], kinds: Iterable[str]) -> list[ExecutionLine]:
    return [
        ExecutionLine(
            label=BudgetExecution.Kind(kind).label,
            initial_budget=getattr(by_kind.get(kind), "initial_budget", None),
            full_year_budget=getattr(by_kind.get(kind), "full_year_budget", None),
            executed=getattr(by_kind.get(kind), "executed", None),
            kind=kind,
        )
        for kind in kinds
    ]


def execution_figures(rows: Iterable[BudgetExecution]) -> ExecutionFigures:
    """The funds block: basic and project lines and the source lines in the 自评表's order, and their total
    (年度资金总额).

    The total of a column is the sum of 基本支出 and 项目支出 when both are known, else the sum of the three sources
    when all three are known, else unknown: basic spending alone, or 财政拨款 alone, is not 年度资金总额. When both
    breakdowns are complete and disagree the spending one is printed and budgets.checks refuses the submission."""
    by_kind = {row.kind: row for row in rows}
    lines = _execution_lines(by_kind, BudgetExecution.SPENDING_KINDS)
    sources = _execution_lines(by_kind, BudgetExecution.SOURCES)
    by_spending, by_source = _sum_line("", lines), _sum_line("", sources)
    total = ExecutionLine(
        "年度资金总额",
        *(
            getattr(by_spending, name) if getattr(by_spending, name) is not None else getattr(by_source, name)
            for name in FUNDS_COLUMNS
        ),
    )
    return ExecutionFigures(lines=lines, total=total, sources=sources)


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


# ---------------------------------------------------------------------------
# Common indicators (财预〔2013〕53号 附件2): the measures the scoring engine reads by key
# ---------------------------------------------------------------------------
# An execution rate under this asks for a reason (domain.md §7), as the engine's default ``reason_below`` does.
REASON_BELOW = Decimal("0.9")

# The keys of the computed measures, as evaluations.schemes.COMMON_INDICATORS names them (EXECUTION_RATE,
# CARRYOVER_AMOUNT and PREVIOUS_CARRYOVER_AMOUNT are the engine's own constants).
BUDGET_COMPLETION_RATE = "budget_completion_rate"
THREE_PUBLIC_CHANGE_RATE = "three_public_change_rate"
KEY_SPENDING_RATE = "key_spending_rate"
BUDGET_ADJUSTMENT_RATE = "budget_adjustment_rate"
PAYMENT_PROGRESS_RATE = "payment_progress_rate"
CARRYOVER_RATE = "carryover_rate"
PUBLIC_FUNDS_CONTROL_RATE = "public_funds_control_rate"
THREE_PUBLIC_CONTROL_RATE = "three_public_control_rate"
PROCUREMENT_EXECUTION_RATE = "procurement_execution_rate"
FIXED_ASSET_USE_RATE = "fixed_asset_use_rate"
MANAGEMENT_RULES = "management_rules"
FUNDS_COMPLIANCE = "funds_compliance"

THREE_PUBLIC_LABELS = {"abroad": "因公出国（境）费", "vehicles": "公务用车购置及运行费", "reception": "公务接待费"}
_KIND_LABELS = dict(BudgetExecution.Kind.choices)

# An input of a formula: its value (None when unknown) and the names of the entered figures it lacks. A sum of
# several inputs lacks what any of them lacks.
Input = tuple[Decimal | None, tuple[str, ...]]


def execution_lines_needing_reason(execution: ExecutionFigures) -> list[ExecutionLine]:
    """The lines (基本, 项目, 年度资金总额) whose execution rate is under 90%: the page asks for the reason."""
    return [line for line in [*execution.lines, execution.total] if line.rate is not None and line.rate < REASON_BELOW]


def _column(rows: dict[str, BudgetExecution], name: str, label: str) -> Input:
    """A column of the funds block over both lines, and the lines that lack it (“项目支出上年结转”): like the other
    columns, a total only when both lines are known."""
    values = {kind: getattr(rows.get(kind), name, None) for kind in BudgetExecution.SPENDING_KINDS}
    missing = tuple(f"{_KIND_LABELS[kind]}{label}" for kind, value in values.items() if value is None)
    return (None if missing else sum(values.values(), ZERO)), missing


def _total_column(rows: dict[str, BudgetExecution], name: str, label: str) -> Input:
    """A column of 年度资金总额 as :func:`execution_figures` takes it: the 基本/项目 sum, else the sum of the three
    sources when all are known. What it lacks is named on the 基本/项目 lines, the breakdown every unit has."""
    by_spending = _column(rows, name, label)
    if by_spending[0] is not None:
        return by_spending
    by_source = known_sum(getattr(rows.get(kind), name, None) for kind in BudgetExecution.SOURCES)
    return (by_source, ()) if by_source is not None else by_spending


def _sum(*parts: Input) -> Input:
    missing = tuple(name for _value, names in parts for name in names)
    return (None if missing else sum((value for value, _names in parts), ZERO)), missing


def _named(value: Decimal | None, name: str) -> Input:
    return value, (() if value is not None else (name,))


def _difference(minuend: Input, subtrahend: Input) -> Input:
    missing = minuend[1] + subtrahend[1]
    return (None if missing else minuend[0] - subtrahend[0]), missing


def _rate(key: str, numerator: Input, denominator: Input, denominator_name: str) -> Measure:
    """numerator ÷ denominator where each is (value, missing input names) and may be a sum of several inputs."""
    missing = numerator[1] + denominator[1]
    if missing:
        return Measure(key, None, missing)
    if denominator[0] == 0:
        return Measure(key, None, zero=denominator_name)
    return Measure(key, numerator[0] / denominator[0])


def _three_public(common: CommonFigures, column: str, when: str) -> Input:
    """本年 or 上年 “三公经费” (the three items' sum), naming each item that is missing. A unit without one of the
    items enters 0 for it: blank is unknown."""
    return _sum(
        *(_named(getattr(common, f"{item}_{column}"), f"{label}{when}") for item, label in THREE_PUBLIC_LABELS.items())
    )


@dataclass(frozen=True)
class CommonMeasures:
    """Every computed common indicator by its key in :data:`evaluations.schemes.COMMON_INDICATORS`, in the
    catalogue's order. ``measures`` is what :class:`evaluations.scoring_rules.ScoringInputs` takes; ``missing``
    says, per key without a value, which inputs nobody entered."""

    results: dict[str, Measure]

    @property
    def measures(self) -> dict[str, Decimal | None]:
        return {key: result.value for key, result in self.results.items()}

    @property
    def missing(self) -> dict[str, tuple[str, ...]]:
        return {key: result.missing for key, result in self.results.items() if result.value is None}

    def __getitem__(self, key: str) -> Measure:
        return self.results[key]

    def __iter__(self) -> Iterator[Measure]:
        return iter(self.results.values())


def common_indicators(
    common: CommonFigures | None,
    execution: Iterable[BudgetExecution],
    *,
    operating_actual: Decimal | None,
    project_total: Decimal | None,
    staff_control: Measure,
) -> CommonMeasures:
    """The common indicators from the fetched rows; no queries.

    ``common``: the evaluation's :class:`CommonFigures` (None when never saved: everything unknown). ``execution``:
    its :class:`BudgetExecution` lines. ``operating_actual``: 日常公用经费 本年决算数 from basic spending, the actual
    公用经费. ``project_total``: 项目支出合计 as the report states it (:func:`spending_totals`).
    ``staff_control``: :func:`evaluations.measures.staff_control_rate` of the profile's staffing.

    Ratios are exact ratios (1 for 100%); ``carryover_amount`` and ``previous_carryover_amount`` are amounts in 元
    (the Hunan 结转结余 rule compares them); ``management_rules`` and ``funds_compliance`` are counts."""
    common = common or CommonFigures()
    rows = {row.kind: row for row in execution}
    carried_in = _column(rows, "carryover_from_last_year", "上年结转")
    initial = _column(rows, "initial_budget", "年初预算数")
    additions = _column(rows, "additions", "本年追加")
    reductions = _column(rows, "reductions", "本年调减")
    full_year = _column(rows, "full_year_budget", "全年预算数")
    carried_out = _column(rows, "year_end_carryover", "年末结转结余")
    # 预算完成率 as the Hunan sheets define it (domain.md §7): the budget available is 上年结转 + 年初预算 + 追加;
    # the sheets subtract no 调减, and the formula the note prints is theirs.
    available = _sum(carried_in, initial, additions)
    completed = _difference(available, carried_out)
    this_year = _three_public(common, "actual", "本年实际支出")
    results = [
        # 预算执行率 is the rate of 年度资金总额, whichever breakdown gives it; the formulas below read the adjustment
        # columns, which only the 基本/项目 lines carry.
        _rate(
            EXECUTION_RATE,
            _total_column(rows, "executed", "全年执行数"),
            _total_column(rows, "full_year_budget", "全年预算数"),
            "全年预算数",
        ),
        _rate(BUDGET_COMPLETION_RATE, completed, available, "上年结转、年初预算与本年追加之和"),
        staff_control,
        _three_public_change(this_year, _three_public(common, "previous_actual", "上年实际支出")),
        _rate(
            KEY_SPENDING_RATE,
            _named(common.key_project_spending, "重点项目支出"),
            _named(project_total, "项目支出合计"),
            "项目支出合计",
        ),
        # 预算调整数: 追加 and 调减 both count as adjustment, so they add up rather than cancel.
        _rate(BUDGET_ADJUSTMENT_RATE, _sum(additions, reductions), initial, "年初预算数"),
        _rate(
            PAYMENT_PROGRESS_RATE,
            _named(common.payment_progress_actual, "实际支付进度"),
            _named(common.payment_progress_planned, "既定支付进度"),
            "既定支付进度",
        ),
        _rate(CARRYOVER_RATE, carried_out, full_year, "全年预算数"),
        Measure(CARRYOVER_AMOUNT, carried_out[0], carried_out[1], kind=AMOUNT),
        Measure(PREVIOUS_CARRYOVER_AMOUNT, carried_in[0], carried_in[1], kind=AMOUNT),
        _rate(
            PUBLIC_FUNDS_CONTROL_RATE,
            _named(operating_actual, "日常公用经费本年决算数"),
            _named(common.public_funds_budget, "公用经费预算数"),
            "公用经费预算数",
        ),
        _rate(THREE_PUBLIC_CONTROL_RATE, this_year, _three_public(common, "budget", "本年预算数"), "“三公经费”预算数"),
        _rate(
            PROCUREMENT_EXECUTION_RATE,
            _named(common.procurement_actual, "实际政府采购金额"),
            _named(common.procurement_budget, "政府采购预算数"),
            "政府采购预算数",
        ),
        _rate(
            FIXED_ASSET_USE_RATE,
            _named(common.fixed_assets_in_use, "在用固定资产"),
            _named(common.fixed_assets_total, "固定资产总额"),
            "固定资产总额",
        ),
        _count(MANAGEMENT_RULES, common.rules_met, "管理制度健全性符合的项数"),
        _count(FUNDS_COMPLIANCE, common.violations, "资金使用不合规的例数"),
    ]
    return CommonMeasures({result.key: result for result in results})


def _three_public_change(this_year: Input, last_year: Input) -> Measure:
    """“三公经费”变动率 = (本年 − 上年) ÷ 上年: negative when the unit spent less."""
    missing = this_year[1] + last_year[1]
    if missing:
        return Measure(THREE_PUBLIC_CHANGE_RATE, None, missing, kind=CHANGE)
    if last_year[0] == 0:
        return Measure(THREE_PUBLIC_CHANGE_RATE, None, zero="上年“三公经费”", kind=CHANGE)
    return Measure(THREE_PUBLIC_CHANGE_RATE, (this_year[0] - last_year[0]) / last_year[0], kind=CHANGE)


def _count(key: str, value: int | None, name: str) -> Measure:
    return Measure(key, None if value is None else Decimal(value), () if value is not None else (name,), kind=COUNT)


def common_measures(
    common: CommonFigures | None,
    execution: Iterable[BudgetExecution],
    *,
    operating_actual: Decimal | None,
    project_total: Decimal | None,
    staff_control: Measure,
) -> dict[str, Decimal | None]:
    """The measures for :class:`evaluations.scoring_rules.ScoringInputs`, by key (see :func:`common_indicators`
    for the arguments and for what is missing)."""
    return common_indicators(
        common, execution, operating_actual=operating_actual, project_total=project_total, staff_control=staff_control
    ).measures
