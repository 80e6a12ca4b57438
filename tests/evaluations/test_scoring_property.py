"""For any inputs, under both shipped schemes (with and without the platform rules and with either grade variant):
a sheet with a total has it within [0, 100], equal to the sum of its parts, graded by the total as shown; a sheet
with anything missing has no total and says what is missing; no leaf scores outside [0, its weight]."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from django.test import SimpleTestCase
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluations.schemes import BUILTIN, PLATFORM_DEVIATION_DEDUCTION, PLATFORM_EXECUTION_CAP
from evaluations.scoring import STANDARD_GRADES, WHOLE_POINT_GRADES, score_evaluation
from evaluations.scoring_rules import (
    ACHIEVED,
    DIRECTIONS,
    NOT_ACHIEVED,
    PARTLY,
    THREE_TIERS,
    Assessment,
    CarryoverRule,
    LinearDeduction,
    PerItem,
    Qualitative,
    ScoringInputs,
    UnitIndicator,
    UnitIndicators,
)

ZERO = Decimal("0")


def decimals(low: str, high: str, places: int = 4) -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=Decimal(low), max_value=Decimal(high), places=places, allow_nan=False)


@st.composite
def maybe(draw, strategy, complete: bool):
    # A complete sheet draws no blanks; otherwise about one value in four is blank.
    if not complete and draw(st.integers(0, 3)) == 0:
        return None
    return draw(strategy)


@st.composite
def assessments(draw, complete: bool):
    tier = draw(st.sampled_from([ACHIEVED, PARTLY, NOT_ACHIEVED] + ([] if complete else ["unknown"])))
    score = draw(decimals("0", "30", 2))
    return Assessment(tier, score, draw(st.sampled_from(["理由", ""] if not complete else ["理由"])))


@st.composite
def unit_indicators(draw, complete: bool, level1: str | None = None):
    direction = draw(st.sampled_from(DIRECTIONS))
    # A complete sheet has usable figures: a weight above 0, a target above 0, a judgement inside its tier.
    low = "0.01" if complete else "0"
    weight = draw(maybe(decimals(low, "50", 2), complete))
    assessment = draw(maybe(assessments(complete), complete))
    if complete and weight is not None and THREE_TIERS.get(assessment.tier) is not None:
        bottom, top = THREE_TIERS.range_for(weight, THREE_TIERS.get(assessment.tier))
        assessment = replace(assessment, score=draw(decimals(str(bottom), str(top), 4)))
    return UnitIndicator(
        name=draw(st.sampled_from(["甲", "乙", "丙"])),
        level1=level1 or draw(st.sampled_from(["产出指标", "效益指标", "满意度指标", "成本指标", "效果指标", "其他"])),
        direction=direction,
        target=draw(maybe(decimals(low, "1000"), complete)),
        actual=draw(maybe(decimals("0", "1000"), complete)),
        weight=weight,
        assessment=assessment,
        not_applicable=draw(st.integers(0, 5)) == 0,
        deviation_reason=draw(st.sampled_from(["", "原因"])),
    )


@st.composite
def schemes_and_inputs(draw):
    scheme = draw(st.sampled_from(sorted(BUILTIN.values(), key=lambda s: s.key)))
    scheme = replace(
        scheme,
        grades=draw(st.sampled_from([STANDARD_GRADES, WHOLE_POINT_GRADES])),
        execution_cap=draw(st.sampled_from([None, PLATFORM_EXECUTION_CAP])),
        deviation_deduction=draw(st.sampled_from([None, PLATFORM_DEVIATION_DEDUCTION])),
    )
    complete = draw(st.booleans())
    measures: dict[str, Decimal | None] = {"budget_execution_rate": draw(maybe(decimals("0", "1.5"), complete))}
    assessed = {}
    for leaf in scheme.leaves():
        rule = leaf.rule
        if isinstance(rule, PerItem):
            measures[leaf.key] = draw(maybe(st.integers(0, 6).map(Decimal), complete))
        elif isinstance(rule, CarryoverRule):
            measures["carryover_amount"] = draw(maybe(decimals("0", "1000000", 2), complete))
            measures["previous_carryover_amount"] = draw(maybe(decimals("0", "1000000", 2), complete))
        elif isinstance(rule, Qualitative):
            if (assessment := draw(maybe(assessments(complete), complete))) is not None:
                # A complete sheet keeps the score inside its tier, as the form would.
                if complete:
                    tier = rule.tiers.get(assessment.tier)
                    low, high = rule.tiers.range_for(leaf.weight, tier)
                    score = draw(decimals(str(low), str(high), 2))
                    assessment = replace(assessment, score=score)
                assessed[leaf.key] = assessment
        elif isinstance(rule, LinearDeduction):
            measures[leaf.key] = draw(maybe(decimals("-1", "2"), complete))
        elif not isinstance(rule, UnitIndicators):
            measures[leaf.key] = draw(maybe(decimals("0", "2"), complete))
    indicators = draw(st.lists(unit_indicators(complete), max_size=6))
    if complete:
        # One indicator at least under each placeholder leaf, so that complete sheets are usually scored.
        for leaf in scheme.leaves():
            if isinstance(leaf.rule, UnitIndicators):
                indicators.append(draw(unit_indicators(complete, f"{leaf.rule.level1_words[0]}指标")))
    not_applicable = draw(st.frozensets(st.sampled_from([leaf.key for leaf in scheme.leaves()]), max_size=3))
    inputs = ScoringInputs(
        measures=measures,
        indicators=tuple(indicators),
        assessments=assessed,
        not_applicable=not_applicable,
        execution_reason=draw(st.sampled_from(["", "原因"])),
    )
    return scheme, inputs


class ScoreSheetPropertyTests(SimpleTestCase):
    @given(schemes_and_inputs())
    @settings(max_examples=300, deadline=None)
    def test_the_total_is_within_0_and_100_and_is_the_sum_of_its_parts(self, case):
        scheme, inputs = case
        sheet = score_evaluation(scheme, inputs)
        for leaf in sheet.leaves():
            if leaf.points is not None:
                # No subTest: Hypothesis turns it off inside @given; the message names the leaf instead.
                self.assertTrue(ZERO <= leaf.points <= leaf.weight, f"{leaf.key}: {leaf.points}")
            for row in leaf.indicators:
                if row.points is not None:
                    self.assertTrue(ZERO <= row.points <= row.indicator.weight, f"{row.indicator.name}: {row.points}")
        if sheet.total is None:
            self.assertIsNone(sheet.grade)
            self.assertTrue(sheet.missing, "a sheet without a total says what is missing")
            self.assertEqual(sheet.parts, [])
            return
        self.assertEqual(sheet.missing, ())
        self.assertTrue(ZERO <= sheet.total <= 100, f"total {sheet.total}")
        self.assertEqual(sheet.total, sum(sheet.parts, ZERO))
        leaves_sum = sum((leaf.points for leaf in sheet.leaves() if leaf.points is not None), ZERO)
        adjustments = sum((adjustment.points for adjustment in sheet.adjustments), ZERO)
        # The same sum taken leaf by leaf agrees to the last digits of the 28 Decimal carries.
        self.assertLess(abs(sheet.total - leaves_sum - adjustments), Decimal("1e-20"))
        self.assertEqual(sheet.grade, scheme.grades.grade(sheet.total))
        for level1 in sheet.sections:
            self.assertTrue(ZERO <= level1.points <= level1.weight, f"{level1.name}: {level1.points}")
