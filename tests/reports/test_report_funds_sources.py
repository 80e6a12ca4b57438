"""The report's funds block by source of funds (issue 10): the 预算执行情况 sentence mentions 财政拨款, 上年结转资金
and 其他资金 only as far as they are known, and the 自评表's funds rows come in the national order (年度资金总额,
其中：财政拨款, 上年结转资金, 其他资金, 基本支出, 项目支出), a source row only when something of it is known."""

from __future__ import annotations

from decimal import Decimal

from django.test import SimpleTestCase

from budgets.figures import execution_figures
from budgets.models import BudgetExecution
from evaluations.models import Block
from evaluations.outlines import NodeSpec, OutlineSpec
from reports.document import Paragraph, Table
from reports.report import build_report, execution_sentence, execution_table
from tests.base import SeedTestCase

from .test_report import fresh

# The seed's 474.50 + 1231.24 = 1705.74万元 executed of 490.00 + 1250.00 = 1740.00万元; by source 财政拨款 1560.00 of
# 1590.00, 上年结转资金 75.74 of 80.00, 其他资金 70.00 of 70.00.
BASIC = {"full_year_budget": Decimal("4900000"), "executed": Decimal("4745000")}
PROJECT = {"full_year_budget": Decimal("12500000"), "executed": Decimal("12312400")}
FISCAL = {
    "initial_budget": Decimal("15000000"),
    "full_year_budget": Decimal("15900000"),
    "executed": Decimal("15600000"),
}
CARRYOVER = {"full_year_budget": Decimal("800000"), "executed": Decimal("757400")}
OTHER = {"full_year_budget": Decimal("700000"), "executed": Decimal("700000")}


def lines(**by_kind: dict) -> list[BudgetExecution]:
    return [BudgetExecution(kind=kind, **values) for kind, values in by_kind.items()]


def table_rows(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


class ExecutionSentenceTests(SimpleTestCase):
    def test_with_both_breakdowns_it_names_the_sources_then_the_kinds_of_spending(self):
        figures = execution_figures(
            lines(basic=BASIC, project=PROJECT, fiscal=FISCAL, carryover=CARRYOVER, other=OTHER)
        )
        self.assertEqual(
            execution_sentence(2024, figures),
            "2024年预算资金全年预算数1740.00万元，全年执行数1705.74万元，执行率98.03%。"
            "其中：财政拨款年初预算数1500.00万元，全年预算数1590.00万元，全年执行数1560.00万元，执行率98.11%；"
            "上年结转资金全年预算数80.00万元，全年执行数75.74万元，执行率94.68%；"
            "其他资金全年预算数70.00万元，全年执行数70.00万元，执行率100.00%。"
            "按支出类型，基本支出全年预算数490.00万元，全年执行数474.50万元，执行率96.84%；"
            "项目支出全年预算数1250.00万元，全年执行数1231.24万元，执行率98.50%。",
        )

    def test_without_sources_the_wording_is_as_before(self):
        figures = execution_figures(lines(basic=BASIC, project=PROJECT))
        self.assertEqual(
            execution_sentence(2024, figures),
            "2024年预算资金全年预算数1740.00万元，全年执行数1705.74万元，执行率98.03%。"
            "其中，基本支出全年预算数490.00万元，全年执行数474.50万元，执行率96.84%；"
            "项目支出全年预算数1250.00万元，全年执行数1231.24万元，执行率98.50%。",
        )

    def test_an_unknown_source_is_not_mentioned(self):
        figures = execution_figures(lines(basic=BASIC, project=PROJECT, fiscal={"executed": None}, other=OTHER))
        self.assertEqual(
            execution_sentence(2024, figures).split("。")[1],
            "其中：其他资金全年预算数70.00万元，全年执行数70.00万元，执行率100.00%",
        )

    def test_the_sources_alone_give_the_total_and_the_split(self):
        figures = execution_figures(lines(fiscal=FISCAL, carryover=CARRYOVER, other=OTHER))
        sentence = execution_sentence(2024, figures)
        self.assertTrue(
            sentence.startswith("2024年预算资金全年预算数1740.00万元，全年执行数1705.74万元，执行率98.03%。其中：")
        )
        self.assertNotIn("按支出类型", sentence)

    def test_a_partial_source_split_gives_no_total(self):
        figures = execution_figures(lines(fiscal=FISCAL))
        self.assertEqual(
            execution_sentence(2024, figures),
            "2024年财政拨款年初预算数1500.00万元，全年预算数1590.00万元，全年执行数1560.00万元，执行率98.11%。",
        )
        self.assertEqual(execution_sentence(2024, execution_figures([])), "")


class ExecutionTableTests(SimpleTestCase):
    def test_the_rows_come_in_the_national_order_with_seven_columns(self):
        figures = execution_figures(
            lines(basic=BASIC, project=PROJECT, fiscal=FISCAL, carryover=CARRYOVER, other=OTHER)
        )
        table = execution_table(figures)
        self.assertEqual(
            [column.label for column in table.columns],
            ["资金类别", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        )
        self.assertEqual(
            table_rows(table),
            [
                ["年度资金总额", "—", "1740.00", "1705.74", "", "98.03%", ""],
                ["其中：财政拨款", "1500.00", "1590.00", "1560.00", "", "98.11%", ""],
                ["上年结转资金", "—", "80.00", "75.74", "", "94.68%", ""],
                ["其他资金", "—", "70.00", "70.00", "", "100.00%", ""],
                ["基本支出", "—", "490.00", "474.50", "", "96.84%", ""],
                ["项目支出", "—", "1250.00", "1231.24", "", "98.50%", ""],
            ],
        )
        self.assertEqual([row.variant for row in table.rows][:2], ["total", ""])

    def test_a_source_row_only_when_something_of_it_is_known(self):
        figures = execution_figures(lines(basic=BASIC, project=PROJECT, fiscal={}, carryover=CARRYOVER))
        self.assertEqual(
            [row[0] for row in table_rows(execution_table(figures))],
            ["年度资金总额", "其中：上年结转资金", "基本支出", "项目支出"],
        )

    def test_without_sources_the_table_is_as_before(self):
        figures = execution_figures(lines(basic=BASIC))
        self.assertEqual(
            table_rows(execution_table(figures)),
            [
                ["年度资金总额", "—", "—", "—", "", "—", ""],
                ["基本支出", "—", "490.00", "474.50", "", "96.84%", ""],
                ["项目支出", "—", "—", "—", "", "—", ""],
            ],
        )


class SeedReportTests(SeedTestCase):
    """王芳 enters only the source split of the seed unit's funds: the report prints it, and the total it gives."""

    def setUp(self):
        for kind, values in {"fiscal": FISCAL, "carryover": CARRYOVER, "other": OTHER}.items():
            self.evaluation.budget_execution.filter(kind=kind).update(**values)

    def build(self, *blocks: str):
        outline = OutlineSpec("test", "测试提纲", "", tuple(NodeSpec(b, b, b) for b in blocks))
        report = build_report(fresh(self.evaluation), draft=False, outline=outline)
        return [block for section in report.sections for block in section.blocks]

    def test_the_report_prints_the_split_and_the_table(self):
        [paragraph] = self.build(Block.EXECUTION)
        self.assertIsInstance(paragraph, Paragraph)
        self.assertTrue(paragraph.text.startswith("2024年预算资金全年预算数1740.00万元"))
        self.assertIn("其中：财政拨款年初预算数1500.00万元", paragraph.text)
        table = next(b for b in self.build(Block.SELF_EVALUATION_TABLE) if isinstance(b, Table))
        self.assertEqual(
            [row[0] for row in table_rows(table)],
            ["年度资金总额", "其中：财政拨款", "上年结转资金", "其他资金", "基本支出", "项目支出"],
        )
