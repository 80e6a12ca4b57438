"""The funds lines by source of funds in the workbook (issue 10): 王芳 fills in 财政拨款, 上年结转资金 and 其他资金
on the 预算执行 sheet beside 基本支出 and 项目支出; the upload stores them (blank unknown, 0 zero), the
export prints the national funds block with them, and a malformed source row refuses the whole file with its sheet,
row and column."""

from __future__ import annotations

from decimal import Decimal

from budgets.models import BudgetExecution
from reports.excel import importer
from reports.excel.exporter import build_export
from tests.reports.test_excel_export import reopen
from tests.reports.test_excel_import import ImportTestCase, import_file, template_of, to_bytes

KINDS_IN_SHEET = ["支出类型", "基本支出", "项目支出", "财政拨款", "上年结转资金", "其他资金"]


def execution_of(evaluation) -> dict[str, tuple]:
    return {
        row.kind: (row.initial_budget, row.full_year_budget, row.executed)
        for row in BudgetExecution.objects.filter(evaluation=evaluation)
    }


class FundsBySourceWorkbookTests(ImportTestCase):
    def fill(self):
        wb = template_of(self.evaluation)
        ws = wb["预算执行"]
        self.assertEqual([ws[f"A{r}"].value for r in range(1, 7)], KINDS_IN_SHEET)
        ws["C2"], ws["D2"] = 4900000, 4745000
        ws["C3"], ws["D3"] = 12500000, 12312400
        ws["B4"], ws["C4"], ws["D4"] = 15000000, 15900000, 15600000
        ws["C5"], ws["D5"] = 800000, 757400
        ws["B6"], ws["C6"], ws["D6"] = 0, 700000, 700000
        return wb

    def test_the_source_rows_round_trip_through_import_and_export(self):
        import_file(self.evaluation, to_bytes(self.fill()), actor=self.wangfang)
        stored = execution_of(self.evaluation)
        self.assertEqual(stored["fiscal"], (Decimal("15000000.00"), Decimal("15900000.00"), Decimal("15600000.00")))
        # Blank is unknown, 0 is zero.
        self.assertEqual(stored["carryover"], (None, Decimal("800000.00"), Decimal("757400.00")))
        self.assertEqual(stored["other"][0], Decimal("0.00"))

        # The template of what is stored, uploaded again unchanged, changes nothing.
        _data, plan = importer.preview_upload(self.evaluation, to_bytes(template_of(self.evaluation)))
        self.assertEqual((plan.problems, plan.changes), ([], []))

        ws = reopen(build_export(self.evaluation))["部门整体支出绩效自评表"]
        self.assertEqual(
            [[ws[f"{c}{r}"].value for c in "BDEFH"] for r in range(5, 11)],
            [
                ["年度资金总额", None, 1740, 1705.74, 0.9803],
                ["其中：财政拨款", 1500, 1590, 1560, 0.9811],
                ["上年结转资金", None, 80, 75.74, 0.9468],
                ["其他资金", 0, 70, 70, 1],
                ["基本支出", None, 490, 474.5, 0.9684],
                ["项目支出", None, 1250, 1231.24, 0.985],
            ],
        )
        self.assertIn("A4:A10", {str(r) for r in ws.merged_cells.ranges})

    def test_a_malformed_source_row_refuses_the_whole_file(self):
        wb = self.fill()
        ws = wb["预算执行"]
        ws["D4"] = "一千五百六十万"
        ws["C5"] = -800000
        ws["A6"] = "财政拨款"
        problems = self.assertRefusedWithoutEffect(wb)
        self.assertEqual(
            problems,
            # (其他资金 is left out, which a workbook may do: the source lines are optional; the duplicate is not.)
            [
                ("预算执行", 4, "D", "请填写金额数字（单位：元），例如 3864449.00。"),
                ("预算执行", 5, "C", "金额不能为负数。"),
                ("预算执行", 6, "A", "该类别重复出现，每个类别只填一行。"),
            ],
        )
        self.assertEqual(
            set(execution_of(self.evaluation).values()), {(None, None, None)}, "nothing was written, not even 基本支出"
        )

    def test_a_kind_that_is_not_on_the_list_is_named(self):
        wb = self.fill()
        wb["预算执行"]["A5"] = "上年结转"
        problems = self.assertRefusedWithoutEffect(wb)
        self.assertIn(
            (
                "预算执行",
                5,
                "A",
                "“上年结转”不在可选范围内，请从下拉列表中选择：基本支出、项目支出、财政拨款、上年结转资金、其他资金。",
            ),
            problems,
        )


class OlderWorkbookTests(ImportTestCase):
    def test_a_workbook_without_the_source_rows_still_imports_and_leaves_them_alone(self):
        # 王芳 uploads a workbook downloaded before the source lines existed: only 基本支出 and 项目支出.
        BudgetExecution.objects.update_or_create(
            evaluation=self.evaluation, kind="fiscal", defaults={"full_year_budget": Decimal("15900000.00")}
        )
        wb = template_of(self.evaluation)
        ws = wb["预算执行"]
        ws.delete_rows(4, 3)
        ws["C2"], ws["D2"] = 4900000, 4745000
        _data, plan = importer.preview_upload(self.evaluation, to_bytes(wb))
        self.assertEqual(plan.problems, [])
        import_file(self.evaluation, to_bytes(wb), actor=self.wangfang)
        stored = execution_of(self.evaluation)
        self.assertEqual(stored["basic"][1:], (Decimal("4900000.00"), Decimal("4745000.00")))
        self.assertEqual(stored["fiscal"][1], Decimal("15900000.00"))
