"""Each scoring rule, hand-computed from the published sheets and at and around its boundaries.

Figures are ratios as the engine reads them (0.8999 for 89.99%); every expected score is worked out by hand in the
comment beside it."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.test import SimpleTestCase

from budgets.figures import execution_rate
from evaluations.schemes import ADJUSTMENT_STEPS, KEY_SPENDING_STEPS
from evaluations.scoring_rules import (
    ACHIEVED,
    AT_LEAST,
    AT_MOST,
    EQUAL,
    NOT_ACHIEVED,
    PARTLY,
    QUALITATIVE,
    THREE_TIERS,
    THREE_TIERS_80_50,
    Assessment,
    Band,
    CarryoverRule,
    LinearDeduction,
    PerItem,
    Proportional,
    StepTable,
    UnitIndicator,
    UnitIndicators,
    completion_ratio,
    deviation_ratio,
    format_score,
    score_indicator,
)

D = Decimal


def pct(text: str) -> Decimal:
    """A percentage as the ratio the engine reads: "89.99" → 0.8999."""
    return D(text) / 100


class ProportionalTests(SimpleTestCase):
    def test_it_scores_full_execution_of_7_29_wan_as_10_of_10(self):
        # A published 项目 sheet: 全年预算数 7.29万元, 全年执行数 7.29万元, 分值 10 → 执行率 100%, 得分 10.00.
        rate = execution_rate(D("72900.00"), D("72900.00"))
        outcome = Proportional().score(D("10"), rate, label="预算执行率")
        self.assertEqual(outcome.points, D("10"))
        self.assertEqual(format_score(outcome.points), "10.00")
        self.assertEqual(outcome.explanation, "预算执行率 = 100.00%，得满分10分")

    def test_it_scores_an_execution_rate_of_76_percent_as_7_6(self):
        outcome = Proportional().score(D("10"), pct("76"), label="预算执行率")
        self.assertEqual(outcome.points, D("7.6"))
        self.assertEqual(outcome.explanation, "预算执行率 = 76.00%，10×76.00% = 7.60分")

    def test_over_fulfilment_earns_no_more_than_the_weight(self):
        # 技术合同成交额: 12.55亿元 of a 10亿元 target → 125.5%, capped at 分值 5.
        outcome = Proportional(AT_LEAST).score(D("5"), D("12.55"), D("10"))
        self.assertEqual(outcome.points, D("5"))
        self.assertEqual(outcome.explanation, "实际完成值÷年度指标值 = 125.50%，得满分5分")

    def test_a_shortfall_scores_its_share(self):
        # 知识价值信用贷款: 11400 of 20000万元 → 57%; 分值 10 → 5.70.
        outcome = Proportional(AT_LEAST).score(D("10"), D("11400"), D("20000"))
        self.assertEqual(outcome.points, D("5.7"))
        self.assertEqual(outcome.explanation, "实际完成值÷年度指标值 = 57.00%，10×57.00% = 5.70分")

    def test_an_at_most_indicator_over_its_target_scores_target_over_actual(self):
        # 投诉率 ≤ 5%, actual 8% → 5 ÷ 8 = 62.5%; 分值 10 → 6.25.
        outcome = Proportional(AT_MOST).score(D("10"), D("8"), D("5"))
        self.assertEqual(outcome.points, D("6.25"))
        self.assertEqual(outcome.explanation, "年度指标值÷实际完成值 = 62.50%，10×62.50% = 6.25分")

    def test_an_at_most_indicator_under_its_target_gets_full_marks(self):
        self.assertEqual(Proportional(AT_MOST).score(D("10"), D("4"), D("5")).points, D("10"))

    def test_an_at_most_indicator_with_an_actual_of_zero_gets_full_marks(self):
        outcome = Proportional(AT_MOST).score(D("10"), D("0"), D("5"))
        self.assertEqual(outcome.points, D("10"))
        self.assertEqual(outcome.explanation, "实际完成值为0，未超过年度指标值，得满分10分")

    def test_an_equal_indicator_scores_the_smaller_over_the_larger(self):
        self.assertEqual(Proportional(EQUAL).score(D("10"), D("120"), D("100")).points, D("10") * D("100") / D("120"))
        self.assertEqual(Proportional(EQUAL).score(D("10"), D("100"), D("100")).points, D("10"))

    def test_a_zero_target_for_at_least_cannot_be_scored_rather_than_scoring_zero(self):
        outcome = Proportional(AT_LEAST).score(D("10"), D("5"), D("0"))
        self.assertIsNone(outcome.points)
        self.assertEqual(outcome.explanation, "无法计算（年度指标值为0，无法按比例计分）")

    def test_a_missing_actual_is_named_not_scored_zero(self):
        outcome = Proportional().score(D("3"), None, label="支付进度率")
        self.assertIsNone(outcome.points)
        self.assertEqual(outcome.explanation, "无法计算（缺少支付进度率）")

    def test_the_completion_ratio_follows_the_direction(self):
        self.assertEqual(completion_ratio(AT_LEAST, D("10"), D("12.55")), D("1.255"))
        self.assertEqual(completion_ratio(AT_MOST, D("10"), D("8")), D("1.25"))
        self.assertIsNone(completion_ratio(QUALITATIVE, D("10"), D("8")))
        self.assertIsNone(completion_ratio(AT_LEAST, None, D("8")))


class StepTableTests(SimpleTestCase):
    """重点支出安排率 (≥90% 5, [80,90) 4, [70,80) 3, [60,70) 2, <60% 0) and 预算调整率 (=0 3, ≤10% 2, ≤20% 1,
    ≤30% 0.5, more 0), at and around every boundary."""

    def assertScores(self, table: StepTable, cases: dict[str, str], weight: str) -> None:
        for percent, expected in cases.items():
            with self.subTest(percent=percent):
                self.assertEqual(table.score(D(weight), pct(percent)).points, D(expected))

    def test_key_spending_bands_include_their_lower_bound(self):
        self.assertScores(
            KEY_SPENDING_STEPS,
            {
                "100": "5",
                "90.01": "5",
                "90.00": "5",
                "89.99": "4",
                "80.00": "4",
                "79.99": "3",
                "70.00": "3",
                "69.99": "2",
                "60.00": "2",
                "59.99": "0",
                "0": "0",
            },
            "5",
        )

    def test_adjustment_bands_include_their_upper_bound(self):
        self.assertScores(
            ADJUSTMENT_STEPS,
            {
                "0": "3",
                "0.01": "2",
                "9.99": "2",
                "10.00": "2",
                "10.01": "1",
                "20.00": "1",
                "20.01": "0.5",
                "30.00": "0.5",
                "30.01": "0",
                "150": "0",
            },
            "3",
        )

    def test_it_explains_the_band(self):
        outcome = KEY_SPENDING_STEPS.score(D("5"), pct("85"), label="重点支出安排率")
        self.assertEqual(outcome.explanation, "重点支出安排率 = 85.00%，属于“80%（含）至90%（不含）”档，得4分")
        outcome = ADJUSTMENT_STEPS.score(D("3"), pct("0"), label="预算调整率")
        self.assertEqual(outcome.explanation, "预算调整率 = 0.00%，属于“等于0%”档，得3分")

    def test_a_value_outside_every_band_is_not_scored(self):
        # 预算调整率 starts at 0: a negative figure is a data error, not 0 points.
        outcome = ADJUSTMENT_STEPS.score(D("3"), pct("-5"), label="预算调整率")
        self.assertIsNone(outcome.points)
        self.assertIn("不在评分标准的范围内", outcome.explanation)

    def test_it_describes_its_standard(self):
        self.assertEqual(
            KEY_SPENDING_STEPS.describe(),
            "90%及以上，5分；80%（含）至90%（不含），4分；70%（含）至80%（不含），3分；60%（含）至70%（不含），2分；"
            "低于60%，0分",
        )

    def test_points_never_exceed_the_weight(self):
        table = StepTable((Band(None, None, D("8")),))
        self.assertEqual(table.score(D("5"), D("1")).points, D("5"))


class LinearDeductionTests(SimpleTestCase):
    staff = LinearDeduction(D("1"), D("0.5"))  # 在职人员控制率: ≤100% full, −0.5 per point over
    change = LinearDeduction(D("0"), D("0.5"))  # 三公经费变动率: ≤0 full, −0.5 per point over
    control = LinearDeduction(D("1"), D("1"))  # 三公经费控制率: ≤100% full, −1 per point over

    def test_the_staff_control_rate_at_and_around_100_percent(self):
        self.assertEqual(self.staff.score(D("5"), pct("99.99")).points, D("5"))
        self.assertEqual(self.staff.score(D("5"), pct("100.00")).points, D("5"))
        # 0.01 points over → 0.005 off.
        self.assertEqual(self.staff.score(D("5"), pct("100.01")).points, D("4.995"))

    def test_it_explains_a_deduction(self):
        # 103.2% is 3.2 points over: 3.2 × 0.5 = 1.60 off, 3.40 left.
        outcome = self.staff.score(D("5"), pct("103.2"), label="在职人员控制率")
        self.assertEqual(outcome.points, D("3.4"))
        self.assertEqual(
            outcome.explanation,
            "在职人员控制率 = 103.20%（阈值100%），超出阈值3.2个百分点，每个百分点扣0.5分，扣1.60分，得3.40分",
        )

    def test_it_stops_at_zero(self):
        outcome = self.staff.score(D("5"), pct("112"), label="在职人员控制率")
        self.assertEqual(outcome.points, D("0"))
        self.assertTrue(outcome.explanation.endswith("扣6.00分，扣完为止，得0分"))

    def test_a_fall_in_three_public_spending_gets_full_marks(self):
        outcome = self.change.score(D("5"), pct("-5"), label="“三公经费”变动率")
        self.assertEqual(outcome.points, D("5"))
        self.assertEqual(outcome.explanation, "“三公经费”变动率 = −5.00%，未超过0%，得满分5分")
        self.assertEqual(self.change.score(D("5"), pct("0")).points, D("5"))
        self.assertEqual(self.change.score(D("5"), pct("2")).points, D("4"))

    def test_three_public_control_loses_a_point_per_point_over(self):
        self.assertEqual(self.control.score(D("6"), pct("100")).points, D("6"))
        self.assertEqual(self.control.score(D("6"), pct("101")).points, D("5"))
        self.assertEqual(self.control.score(D("6"), pct("106")).points, D("0"))
        self.assertEqual(self.control.score(D("6"), pct("107")).points, D("0"))

    def test_a_deduction_under_a_threshold(self):
        under = LinearDeduction(D("0.9"), D("1"), over=False)
        self.assertEqual(under.score(D("5"), pct("90")).points, D("5"))
        self.assertEqual(under.score(D("5"), pct("88.5")).points, D("3.5"))
        self.assertEqual(under.describe(), "≥90%得满分；每低于1个百分点扣1分，扣完为止")


class PerItemTests(SimpleTestCase):
    rules = PerItem(D("1"))  # 管理制度健全性: 1 per criterion met
    compliance = PerItem(D("1"), deduct=True, noun="例")  # 资金使用合规性: −1 per violation

    def test_criteria_met_earn_a_point_each_up_to_the_weight(self):
        self.assertEqual(self.rules.score(D("3"), D("0")).points, D("0"))
        self.assertEqual(self.rules.score(D("3"), D("2")).points, D("2"))
        self.assertEqual(self.rules.score(D("3"), D("3")).points, D("3"))
        self.assertEqual(self.rules.score(D("3"), D("4")).points, D("3"))
        self.assertEqual(self.rules.score(D("3"), D("2")).explanation, "符合2项，每项1分，得2.00分")

    def test_violations_cost_a_point_each_down_to_zero(self):
        self.assertEqual(self.compliance.score(D("3"), D("0")).points, D("3"))
        self.assertEqual(self.compliance.score(D("3"), D("1")).points, D("2"))
        self.assertEqual(self.compliance.score(D("3"), D("3")).points, D("0"))
        self.assertEqual(self.compliance.score(D("3"), D("4")).points, D("0"))
        self.assertEqual(self.compliance.score(D("3"), D("1")).explanation, "不符合要求1例，每例扣1分，得2.00分")

    def test_a_count_must_be_a_whole_number(self):
        self.assertIsNone(self.rules.score(D("3"), D("1.5")).points)
        self.assertIsNone(self.rules.score(D("3"), D("-1")).points)


class CarryoverTests(SimpleTestCase):
    rule = CarryoverRule(D("3"), D("2"), D("0"))

    def test_no_carryover_gets_full_marks_without_last_year(self):
        outcome = self.rule.score(D("3"), D("0"), None)
        self.assertEqual(outcome.points, D("3"))
        self.assertEqual(outcome.explanation, "年末无结转结余，得3分")

    def test_a_carryover_not_above_last_years_gets_two(self):
        self.assertEqual(self.rule.score(D("3"), D("100000"), D("200000")).points, D("2"))
        outcome = self.rule.score(D("3"), D("200000"), D("200000"))
        self.assertEqual(outcome.points, D("2"))
        self.assertEqual(outcome.explanation, "年末结转结余20.00万元，上年结转20.00万元，有结余但未超过上年结转，得2分")

    def test_a_carryover_above_last_years_gets_nothing(self):
        self.assertEqual(self.rule.score(D("3"), D("200000.01"), D("200000")).points, D("0"))

    def test_a_carryover_without_last_years_figure_is_missing_it(self):
        outcome = self.rule.score(D("3"), D("100000"), None)
        self.assertIsNone(outcome.points)
        self.assertEqual(outcome.missing, ("上年结转",))


class QualitativeTests(SimpleTestCase):
    def test_a_unit_picks_a_tier_and_a_score_inside_it(self):
        outcome = THREE_TIERS.score(D("10"), Assessment(PARTLY, D("7"), "预决算按时公开，但未公开绩效目标"))
        self.assertEqual(outcome.points, D("7"))
        self.assertEqual(
            outcome.explanation, "自评为“部分达成”（该档6.00至8.00分），得7.00分：预决算按时公开，但未公开绩效目标"
        )

    def test_the_range_bounds_are_included(self):
        for tier, score in ((ACHIEVED, "8"), (ACHIEVED, "10"), (PARTLY, "6"), (PARTLY, "8"), (NOT_ACHIEVED, "0")):
            with self.subTest(tier=tier, score=score):
                THREE_TIERS.check(D("10"), Assessment(tier, D(score), "理由"))
                self.assertEqual(THREE_TIERS.score(D("10"), Assessment(tier, D(score), "理由")).points, D(score))

    def test_a_score_outside_the_tier_is_refused_with_a_chinese_message(self):
        with self.assertRaises(ValidationError) as raised:
            THREE_TIERS.check(D("10"), Assessment(PARTLY, D("8.5"), "理由"))
        self.assertEqual(raised.exception.messages, ["“部分达成”档的得分须在6.00至8.00分之间。"])
        outcome = THREE_TIERS.score(D("10"), Assessment(PARTLY, D("8.5"), "理由"))
        self.assertIsNone(outcome.points)
        self.assertEqual(outcome.explanation, "无法计算（得分8.50分超出“部分达成”档的6.00至8.00分）")

    def test_the_80_50_variant_widens_partial_achievement(self):
        THREE_TIERS_80_50.check(D("10"), Assessment(PARTLY, D("5"), "理由"))
        with self.assertRaises(ValidationError) as raised:
            THREE_TIERS_80_50.check(D("10"), Assessment(NOT_ACHIEVED, D("5.5"), "理由"))
        self.assertEqual(raised.exception.messages, ["“未达成”档的得分须在0.00至5.00分之间。"])

    def test_a_tier_a_score_and_a_reason_are_all_required(self):
        for assessment, code in (
            (Assessment("excellent", D("9"), "理由"), "tier"),
            (Assessment(ACHIEVED, None, "理由"), "score"),
            (Assessment(ACHIEVED, D("9"), "  "), "reason"),
        ):
            with self.subTest(code=code), self.assertRaises(ValidationError) as raised:
                THREE_TIERS.check(D("10"), assessment)
            self.assertEqual(raised.exception.code, code)
        self.assertEqual(THREE_TIERS.score(D("10"), None).explanation, "无法计算（缺少评价档次）")
        self.assertEqual(THREE_TIERS.score(D("10"), Assessment(ACHIEVED, D("9"), "")).missing, ("评分理由",))


class UnitIndicatorTests(SimpleTestCase):
    def indicator(self, name="x", level1="产出指标", direction=AT_LEAST, target="10", actual="10", weight="10", **kw):
        return UnitIndicator(
            name=name,
            level1=level1,
            direction=direction,
            target=None if target is None else D(target),
            actual=None if actual is None else D(actual),
            weight=None if weight is None else D(weight),
            **kw,
        )

    def test_weights_that_add_up_give_the_sum_of_the_scores(self):
        outputs = UnitIndicators(("产出",))
        indicators = [
            self.indicator("规模工业增加值增速", target="10", actual="12.2", weight="30"),
            self.indicator("知识价值信用贷款", target="20000", actual="11400", weight="20"),
        ]
        outcome, rows = outputs.score(D("50"), indicators)
        # 30 (capped) + 20 × 57% = 11.40 → 41.40 of 50.
        self.assertEqual(outcome.points, D("41.4"))
        self.assertEqual(outcome.explanation, "产出类指标2项，得分合计41.40分（分值合计50分），得41.40分")
        self.assertEqual([row.points for row in rows], [D("30"), D("11.4")])

    def test_weights_that_do_not_add_up_share_the_leaf_by_their_own_weight(self):
        outputs = UnitIndicators(("产出",))
        indicators = [
            self.indicator(target="10", actual="10", weight="10"),
            self.indicator(target="10", actual="5", weight="10"),
        ]
        # 10 + 5 = 15 of 20 → 25 × 15 ÷ 20 = 18.75.
        outcome, _rows = outputs.score(D("25"), indicators)
        self.assertEqual(outcome.points, D("18.75"))
        self.assertTrue(outcome.explanation.endswith("按本项分值25分折算：25×15.00÷20 = 18.75分"))

    def test_an_indicator_that_does_not_apply_leaves_its_share_to_the_others(self):
        outputs = UnitIndicators(("产出",))
        indicators = [
            self.indicator(target="10", actual="5", weight="25"),
            self.indicator(target="10", actual="0", weight="25", not_applicable=True),
        ]
        # Only the first counts: 12.5 of 25 → 50 × 12.5 ÷ 25 = 25.
        outcome, rows = outputs.score(D("50"), indicators)
        self.assertEqual(outcome.points, D("25"))
        self.assertEqual(rows[1].explanation, "不适用，不计分")

    def test_an_indicator_without_a_target_makes_the_leaf_unscored(self):
        outcome, _rows = UnitIndicators(("产出",)).score(D("50"), [self.indicator("工业投资增速", target=None)])
        self.assertIsNone(outcome.points)
        self.assertEqual(outcome.missing, ("“工业投资增速”的年度指标值",))

    def test_no_indicators_is_missing_not_zero(self):
        outcome, _rows = UnitIndicators(("满意度",)).score(D("10"), [self.indicator(level1="产出指标")])
        self.assertIsNone(outcome.points)
        self.assertEqual(outcome.explanation, "无法计算（缺少满意度类绩效指标）")

    def test_a_qualitative_indicator_is_scored_by_the_units_judgement(self):
        row = score_indicator(
            self.indicator(
                direction=QUALITATIVE, target=None, actual=None, assessment=Assessment(ACHIEVED, D("9"), "好")
            )
        )
        self.assertEqual(row.points, D("9"))

    def test_the_deviation_is_measured_against_the_target(self):
        self.assertEqual(deviation_ratio(D("20000"), D("11400")), D("0.43"))
        self.assertEqual(deviation_ratio(D("10"), D("13")), D("0.3"))
        self.assertIsNone(deviation_ratio(D("0"), D("5")))
