"""The common indicators from budget data (issue 10), hand-computed from the figures a county bureau's 决算 and
自评表 print (in 万元, held here in exact 元), and at their edges: a zero denominator or a blank input gives no value
and says why, never 0."""

from __future__ import annotations

from decimal import Decimal

from django.test import SimpleTestCase

from budgets import figures
from budgets.figures import common_indicators, common_measures, execution_figures, execution_lines_needing_reason
from budgets.models import BudgetExecution, CommonFigures
from evaluations.measures import Measure, staff_control_rate
from evaluations.money import format_percent
from evaluations.schemes import COMMON_INDICATORS, HUNAN_SCHEME, NATIONAL_SCHEME
from evaluations.scoring import score_evaluation
from evaluations.scoring_rules import CARRYOVER_AMOUNT, EXECUTION_RATE, PREVIOUS_CARRYOVER_AMOUNT, ScoringInputs


def wan(text: str) -> Decimal:
    """An amount printed in 万元, in exact 元."""
    return Decimal(text) * 10000


# 上年结转 12.30, 年初预算 480.00, 追加 35.60, 调减 8.00, 全年预算 519.90, 全年执行 507.26, 年末结转结余 12.64 (万元),
# basic and project as a county bureau's 决算 splits them.
BASIC = {
    "carryover_from_last_year": wan("0"),
    "initial_budget": wan("380.00"),
    "additions": wan("5.60"),
    "reductions": wan("8.00"),
    "full_year_budget": wan("377.60"),
    "executed": wan("377.60"),
    "year_end_carryover": wan("0"),
}
PROJECT = {
    "carryover_from_last_year": wan("12.30"),
    "initial_budget": wan("100.00"),
    "additions": wan("30.00"),
    "reductions": wan("0"),
    "full_year_budget": wan("142.30"),
    "executed": wan("129.66"),
    "year_end_carryover": wan("12.64"),
}
COMMON = {
    # 三公: no travel abroad; vehicles 8.00 budgeted, 7.29 spent (7.85 last year); hospitality 3.00, 2.46 (2.90).
    "abroad_budget": wan("0"),
    "abroad_actual": wan("0"),
    "abroad_previous_budget": wan("0"),
    "abroad_previous_actual": wan("0"),
    "vehicles_budget": wan("8.00"),
    "vehicles_actual": wan("7.29"),
    "vehicles_previous_budget": wan("8.00"),
    "vehicles_previous_actual": wan("7.85"),
    "reception_budget": wan("3.00"),
    "reception_actual": wan("2.46"),
    "reception_previous_budget": wan("3.50"),
    "reception_previous_actual": wan("2.90"),
    "procurement_budget": wan("60.00"),
    "procurement_actual": wan("55.32"),
    "public_funds_budget": wan("95.00"),
    "fixed_assets_in_use": wan("310.40"),
    "fixed_assets_total": wan("326.75"),
    "key_project_spending": wan("108.70"),
    "payment_progress_actual": Decimal("95.50"),
    "payment_progress_planned": Decimal("100.00"),
    "rules_met": 3,
    "violations": 0,
}
# The seed's 日常公用经费 (88.06万元) and 项目支出合计 (1231.24万元).
OPERATING = Decimal("880551.00")
PROJECT_TOTAL = Decimal("12312400.00")


class StaffLine:
    def __init__(self, approved: int | None, actual: int | None) -> None:
        self.approved, self.actual = approved, actual


STAFF = staff_control_rate([StaffLine(11, 10), StaffLine(12, 11)], None)


def lines(basic: dict | None = None, project: dict | None = None) -> list[BudgetExecution]:
    return [
        BudgetExecution(kind="basic", **(BASIC if basic is None else basic)),
        BudgetExecution(kind="project", **(PROJECT if project is None else project)),
    ]


def compute(common: dict | None = None, execution: list | None = None, **kwargs) -> figures.CommonMeasures:
    arguments = {"operating_actual": OPERATING, "project_total": PROJECT_TOTAL, "staff_control": STAFF, **kwargs}
    row = CommonFigures(**(COMMON if common is None else common))
    return common_indicators(row, lines() if execution is None else execution, **arguments)


class PublishedFiguresTests(SimpleTestCase):
    def setUp(self):
        self.common = compute()

    def shown(self, key: str) -> str:
        return self.common[key].shown

    def test_it_computes_the_execution_rate_of_the_funds_block(self):
        # 507.26 ÷ 519.90 = 97.5688%
        self.assertEqual(self.shown(EXECUTION_RATE), "97.57%")

    def test_it_computes_the_completion_rate_as_the_hunan_sheets_do(self):
        # (12.30 + 480.00 + 35.60 − 12.64) ÷ (12.30 + 480.00 + 35.60) = 515.26 ÷ 527.90 = 97.6056%
        self.assertEqual(self.shown("budget_completion_rate"), "97.61%")

    def test_additions_and_reductions_both_count_as_adjustment(self):
        # (35.60 + 8.00) ÷ 480.00 = 9.0833%: a cut does not cancel an addition
        self.assertEqual(self.shown("budget_adjustment_rate"), "9.08%")

    def test_it_computes_the_carryover_rate_and_the_amounts_the_hunan_rule_compares(self):
        # 12.64 ÷ 519.90 = 2.4312%
        self.assertEqual(self.shown("carryover_rate"), "2.43%")
        self.assertEqual(self.common.measures[CARRYOVER_AMOUNT], Decimal("126400.00"))
        self.assertEqual(self.common.measures[PREVIOUS_CARRYOVER_AMOUNT], Decimal("123000.00"))
        self.assertEqual(self.shown(CARRYOVER_AMOUNT), "12.64万元")

    def test_it_computes_the_three_public_expenses_against_budget_and_last_year(self):
        # this year 0 + 7.29 + 2.46 = 9.75 of 11.00 budgeted = 88.6364%; last year 10.75: (9.75 − 10.75) ÷ 10.75
        self.assertEqual(self.shown("three_public_control_rate"), "88.64%")
        self.assertEqual(self.shown("three_public_change_rate"), "−9.30%")
        self.assertLess(self.common.measures["three_public_change_rate"], 0)

    def test_it_computes_procurement_public_funds_assets_key_spending_and_payment_progress(self):
        self.assertEqual(self.shown("procurement_execution_rate"), "92.20%")  # 55.32 ÷ 60.00
        self.assertEqual(self.shown("public_funds_control_rate"), "92.69%")  # 88.0551 ÷ 95.00 = 92.6896%
        self.assertEqual(self.shown("fixed_asset_use_rate"), "95.00%")  # 310.40 ÷ 326.75 = 94.9962%
        self.assertEqual(self.shown("key_spending_rate"), "8.83%")  # 108.70 ÷ 1231.24 = 8.8285%
        self.assertEqual(self.shown("payment_progress_rate"), "95.50%")  # 95.50% ÷ 100%

    def test_it_computes_the_staff_control_rate_from_the_staffing_lines(self):
        # (10 + 11) ÷ (11 + 12) = 91.3043%
        self.assertEqual(self.shown("staff_control_rate"), "91.30%")

    def test_the_counts_are_the_entered_counts(self):
        self.assertEqual(self.common.measures["management_rules"], Decimal("3"))
        self.assertEqual(self.common.measures["funds_compliance"], Decimal("0"))

    def test_rates_are_exact_until_shown(self):
        self.assertEqual(self.common.measures["procurement_execution_rate"], Decimal("553200") / Decimal("600000"))

    def test_every_computed_measure_is_a_key_of_the_catalogue_with_its_formula(self):
        self.assertEqual(list(self.common.results), [k for k in COMMON_INDICATORS if k in self.common.results])
        for result in self.common:
            with self.subTest(result.key):
                self.assertEqual(result.formula, COMMON_INDICATORS[result.key].formula)
        # Only the judgements are left to the unit (assessments), nothing the data can give.
        self.assertEqual(set(COMMON_INDICATORS) - set(self.common.results), {"disclosure", "asset_security"})

    def test_the_schemes_find_every_measure_they_read(self):
        for scheme in (NATIONAL_SCHEME, HUNAN_SCHEME):
            with self.subTest(scheme.key):
                self.assertLessEqual(set(scheme.measure_keys), set(self.common.measures))
        self.assertEqual(self.common.missing, {})

    def test_the_hunan_scheme_scores_the_measures(self):
        sheet = score_evaluation(HUNAN_SCHEME, ScoringInputs(measures=self.common.measures))
        points = {leaf.key: leaf.points for leaf in sheet.leaves()}
        self.assertEqual(points["staff_control_rate"], Decimal("5"))  # 91.30% ≤ 100%
        self.assertEqual(points["three_public_change_rate"], Decimal("5"))  # fell
        self.assertEqual(points["key_spending_rate"], Decimal("0"))  # 8.83% < 60%
        self.assertEqual(points["budget_adjustment_rate"], Decimal("2"))  # (0, 10%]
        self.assertEqual(points["carryover_rate"], Decimal("0"))  # 12.64 above 12.30 carried in
        self.assertEqual(points["three_public_control_rate"], Decimal("6"))  # 88.64% ≤ 100%
        self.assertEqual(points["management_rules"], Decimal("3"))
        self.assertEqual(points["funds_compliance"], Decimal("3"))

    def test_the_issues_example_of_full_execution_scores_full_marks(self):
        # 7.29 of 7.29 万元 → 10.00 of 10 on the national funds block
        execution = lines(
            {**BASIC, "full_year_budget": wan("7.29"), "executed": wan("7.29")},
            {**PROJECT, "full_year_budget": wan("0"), "executed": wan("0")},
        )
        measures = compute(execution=execution).measures
        self.assertEqual(measures[EXECUTION_RATE], Decimal("1"))
        sheet = score_evaluation(NATIONAL_SCHEME, ScoringInputs(measures=measures))
        self.assertEqual(sheet.leaf(EXECUTION_RATE).points, Decimal("10"))

    def test_common_measures_is_the_mapping_the_engine_takes(self):
        measures = common_measures(
            CommonFigures(**COMMON),
            lines(),
            operating_actual=OPERATING,
            project_total=PROJECT_TOTAL,
            staff_control=STAFF,
        )
        self.assertEqual(measures, self.common.measures)


class MissingAndZeroTests(SimpleTestCase):
    def test_nothing_entered_gives_no_value_and_names_every_input(self):
        common = common_indicators(None, [], operating_actual=None, project_total=None, staff_control=STAFF)
        self.assertTrue(all(value is None for key, value in common.measures.items() if key != "staff_control_rate"))
        self.assertEqual(common.missing["budget_adjustment_rate"][:2], ("基本支出本年追加", "项目支出本年追加"))
        self.assertEqual(common["procurement_execution_rate"].shown, "无法计算（缺少实际政府采购金额、政府采购预算数）")
        self.assertEqual(common["public_funds_control_rate"].missing, ("日常公用经费本年决算数", "公用经费预算数"))
        self.assertEqual(common["key_spending_rate"].missing, ("重点项目支出", "项目支出合计"))

    def test_a_blank_line_is_unknown_not_zero(self):
        # Only the basic line's carryover is known: the total is not the basic line's alone.
        project = {**PROJECT, "year_end_carryover": None}
        common = compute(execution=lines(project=project))
        self.assertIsNone(common.measures[CARRYOVER_AMOUNT])
        self.assertEqual(common.missing[CARRYOVER_AMOUNT], ("项目支出年末结转结余",))
        self.assertEqual(common["budget_completion_rate"].shown, "无法计算（缺少项目支出年末结转结余）")
        # Blank is not zero; 0 is: a unit without carryover enters 0 and the Hunan rule gives full points.
        measures = compute(execution=lines(project={**PROJECT, "year_end_carryover": wan("0")})).measures
        self.assertEqual(measures[CARRYOVER_AMOUNT], Decimal("0"))

    def test_one_blank_three_public_item_leaves_both_three_public_rates_unknown(self):
        common = compute({**COMMON, "abroad_actual": None})
        self.assertEqual(common.missing["three_public_control_rate"], ("因公出国（境）费本年实际支出",))
        self.assertEqual(common.missing["three_public_change_rate"], ("因公出国（境）费本年实际支出",))

    def test_zero_denominators_give_no_value_with_the_reason(self):
        zero_budget = lines(
            {**BASIC, "full_year_budget": wan("0"), "executed": wan("0")},
            {**PROJECT, "full_year_budget": wan("0"), "executed": wan("0")},
        )
        cases = {
            EXECUTION_RATE: (compute(execution=zero_budget), "无法计算（全年预算数为0）"),
            "carryover_rate": (compute(execution=zero_budget), "无法计算（全年预算数为0）"),
            "three_public_change_rate": (
                compute({**COMMON, "vehicles_previous_actual": wan("0"), "reception_previous_actual": wan("0")}),
                "无法计算（上年“三公经费”为0）",
            ),
            "three_public_control_rate": (
                compute({**COMMON, "vehicles_budget": wan("0"), "reception_budget": wan("0")}),
                "无法计算（“三公经费”预算数为0）",
            ),
            "procurement_execution_rate": (
                compute({**COMMON, "procurement_budget": 0}),
                "无法计算（政府采购预算数为0）",
            ),
            "public_funds_control_rate": (
                compute({**COMMON, "public_funds_budget": 0}),
                "无法计算（公用经费预算数为0）",
            ),
            "fixed_asset_use_rate": (
                compute({**COMMON, "fixed_assets_in_use": 0, "fixed_assets_total": 0}),
                "无法计算（固定资产总额为0）",
            ),
            "key_spending_rate": (compute(project_total=Decimal("0")), "无法计算（项目支出合计为0）"),
            "payment_progress_rate": (
                compute({**COMMON, "payment_progress_planned": 0}),
                "无法计算（既定支付进度为0）",
            ),
            "budget_adjustment_rate": (
                compute(execution=lines({**BASIC, "initial_budget": 0}, {**PROJECT, "initial_budget": 0})),
                "无法计算（年初预算数为0）",
            ),
            "budget_completion_rate": (
                compute(
                    execution=lines(
                        {**BASIC, "initial_budget": 0, "additions": 0},
                        {**PROJECT, "initial_budget": 0, "additions": 0, "carryover_from_last_year": 0},
                    )
                ),
                "无法计算（上年结转、年初预算与本年追加之和为0）",
            ),
        }
        for key, (common, shown) in cases.items():
            with self.subTest(key):
                self.assertIsNone(common.measures[key])
                self.assertEqual(common[key].shown, shown)
                self.assertEqual(common[key].missing, ())
                self.assertNotIn(key, {k for k, v in common.missing.items() if v})

    def test_zero_numerators_are_a_rate_of_zero(self):
        common = compute({**COMMON, "procurement_actual": 0, "key_project_spending": 0})
        self.assertEqual(common.measures["procurement_execution_rate"], Decimal("0"))
        self.assertEqual(common["key_spending_rate"].shown, "0.00%")

    def test_no_adjustment_is_a_rate_of_zero(self):
        common = compute(execution=lines({**BASIC, "additions": 0, "reductions": 0}, PROJECT | {"additions": 0}))
        self.assertEqual(common.measures["budget_adjustment_rate"], Decimal("0"))


class ReasonTests(SimpleTestCase):
    def test_a_line_under_ninety_percent_asks_for_a_reason(self):
        # 项目支出 76% (108.15 of 142.30), 年度资金总额 485.75 of 519.90 = 93.43%
        execution = execution_figures(lines(project={**PROJECT, "executed": wan("108.148")}))
        below = execution_lines_needing_reason(execution)
        self.assertEqual([(line.label, format_percent(line.rate)) for line in below], [("项目支出", "76.00%")])

    def test_ninety_percent_exactly_needs_no_reason(self):
        execution = execution_figures(lines(project={**PROJECT, "full_year_budget": wan("100"), "executed": wan("90")}))
        self.assertEqual(execution_lines_needing_reason(execution), [])
        execution = execution_figures(
            lines(project={**PROJECT, "full_year_budget": wan("100"), "executed": Decimal("899999.99")})
        )
        self.assertEqual(len(execution_lines_needing_reason(execution)), 1)

    def test_no_rate_asks_for_nothing(self):
        self.assertEqual(execution_lines_needing_reason(execution_figures([])), [])


class MeasureTests(SimpleTestCase):
    def test_a_measure_names_its_indicator_and_formula(self):
        measure = Measure("three_public_control_rate", Decimal("0.923"))
        self.assertEqual(measure.name, "“三公经费”控制率")
        self.assertEqual(measure.formula, "“三公经费”实际支出 ÷ “三公经费”预算数")
        self.assertEqual(measure.shown, "92.30%")
