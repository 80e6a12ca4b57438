"""The template and the export: the national 自评表 layout, drop-down lists, text that cannot turn into a formula,
and a query count that does not grow with the rows."""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import load_workbook

from achievements.models import Indicator
from budgets.models import BudgetExecution, FundSource, ProjectItem
from evaluations.models import Evaluation
from reports.excel.exporter import build_export
from reports.excel.safe_writer import workbook_bytes, write
from reports.excel.template import build_template
from tests.base import SeedTestCase


def reopen(wb):
    return load_workbook(io.BytesIO(workbook_bytes(wb)))


class SelfEvaluationSheetTests(SeedTestCase):
    def setUp(self):
        BudgetExecution.objects.filter(evaluation=self.evaluation, kind="basic").update(
            initial_budget=Decimal("4800000"), full_year_budget=Decimal("4900000"), executed=Decimal("4745000")
        )
        BudgetExecution.objects.filter(evaluation=self.evaluation, kind="project").update(
            initial_budget=Decimal("11000000"), full_year_budget=Decimal("12500000"), executed=Decimal("12312400")
        )
        Evaluation.objects.filter(pk=self.evaluation.pk).update(
            overall_goal="推动工业稳增长、科技创新和数字化转型。", overall_goal_result="规模工业增加值增长12.2%。"
        )
        Indicator.objects.filter(evaluation=self.evaluation, name="技术合同成交额").update(weight=Decimal("20"))
        Indicator.objects.filter(evaluation=self.evaluation, name="知识价值信用贷款").update(weight=Decimal("10"))
        self.evaluation.refresh_from_db()
        self.ws = reopen(build_export(self.evaluation))["部门整体支出绩效自评表"]

    def test_it_comes_first_with_the_merged_title_and_blocks_of_the_national_form(self):
        ws = self.ws
        self.assertEqual(ws.parent.sheetnames[0], "部门整体支出绩效自评表")
        self.assertEqual(ws["A1"].value, "部门整体支出绩效自评表")
        self.assertEqual(ws["A2"].value, "（2024年度）")
        self.assertEqual(ws["C3"].value, "株洲市渌口区科技和工业信息化局")
        merged = {str(r) for r in ws.merged_cells.ranges}
        # The funds block, then the totals and the other budget types (issue 9), then the goal and the indicators.
        self.assertTrue(
            {"A1:J1", "A2:J2", "A4:A10", "I4:J4", "A11:A12", "A13:A16", "A17:A18", "B18:F18", "G18:J18"} <= merged
        )
        self.assertEqual(
            [ws.cell(row=4, column=c).value for c in range(4, 10)],
            ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        )
        self.assertEqual(
            [ws.cell(row=19, column=c).value for c in range(1, 11)],
            [
                "一级指标",
                "二级指标",
                "三级指标",
                "指标性质",
                "度量单位",
                "年度指标值",
                "实际完成值",
                "分值",
                "得分",
                "偏差原因分析及改进措施",
            ],
        )

    def test_the_funds_block_shows_wan_yuan_rates_and_the_score_from_the_figures(self):
        ws = self.ws
        # The national rows: 年度资金总额, "其中：" the sources of funds (blank here: nobody entered them), then
        # 基本支出 and 项目支出.
        self.assertEqual(
            [ws[f"B{r}"].value for r in range(5, 11)],
            ["年度资金总额", "其中：财政拨款", "上年结转资金", "其他资金", "基本支出", "项目支出"],
        )
        self.assertEqual([ws[f"E{r}"].value for r in (6, 7, 8)], [None, None, None])
        # 490 + 1250 = 1740万元 budget, 474.50 + 1231.24 = 1705.74万元 executed: 98.03%, score 9.80 of 10.
        self.assertEqual((ws["D5"].value, ws["E5"].value, ws["F5"].value), (1580, 1740, 1705.74))
        self.assertEqual(ws["F5"].number_format, "0.00")
        self.assertEqual((ws["G5"].value, ws["H5"].value, ws["I5"].value), (10, 0.9803, 9.8))
        self.assertEqual(ws["H5"].number_format, "0.00%")
        self.assertEqual((ws["H9"].value, ws["H10"].value), (0.9684, 0.985))

    def test_the_overall_goal_sits_beside_its_result(self):
        self.assertEqual(self.ws["B18"].value, "推动工业稳增长、科技创新和数字化转型。")
        self.assertEqual(self.ws["G18"].value, "规模工业增加值增长12.2%。")

    def test_indicators_are_grouped_and_scored_by_the_figures_module(self):
        ws = self.ws
        rows = {ws.cell(row=r, column=3).value: r for r in range(20, ws.max_row + 1)}
        contract = rows["技术合同成交额"]
        self.assertEqual(
            [ws.cell(row=contract, column=c).value for c in range(3, 10)],
            ["技术合同成交额", "≥", "亿元", 10, 12.55, 20, 20],
        )
        loan = rows["知识价值信用贷款"]
        self.assertEqual(ws.cell(row=loan, column=9).value, 5.7)  # 10 × 57%
        self.assertIsNone(ws.cell(row=rows["工业投资增速"], column=9).value)  # no target, no weight: blank
        merged = {str(r) for r in ws.merged_cells.ranges}
        self.assertIn(f"A{rows['规模工业增加值增速']}:A{rows['有效高新技术企业数']}", merged)
        # Weights are missing for most indicators, so the score sheet has no total yet: 总分 and 等级 stay blank
        # rather than mislead; the scheme's 100 stands in the 分值 column.
        total = ws.max_row - 1
        self.assertEqual([ws.cell(row=r, column=1).value for r in (total, total + 1)], ["总分", "等级"])
        self.assertEqual(ws.cell(row=total, column=8).value, 100)
        self.assertIsNone(ws.cell(row=total, column=9).value)
        self.assertIsNone(ws.cell(row=total + 1, column=8).value)


class _FormulaInjection:
    def test_text_that_looks_like_a_formula_comes_back_as_text(self):
        source = FundSource.objects.get(evaluation=self.evaluation, name="区本级专项资金")
        dangerous = ['=HYPERLINK("http://evil.example","点此")', "+1+2", "-3", "@SUM(A1)"]
        for n, name in enumerate(dangerous, start=10):
            ProjectItem.objects.create(evaluation=self.evaluation, source=source, order=n, name=name, amount=1)
        Indicator.objects.filter(evaluation=self.evaluation, name="工业投资增速").update(
            deviation_reason="=1+1", ranking="-全市第六"
        )
        for build in (build_template, build_export):
            wb = reopen(build(self.evaluation))
            projects = wb["项目支出"]
            cells = {projects.cell(row=r, column=3).value: projects.cell(row=r, column=3) for r in range(2, 20)}
            for name in dangerous:
                self.assertEqual((cells[name].data_type, cells[name].value), ("s", name))
            indicators = wb["绩效指标"]
            reason = next(c for c in indicators["L"] if c.value == "=1+1")
            self.assertEqual(reason.data_type, "s")
            if build is build_export:
                sheet = wb["部门整体支出绩效自评表"]
                reason = next(c for c in sheet["J"] if c.value == "=1+1")
                self.assertEqual(reason.data_type, "s")

    def test_illegal_xml_characters_are_stripped_instead_of_failing(self):
        ProjectItem.objects.filter(evaluation=self.evaluation, name="维稳救助经费").update(name="维稳\x07救助\x1b经费")
        projects = reopen(build_template(self.evaluation))["项目支出"]
        self.assertIn("维稳救助经费", [c.value for c in projects["C"]])

    def test_a_float_never_reaches_a_cell(self):
        ws = load_workbook(io.BytesIO(workbook_bytes(build_template(self.evaluation)))).active
        with self.assertRaises(TypeError):
            write(ws, 1, 1, 0.1)


class _Template:
    def test_it_is_prefilled_in_yuan_with_hidden_ids_and_drop_down_lists(self):
        wb = reopen(build_template(self.evaluation))
        self.assertEqual(
            wb.sheetnames,
            [
                "填写说明",
                "支出总体情况",
                "基本支出",
                "项目支出",
                "其他预算类型支出",
                "预算执行",
                "绩效指标",
                "下拉选项",
            ],
        )
        self.assertEqual(wb["下拉选项"].sheet_state, "hidden")
        basic = wb["基本支出"]
        self.assertEqual([c.value for c in basic[1]], ["类别", "本年决算数（元）", "上年决算数（元）", "增减原因"])
        self.assertEqual([basic["A2"].value, basic["B2"].value, basic["C2"].value], ["人员经费", 3864449, 4710700])
        projects = wb["项目支出"]
        self.assertTrue(projects.column_dimensions["A"].hidden)
        self.assertEqual(
            projects["A2"].value, ProjectItem.objects.get(evaluation=self.evaluation, name="高分子新材料论坛资金").pk
        )
        validations = {str(v.sqref): v.formula1 for v in projects.data_validations.dataValidation}
        self.assertEqual(validations["B2:B2001"], "'下拉选项'!$A$2:$A$4")
        self.assertEqual(
            [wb["下拉选项"].cell(row=r, column=1).value for r in (2, 3, 4)],
            ["区本级专项资金", "省市下达项目资金", "新开指标其他项目经费"],
        )
        indicators = wb["绩效指标"]
        validations = {str(v.sqref): v.formula1 for v in indicators.data_validations.dataValidation}
        self.assertEqual(validations["F2:F2001"], '"≥,≤,=,定性"')
        self.assertEqual((indicators["G2"].value, indicators["H2"].value), (10, 12.2))


class _QueryCount:
    def grow(self, items: int, indicators: int) -> Evaluation:
        source = FundSource.objects.filter(evaluation=self.evaluation).first()
        ProjectItem.objects.filter(evaluation=self.evaluation).delete()
        Indicator.objects.filter(evaluation=self.evaluation).delete()
        ProjectItem.objects.bulk_create(
            ProjectItem(evaluation=self.evaluation, source=source, order=n, name=f"项目{n}", amount=n)
            for n in range(items)
        )
        Indicator.objects.bulk_create(
            Indicator(evaluation=self.evaluation, order=n, level1="产出指标", level2=f"二级{n % 3}", name=f"指标{n}")
            for n in range(indicators)
        )
        return Evaluation.objects.select_related("unit").get(pk=self.evaluation.pk)

    def test_the_template_costs_seven_queries_and_the_export_twenty_for_5_or_100_rows(self):
        # spending summary, basic spending, fund sources, project items, other budget types, budget execution,
        # indicators; the export adds the score (reports.scoring.score_of): the campaign of the year, the scheme
        # assignment, the shipped national scheme, the common figures, 日常公用经费, the stated totals, the project
        # items, the execution lines and the staffing lines (budgets.selectors.common_indicators_of), the unit's
        # judgements of the scheme's leaves, and the execution lines and the indicators it scores (the sheets' own rows
        # are not the evaluation's prefetched lists, and making them so would let a later import plan read stale rows).
        for size in (5, 100):
            self.grow(size, size)
            for build, queries in ((build_template, 7), (build_export, 20)):
                evaluation = Evaluation.objects.select_related("unit").get(pk=self.evaluation.pk)
                with self.subTest(size=size, build=build.__name__), self.assertNumQueries(queries):
                    wb = build(evaluation)
                self.assertEqual(reopen(wb)["项目支出"].max_row, size + 1)


class WorkbookTests(_FormulaInjection, _Template, _QueryCount, SeedTestCase):
    """One class, so that the personas and the seed are built once (password hashing dominates setup)."""
