"""Score sheets under the shipped schemes, hand-computed: totals, grades, not-applicable rescaling, missing inputs,
the platform rules (execution-rate cap, deviation deduction, reason below 90%), and validation of schemes."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal

from django.test import SimpleTestCase

from evaluations.schemes import (
    HUNAN_SCHEME,
    NATIONAL_SCHEME,
    PLATFORM_DEVIATION_DEDUCTION,
    PLATFORM_EXECUTION_CAP,
)
from evaluations.scoring import (
    DEVIATION,
    EXECUTION_CAP,
    RESCALE,
    STANDARD_GRADES,
    WHOLE_POINT_GRADES,
    InvalidScheme,
    Leaf,
    Level1,
    Level2,
    SchemeSpec,
    score_evaluation,
    unit_weight_problems,
)
from evaluations.scoring_rules import (
    ACHIEVED,
    PARTLY,
    QUALITATIVE,
    Assessment,
    Band,
    Proportional,
    ScoringInputs,
    StepTable,
    Tier,
    Tiers,
    UnitIndicator,
    UnitIndicators,
    format_score,
)

D = Decimal


def indicator(name, level1, target, actual, weight, direction="ge", **kw) -> UnitIndicator:
    return UnitIndicator(name, level1, "", direction, D(target), D(actual), D(weight), **kw)


# The seed unit's 2024 indicators, with the 分值 a Hunan sheet gives them (产出 25, 效果 20).
GROWTH = indicator("规模工业增加值增速", "产出指标", "10", "12.2", "15")  # 122% → 15
LOANS = indicator("知识价值信用贷款", "产出指标", "20000", "11400", "10")  # 57% → 5.70, 43% off target
CONTRACTS = indicator("技术合同成交额", "效益指标", "10", "12.55", "12")  # 125.5% → 12
SATISFACTION = indicator("企业诉求满意率", "满意度指标", "100", "98", "8")  # 98% → 7.84


def hunan_inputs(**changes) -> ScoringInputs:
    """A Hunan sheet worked out by hand:

    投入 11.40 = 在职人员控制率 103.2% → 5 − 3.2 × 0.5 = 3.40; 三公经费变动率 +2% → 5 − 1 = 4; 重点支出安排率 85% → 4.
    过程 30.35 = 预算执行 10.35 (调整率 12% → 1; 支付进度 95% → 2.85; 结余 10万 ≤ 上年 20万 → 2; 三公控制率 101.5%
    → 6 − 1.5 = 4.50) + 预算管理 11 (制度 2 项 → 2; 违规 1 例 → 2; 公开 部分达成 7) + 资产管理 9 (安全性 4.5; 利用率
    90% → 4.5).
    产出 20.70 = 15 + 5.70.  效果 19.84 = 12 + 7.84.  Total 82.29 → 良.
    """
    values = {
        "measures": {
            "staff_control_rate": D("1.032"),
            "three_public_change_rate": D("0.02"),
            "key_spending_rate": D("0.85"),
            "budget_adjustment_rate": D("0.12"),
            "payment_progress_rate": D("0.95"),
            "carryover_amount": D("100000"),
            "previous_carryover_amount": D("200000"),
            "three_public_control_rate": D("1.015"),
            "management_rules": D("2"),
            "funds_compliance": D("1"),
            "fixed_asset_use_rate": D("0.9"),
            "budget_execution_rate": D("0.95"),
        },
        "assessments": {
            "disclosure": Assessment(PARTLY, D("7"), "预决算按时公开，绩效目标未公开"),
            "asset_security": Assessment(ACHIEVED, D("4.5"), "资产账实相符，处置规范"),
        },
        "indicators": (GROWTH, LOANS, CONTRACTS, SATISFACTION),
    }
    values.update(changes)
    return ScoringInputs(**values)


def full_marks_hunan(**changes) -> ScoringInputs:
    measures = {
        "staff_control_rate": D("0.95"),
        "three_public_change_rate": D("-0.1"),
        "key_spending_rate": D("0.92"),
        "budget_adjustment_rate": D("0"),
        "payment_progress_rate": D("1"),
        "carryover_amount": D("0"),
        "three_public_control_rate": D("0.98"),
        "management_rules": D("3"),
        "funds_compliance": D("0"),
        "fixed_asset_use_rate": D("1"),
        "budget_execution_rate": D("0.98"),
    }
    values = {
        "measures": measures,
        "assessments": {
            "disclosure": Assessment(ACHIEVED, D("9"), "全部公开"),
            "asset_security": Assessment(ACHIEVED, D("5"), "安全"),
        },
        "indicators": (
            indicator("a", "产出指标", "10", "10", "25"),
            indicator("b", "效益指标", "10", "10", "12"),
            indicator("c", "满意度指标", "100", "100", "8"),
        ),
    }
    values.update(changes)
    return ScoringInputs(**values)


def national_inputs(**changes) -> ScoringInputs:
    """National layout: 执行率 76% → 7.60; 产出 30 (122% → 30) + 20 (57% → 11.40) = 41.40; 效益 30 (125.5% → 30);
    满意度 10 (98% → 9.80). Total 88.80 → 良."""
    values = {
        "measures": {"budget_execution_rate": D("0.76")},
        "indicators": (
            replace(GROWTH, weight=D("30")),
            replace(LOANS, weight=D("20")),
            replace(CONTRACTS, weight=D("30")),
            replace(SATISFACTION, weight=D("10")),
        ),
    }
    values.update(changes)
    return ScoringInputs(**values)


class NationalSheetTests(SimpleTestCase):
    def test_it_totals_the_four_blocks(self):
        sheet = score_evaluation(NATIONAL_SCHEME, national_inputs())
        self.assertEqual([level1.points for level1 in sheet.sections], [D("7.6"), D("41.4"), D("30"), D("9.8")])
        self.assertEqual(sheet.total, D("88.8"))
        self.assertEqual(sheet.shown_total, "88.80")
        self.assertEqual(sheet.grade, "良")
        self.assertEqual(sheet.leaf("budget_execution_rate").explanation, "预算执行率 = 76.00%，10×76.00% = 7.60分")

    def test_an_execution_rate_under_90_percent_asks_for_a_reason(self):
        sheet = score_evaluation(NATIONAL_SCHEME, national_inputs())
        self.assertEqual(sheet.reasons_needed, ("预算执行率为76.00%，低于90%，须说明原因。",))
        explained = score_evaluation(NATIONAL_SCHEME, national_inputs(execution_reason="两个项目跨年实施"))
        self.assertEqual(explained.reasons_needed, ())
        self.assertIn("预算执行率为76.00%，低于90%，已说明原因。", explained.notes)
        # The reason changes nothing in the score.
        self.assertEqual(explained.total, sheet.total)

    def test_the_unit_indicator_rows_keep_their_own_weights(self):
        sheet = score_evaluation(NATIONAL_SCHEME, national_inputs())
        rows = sheet.leaf("unit_output").indicators
        self.assertEqual(
            [(row.indicator.name, row.points) for row in rows], [(GROWTH.name, D("30")), (LOANS.name, D("11.4"))]
        )

    def test_an_indicator_under_no_block_is_listed_not_scored(self):
        stray = indicator("培训人次", "其他指标", "100", "100", "5")
        inputs = national_inputs(indicators=(*national_inputs().indicators, stray))
        sheet = score_evaluation(NATIONAL_SCHEME, inputs)
        self.assertEqual(sheet.unplaced, (stray,))
        self.assertIn("绩效指标“培训人次”的一级指标“其他指标”不在评分方案中，未计分。", sheet.notes)
        self.assertEqual(sheet.total, D("88.8"))
        self.assertEqual(
            unit_weight_problems(NATIONAL_SCHEME, inputs.indicators),
            ["绩效指标“培训人次”的一级指标“其他指标”不在评分方案中，不计分。"],
        )

    def test_unit_weights_that_do_not_add_up_are_reported(self):
        inputs = national_inputs(indicators=(replace(GROWTH, weight=D("30")), replace(LOANS, weight=D("10"))))
        self.assertEqual(
            unit_weight_problems(NATIONAL_SCHEME, inputs.indicators),
            ["“产出指标”各项绩效指标的分值合计为40分，应为50分。"],
        )


class HunanSheetTests(SimpleTestCase):
    def test_it_scores_the_hand_computed_sheet(self):
        sheet = score_evaluation(HUNAN_SCHEME, hunan_inputs())
        self.assertEqual(
            [(level1.name, level1.points) for level1 in sheet.sections],
            [("投入", D("11.4")), ("过程", D("30.35")), ("产出", D("20.7")), ("效果", D("19.84"))],
        )
        process = sheet.sections[1]
        self.assertEqual([group.points for group in process.groups], [D("10.35"), D("11"), D("9")])
        self.assertEqual(sheet.total, D("82.29"))
        self.assertEqual(sheet.grade, "良")
        self.assertEqual(sheet.parts, [D("11.4"), D("30.35"), D("20.7"), D("19.84")])
        self.assertEqual(sheet.adjustments, ())
        self.assertEqual(sheet.missing, ())

    def test_every_leaf_says_how_it_was_scored(self):
        sheet = score_evaluation(HUNAN_SCHEME, hunan_inputs())
        self.assertEqual(
            {leaf.key: leaf.explanation for leaf in sheet.leaves()},
            {
                "staff_control_rate": "在职人员控制率 = 103.20%（阈值100%），超出阈值3.2个百分点，每个百分点扣0.5分，"
                "扣1.60分，得3.40分",
                "three_public_change_rate": "“三公经费”变动率 = 2.00%（阈值0%），超出阈值2个百分点，每个百分点扣0.5分，"
                "扣1.00分，得4.00分",
                "key_spending_rate": "重点支出安排率 = 85.00%，属于“80%（含）至90%（不含）”档，得4分",
                "budget_adjustment_rate": "预算调整率 = 12.00%，属于“10%（不含）至20%（含）”档，得1分",
                "payment_progress_rate": "支付进度率 = 95.00%，3×95.00% = 2.85分",
                "carryover_rate": "年末结转结余10.00万元，上年结转20.00万元，有结余但未超过上年结转，得2分",
                "three_public_control_rate": "“三公经费”控制率 = 101.50%（阈值100%），超出阈值1.5个百分点，"
                "每个百分点扣1分，扣1.50分，得4.50分",
                "management_rules": "符合2项，每项1分，得2.00分",
                "funds_compliance": "不符合要求1例，每例扣1分，得2.00分",
                "disclosure": "自评为“部分达成”（该档5.40至7.20分），得7.00分：预决算按时公开，绩效目标未公开",
                "asset_security": "自评为“达成”（该档4.00至5.00分），得4.50分：资产账实相符，处置规范",
                "fixed_asset_use_rate": "固定资产利用率 = 90.00%，5×90.00% = 4.50分",
                "unit_output": "产出、成本类指标2项，得分合计20.70分（分值合计25分），得20.70分",
                "unit_effect": "效益、效果、满意度类指标2项，得分合计19.84分（分值合计20分），得19.84分",
            },
        )

    def test_full_marks_make_100_and_优(self):
        sheet = score_evaluation(HUNAN_SCHEME, full_marks_hunan())
        self.assertEqual(sheet.total, D("100"))
        self.assertEqual(sheet.grade, "优")


class NotApplicableTests(SimpleTestCase):
    def test_a_dropped_indicator_is_rescaled_back_to_100(self):
        sheet = score_evaluation(HUNAN_SCHEME, full_marks_hunan(not_applicable=frozenset({"fixed_asset_use_rate"})))
        leaf = sheet.leaf("fixed_asset_use_rate")
        self.assertTrue(leaf.not_applicable)
        self.assertIsNone(leaf.points)
        # 95 of the 95 points that apply: the rescaling gives back exactly the 5 dropped.
        self.assertEqual([(a.kind, a.points) for a in sheet.adjustments], [(RESCALE, D("5"))])
        self.assertEqual(sheet.total, D("100"))

    def test_a_partial_sheet_is_rescaled_by_100_over_what_applies(self):
        sheet = score_evaluation(HUNAN_SCHEME, hunan_inputs(not_applicable=frozenset({"fixed_asset_use_rate"})))
        # 82.29 − 4.50 = 77.79 of 95 → × 100 ÷ 95 = 81.884…; the part added is 77.79 × 5 ÷ 95 = 4.094….
        (rescale,) = sheet.adjustments
        self.assertEqual(rescale.points, D("77.79") * 5 / 95)
        self.assertEqual(
            rescale.reason,
            "“固定资产利用率”不适用，分值共5分不计；其余指标得分77.79分按100÷95折算为81.88分，增加4.09分",
        )
        self.assertEqual(sheet.shown_total, "81.88")
        self.assertEqual(sheet.total, sum(sheet.parts, D("0")))
        # The 二级 keeps its weight; its subtotal is that of what applies.
        self.assertEqual(sheet.sections[1].groups[2].points, D("4.5"))

    def test_a_block_whose_indicators_all_do_not_apply_is_dropped(self):
        inputs = national_inputs(
            indicators=(
                *national_inputs().indicators[:3],
                replace(SATISFACTION, weight=D("10"), not_applicable=True),
            )
        )
        sheet = score_evaluation(NATIONAL_SCHEME, inputs)
        self.assertTrue(sheet.sections[3].not_applicable)
        self.assertEqual(sheet.leaf("unit_satisfaction").explanation, "全部指标不适用，不计分")
        # 7.6 + 41.4 + 30 = 79 of 90 → 79 × 100 ÷ 90 = 87.777… → 87.78.
        self.assertEqual(sheet.shown_total, "87.78")

    def test_nothing_applicable_gives_no_total(self):
        keys = frozenset(leaf.key for leaf in NATIONAL_SCHEME.leaves())
        sheet = score_evaluation(NATIONAL_SCHEME, national_inputs(not_applicable=keys))
        self.assertIsNone(sheet.total)
        self.assertEqual([m.message for m in sheet.missing], ["总分：无法计算（缺少至少一项适用的指标）"])


class MissingInputTests(SimpleTestCase):
    def test_a_missing_input_is_marked_and_never_scored_zero(self):
        measures = {**hunan_inputs().measures, "staff_control_rate": None}
        sheet = score_evaluation(HUNAN_SCHEME, hunan_inputs(measures=measures))
        leaf = sheet.leaf("staff_control_rate")
        self.assertIsNone(leaf.points)
        self.assertEqual(leaf.explanation, "无法计算（缺少在职人员数、编制数）")
        self.assertEqual([m.message for m in sheet.missing], ["在职人员控制率：无法计算（缺少在职人员数、编制数）"])
        # No total, no grade, no parts: a partial sum is not a total. The editor's running figure leaves it out.
        self.assertIsNone(sheet.total)
        self.assertIsNone(sheet.grade)
        self.assertEqual(sheet.parts, [])
        self.assertIsNone(sheet.sections[0].points)
        self.assertEqual(sheet.sections[1].points, D("30.35"))
        self.assertEqual(sheet.scored_points, D("82.29") - D("3.4"))

    def test_every_missing_input_is_listed(self):
        inputs = ScoringInputs(indicators=(indicator("工业投资增速", "产出指标", "0", "7.6", "25"),))
        sheet = score_evaluation(HUNAN_SCHEME, inputs)
        messages = [m.message for m in sheet.missing]
        self.assertIn("重点支出安排率：无法计算（缺少重点项目支出、项目支出合计）", messages)
        self.assertIn("结转结余率：无法计算（缺少年末结转结余）", messages)
        self.assertIn("预决算信息公开性和完善性：无法计算（缺少评价档次）", messages)
        self.assertIn("产出指标：无法计算（缺少“工业投资增速”的不为0的年度指标值）", messages)
        self.assertIn("效果指标：无法计算（缺少效益、效果、满意度类绩效指标）", messages)
        self.assertEqual(len(messages), 14)

    def test_a_qualitative_score_outside_its_tier_leaves_the_leaf_unscored(self):
        assessments = {**hunan_inputs().assessments, "disclosure": Assessment(PARTLY, D("8"), "理由")}
        sheet = score_evaluation(HUNAN_SCHEME, hunan_inputs(assessments=assessments))
        self.assertEqual(sheet.leaf("disclosure").explanation, "无法计算（得分8.00分超出“部分达成”档的5.40至7.20分）")
        self.assertIsNone(sheet.total)


class ExecutionCapTests(SimpleTestCase):
    scheme = replace(NATIONAL_SCHEME, execution_cap=PLATFORM_EXECUTION_CAP)

    def sheet_at(self, rate: str):
        return score_evaluation(self.scheme, national_inputs(measures={"budget_execution_rate": D(rate)}))

    def test_an_execution_rate_of_76_percent_caps_the_total_at_89(self):
        # Without the cap: 7.6 + 41.4 + 30 + 9.8 = 88.8, under 89: nothing to cut, but the sheet says so.
        sheet = self.sheet_at("0.76")
        self.assertEqual(sheet.total, D("88.8"))
        self.assertIn(
            "预算执行率为76.00%，属于“70%（含）至80%（不含）”档，总分最高89分，总分未超过封顶分数。", sheet.notes
        )

    def test_the_cap_cuts_a_higher_total_and_says_why(self):
        inputs = full_marks_national(rate="0.79")
        sheet = score_evaluation(self.scheme, inputs)
        # 7.9 + 90 = 97.9 → at most 89: −8.90.
        self.assertEqual([(a.kind, a.points) for a in sheet.adjustments], [(EXECUTION_CAP, D("-8.9"))])
        self.assertEqual(
            sheet.adjustments[0].reason, "预算执行率为79.00%，属于“70%（含）至80%（不含）”档，总分最高89分，扣减8.90分"
        )
        self.assertEqual(sheet.total, D("89"))
        self.assertEqual(sheet.grade, "良")

    def test_the_cap_at_its_boundaries(self):
        cases = {"0.80": None, "0.7999": "89", "0.70": "89", "0.6999": "79", "0.60": "79", "0.5": "69", "0.4999": "59"}
        for rate, cap in cases.items():
            with self.subTest(rate=rate):
                sheet = score_evaluation(self.scheme, full_marks_national(rate=rate))
                if cap is None:
                    self.assertEqual(sheet.adjustments, ())
                    self.assertEqual(sheet.total, 90 + D(rate) * 10)
                else:
                    self.assertEqual(sheet.total, D(cap))

    def test_without_an_execution_rate_the_cap_cannot_be_applied(self):
        scheme = replace(HUNAN_SCHEME, execution_cap=PLATFORM_EXECUTION_CAP)
        measures = {**hunan_inputs().measures, "budget_execution_rate": None}
        sheet = score_evaluation(scheme, hunan_inputs(measures=measures))
        self.assertEqual([m.message for m in sheet.missing], ["总分封顶：无法计算（缺少预算执行率）"])
        self.assertIsNone(sheet.total)


def full_marks_national(rate: str) -> ScoringInputs:
    return ScoringInputs(
        measures={"budget_execution_rate": D(rate)},
        indicators=(
            indicator("a", "产出指标", "10", "10", "50"),
            indicator("b", "效益指标", "10", "10", "30"),
            indicator("c", "满意度指标", "10", "10", "10"),
        ),
    )


class DeviationDeductionTests(SimpleTestCase):
    scheme = replace(HUNAN_SCHEME, deviation_deduction=PLATFORM_DEVIATION_DEDUCTION)

    def test_a_large_deviation_without_a_reason_loses_two_points(self):
        sheet = score_evaluation(self.scheme, hunan_inputs())
        # 知识价值信用贷款: 11400 of 20000 is 43% off target → −2; the others are 22% and 25.5% off.
        self.assertEqual([(a.kind, a.points) for a in sheet.adjustments], [(DEVIATION, D("-2"))])
        self.assertEqual(
            sheet.adjustments[0].reason,
            "“知识价值信用贷款”实际完成值偏离年度指标值43.00%，达到30%，未说明偏差原因，扣2分",
        )
        self.assertEqual(sheet.total, D("80.29"))
        self.assertEqual(sheet.deductions, list(sheet.adjustments))

    def test_a_reason_saves_the_points(self):
        explained = replace(LOANS, deviation_reason="银行授信收紧，下年加强银企对接")
        sheet = score_evaluation(self.scheme, hunan_inputs(indicators=(GROWTH, explained, CONTRACTS, SATISFACTION)))
        self.assertEqual(sheet.adjustments, ())
        self.assertEqual(sheet.total, D("82.29"))
        self.assertIn(
            "“知识价值信用贷款”实际完成值偏离年度指标值43.00%，达到30%，已说明偏差原因，不扣分。", sheet.notes
        )

    def test_the_threshold_is_included(self):
        for actual, deducted in (("13", True), ("12.999", False), ("7", True), ("7.001", False)):
            with self.subTest(actual=actual):
                inputs = full_marks_hunan(
                    indicators=(
                        indicator("a", "产出指标", "10", actual, "25"),
                        indicator("b", "效益指标", "10", "10", "20"),
                    )
                )
                sheet = score_evaluation(self.scheme, inputs)
                self.assertEqual(bool(sheet.deductions), deducted)

    def test_shortfall_only_spares_over_fulfilment(self):
        scheme = replace(self.scheme, deviation_deduction=replace(PLATFORM_DEVIATION_DEDUCTION, shortfall_only=True))
        inputs = full_marks_hunan(
            indicators=(indicator("a", "产出指标", "10", "15", "25"), indicator("b", "效益指标", "10", "10", "20"))
        )
        self.assertEqual(score_evaluation(scheme, inputs).deductions, [])
        self.assertEqual(len(score_evaluation(self.scheme, inputs).deductions), 1)

    def test_deductions_stop_at_zero(self):
        scheme = replace(self.scheme, deviation_deduction=replace(PLATFORM_DEVIATION_DEDUCTION, points=D("60")))
        inputs = national_inputs(
            indicators=(
                indicator("a", "产出指标", "100", "10", "50"),
                indicator("b", "效益指标", "100", "10", "30"),
                indicator("c", "满意度指标", "100", "10", "10"),
            )
        )
        sheet = score_evaluation(replace(NATIONAL_SCHEME, deviation_deduction=scheme.deviation_deduction), inputs)
        # 7.6 + 5 + 3 + 1 = 16.6; the first deduction takes it all, the next ones nothing.
        self.assertEqual([a.points for a in sheet.adjustments], [D("-16.6"), D("0"), D("0")])
        self.assertTrue(sheet.adjustments[0].reason.endswith("（扣至0分为止）"))
        self.assertEqual(sheet.total, D("0"))
        self.assertEqual(sheet.grade, "差")


class GradeTests(SimpleTestCase):
    def test_standard_grades_at_their_boundaries(self):
        cases = {
            "100": "优",
            "90": "优",
            "89.995": "优",  # shown as 90.00: the grade follows what is printed
            "89.994": "良",
            "89.99": "良",
            "80": "良",
            "79.99": "中",
            "60": "中",
            "59.99": "差",
            "0": "差",
        }
        for total, grade in cases.items():
            with self.subTest(total=total):
                self.assertEqual(STANDARD_GRADES.grade(D(total)), grade)

    def test_whole_point_grades_round_to_whole_points(self):
        cases = {"90": "优", "89.5": "优", "89.49": "良", "80": "良", "79.5": "良", "79.49": "中", "59.5": "中"}
        cases |= {"59.49": "差", "0": "差"}
        for total, grade in cases.items():
            with self.subTest(total=total):
                self.assertEqual(WHOLE_POINT_GRADES.grade(D(total)), grade)

    def test_the_grades_describe_themselves(self):
        self.assertEqual(
            STANDARD_GRADES.describe(),
            "优：90分及以上；良：80分（含）至90分（不含）；中：60分（含）至80分（不含）；差：0分（含）至60分（不含）",
        )
        self.assertEqual(WHOLE_POINT_GRADES.describe(), "优：90–100分；良：80–89分；中：60–79分；差：0–59分")

    def test_the_sheet_shows_whole_points_under_whole_point_grades(self):
        sheet = score_evaluation(replace(HUNAN_SCHEME, grades=WHOLE_POINT_GRADES), hunan_inputs())
        self.assertEqual(sheet.shown_total, "82")
        self.assertEqual(format_score(sheet.total), "82.29")


class ValidationTests(SimpleTestCase):
    def test_the_shipped_schemes_validate(self):
        self.assertEqual(NATIONAL_SCHEME.validate(), [])
        self.assertEqual(HUNAN_SCHEME.validate(), [])

    def test_it_catches_weights_that_do_not_add_up(self):
        inputs_level = HUNAN_SCHEME.sections[0]
        configuration = inputs_level.groups[0]
        heavier = replace(configuration.leaves[0], weight=D("6"))
        changed = replace(
            inputs_level,
            groups=(replace(configuration, leaves=(heavier, *configuration.leaves[1:])),),
        )
        scheme = replace(HUNAN_SCHEME, sections=(changed, *HUNAN_SCHEME.sections[1:]))
        self.assertEqual(scheme.validate(), ["“预算配置”的下级指标分值合计为16分，应等于其分值15分。"])
        with self.assertRaises(InvalidScheme) as raised:
            score_evaluation(scheme, hunan_inputs())
        self.assertEqual(raised.exception.problems, scheme.validate())

    def test_it_catches_a_total_other_than_100(self):
        sections = (replace(NATIONAL_SCHEME.sections[0], weight=D("20")), *NATIONAL_SCHEME.sections[1:])
        self.assertEqual(
            replace(NATIONAL_SCHEME, sections=sections).validate(),
            ["一级指标分值合计为110分，应为100分。", "“预算执行”的下级指标分值合计为10分，应等于其分值20分。"],
        )

    def test_it_catches_every_kind_of_problem(self):
        gap = StepTable((Band(D("0.9"), None, D("5")), Band(None, D("0.8"), D("7"))))
        scheme = SchemeSpec(
            key="broken",
            name="坏方案",
            description="",
            sections=(
                Level1(
                    "投入",
                    D("100"),
                    (
                        Level2(
                            "预算配置",
                            D("100"),
                            (
                                Leaf("a", "甲", D("5"), gap),
                                Leaf("a", "乙", D("0"), Proportional("gt")),
                                Leaf("c", "丙", D("45"), UnitIndicators(("产出",))),
                                Leaf("d", "丁", D("50"), UnitIndicators(("产出指标",))),
                            ),
                        ),
                    ),
                ),
            ),
            tiers=Tiers((Tier("x", "甲档", D("0.9"), D("0.8")),)),
        )
        self.assertEqual(
            scheme.validate(),
            [
                "“甲”的评分档次在80%处不连续或有重叠。",
                "“甲”各档得分须在0至5分之间。",
                "指标代码“a”重复。",
                "“乙”的分值须大于0。",
                "“乙”的指标性质无效。",
                "单位绩效指标“产出指标”同时归入了多个指标。",
                "定性评价档次须至少一档，代码不重复，得分比例在0至1之间且下限不高于上限：甲档。",
            ],
        )


class SchemeDataTests(SimpleTestCase):
    def test_a_scheme_survives_a_trip_through_json(self):
        for scheme in (
            NATIONAL_SCHEME,
            HUNAN_SCHEME,
            replace(
                HUNAN_SCHEME,
                grades=WHOLE_POINT_GRADES,
                execution_cap=PLATFORM_EXECUTION_CAP,
                deviation_deduction=PLATFORM_DEVIATION_DEDUCTION,
                reason_below=None,
            ),
        ):
            with self.subTest(scheme=scheme.key):
                data = json.loads(json.dumps(scheme.to_data()))
                self.assertEqual(SchemeSpec.from_data(data), scheme)

    def test_numbers_are_stored_as_text_not_floats(self):
        data = HUNAN_SCHEME.to_data()
        staff = data["sections"][0]["groups"][0]["leaves"][0]
        self.assertEqual(
            staff["rule"], {"kind": "linear_deduction", "threshold": "1", "per_point": "0.5", "over": True}
        )
        data["sections"][0]["weight"] = 15.0
        with self.assertRaises(InvalidScheme) as raised:
            SchemeSpec.from_data(data)
        self.assertTrue(raised.exception.problems[0].startswith("评分方案数据不完整或格式有误："))

    def test_malformed_data_is_refused(self):
        for data in ({}, {**HUNAN_SCHEME.to_data(), "sections": [{"name": "投入"}]}):
            with self.subTest(data=list(data)), self.assertRaises(InvalidScheme):
                SchemeSpec.from_data(data)


class QualitativeUnitIndicatorTests(SimpleTestCase):
    def test_a_qualitative_indicator_counts_with_its_judgement(self):
        judged = UnitIndicator(
            "营商环境", "效益指标", "社会效益指标", QUALITATIVE, weight=D("30"),
            assessment=Assessment(ACHIEVED, D("27"), "企业反映良好"),
        )  # fmt: skip
        inputs = national_inputs(
            indicators=(*national_inputs().indicators[:2], judged, national_inputs().indicators[3])
        )
        sheet = score_evaluation(NATIONAL_SCHEME, inputs)
        # 7.6 + 41.4 + 27 + 9.8 = 85.8.
        self.assertEqual(sheet.total, D("85.8"))
        self.assertEqual(
            sheet.leaf("unit_outcome").indicators[0].explanation,
            "自评为“达成”（该档24.00至30.00分），得27.00分：企业反映良好",
        )
