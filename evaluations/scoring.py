"""The scoring engine: schemes as data, and a scheme applied to an evaluation's inputs.

A scheme (:class:`SchemeSpec`, 评分方案) is plain data: the 一级/二级/三级 structure with weights, each leaf's rule
(:mod:`evaluations.scoring_rules`), the grade bands and the optional platform rules (the execution-rate cap, the
deduction for large deviations, "an execution rate under 90% needs a reason"). The shipped schemes are in
:mod:`evaluations.schemes`; a bureau's own copy round-trips through :meth:`SchemeSpec.to_data` /
:meth:`SchemeSpec.from_data`, so a published report can keep the exact scheme it was scored with.

:func:`score_evaluation` returns a :class:`ScoreSheet`: the total, the grade, each subtotal, every leaf with its
explanation, the adjustments with their reasons and what is missing. It runs no queries; callers gather the inputs.

Rules of the arithmetic, all on ``Decimal``:
- Nothing is rounded until shown; a grade is read from the total as shown, so a printed 90.00 is never 良.
- Blank is not zero: while any input is missing there is no total and no grade (a partial sum is never passed off
  as a total); :attr:`ScoreSheet.missing` says what is missing.
- The total is the sum of :attr:`ScoreSheet.parts` (the 一级 subtotals, then the rescaling, deductions and cap, each
  listed with its reason) and lies in [0, 100].
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy as _

from .money import FEN, HUNDRED, quantize_half_up
from .scoring_rules import (
    AT_LEAST,
    AT_MOST,
    CARRYOVER_AMOUNT,
    EQUAL,
    EXECUTION_RATE,
    ONE,
    PREVIOUS_CARRYOVER_AMOUNT,
    QUALITATIVE,
    THREE_TIERS,
    ZERO,
    Band,
    CarryoverRule,
    IndicatorScore,
    LinearDeduction,
    Outcome,
    PerItem,
    Proportional,
    Qualitative,
    Rule,
    ScoringInputs,
    StepTable,
    Tier,
    Tiers,
    UnitIndicator,
    UnitIndicators,
    band_for,
    band_problems,
    deviation_ratio,
    falls_short,
    format_score,
    format_weight,
    pct,
    pct_plain,
    unscored,
)

FULL_MARKS = HUNDRED


# ---------------------------------------------------------------------------
# A scheme: structure, grades, platform rules
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Leaf:
    """A 三级指标: its stable key (what the inputs are keyed by), its weight and its rule. ``formula`` is how its
    measure is computed (shown under the table); ``needs`` names its inputs in words, for "无法计算（缺少…）"."""

    key: str
    name: str
    weight: Decimal
    rule: Rule
    formula: str = ""
    needs: str = ""


@dataclass(frozen=True)
class Level2:
    name: str
    weight: Decimal
    leaves: tuple[Leaf, ...]


@dataclass(frozen=True)
class Level1:
    name: str
    weight: Decimal
    groups: tuple[Level2, ...]


@dataclass(frozen=True)
class GradeBands:
    """Grades by the lowest total each needs, highest first. The total is read as shown, rounded half-up to
    ``precision``: with 0.01, 89.995 shows as 90.00 and is 优; the whole-point variant (100–90 / 89–80 / 79–60 /
    59–0) rounds to whole points, so 89.5 is 90 and 优, 89.49 is 89 and 良."""

    bands: tuple[tuple[Decimal, str], ...]
    precision: Decimal = FEN

    def shown(self, total: Decimal) -> Decimal:
        return quantize_half_up(total, self.precision)

    def grade(self, total: Decimal) -> str:
        shown = self.shown(total)
        return next((label for lower, label in self.bands if shown >= lower), self.bands[-1][1])

    def describe(self) -> str:
        parts = []
        upper: Decimal | None = None
        for lower, label in self.bands:
            if self.precision == ONE:
                top = FULL_MARKS if upper is None else upper - ONE
                parts.append(f"{label}：{format_weight(lower)}–{format_weight(top)}分")
            elif upper is None:
                parts.append(f"{label}：{format_weight(lower)}分及以上")
            else:
                parts.append(f"{label}：{format_weight(lower)}分（含）至{format_weight(upper)}分（不含）")
            upper = lower
        return "；".join(parts)


def _grades(precision: Decimal) -> GradeBands:
    return GradeBands(
        ((Decimal("90"), "优"), (Decimal("80"), "良"), (Decimal("60"), "中"), (ZERO, "差")), precision=precision
    )


# 优 ≥ 90, 良 80–<90, 中 60–<80, 差 < 60; some bureaus print 100–90 / 89–80 / 79–60 / 59–0 on whole points.
STANDARD_GRADES = _grades(FEN)
WHOLE_POINT_GRADES = _grades(ONE)


@dataclass(frozen=True)
class ExecutionCap:
    """A platform rule: the total may not exceed the cap of the band the execution rate falls in (70%–80% → at
    most 89 …). A rate in no band is not capped."""

    bands: tuple[Band, ...]

    def cap_for(self, rate: Decimal) -> Band | None:
        return band_for(self.bands, rate)

    def describe(self) -> str:
        return "；".join(f"预算执行率{band.describe()}，总分最高{format_weight(band.value)}分" for band in self.bands)


@dataclass(frozen=True)
class DeviationDeduction:
    """A platform rule: each of the unit's quantitative indicators whose actual lies ``threshold`` or more from its
    target (either way, unless ``shortfall_only``) loses ``points`` off the total, unless a deviation reason is
    given."""

    threshold: Decimal
    points: Decimal
    shortfall_only: bool = False

    def describe(self) -> str:
        way = "未完成且偏离" if self.shortfall_only else "偏离"
        return (
            f"实际完成值{way}年度指标值{pct_plain(self.threshold)}及以上且未说明偏差原因的，每项扣"
            f"{format_weight(self.points)}分"
        )


@dataclass(frozen=True)
class SchemeSpec:
    """A scoring scheme (评分方案) as plain data. ``tiers`` are the ones the unit's qualitative indicators use;
    ``reason_below``: an execution rate under it needs a reason (``None``: never)."""

    key: str
    name: str
    description: str
    sections: tuple[Level1, ...]
    grades: GradeBands = STANDARD_GRADES
    tiers: Tiers = THREE_TIERS
    execution_cap: ExecutionCap | None = None
    deviation_deduction: DeviationDeduction | None = None
    reason_below: Decimal | None = Decimal("0.9")

    def leaves(self) -> list[Leaf]:
        return [leaf for level1 in self.sections for level2 in level1.groups for leaf in level2.leaves]

    def leaf(self, key: str) -> Leaf | None:
        return next((leaf for leaf in self.leaves() if leaf.key == key), None)

    @property
    def measure_keys(self) -> list[str]:
        """Every measure the scheme reads, in order: what the integrator must compute from the unit's data."""
        keys: list[str] = []
        for leaf in self.leaves():
            for key in _measures_of(leaf):
                if key not in keys:
                    keys.append(key)
        if (self.execution_cap is not None or self.reason_below is not None) and EXECUTION_RATE not in keys:
            keys.append(EXECUTION_RATE)
        return keys

    def to_data(self) -> dict[str, Any]:
        """JSON-ready data (Decimals as strings): a bureau's copy, or the scheme a published report was scored
        with."""
        return scheme_to_data(self)

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> SchemeSpec:
        return scheme_from_data(data)

    def validate(self) -> list[str]:
        """Every violation, in Chinese: weights that do not add up, empty levels, duplicate keys, tables with gaps
        or overlaps, tiers, grades and platform rules out of range. Empty when the scheme is usable."""
        return _scheme_problems(self)


def _measures_of(leaf: Leaf) -> tuple[str, ...]:
    if isinstance(leaf.rule, CarryoverRule):
        return (CARRYOVER_AMOUNT, PREVIOUS_CARRYOVER_AMOUNT)
    if isinstance(leaf.rule, Qualitative | UnitIndicators):
        return ()
    return (leaf.key,)


# ---------------------------------------------------------------------------
# Validating a scheme
# ---------------------------------------------------------------------------
SCHEME_TOTAL = _("一级指标分值合计为%(total)s分，应为100分。")
SCHEME_CHILDREN = _("“%(name)s”的下级指标分值合计为%(total)s分，应等于其分值%(weight)s分。")
SCHEME_EMPTY = _("“%(name)s”没有下级指标。")
SCHEME_NO_SECTIONS = _("评分方案没有指标。")
SCHEME_WEIGHT = _("“%(name)s”的分值须大于0。")
SCHEME_BLANK = _("有指标未填写代码或名称。")
SCHEME_DUPLICATE_KEY = _("指标代码“%(key)s”重复。")
SCHEME_BANDS = _("“%(name)s”的评分档次在%(at)s处不连续或有重叠。")
SCHEME_POINTS = _("“%(name)s”各档得分须在0至%(weight)s分之间。")
SCHEME_STEP = _("“%(name)s”每个百分点或每项的分值须大于0。")
SCHEME_DIRECTION = _("“%(name)s”的指标性质无效。")
SCHEME_TIERS = _("定性评价档次须至少一档，代码不重复，得分比例在0至1之间且下限不高于上限：%(tier)s。")
SCHEME_OVERLAP = _("单位绩效指标“%(word)s”同时归入了多个指标。")
SCHEME_GRADES = _("等级须从高到低排列，最低一档从0分起。")
SCHEME_CAP = _("执行率封顶的档次在%(at)s处不连续或有重叠，或封顶分数不在0至100分之间。")
SCHEME_DEVIATION = _("偏差扣分的偏离比例和扣分须大于0。")
SCHEME_REASON = _("须说明原因的执行率界限须在0至1之间。")


def _positive(value: Decimal) -> bool:
    return value.is_finite() and value > 0


def _scheme_problems(spec: SchemeSpec) -> list[str]:
    problems: list[str] = []
    if not spec.sections:
        problems.append(str(SCHEME_NO_SECTIONS))
    total = sum((level1.weight for level1 in spec.sections), ZERO)
    if spec.sections and total != FULL_MARKS:
        problems.append(SCHEME_TOTAL % {"total": format_weight(total)})
    seen: set[str] = set()
    placed: dict[str, str] = {}
    for level1 in spec.sections:
        problems += _children_problems(level1.name, level1.weight, [level2.weight for level2 in level1.groups])
        for level2 in level1.groups:
            problems += _children_problems(level2.name, level2.weight, [leaf.weight for leaf in level2.leaves])
            for leaf in level2.leaves:
                if not leaf.key.strip() or not leaf.name.strip():
                    problems.append(str(SCHEME_BLANK))
                elif leaf.key in seen:
                    problems.append(SCHEME_DUPLICATE_KEY % {"key": leaf.key})
                seen.add(leaf.key)
                if not _positive(leaf.weight):
                    problems.append(SCHEME_WEIGHT % {"name": leaf.name})
                problems += _rule_problems(leaf)
                if isinstance(leaf.rule, UnitIndicators):
                    for word in leaf.rule.level1_words:
                        if any(word in other or other in word for other in placed):
                            problems.append(SCHEME_OVERLAP % {"word": word})
                        placed[word] = leaf.key
    problems += _tier_problems(spec.tiers)
    bands = spec.grades.bands
    lowers = [lower for lower, _ in bands]
    if not bands or lowers != sorted(set(lowers), reverse=True) or lowers[-1] != 0 or lowers[0] > FULL_MARKS:
        problems.append(str(SCHEME_GRADES))
    if spec.execution_cap is not None:
        cap_bands = spec.execution_cap.bands
        gaps = band_problems(cap_bands)
        if gaps or any(not ZERO <= band.value <= FULL_MARKS for band in cap_bands):
            problems.append(SCHEME_CAP % {"at": "、".join(gaps) or "—"})
    deviation = spec.deviation_deduction
    if deviation is not None and not (_positive(deviation.threshold) and _positive(deviation.points)):
        problems.append(str(SCHEME_DEVIATION))
    if spec.reason_below is not None and not ZERO <= spec.reason_below <= ONE:
        problems.append(str(SCHEME_REASON))
    return problems


def _children_problems(name: str, weight: Decimal, children: list[Decimal]) -> list[str]:
    if not children:
        return [SCHEME_EMPTY % {"name": name}]
    problems = [] if _positive(weight) else [SCHEME_WEIGHT % {"name": name}]
    total = sum(children, ZERO)
    if total != weight:
        problems.append(
            SCHEME_CHILDREN % {"name": name, "total": format_weight(total), "weight": format_weight(weight)}
        )
    return problems


def _rule_problems(leaf: Leaf) -> list[str]:
    rule, name = leaf.rule, leaf.name
    points_problem = SCHEME_POINTS % {"name": name, "weight": format_weight(leaf.weight)}
    if isinstance(rule, StepTable):
        gaps = band_problems(rule.bands)
        problems = [SCHEME_BANDS % {"name": name, "at": at} for at in gaps]
        if not rule.bands:
            problems.append(SCHEME_BANDS % {"name": name, "at": "—"})
        if any(not ZERO <= band.value <= leaf.weight for band in rule.bands):
            problems.append(points_problem)
        return problems
    if isinstance(rule, LinearDeduction | PerItem):
        step = rule.per_point if isinstance(rule, LinearDeduction) else rule.points
        return [] if _positive(step) else [SCHEME_STEP % {"name": name}]
    if isinstance(rule, CarryoverRule):
        values = (rule.none_points, rule.not_above_points, rule.above_points)
        return [] if all(ZERO <= value <= leaf.weight for value in values) else [points_problem]
    if isinstance(rule, Proportional):
        valid = rule.direction in (AT_LEAST, AT_MOST, EQUAL) and rule.target >= 0
        return [] if valid else [SCHEME_DIRECTION % {"name": name}]
    if isinstance(rule, Qualitative):
        return _tier_problems(rule.tiers)
    return []


def _tier_problems(tiers: Tiers) -> list[str]:
    keys = [tier.key for tier in tiers.tiers]
    if not tiers.tiers or len(set(keys)) != len(keys):
        return [SCHEME_TIERS % {"tier": "、".join(keys) or "—"}]
    return [
        SCHEME_TIERS % {"tier": tier.label}
        for tier in tiers.tiers
        if not (ZERO <= tier.low <= tier.high <= ONE) or not tier.key.strip() or not tier.label.strip()
    ]


class InvalidScheme(ValueError):
    """Scoring with a scheme that does not validate: its problems are in ``problems``; ``name``: the scheme's, when
    it could be read at all."""

    def __init__(self, problems: list[str], name: str = ""):
        super().__init__("；".join(problems))
        self.problems = problems
        self.name = name


def unit_weight_problems(spec: SchemeSpec, indicators: Sequence[UnitIndicator]) -> list[str]:
    """Where the unit's own 分值 do not add up to the scheme's leaf they share, and indicators no leaf takes: what
    submission checks (the sheet still scores them, rescaled, so the editor can show a live figure)."""
    placed, unplaced = _place(spec, indicators)
    problems = []
    for leaf in spec.leaves():
        if isinstance(leaf.rule, UnitIndicators):
            applicable = [i for i in placed.get(leaf.key, []) if not i.not_applicable]
            weights = [i.weight for i in applicable]
            if applicable and None not in weights and (total := sum(weights, ZERO)) != leaf.weight:
                params = {"name": leaf.name, "total": format_weight(total), "weight": format_weight(leaf.weight)}
                problems.append(UNIT_WEIGHTS % params)
    problems += [UNIT_UNPLACED % {"name": i.name, "level1": i.level1} for i in unplaced]
    return problems


UNIT_WEIGHTS = _("“%(name)s”各项绩效指标的分值合计为%(total)s分，应为%(weight)s分。")
UNIT_UNPLACED = _("绩效指标“%(name)s”的一级指标“%(level1)s”不在评分方案中，不计分。")


# ---------------------------------------------------------------------------
# The score sheet
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class LeafScore:
    """A 三级指标 on the sheet. ``points`` is ``None`` when it cannot be computed or does not apply; ``standard`` is
    the rule in words (评分标准); ``indicators`` are the unit's own rows of a placeholder leaf."""

    leaf: Leaf
    points: Decimal | None
    explanation: str
    not_applicable: bool = False
    missing: tuple[str, ...] = ()
    indicators: tuple[IndicatorScore, ...] = ()

    @property
    def key(self) -> str:
        return self.leaf.key

    @property
    def name(self) -> str:
        return self.leaf.name

    @property
    def weight(self) -> Decimal:
        return self.leaf.weight

    @property
    def standard(self) -> str:
        return self.leaf.rule.describe()


def _subtotal(scores: Sequence[LeafScore | Level2Score]) -> Decimal | None:
    applicable = [score for score in scores if not score.not_applicable]
    if any(score.points is None for score in applicable):
        return None
    return sum((score.points for score in applicable), ZERO)


@dataclass(frozen=True)
class Level2Score:
    name: str
    weight: Decimal
    leaves: tuple[LeafScore, ...]

    @property
    def not_applicable(self) -> bool:
        return all(leaf.not_applicable for leaf in self.leaves)

    @property
    def points(self) -> Decimal | None:
        """The sum of its applicable leaves; ``None`` while any of them is unscored."""
        return _subtotal(self.leaves)


@dataclass(frozen=True)
class Level1Score:
    name: str
    weight: Decimal
    groups: tuple[Level2Score, ...]

    @property
    def not_applicable(self) -> bool:
        return all(group.not_applicable for group in self.groups)

    @property
    def points(self) -> Decimal | None:
        return _subtotal(self.groups)


RESCALE = "rescale"
DEVIATION = "deviation"
EXECUTION_CAP = "execution_cap"


@dataclass(frozen=True)
class Adjustment:
    """A part of the total besides the 一级 subtotals: the rescaling for not-applicable leaves (positive), a
    deduction or the execution-rate cap (negative), each with why."""

    kind: str
    points: Decimal
    reason: str


@dataclass(frozen=True)
class MissingInput:
    """An input without which a leaf (or the cap) cannot be scored: ``key`` is the leaf's, ``what`` the input."""

    key: str
    name: str
    what: str

    @property
    def message(self) -> str:
        return f"{self.name}：无法计算（缺少{self.what}）"


@dataclass(frozen=True)
class ScoreSheet:
    """A scheme applied to an evaluation: the total, the grade, each subtotal, every leaf with its explanation,
    the adjustments, and what is missing. ``total`` and ``grade`` are ``None`` while anything is missing."""

    scheme: SchemeSpec
    sections: tuple[Level1Score, ...]
    adjustments: tuple[Adjustment, ...]
    missing: tuple[MissingInput, ...]
    total: Decimal | None
    grade: str | None
    notes: tuple[str, ...] = ()
    reasons_needed: tuple[str, ...] = ()
    unplaced: tuple[UnitIndicator, ...] = ()

    @property
    def is_complete(self) -> bool:
        return self.total is not None

    @property
    def parts(self) -> list[Decimal]:
        """What the total is the sum of, in order: the 一级 subtotals, then every adjustment."""
        if self.total is None:
            return []
        return [level1.points for level1 in self.sections] + [adjustment.points for adjustment in self.adjustments]

    @property
    def deductions(self) -> list[Adjustment]:
        return [adjustment for adjustment in self.adjustments if adjustment.points < 0]

    @property
    def shown_total(self) -> str:
        """The total as printed: two decimals, or whole points under whole-point grades."""
        if self.total is None:
            return ""
        return f"{self.scheme.grades.shown(self.total):f}"

    @property
    def scored_points(self) -> Decimal:
        """The sum of the leaves scored so far: the editor's running figure while inputs are missing, never a
        total."""
        return sum((leaf.points for leaf in self.leaves() if leaf.points is not None), ZERO)

    def leaves(self) -> list[LeafScore]:
        return [leaf for level1 in self.sections for group in level1.groups for leaf in group.leaves]

    def leaf(self, key: str) -> LeafScore | None:
        return next((leaf for leaf in self.leaves() if leaf.key == key), None)


def _place(
    spec: SchemeSpec, indicators: Sequence[UnitIndicator]
) -> tuple[dict[str, list[UnitIndicator]], list[UnitIndicator]]:
    """Each of the unit's indicators to the first placeholder leaf that takes it (so none counts twice), and those
    no leaf takes."""
    placeholders = [leaf for leaf in spec.leaves() if isinstance(leaf.rule, UnitIndicators)]
    placed: dict[str, list[UnitIndicator]] = {}
    unplaced = []
    for indicator in indicators:
        leaf = next((leaf for leaf in placeholders if leaf.rule.covers(indicator)), None)
        if leaf is None:
            unplaced.append(indicator)
        else:
            placed.setdefault(leaf.key, []).append(indicator)
    return placed, unplaced


def unplaced_indicators(spec: SchemeSpec, indicators: Sequence[UnitIndicator]) -> list[UnitIndicator]:
    """The unit's indicators whose 一级指标 no placeholder leaf of the scheme takes: they are not scored."""
    return _place(spec, indicators)[1]


@dataclass(frozen=True)
class Reviewed:
    """Points a reviewer (the finance bureau's 复核) gives in place of what the rules give: ``leaves`` by leaf key, on
    the leaf's weight; ``indicators`` by the unit indicator's ``ref``, on its own 分值. A reviewed leaf is that many
    points whatever its rows say; a placeholder leaf whose rows were reviewed adds and rescales them as it would its
    own rows. Everything else (not-applicable rescaling, deductions, the cap, the grade) follows the scheme."""

    leaves: Mapping[str, Decimal] = field(default_factory=dict)
    indicators: Mapping[object, Decimal] = field(default_factory=dict)


def _score_leaf(
    spec: SchemeSpec,
    leaf: Leaf,
    inputs: ScoringInputs,
    placed: dict[str, list[UnitIndicator]],
    reviewed: Reviewed | None = None,
) -> LeafScore:
    if leaf.key in inputs.not_applicable:
        return LeafScore(leaf, None, "不适用，不计分，其余指标得分按比例折算", not_applicable=True)
    rule, label = leaf.rule, leaf.name
    rows: tuple[IndicatorScore, ...] = ()
    if isinstance(rule, UnitIndicators):
        by_ref = reviewed.indicators if reviewed else None
        outcome, rows = rule.score(leaf.weight, placed.get(leaf.key, []), spec.tiers, by_ref)
    elif isinstance(rule, Qualitative):
        outcome = rule.score(leaf.weight, inputs.assessments.get(leaf.key))
    elif isinstance(rule, CarryoverRule):
        measures = inputs.measures
        outcome = rule.score(leaf.weight, measures.get(CARRYOVER_AMOUNT), measures.get(PREVIOUS_CARRYOVER_AMOUNT))
    else:
        value = inputs.measures.get(leaf.key)
        outcome = unscored(leaf.needs or label) if value is None else _score_measure(rule, leaf, value)
    if reviewed and leaf.key in reviewed.leaves:
        points = reviewed.leaves[leaf.key]
        return LeafScore(leaf, points, f"复核得{format_score(points)}分", indicators=rows)
    return LeafScore(leaf, outcome.points, outcome.explanation, outcome.not_applicable, outcome.missing, rows)


def _score_measure(rule: Rule, leaf: Leaf, value: Decimal) -> Outcome:
    if isinstance(rule, Proportional):
        return rule.score(leaf.weight, value, label=leaf.name)
    if isinstance(rule, StepTable | LinearDeduction | PerItem):
        return rule.score(leaf.weight, value, label=leaf.name)
    raise TypeError(f"unknown rule {rule!r}")


def score_evaluation(spec: SchemeSpec, inputs: ScoringInputs, *, reviewed: Reviewed | None = None) -> ScoreSheet:
    """Apply a scheme to an evaluation's inputs.

    Order: every leaf on its own weight; the not-applicable leaves' weight given back by rescaling the rest to 100
    (one listed part, so the 分值 column keeps the scheme's weights); the deviation deductions (each at most what is
    left); last the execution-rate cap, which bounds the final total. Raises :class:`InvalidScheme` for a scheme
    whose weights do not add up: scoring against it would print a total out of something other than 100.
    ``reviewed``: the bureau's points in place of the rules' (:class:`Reviewed`), the rest of the sheet unchanged."""
    if problems := spec.validate():
        raise InvalidScheme(problems, name=spec.name)
    placed, unplaced = _place(spec, inputs.indicators)

    def group(level2: Level2) -> Level2Score:
        leaves = tuple(_score_leaf(spec, leaf, inputs, placed, reviewed) for leaf in level2.leaves)
        return Level2Score(level2.name, level2.weight, leaves)

    sections = tuple(
        Level1Score(level1.name, level1.weight, tuple(group(level2) for level2 in level1.groups))
        for level1 in spec.sections
    )
    leaves = [leaf for level1 in sections for group in level1.groups for leaf in group.leaves]
    missing = [
        MissingInput(leaf.key, leaf.name, what) for leaf in leaves if leaf.points is None for what in leaf.missing
    ]
    notes: list[str] = []
    rate = inputs.execution_rate
    if spec.execution_cap is not None and rate is None:
        missing.append(MissingInput(EXECUTION_RATE, "总分封顶", "预算执行率"))
    reasons_needed = []
    if spec.reason_below is not None and rate is not None and rate < spec.reason_below:
        if inputs.execution_reason.strip():
            notes.append(f"预算执行率为{pct(rate)}，低于{pct_plain(spec.reason_below)}，已说明原因。")
        else:
            reasons_needed.append(f"预算执行率为{pct(rate)}，低于{pct_plain(spec.reason_below)}，须说明原因。")
    notes += [f"绩效指标“{i.name}”的一级指标“{i.level1}”不在评分方案中，未计分。" for i in unplaced]
    dropped = [leaf for leaf in leaves if leaf.not_applicable]
    if len(dropped) == len(leaves):
        missing.append(MissingInput("", "总分", "至少一项适用的指标"))
    if missing:
        return ScoreSheet(
            spec, sections, (), tuple(missing), None, None, tuple(notes), tuple(reasons_needed), tuple(unplaced)
        )

    running = ZERO
    for level1 in sections:
        running += level1.points
    adjustments: list[Adjustment] = []
    dropped_weight = sum((leaf.weight for leaf in dropped), ZERO)
    if dropped_weight:
        remaining = FULL_MARKS - dropped_weight
        # running × 100 ÷ remaining, as a part: running × dropped ÷ remaining. Exact when every applicable leaf has
        # full marks (then it is the dropped weight itself); the min() keeps the last digit's rounding under 100.
        gain = min(running * dropped_weight / remaining, FULL_MARKS - running)
        names = "、".join(f"“{leaf.name}”" for leaf in dropped)
        adjustments.append(
            Adjustment(
                RESCALE,
                gain,
                f"{names}不适用，分值共{format_weight(dropped_weight)}分不计；其余指标得分{format_score(running)}分"
                f"按100÷{format_weight(remaining)}折算为{format_score(running + gain)}分，增加{format_score(gain)}分",
            )
        )
        running += gain
    for adjustment in _deviation_deductions(spec, leaves, notes):
        points = min(-adjustment.points, running)
        reason = adjustment.reason if points == -adjustment.points else f"{adjustment.reason}（扣至0分为止）"
        adjustments.append(Adjustment(DEVIATION, -points, reason))
        running -= points
    if spec.execution_cap is not None:
        band = spec.execution_cap.cap_for(rate)
        if band is not None:
            where = f"预算执行率为{pct(rate)}，属于“{band.describe()}”档，总分最高{format_weight(band.value)}分"
            if running > band.value:
                cut = band.value - running
                adjustments.append(Adjustment(EXECUTION_CAP, cut, f"{where}，扣减{format_score(-cut)}分"))
                running += cut
            else:
                notes.append(f"{where}，总分未超过封顶分数。")
    return ScoreSheet(
        spec,
        sections,
        tuple(adjustments),
        (),
        running,
        spec.grades.grade(running),
        tuple(notes),
        tuple(reasons_needed),
        tuple(unplaced),
    )


def _deviation_deductions(spec: SchemeSpec, leaves: list[LeafScore], notes: list[str]) -> list[Adjustment]:
    """The unit's scored quantitative indicators far from target without a reason, as full-size deductions."""
    rule = spec.deviation_deduction
    if rule is None:
        return []
    found = []
    for row in (row for leaf in leaves if not leaf.not_applicable for row in leaf.indicators):
        indicator = row.indicator
        if row.points is None or indicator.direction == QUALITATIVE:
            continue
        if rule.shortfall_only and not falls_short(indicator.direction, indicator.target, indicator.actual):
            continue
        deviation = deviation_ratio(indicator.target, indicator.actual)
        if deviation is None or deviation < rule.threshold:
            continue
        what = f"“{indicator.name}”实际完成值偏离年度指标值{pct(deviation)}，达到{pct_plain(rule.threshold)}"
        if indicator.deviation_reason.strip():
            notes.append(f"{what}，已说明偏差原因，不扣分。")
        else:
            reason = f"{what}，未说明偏差原因，扣{format_weight(rule.points)}分"
            found.append(Adjustment(DEVIATION, -rule.points, reason))
    return found


# ---------------------------------------------------------------------------
# A scheme as data: what a bureau's copy and a published report's frozen scheme are stored as
# ---------------------------------------------------------------------------
SCHEME_DATA = _("评分方案数据不完整或格式有误：%(detail)s")


def _text(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:f}"


def _band_data(band: Band) -> dict[str, Any]:
    return {
        "lower": _text(band.lower),
        "upper": _text(band.upper),
        "value": _text(band.value),
        "lower_inclusive": band.lower_inclusive,
        "upper_inclusive": band.upper_inclusive,
    }


def _tiers_data(tiers: Tiers) -> list[dict[str, Any]]:
    return [{"key": t.key, "label": t.label, "low": _text(t.low), "high": _text(t.high)} for t in tiers.tiers]


def rule_to_data(rule: Rule) -> dict[str, Any]:
    """A rule as JSON-ready data: Decimals as strings, so nothing is lost to floats."""
    if isinstance(rule, Proportional):
        return {"kind": "proportional", "direction": rule.direction, "target": _text(rule.target)}
    if isinstance(rule, StepTable):
        return {"kind": "step_table", "bands": [_band_data(band) for band in rule.bands]}
    if isinstance(rule, LinearDeduction):
        data = {"threshold": _text(rule.threshold), "per_point": _text(rule.per_point), "over": rule.over}
        return {"kind": "linear_deduction", **data}
    if isinstance(rule, PerItem):
        return {"kind": "per_item", "points": _text(rule.points), "deduct": rule.deduct, "noun": rule.noun}
    if isinstance(rule, CarryoverRule):
        return {
            "kind": "carryover",
            "none_points": _text(rule.none_points),
            "not_above_points": _text(rule.not_above_points),
            "above_points": _text(rule.above_points),
        }
    if isinstance(rule, Qualitative):
        return {"kind": "qualitative", "tiers": _tiers_data(rule.tiers)}
    if isinstance(rule, UnitIndicators):
        return {"kind": "unit_indicators", "level1_words": list(rule.level1_words)}
    raise TypeError(f"unknown rule {rule!r}")


def _dec(value: Any) -> Decimal:
    # Strings and ints only: a float would bring its binary error into the scheme.
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(f"not a number: {value!r}")
    number = Decimal(value)
    if not number.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return number


def _dec_or_none(value: Any) -> Decimal | None:
    return None if value is None else _dec(value)


def _band(data: dict[str, Any]) -> Band:
    return Band(
        _dec_or_none(data["lower"]),
        _dec_or_none(data["upper"]),
        _dec(data["value"]),
        bool(data["lower_inclusive"]),
        bool(data["upper_inclusive"]),
    )


def _tiers_from(data: list[dict[str, Any]]) -> Tiers:
    return Tiers(tuple(Tier(str(t["key"]), str(t["label"]), _dec(t["low"]), _dec(t["high"])) for t in data))


def rule_from_data(data: dict[str, Any]) -> Rule:
    """The inverse of :func:`rule_to_data`; raises ``KeyError``/``ValueError`` on malformed data."""
    kind = data["kind"]
    if kind == "proportional":
        return Proportional(str(data["direction"]), _dec(data["target"]))
    if kind == "step_table":
        return StepTable(tuple(_band(band) for band in data["bands"]))
    if kind == "linear_deduction":
        return LinearDeduction(_dec(data["threshold"]), _dec(data["per_point"]), bool(data["over"]))
    if kind == "per_item":
        return PerItem(_dec(data["points"]), bool(data["deduct"]), str(data["noun"]))
    if kind == "carryover":
        return CarryoverRule(_dec(data["none_points"]), _dec(data["not_above_points"]), _dec(data["above_points"]))
    if kind == "qualitative":
        return Qualitative(_tiers_from(data["tiers"]))
    if kind == "unit_indicators":
        return UnitIndicators(tuple(str(word) for word in data["level1_words"]))
    raise ValueError(f"unknown rule kind {kind!r}")


def scheme_to_data(spec: SchemeSpec) -> dict[str, Any]:
    """The whole scheme as JSON-ready data (see :func:`scheme_from_data`)."""
    cap, deviation = spec.execution_cap, spec.deviation_deduction
    return {
        "key": spec.key,
        "name": spec.name,
        "description": spec.description,
        "sections": [
            {
                "name": level1.name,
                "weight": _text(level1.weight),
                "groups": [
                    {
                        "name": level2.name,
                        "weight": _text(level2.weight),
                        "leaves": [
                            {
                                "key": leaf.key,
                                "name": leaf.name,
                                "weight": _text(leaf.weight),
                                "rule": rule_to_data(leaf.rule),
                                "formula": leaf.formula,
                                "needs": leaf.needs,
                            }
                            for leaf in level2.leaves
                        ],
                    }
                    for level2 in level1.groups
                ],
            }
            for level1 in spec.sections
        ],
        "grades": {
            "bands": [[_text(lower), label] for lower, label in spec.grades.bands],
            "precision": _text(spec.grades.precision),
        },
        "tiers": _tiers_data(spec.tiers),
        "execution_cap": None if cap is None else {"bands": [_band_data(band) for band in cap.bands]},
        "deviation_deduction": None
        if deviation is None
        else {
            "threshold": _text(deviation.threshold),
            "points": _text(deviation.points),
            "shortfall_only": deviation.shortfall_only,
        },
        "reason_below": _text(spec.reason_below),
    }


def scheme_from_data(data: dict[str, Any]) -> SchemeSpec:
    """A scheme from :func:`scheme_to_data`'s data. Malformed data raises :class:`InvalidScheme` with a Chinese
    message; data that reads but does not add up is for :meth:`SchemeSpec.validate` to report."""
    try:
        cap, deviation = data["execution_cap"], data["deviation_deduction"]
        return SchemeSpec(
            key=str(data["key"]),
            name=str(data["name"]),
            description=str(data["description"]),
            sections=tuple(
                Level1(
                    str(level1["name"]),
                    _dec(level1["weight"]),
                    tuple(
                        Level2(
                            str(level2["name"]),
                            _dec(level2["weight"]),
                            tuple(
                                Leaf(
                                    str(leaf["key"]),
                                    str(leaf["name"]),
                                    _dec(leaf["weight"]),
                                    rule_from_data(leaf["rule"]),
                                    str(leaf.get("formula", "")),
                                    str(leaf.get("needs", "")),
                                )
                                for leaf in level2["leaves"]
                            ),
                        )
                        for level2 in level1["groups"]
                    ),
                )
                for level1 in data["sections"]
            ),
            grades=GradeBands(
                tuple((_dec(lower), str(label)) for lower, label in data["grades"]["bands"]),
                _dec(data["grades"]["precision"]),
            ),
            tiers=_tiers_from(data["tiers"]),
            execution_cap=None if cap is None else ExecutionCap(tuple(_band(band) for band in cap["bands"])),
            deviation_deduction=None
            if deviation is None
            else DeviationDeduction(
                _dec(deviation["threshold"]), _dec(deviation["points"]), bool(deviation["shortfall_only"])
            ),
            reason_below=_dec_or_none(data["reason_below"]),
        )
    except (KeyError, TypeError, ValueError, InvalidOperation) as error:
        raise InvalidScheme([SCHEME_DATA % {"detail": error}]) from error
