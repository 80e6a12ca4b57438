"""The funds block by source of funds (issue 10): 年度资金总额 is broken down twice, by kind of spending (基本支出,
项目支出) and by source (财政拨款, 上年结转资金, 其他资金). Hand-computed from a county bureau's 自评表 (万元, held
here in exact 元): a column's total comes from whichever breakdown is complete, never from a partial one, and two
complete breakdowns that disagree are a cross-check failure naming both sums. Pure functions over rows: these are
SimpleTestCases, which refuse any database query."""

from __future__ import annotations

from decimal import Decimal

from django.test import SimpleTestCase

from budgets.checks import EXECUTION_SOURCES, check_execution_sources, cross_checks
from budgets.figures import common_indicators, execution_figures, execution_lines_needing_reason
from budgets.models import BudgetExecution, CommonFigures
from evaluations.measures import staff_control_rate
from evaluations.money import format_percent, format_wan
from evaluations.scoring_rules import EXECUTION_RATE


def wan(text: str) -> Decimal:
    """An amount printed in 万元, in exact 元."""
    return Decimal(text) * 10000


# 年初预算数 / 全年预算数 / 全年执行数 (万元). By kind: 480.00 + 1100.00 = 1580.00; 490.00 + 1250.00 = 1740.00;
# 474.50 + 1231.24 = 1705.74. By source: 1500.00 + 80.00 + 0 = 1580.00; 1590.00 + 80.00 + 70.00 = 1740.00;
# 1560.00 + 75.74 + 70.00 = 1705.74.
SPENDING = {
    "basic": (wan("480.00"), wan("490.00"), wan("474.50")),
    "project": (wan("1100.00"), wan("1250.00"), wan("1231.24")),
}
SOURCES = {
    "fiscal": (wan("1500.00"), wan("1590.00"), wan("1560.00")),
    "carryover": (wan("80.00"), wan("80.00"), wan("75.74")),
    "other": (Decimal("0"), wan("70.00"), wan("70.00")),
}


def rows(**lines: tuple) -> list[BudgetExecution]:
    return [
        BudgetExecution(kind=kind, initial_budget=initial, full_year_budget=full_year, executed=executed)
        for kind, (initial, full_year, executed) in lines.items()
    ]


def shown(line) -> list[str]:
    return [format_wan(line.initial_budget), format_wan(line.full_year_budget), format_wan(line.executed)]


class BothBreakdownsTests(SimpleTestCase):
    """李强's bureau fills in both breakdowns, and they agree."""

    def setUp(self):
        self.figures = execution_figures(rows(**SPENDING, **SOURCES))

    def test_the_lines_come_in_the_national_order_with_their_labels(self):
        self.assertEqual([str(line.label) for line in self.figures.lines], ["基本支出", "项目支出"])
        self.assertEqual([str(line.label) for line in self.figures.sources], ["财政拨款", "上年结转资金", "其他资金"])
        self.assertEqual([line.kind for line in self.figures.sources], ["fiscal", "carryover", "other"])

    def test_the_total_is_the_sum_of_either_breakdown(self):
        self.assertEqual(shown(self.figures.total), ["1580.00", "1740.00", "1705.74"])
        self.assertEqual(shown(self.figures.spending_total), shown(self.figures.sources_total))
        # 1705.74 ÷ 1740.00 = 98.0310%
        self.assertEqual(format_percent(self.figures.total.rate), "98.03%")

    def test_each_source_has_its_own_execution_rate(self):
        # 1560.00 ÷ 1590.00 = 98.1132%; 75.74 ÷ 80.00 = 94.675% (half up); 70 ÷ 70
        self.assertEqual([format_percent(line.rate) for line in self.figures.sources], ["98.11%", "94.68%", "100.00%"])

    def test_agreeing_breakdowns_pass_the_check(self):
        self.assertEqual(self.figures.mismatches(), [])
        self.assertEqual(check_execution_sources(rows(**SPENDING, **SOURCES)), [])

    def test_a_source_line_of_0_is_known_and_printed(self):
        other = self.figures.sources[2]
        self.assertEqual(other.initial_budget, Decimal("0"))
        self.assertIn(other, self.figures.known_sources)


class OneBreakdownTests(SimpleTestCase):
    def test_with_only_the_sources_the_total_is_their_sum(self):
        figures = execution_figures(rows(**SOURCES))
        self.assertEqual(shown(figures.total), ["1580.00", "1740.00", "1705.74"])
        self.assertEqual(shown(figures.spending_total), ["", "", ""])
        self.assertFalse(figures.is_empty)

    def test_with_only_the_kinds_of_spending_the_total_is_their_sum_and_no_source_is_printed(self):
        figures = execution_figures(rows(**SPENDING))
        self.assertEqual(shown(figures.total), ["1580.00", "1740.00", "1705.74"])
        self.assertEqual(figures.known_sources, [])

    def test_source_lines_alone_make_the_block_not_empty(self):
        figures = execution_figures(rows(fiscal=(None, wan("10"), None)))
        self.assertFalse(figures.is_empty)
        self.assertTrue(execution_figures([]).is_empty)


class PartialBreakdownTests(SimpleTestCase):
    """A partial breakdown is never passed off as 年度资金总额."""

    def test_basic_spending_and_two_of_three_sources_give_no_total(self):
        figures = execution_figures(rows(basic=SPENDING["basic"], fiscal=SOURCES["fiscal"], other=SOURCES["other"]))
        self.assertEqual(shown(figures.total), ["", "", ""])
        self.assertIsNone(figures.total.rate)
        self.assertEqual(figures.mismatches(), [])

    def test_each_column_takes_the_breakdown_that_is_complete_for_it(self):
        # 项目支出 has no 年初预算数, so that column is the sources' sum; the other two are the kinds' sums.
        project = (None, *SPENDING["project"][1:])
        sources = {kind: (initial, None, None) for kind, (initial, _full, _done) in SOURCES.items()}
        figures = execution_figures(rows(basic=SPENDING["basic"], project=project, **sources))
        self.assertEqual(shown(figures.total), ["1580.00", "1740.00", "1705.74"])

    def test_a_blank_source_figure_is_unknown_not_zero(self):
        sources = {**SOURCES, "other": (None, None, None)}
        figures = execution_figures(rows(**sources))
        self.assertEqual(shown(figures.sources_total), ["", "", ""])
        self.assertEqual(shown(figures.total), ["", "", ""])


class MismatchTests(SimpleTestCase):
    """王芳 types 其他资金 全年执行数 69.00万元 instead of 70.00: the sources then add up to 1704.74, not 1705.74."""

    def setUp(self):
        self.execution = rows(**SPENDING, **{**SOURCES, "other": (Decimal("0"), wan("70.00"), wan("69.00"))})

    def test_the_column_that_disagrees_is_found_with_both_sums(self):
        [mismatch] = execution_figures(self.execution).mismatches()
        self.assertEqual(
            (mismatch.column, mismatch.label, mismatch.spending, mismatch.sources),
            ("executed", "全年执行数", wan("1705.74"), wan("1704.74")),
        )

    def test_the_total_keeps_the_kinds_of_spending(self):
        self.assertEqual(format_wan(execution_figures(self.execution).total.executed), "1705.74")

    def test_it_is_a_cross_check_failure_naming_both_sums_in_wan(self):
        [failure] = cross_checks(None, [], [], self.execution)
        self.assertEqual(failure.rule, EXECUTION_SOURCES)
        self.assertEqual(
            failure.message,
            "基本支出与项目支出的全年执行数之和 17057400.00 元（1705.74 万元）与财政拨款、上年结转资金与其他资金的"
            "全年执行数之和 17047400.00 元（1704.74 万元）不一致，相差 10000.00 元（1.00 万元）。",
        )
        self.assertEqual((failure.section, failure.field), ("execution", "execution-fiscal-executed"))

    def test_a_partial_breakdown_is_not_checked(self):
        execution = [row for row in self.execution if row.kind != "carryover"]
        self.assertEqual(cross_checks(None, [], [], execution), [])

    def test_every_column_that_disagrees_is_listed(self):
        execution = rows(**SPENDING, **{**SOURCES, "fiscal": (wan("1400.00"), wan("1500.00"), wan("1560.00"))})
        self.assertEqual(
            [failure.against.label for failure in check_execution_sources(execution)],
            ["财政拨款、上年结转资金与其他资金的年初预算数之和", "财政拨款、上年结转资金与其他资金的全年预算数之和"],
        )


class CommonIndicatorTests(SimpleTestCase):
    def compute(self, execution: list[BudgetExecution]):
        staff = staff_control_rate([], None)
        return common_indicators(
            CommonFigures(), execution, operating_actual=None, project_total=None, staff_control=staff
        )

    def test_the_execution_rate_is_the_rate_of_the_total_whichever_breakdown_gives_it(self):
        self.assertEqual(self.compute(rows(**SOURCES))[EXECUTION_RATE].shown, "98.03%")
        self.assertEqual(self.compute(rows(**SPENDING))[EXECUTION_RATE].shown, "98.03%")

    def test_without_a_complete_breakdown_it_names_what_the_kinds_of_spending_lack(self):
        measure = self.compute(rows(basic=SPENDING["basic"], fiscal=SOURCES["fiscal"]))[EXECUTION_RATE]
        self.assertIsNone(measure.value)
        self.assertEqual(measure.missing, ("项目支出全年执行数", "项目支出全年预算数"))

    def test_the_adjustment_columns_are_read_from_the_kinds_of_spending_only(self):
        # A source line carrying a 年末结转结余 (the service refuses it; here it is built by hand) is not counted.
        execution = [
            *rows(**SPENDING),
            BudgetExecution(kind="carryover", year_end_carryover=wan("4.26"), carryover_from_last_year=wan("80")),
        ]
        common = self.compute(execution)
        self.assertIsNone(common["carryover_rate"].value)
        self.assertEqual(common["carryover_rate"].missing, ("基本支出年末结转结余", "项目支出年末结转结余"))
        self.assertEqual(common["budget_completion_rate"].missing[:2], ("基本支出上年结转", "项目支出上年结转"))

    def test_a_source_line_under_ninety_percent_asks_for_no_reason_by_itself(self):
        # 上年结转资金 at 50% while the year's total is at 98.03%: the rule reads 基本, 项目 and the total.
        execution = rows(**SPENDING, **{**SOURCES, "carryover": (wan("80.00"), wan("80.00"), wan("40.00"))})
        self.assertEqual(execution_lines_needing_reason(execution_figures(execution)), [])
