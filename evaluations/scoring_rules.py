"""The scoring rules: how one indicator's inputs become points, with the sentence that says how.

Each rule is a small frozen dataclass with a ``score(...)`` over plain values, returning an :class:`Outcome` (the
points, or ``None`` and what is missing, and a Chinese explanation such as "实际完成值÷年度指标值 = 125.50%，得满分
5分"), and a ``describe()`` giving the 评分标准 in words. :mod:`evaluations.scoring` assembles them into schemes and
score sheets; the figures modules of budgets and achievements delegate their scores here, so that every scoring rule
has one home (issue 10).

Arithmetic is ``Decimal`` throughout and nothing is rounded until shown: :func:`format_score` rounds half-up to two
decimals for display. No rule scores below 0 or above its weight. Blank is not zero: a missing input gives no points
and says what is missing, never 0.

The explanations are report text and stay Chinese whatever the reader's language; the messages that refuse an input
(a qualitative score outside its tier) are interface text and are translated.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .money import HUNDRED, MINUS, as_percent, format_wan, plain_quantity, quantize_half_up

ZERO = Decimal("0")
ONE = Decimal("1")

# Indicator directions, spelled as achievements.models.Indicator.Direction stores them so records pass straight in.
AT_LEAST = "ge"
AT_MOST = "le"
EQUAL = "eq"
QUALITATIVE = "qualitative"
DIRECTIONS = (AT_LEAST, AT_MOST, EQUAL, QUALITATIVE)

# The measure every scheme may read for the budget execution rate (全年执行数 ÷ 全年预算数): the national funds block
# scores it, and the platform rules (the cap, "under 90% needs a reason") read it.
EXECUTION_RATE = "budget_execution_rate"


# ---------------------------------------------------------------------------
# Showing numbers: half-up, and only here
# ---------------------------------------------------------------------------
def format_score(value: Decimal | None) -> str:
    """A score as shown everywhere: two decimals, rounded half-up (7.6 → "7.60"); none as ""."""
    if value is None:
        return ""
    return f"{quantize_half_up(value):.2f}"


def format_weight(value: Decimal) -> str:
    """A configured weight or step as people write it: 5 → "5", 0.50 → "0.5"."""
    return f"{plain_quantity(value):f}"


def pct(ratio: Decimal) -> str:
    """A measured ratio in an explanation: 1.255 → "125.50%", −0.05 → "−5.00%" (the minus the report prints)."""
    percent = as_percent(ratio)
    text = f"{abs(percent):.2f}%"
    return f"{MINUS}{text}" if percent < 0 else text


def pct_plain(ratio: Decimal) -> str:
    """A configured threshold as people write it: 0.9 → "90%", 0.105 → "10.5%"."""
    return f"{format_weight(ratio * HUNDRED)}%"


def _clamp(points: Decimal, weight: Decimal) -> Decimal:
    return min(max(points, ZERO), weight)


# ---------------------------------------------------------------------------
# Outcomes and inputs
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Outcome:
    """What a rule made of its inputs: the points (``None`` when they cannot be computed), how they were reached,
    and what is missing."""

    points: Decimal | None
    explanation: str
    missing: tuple[str, ...] = ()
    not_applicable: bool = False

    @property
    def is_scored(self) -> bool:
        return self.points is not None


def unscored(*missing: str) -> Outcome:
    """No points: the inputs named are missing."""
    what = "、".join(missing)
    return Outcome(None, f"无法计算（缺少{what}）", tuple(missing))


def _invalid(explanation: str, what: str) -> Outcome:
    return Outcome(None, f"无法计算（{explanation}）", (what,))


@dataclass(frozen=True)
class Assessment:
    """A qualitative judgement: the tier the unit picked, the score inside the tier's range, and why."""

    tier: str
    score: Decimal | None
    reason: str = ""


@dataclass(frozen=True)
class UnitIndicator:
    """One of the unit's own indicators (产出/效益/满意度), as plain values; ``ref`` is the caller's handle (a pk)."""

    name: str
    level1: str
    level2: str = ""
    direction: str = AT_LEAST
    target: Decimal | None = None
    actual: Decimal | None = None
    weight: Decimal | None = None
    assessment: Assessment | None = None
    not_applicable: bool = False
    deviation_reason: str = ""
    ref: int | str | None = None


@dataclass(frozen=True)
class ScoringInputs:
    """Everything a scheme is scored on, as plain values.

    ``measures``: the common indicators by key (ratios as ratios, 1.0 for 100%; counts; amounts in 元), ``None`` or
    absent when unknown; the execution rate is the measure :data:`EXECUTION_RATE`. ``assessments``: the unit's
    judgement of the scheme's qualitative leaves, by leaf key. ``not_applicable``: leaf keys the unit marked 不适用.
    """

    measures: Mapping[str, Decimal | None] = field(default_factory=dict)
    indicators: Sequence[UnitIndicator] = ()
    assessments: Mapping[str, Assessment] = field(default_factory=dict)
    not_applicable: frozenset[str] = frozenset()
    execution_reason: str = ""

    @property
    def execution_rate(self) -> Decimal | None:
        return self.measures.get(EXECUTION_RATE)


# ---------------------------------------------------------------------------
# Proportional scoring: the ≥ / ≤ / = indicators and the measured rates
# ---------------------------------------------------------------------------
def completion_ratio(direction: str, target: Decimal | None, actual: Decimal | None) -> Decimal | None:
    """Actual against target as a ratio (1.255 for 125.5%); ``None`` for qualitative or incomplete indicators.

    ≥: actual ÷ target. ≤: target ÷ actual (staying under the ceiling counts as over-fulfilment; an actual of 0
    stays under any ceiling). =: 1 when the actual hits the target, otherwise the smaller over the larger.
    """
    if direction == QUALITATIVE or target is None or actual is None:
        return None
    if direction == AT_LEAST:
        return actual / target if target else None
    if direction == AT_MOST:
        return target / actual if actual else ONE
    if actual == target:
        return ONE
    return min(actual, target) / max(actual, target)


def falls_short(direction: str, target: Decimal | None, actual: Decimal | None) -> bool:
    """Whether the actual falls short of the target in the indicator's direction (a deviation reason is due)."""
    if direction == QUALITATIVE or target is None or actual is None:
        return False
    if direction == AT_LEAST:
        return actual < target
    if direction == AT_MOST:
        return actual > target
    return actual != target


def deviation_ratio(target: Decimal | None, actual: Decimal | None) -> Decimal | None:
    """How far the actual lies from the target, as a share of the target (|actual − target| ÷ target)."""
    if target is None or actual is None or target == 0:
        return None
    return abs(actual - target) / target


def proportional_points(weight: Decimal, ratio: Decimal) -> Decimal:
    """得分 = 分值 × completion, never above the weight (财预〔2020〕10号) nor below 0."""
    return weight * _clamp(ratio, ONE)


_RATIO_WORDS = {
    AT_LEAST: "实际完成值÷年度指标值",
    AT_MOST: "年度指标值÷实际完成值",
    EQUAL: "较小值÷较大值",
}


@dataclass(frozen=True)
class Proportional:
    """weight × actual/target for ≥, weight × target/actual for ≤, capped at the weight.

    On a scheme leaf it reads the leaf's measure against ``target`` (1 = 100%): 支付进度率, 固定资产利用率, the
    execution rate. On the unit's indicators the target is the indicator's own.
    """

    direction: str = AT_LEAST
    target: Decimal = ONE

    def score(
        self, weight: Decimal, actual: Decimal | None, target: Decimal | None = None, *, label: str = ""
    ) -> Outcome:
        target = self.target if target is None else target
        if actual is None:
            return unscored(label or "实际完成值")
        if self.direction == AT_LEAST and target == 0:
            return _invalid("年度指标值为0，无法按比例计分", "不为0的年度指标值")
        ratio = completion_ratio(self.direction, target, actual)
        if self.direction == AT_MOST and actual == 0:
            how = "实际完成值为0，未超过年度指标值"
        elif self.direction == EQUAL and actual == target:
            how = "实际完成值等于年度指标值"
        elif label and target == ONE and self.direction == AT_LEAST:
            how = f"{label} = {pct(ratio)}"
        else:
            how = f"{_RATIO_WORDS[self.direction]} = {pct(ratio)}"
        points = proportional_points(weight, ratio)
        if points == weight:
            return Outcome(points, f"{how}，得满分{format_weight(weight)}分")
        return Outcome(points, f"{how}，{format_weight(weight)}×{pct(ratio)} = {format_score(points)}分")

    def describe(self) -> str:
        if self.direction == AT_MOST:
            return "分值×年度指标值÷实际完成值，最高不超过分值"
        if self.direction == EQUAL:
            return "分值×（较小值÷较大值），最高不超过分值"
        if self.target == ONE:
            return "分值×完成比例（以100%为满分），最高不超过分值"
        return "分值×实际完成值÷年度指标值，最高不超过分值"


# ---------------------------------------------------------------------------
# Step tables
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Band:
    """A range of a measure and what it gives. ``None`` bounds are open ends; each bound says whether it is in."""

    lower: Decimal | None
    upper: Decimal | None
    value: Decimal
    lower_inclusive: bool = True
    upper_inclusive: bool = False

    def contains(self, x: Decimal) -> bool:
        if self.lower is not None and (x < self.lower or (x == self.lower and not self.lower_inclusive)):
            return False
        return not (self.upper is not None and (x > self.upper or (x == self.upper and not self.upper_inclusive)))

    def describe(self) -> str:
        low, high = self.lower, self.upper
        if low is not None and low == high:
            return f"等于{pct_plain(low)}"
        if low is None and high is None:
            return "任意值"
        if low is None:
            return f"{pct_plain(high)}及以下" if self.upper_inclusive else f"低于{pct_plain(high)}"
        if high is None:
            return f"{pct_plain(low)}及以上" if self.lower_inclusive else f"高于{pct_plain(low)}"
        left = "（含）" if self.lower_inclusive else "（不含）"
        right = "（含）" if self.upper_inclusive else "（不含）"
        return f"{pct_plain(low)}{left}至{pct_plain(high)}{right}"


def band_for(bands: Iterable[Band], x: Decimal) -> Band | None:
    return next((band for band in bands if band.contains(x)), None)


def band_problems(bands: Sequence[Band]) -> list[str]:
    """Where consecutive bands leave a gap or overlap, as the boundary in words; empty when they tile the line."""
    problems = []
    ordered = sorted(bands, key=lambda b: (b.lower is not None, b.lower or ZERO, not b.lower_inclusive))
    for band in ordered:
        if band.lower is not None and band.upper is not None:
            empty = band.lower > band.upper or (
                band.lower == band.upper and not (band.lower_inclusive and band.upper_inclusive)
            )
            if empty:
                problems.append(band.describe())
    for before, after in pairwise(ordered):
        meets = before.upper is not None and before.upper == after.lower
        if not meets or before.upper_inclusive == after.lower_inclusive:
            at = before.upper if before.upper is not None else after.lower
            problems.append(pct_plain(at) if at is not None else "—")
    return problems


@dataclass(frozen=True)
class StepTable:
    """Ordered bands of a measure → points, e.g. 重点支出安排率 ≥90% 5, [80%,90%) 4 …. Points are absolute, as the
    reference sheets print them, and never above the leaf's weight."""

    bands: tuple[Band, ...]

    def score(self, weight: Decimal, value: Decimal | None, *, label: str = "") -> Outcome:
        if value is None:
            return unscored(label or "计分数据")
        band = band_for(self.bands, value)
        name = label or "数值"
        if band is None:
            return _invalid(f"{name} {pct(value)} 不在评分标准的范围内", "评分标准范围内的数值")
        points = _clamp(band.value, weight)
        return Outcome(points, f"{name} = {pct(value)}，属于“{band.describe()}”档，得{format_weight(points)}分")

    def describe(self) -> str:
        return "；".join(f"{band.describe()}，{format_weight(band.value)}分" for band in self.bands)


# ---------------------------------------------------------------------------
# Linear deduction per percentage point beyond a threshold
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class LinearDeduction:
    """Full marks up to the threshold, then ``per_point`` off for every percentage point beyond it, down to 0
    (在职人员控制率: ≤100% full, −0.5 per point over). ``over=False`` deducts below the threshold instead."""

    threshold: Decimal
    per_point: Decimal
    over: bool = True

    def score(self, weight: Decimal, value: Decimal | None, *, label: str = "") -> Outcome:
        if value is None:
            return unscored(label or "计分数据")
        name = label or "数值"
        beyond = (value - self.threshold) if self.over else (self.threshold - value)
        side = "超出" if self.over else "低于"
        if beyond <= 0:
            not_side = "未超过" if self.over else "不低于"
            return Outcome(
                weight, f"{name} = {pct(value)}，{not_side}{pct_plain(self.threshold)}，得满分{format_weight(weight)}分"
            )
        points_beyond = beyond * HUNDRED
        deduction = points_beyond * self.per_point
        points = _clamp(weight - deduction, weight)
        shown_beyond = format_weight(quantize_half_up(points_beyond))
        how = (
            f"{name} = {pct(value)}（阈值{pct_plain(self.threshold)}），{side}阈值{shown_beyond}个百分点，"
            f"每个百分点扣{format_weight(self.per_point)}分，扣{format_score(deduction)}分"
        )
        if points == 0:
            return Outcome(points, f"{how}，扣完为止，得0分")
        return Outcome(points, f"{how}，得{format_score(points)}分")

    def describe(self) -> str:
        limit = "≤" if self.over else "≥"
        side = "超过" if self.over else "低于"
        return (
            f"{limit}{pct_plain(self.threshold)}得满分；每{side}1个百分点扣{format_weight(self.per_point)}分，扣完为止"
        )


# ---------------------------------------------------------------------------
# Counts: points per criterion met, or off per violation
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class PerItem:
    """管理制度健全性: ``points`` per criterion met, up to the weight. ``deduct=True``: 资金使用合规性, ``points``
    off the weight per violation, down to 0. The measure is a count."""

    points: Decimal
    deduct: bool = False
    noun: str = "项"

    def score(self, weight: Decimal, count: Decimal | None, *, label: str = "") -> Outcome:
        if count is None:
            return unscored(label or "计数")
        if count < 0 or count != count.to_integral_value():
            return _invalid(f"{label or '计数'}须为非负整数", "非负整数的计数")
        shown = format_weight(count)
        each = format_weight(self.points)
        if self.deduct:
            points = _clamp(weight - count * self.points, weight)
            if count == 0:
                return Outcome(points, f"无不符合要求的情况，得满分{format_weight(weight)}分")
            end = "，扣完为止" if points == 0 else ""
            return Outcome(
                points, f"不符合要求{shown}{self.noun}，每{self.noun}扣{each}分{end}，得{format_score(points)}分"
            )
        points = _clamp(count * self.points, weight)
        return Outcome(points, f"符合{shown}{self.noun}，每{self.noun}{each}分，得{format_score(points)}分")

    def describe(self) -> str:
        if self.deduct:
            return f"每出现1{self.noun}不符合要求的扣{format_weight(self.points)}分，扣完为止"
        return f"每符合1{self.noun}得{format_weight(self.points)}分"


# ---------------------------------------------------------------------------
# Carry-over against last year (资金结余)
# ---------------------------------------------------------------------------
CARRYOVER_AMOUNT = "carryover_amount"
PREVIOUS_CARRYOVER_AMOUNT = "previous_carryover_amount"


@dataclass(frozen=True)
class CarryoverRule:
    """无结余 → ``none_points``; 有结余但不超过上年结转 → ``not_above_points``; 超过上年结转 → ``above_points``.

    Reads two amounts in 元: :data:`CARRYOVER_AMOUNT` (年末结转结余 this year) and
    :data:`PREVIOUS_CARRYOVER_AMOUNT` (上年结转, carried into this year)."""

    none_points: Decimal
    not_above_points: Decimal
    above_points: Decimal = ZERO

    def score(self, weight: Decimal, carryover: Decimal | None, previous: Decimal | None) -> Outcome:
        if carryover is None:
            return unscored("年末结转结余")
        if carryover == 0:
            points = _clamp(self.none_points, weight)
            return Outcome(points, f"年末无结转结余，得{format_weight(points)}分")
        if previous is None:
            return unscored("上年结转")
        amounts = f"年末结转结余{format_wan(carryover)}万元，上年结转{format_wan(previous)}万元"
        if carryover <= previous:
            points = _clamp(self.not_above_points, weight)
            return Outcome(points, f"{amounts}，有结余但未超过上年结转，得{format_weight(points)}分")
        points = _clamp(self.above_points, weight)
        return Outcome(points, f"{amounts}，结余超过上年结转，得{format_weight(points)}分")

    def describe(self) -> str:
        return (
            f"无结余，{format_weight(self.none_points)}分；有结余但不超过上年结转，"
            f"{format_weight(self.not_above_points)}分；结余超过上年结转，{format_weight(self.above_points)}分"
        )


# ---------------------------------------------------------------------------
# Qualitative tiers
# ---------------------------------------------------------------------------
QUALITATIVE_NO_TIER = _("请选择评价档次（达成、部分达成或未达成）。")
QUALITATIVE_NO_SCORE = _("请在所选档次的范围内填写得分。")
QUALITATIVE_OUT_OF_RANGE = _("“%(tier)s”档的得分须在%(low)s至%(high)s分之间。")
QUALITATIVE_NO_REASON = _("请说明评分理由。")


@dataclass(frozen=True)
class Tier:
    """A qualitative tier: its score lies in [low × weight, high × weight], both ends included."""

    key: str
    label: str
    low: Decimal
    high: Decimal


ACHIEVED = "achieved"
PARTLY = "partly"
NOT_ACHIEVED = "not_achieved"


@dataclass(frozen=True)
class Tiers:
    """The tiers a unit picks from (达成 / 部分达成 / 未达成 with their ranges as fractions of the weight)."""

    tiers: tuple[Tier, ...]

    def get(self, key: str) -> Tier | None:
        return next((tier for tier in self.tiers if tier.key == key), None)

    def range_for(self, weight: Decimal, tier: Tier) -> tuple[Decimal, Decimal]:
        return weight * tier.low, weight * tier.high

    def check(self, weight: Decimal, assessment: Assessment) -> None:
        """Refuse a judgement the scheme does not allow, with the message the form shows next to the field."""
        tier = self.get(assessment.tier)
        if tier is None:
            raise ValidationError(QUALITATIVE_NO_TIER, code="tier")
        if assessment.score is None:
            raise ValidationError(QUALITATIVE_NO_SCORE, code="score")
        low, high = self.range_for(weight, tier)
        if not low <= assessment.score <= high:
            raise ValidationError(
                QUALITATIVE_OUT_OF_RANGE,
                code="out_of_range",
                params={"tier": tier.label, "low": format_score(low), "high": format_score(high)},
            )
        if not assessment.reason.strip():
            raise ValidationError(QUALITATIVE_NO_REASON, code="reason")

    def score(self, weight: Decimal, assessment: Assessment | None) -> Outcome:
        """The unit's judgement as points. A judgement :meth:`check` would refuse leaves the leaf unscored, saying
        why, so that stored data the scheme no longer allows is never silently scored."""
        tier = None if assessment is None else self.get(assessment.tier)
        if tier is None:
            return unscored("评价档次")
        if assessment.score is None:
            return unscored("自评得分")
        low, high = self.range_for(weight, tier)
        span = f"{format_score(low)}至{format_score(high)}分"
        if not low <= assessment.score <= high:
            return _invalid(
                f"得分{format_score(assessment.score)}分超出“{tier.label}”档的{span}", "所选档次范围内的得分"
            )
        if not assessment.reason.strip():
            return unscored("评分理由")
        return Outcome(
            assessment.score,
            f"自评为“{tier.label}”（该档{span}），得{format_score(assessment.score)}分：{assessment.reason.strip()}",
        )

    def describe(self) -> str:
        return "；".join(
            f"{tier.label}，得分值的{format_weight(tier.high * HUNDRED)}%至{format_weight(tier.low * HUNDRED)}%"
            for tier in self.tiers
        )


def _tiers(partly_low: str) -> Tiers:
    low = Decimal(partly_low)
    return Tiers(
        (
            Tier(ACHIEVED, "达成", Decimal("0.8"), ONE),
            Tier(PARTLY, "部分达成", low, Decimal("0.8")),
            Tier(NOT_ACHIEVED, "未达成", ZERO, low),
        )
    )


# 100–80% / 80–60% / 60–0% of the weight (财预〔2020〕10号); some provinces use 100–80 / 80–50 / 50–0.
THREE_TIERS = _tiers("0.6")
THREE_TIERS_80_50 = _tiers("0.5")


@dataclass(frozen=True)
class Qualitative:
    """A scheme leaf the unit judges itself (预决算信息公开性, 资产管理安全性): a tier, a score inside it, a reason."""

    tiers: Tiers = THREE_TIERS

    def score(self, weight: Decimal, assessment: Assessment | None) -> Outcome:
        return self.tiers.score(weight, assessment)

    def describe(self) -> str:
        return self.tiers.describe()


# ---------------------------------------------------------------------------
# The unit's own indicators
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class IndicatorScore:
    """One of the unit's indicators on the sheet: its score on its own 分值, and how it was reached."""

    indicator: UnitIndicator
    points: Decimal | None
    explanation: str
    missing: tuple[str, ...] = ()

    @property
    def not_applicable(self) -> bool:
        return self.indicator.not_applicable


def _reviewed_row(row: IndicatorScore, reviewed: Mapping[object, Decimal] | None) -> IndicatorScore:
    if not reviewed or row.not_applicable or row.indicator.ref not in reviewed:
        return row
    points = reviewed[row.indicator.ref]
    return IndicatorScore(row.indicator, points, f"复核得{format_score(points)}分")


def score_indicator(indicator: UnitIndicator, tiers: Tiers = THREE_TIERS) -> IndicatorScore:
    """The unit's indicator on its own 分值: proportional when quantitative, the unit's judgement when qualitative."""
    if indicator.not_applicable:
        return IndicatorScore(indicator, None, "不适用，不计分")
    if indicator.direction not in DIRECTIONS:
        outcome = _invalid("指标性质无效", "指标性质")
    elif indicator.weight is None:
        outcome = unscored("分值")
    elif indicator.direction == QUALITATIVE:
        outcome = tiers.score(indicator.weight, indicator.assessment)
    else:
        absent = [
            what
            for what, value in (("年度指标值", indicator.target), ("实际完成值", indicator.actual))
            if value is None
        ]
        if absent:
            outcome = unscored(*absent)
        else:
            outcome = Proportional(indicator.direction).score(indicator.weight, indicator.actual, indicator.target)
    return IndicatorScore(indicator, outcome.points, outcome.explanation, outcome.missing)


@dataclass(frozen=True)
class UnitIndicators:
    """A placeholder leaf: its weight is shared among the unit's own indicators whose 一级指标 names one of
    ``level1_words`` (e.g. 产出), by their own 分值. When their 分值 add up to the leaf's weight, the leaf's score is
    simply the sum of theirs."""

    level1_words: tuple[str, ...]

    def covers(self, indicator: UnitIndicator) -> bool:
        return any(word in indicator.level1 for word in self.level1_words)

    def score(
        self,
        weight: Decimal,
        indicators: Sequence[UnitIndicator],
        tiers: Tiers = THREE_TIERS,
        reviewed: Mapping[object, Decimal] | None = None,
    ) -> tuple[Outcome, tuple[IndicatorScore, ...]]:
        """The leaf's outcome and every covered indicator's row (not-applicable ones included, unscored).
        ``reviewed``: points given by a reviewer on an indicator's own 分值, by its ``ref``, standing for what the
        indicator would score; the leaf adds and rescales them like any other row."""
        words = "、".join(self.level1_words)
        rows = tuple(
            _reviewed_row(score_indicator(indicator, tiers), reviewed)
            for indicator in indicators
            if self.covers(indicator)
        )
        if not rows:
            return unscored(f"{words}类绩效指标"), rows
        applicable = [row for row in rows if not row.not_applicable]
        if not applicable:
            return Outcome(None, "全部指标不适用，不计分", not_applicable=True), rows
        missing = tuple(
            f"“{row.indicator.name}”的{what}" for row in applicable if row.points is None for what in row.missing
        )
        if missing:
            return Outcome(None, f"无法计算（缺少{'、'.join(missing)}）", missing), rows
        own_weight = sum((row.indicator.weight for row in applicable), ZERO)
        if own_weight == 0:
            return unscored(f"{words}类绩效指标的分值"), rows
        raw = sum((row.points for row in applicable), ZERO)
        count, shown_weight = len(applicable), format_weight(own_weight)
        how = f"{words}类指标{count}项，得分合计{format_score(raw)}分（分值合计{shown_weight}分）"
        if own_weight == weight:
            return Outcome(raw, f"{how}，得{format_score(raw)}分"), rows
        # Multiply before dividing: one rounding, in the last of 28 digits, and min() keeps it within the weight.
        points = _clamp(weight * raw / own_weight, weight)
        return (
            Outcome(
                points,
                f"{how}，按本项分值{format_weight(weight)}分折算：{format_weight(weight)}×{format_score(raw)}÷"
                f"{format_weight(own_weight)} = {format_score(points)}分",
            ),
            rows,
        )

    def describe(self) -> str:
        return f"按单位填报的{'、'.join(self.level1_words)}类绩效指标计分，各指标按其分值分享本项分值"


Rule = Proportional | StepTable | LinearDeduction | PerItem | CarryoverRule | Qualitative | UnitIndicators
