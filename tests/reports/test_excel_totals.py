"""Issue 9 in the workbook: the totals (支出总体情况) and the other budget types (其他预算类型支出) travel through the
template, the export and the import, and blank stays blank on the way: an amount nobody entered is an empty cell
and comes back NULL, a 0 comes back 0, and a category nobody filled in gets no row."""

from __future__ import annotations

from decimal import Decimal

from achievements.models import Indicator
from budgets.models import BasicSpending, BudgetExecution, FundSource, FundTypeSpending, ProjectItem, SpendingSummary
from evaluations.history import Via
from evaluations.models import Evaluation, SectionRevision
from reports.excel import importer
from reports.excel.exporter import build_export
from reports.excel.safe_writer import workbook_bytes
from tests.base import BaseTestCase
from tests.reports.test_excel_export import reopen
from tests.reports.test_excel_import import ImportTestCase, import_file, row_of, snapshot, template_of, to_bytes

SUMMARY, FUND_TYPES, BASIC, PROJECTS = "支出总体情况", "其他预算类型支出", "基本支出", "项目支出"


def changes_of(evaluation: Evaluation, wb) -> list[tuple]:
    _data, plan = importer.preview_upload(evaluation, to_bytes(wb))
    assert plan.problems == [], plan.problems
    return [(c.sheet, c.action, c.label, [(f.label, f.before, f.after) for f in c.fields]) for c in plan.changes]


def revisions(evaluation: Evaluation) -> dict[str, int]:
    return dict(SectionRevision.objects.filter(evaluation=evaluation).values_list("section", "revision"))


class _BlankStaysBlank:
    def forget_last_years_personnel_and_zero_this_years_operating(self) -> None:
        BasicSpending.objects.filter(evaluation=self.evaluation, category="personnel").update(previous_amount=None)
        BasicSpending.objects.filter(evaluation=self.evaluation, category="operating").update(amount=Decimal("0"))

    def test_it_writes_an_unknown_amount_as_an_empty_cell_and_a_zero_as_zero(self):
        self.forget_last_years_personnel_and_zero_this_years_operating()
        for wb in (template_of(self.evaluation), reopen(build_export(self.evaluation))):
            basic = wb[BASIC]
            self.assertEqual(
                [[basic.cell(row=r, column=c).value for c in (1, 2, 3)] for r in (2, 3)],
                [["人员经费", 3864449, None], ["日常公用经费", 0, 861200]],
            )
            # The empty cell carries the 元 format, so that a figure typed into it shows like the others.
            self.assertEqual((basic["C2"].number_format, basic["B3"].number_format), ("#,##0.00", "#,##0.00"))

    def test_the_unchanged_template_and_export_keep_the_blank_and_the_zero(self):
        self.forget_last_years_personnel_and_zero_this_years_operating()
        before = snapshot(self.evaluation)
        for content in (to_bytes(template_of(self.evaluation)), workbook_bytes(build_export(self.evaluation))):
            _data, plan = importer.preview_upload(self.evaluation, content)
            self.assertEqual((plan.problems, plan.changes), ([], []))
            import_file(self.evaluation, content, actor=self.wangfang)
        self.assertEqual(snapshot(self.evaluation), before)
        personnel = BasicSpending.objects.get(evaluation=self.evaluation, category="personnel")
        operating = BasicSpending.objects.get(evaluation=self.evaluation, category="operating")
        self.assertEqual((personnel.previous_amount, operating.amount), (None, Decimal("0.00")))

    def test_wangfang_clears_last_years_amount_and_types_a_zero(self):
        wb = template_of(self.evaluation)
        wb[BASIC]["C2"] = None
        wb[BASIC]["C3"] = 0
        self.assertEqual(
            changes_of(self.evaluation, wb),
            [
                (BASIC, "update", "人员经费", [("上年决算数（元）", "4710700.00", "（空）")]),
                (BASIC, "update", "日常公用经费", [("上年决算数（元）", "861200.00", "0.00")]),
            ],
        )
        import_file(self.evaluation, to_bytes(wb), actor=self.wangfang)
        self.assertEqual(
            list(
                BasicSpending.objects.filter(evaluation=self.evaluation)
                .order_by("category")
                .values_list("category", "previous_amount")
            ),
            [("operating", Decimal("0.00")), ("personnel", None)],
        )

    def test_a_category_nobody_filled_in_gets_no_row(self):
        BasicSpending.objects.filter(evaluation=self.evaluation, category="operating").delete()
        BudgetExecution.objects.filter(evaluation=self.evaluation).delete()
        wb = template_of(self.evaluation)
        self.assertEqual(
            [wb[BASIC].cell(row=3, column=c).value for c in (1, 2, 3, 4)], ["日常公用经费", None, None, None]
        )
        self.assertEqual(changes_of(self.evaluation, wb), [])
        import_file(self.evaluation, to_bytes(wb), actor=self.wangfang)
        self.assertFalse(BasicSpending.objects.filter(evaluation=self.evaluation, category="operating").exists())
        self.assertFalse(BudgetExecution.objects.filter(evaluation=self.evaluation).exists())

        wb[BASIC]["B3"] = 0  # an entered zero is data: the row is created with it, last year still unknown
        import_file(self.evaluation, to_bytes(wb), actor=self.wangfang)
        operating = BasicSpending.objects.get(evaluation=self.evaluation, category="operating")
        self.assertEqual((operating.amount, operating.previous_amount), (Decimal("0.00"), None))


class _ItemsWithoutSource:
    def test_an_item_without_a_source_is_listed_last_with_a_blank_source_and_survives_an_unchanged_upload(self):
        loose = ProjectItem.objects.create(evaluation=self.evaluation, order=1, name="零星维修", amount=Decimal("5000"))
        wb = template_of(self.evaluation)
        projects = wb[PROJECTS]
        self.assertEqual(
            [projects.cell(row=projects.max_row, column=c).value for c in (1, 2, 3, 5)],
            [loose.pk, None, "零星维修", 5000],
        )
        before = snapshot(self.evaluation)
        self.assertEqual(changes_of(self.evaluation, wb), [])
        import_file(self.evaluation, to_bytes(wb), actor=self.wangfang)
        self.assertEqual(snapshot(self.evaluation), before)

    def test_wangfang_adds_an_item_without_a_source_and_takes_one_out_of_its_source(self):
        wb = template_of(self.evaluation)
        projects = wb[PROJECTS]
        projects.cell(row=row_of(projects, 3, "维稳救助经费"), column=2).value = None
        new_row = projects.max_row + 1
        projects.cell(row=new_row, column=3, value="零星维修")
        projects.cell(row=new_row, column=5, value=0)
        changes = changes_of(self.evaluation, wb)
        self.assertIn(
            (PROJECTS, "update", "区本级专项资金 · 维稳救助经费", [("资金来源", "区本级专项资金", "（空）")]), changes
        )
        self.assertIn((PROJECTS, "add", "零星维修", [("决算数（元）", "（空）", "0.00")]), changes)
        import_file(self.evaluation, to_bytes(wb), actor=self.wangfang)
        self.assertEqual(
            sorted(
                ProjectItem.objects.filter(evaluation=self.evaluation, source=None).values_list(
                    "name", "order", "amount"
                )
            ),
            [("维稳救助经费", 1, Decimal("161700.00")), ("零星维修", 2, Decimal("0.00"))],
        )
        # Downloaded again, both come last with a blank source, and the sheet imports unchanged.
        again = template_of(self.evaluation)
        self.assertEqual(changes_of(self.evaluation, again), [])


class _Totals:
    def fill_totals(self, wb) -> None:
        summary = wb[SUMMARY]
        summary["A2"], summary["B2"], summary["D2"] = 17400000, "17,057,400.00", 0  # 基本支出合计 left blank
        fund_types = wb[FUND_TYPES]
        fund_types["B2"], fund_types["C2"], fund_types["D2"] = "有", 1200000, "用于园区基础设施建设。"
        fund_types["B3"] = "无"

    def test_the_template_offers_the_totals_and_the_three_other_budgets_blank(self):
        wb = template_of(self.evaluation)
        summary = wb[SUMMARY]
        self.assertEqual(
            [c.value for c in summary[1]],
            ["预算安排（元）", "实际支出合计（元）", "基本支出合计（元）", "项目支出合计（元）"],
        )
        self.assertEqual([c.value for c in summary[2]], [None, None, None, None])
        self.assertEqual(summary["A2"].number_format, "#,##0.00")
        fund_types = wb[FUND_TYPES]
        self.assertEqual(
            [c.value for c in fund_types[1]], ["预算类型", "是否有此项支出", "支出金额（元）", "支出情况说明"]
        )
        self.assertEqual(
            [[fund_types.cell(row=r, column=c).value for c in (1, 2, 3, 4)] for r in (2, 3, 4)],
            [
                ["政府性基金预算", "未填写", None, None],
                ["国有资本经营预算", "未填写", None, None],
                ["社会保险基金预算", "未填写", None, None],
            ],
        )
        validations = {str(v.sqref): v.formula1 for v in fund_types.data_validations.dataValidation}
        self.assertEqual(validations["B2:B2001"], '"未填写,无,有"')
        guide = "\n".join(str(c.value) for c in wb["填写说明"]["A"] if c.value)
        self.assertIn("本工作簿一律按元", guide)
        self.assertIn("不要填 0", guide)

    def test_wangfang_enters_the_totals_and_the_other_budgets(self):
        wb = template_of(self.evaluation)
        self.fill_totals(wb)
        self.assertEqual(
            changes_of(self.evaluation, wb),
            [
                (
                    SUMMARY,
                    "add",
                    "支出总体情况",
                    [
                        ("预算安排（元）", "（空）", "17400000.00"),
                        ("实际支出合计（元）", "（空）", "17057400.00"),
                        ("项目支出合计（元）", "（空）", "0.00"),
                    ],
                ),
                (
                    FUND_TYPES,
                    "add",
                    "政府性基金预算",
                    [
                        ("是否有此项支出", "（空）", "有"),
                        ("支出金额（元）", "（空）", "1200000.00"),
                        ("支出情况说明", "（空）", "用于园区基础设施建设。"),
                    ],
                ),
                (FUND_TYPES, "add", "国有资本经营预算", [("是否有此项支出", "（空）", "无")]),
            ],
        )
        import_file(self.evaluation, to_bytes(wb), actor=self.wangfang)

        summary = SpendingSummary.objects.get(evaluation=self.evaluation)
        self.assertEqual(
            (summary.total_budget, summary.total_spending, summary.basic_total, summary.project_total),
            (Decimal("17400000.00"), Decimal("17057400.00"), None, Decimal("0.00")),
        )
        self.assertEqual(
            sorted(
                FundTypeSpending.objects.filter(evaluation=self.evaluation).values_list(
                    "fund_type", "has_spending", "amount", "narrative"
                )
            ),
            [
                ("government_fund", True, Decimal("1200000.00"), "用于园区基础设施建设。"),
                ("state_capital", False, None, ""),
            ],
        )
        # The editor's 支出总体情况和其他预算 page, if open, must not save over the import.
        self.assertEqual(revisions(self.evaluation), {"totals": 1})
        records = [*SpendingSummary.history.all(), *FundTypeSpending.history.all()]
        self.assertEqual(
            {(r.history_type, r.history_via, r.history_user) for r in records}, {("+", Via.IMPORT, self.wangfang)}
        )

        # Downloaded again, the figures come back as entered and import unchanged.
        again = template_of(self.evaluation)
        self.assertEqual([c.value for c in again[SUMMARY][2]], [17400000, 17057400, None, 0])
        self.assertEqual([again[FUND_TYPES].cell(row=r, column=2).value for r in (2, 3, 4)], ["有", "无", "未填写"])
        self.assertEqual(changes_of(self.evaluation, again), [])
        self.assertEqual(changes_of(self.evaluation, reopen(build_export(self.evaluation))), [])

    def test_clearing_a_total_or_an_answer_makes_it_unknown_again(self):
        SpendingSummary.objects.create(evaluation=self.evaluation, total_budget=Decimal("17400000"))
        FundTypeSpending.objects.create(
            evaluation=self.evaluation, fund_type="government_fund", has_spending=True, amount=Decimal("5")
        )
        wb = template_of(self.evaluation)
        wb[SUMMARY]["A2"] = None
        wb[FUND_TYPES]["B2"], wb[FUND_TYPES]["C2"] = "未填写", None
        self.assertEqual(
            changes_of(self.evaluation, wb),
            [
                (SUMMARY, "update", "支出总体情况", [("预算安排（元）", "17400000.00", "（空）")]),
                (
                    FUND_TYPES,
                    "update",
                    "政府性基金预算",
                    [("是否有此项支出", "有", "（空）"), ("支出金额（元）", "5.00", "（空）")],
                ),
            ],
        )
        import_file(self.evaluation, to_bytes(wb), actor=self.wangfang)
        self.assertIsNone(SpendingSummary.objects.get(evaluation=self.evaluation).total_budget)
        line = FundTypeSpending.objects.get(evaluation=self.evaluation)
        self.assertEqual((line.has_spending, line.amount), (None, None))

    def test_a_preview_made_before_the_new_sheets_existed_still_confirms(self):
        wb = template_of(self.evaluation)
        wb[BASIC]["B2"] = 3900000
        data, plan = importer.preview_upload(self.evaluation, to_bytes(wb))
        del data["summary"], data["fund_types"]  # as the previous version left it in the session
        importer.apply_import(evaluation=self.evaluation, data=data, actor=self.wangfang, expected_digest=plan.digest)
        self.assertEqual(
            BasicSpending.objects.get(evaluation=self.evaluation, category="personnel").amount, Decimal("3900000")
        )
        self.assertFalse(SpendingSummary.objects.exists())


class _TotalsRefused:
    def test_every_rule_of_the_new_sheets_is_listed_and_nothing_is_written(self):
        wb = template_of(self.evaluation)
        summary = wb[SUMMARY]
        summary["A2"], summary["B2"], summary["C2"] = "-1", "十万", "=A2*2"
        fund_types = wb[FUND_TYPES]
        fund_types["B2"], fund_types["C2"] = "可能有", "1.234"
        fund_types["B3"], fund_types["C3"] = "无", 0
        fund_types["D4"] = "有一笔社保基金支出。"  # but the answer is still 未填写
        self.assertEqual(
            self.assertRefusedWithoutEffect(wb),
            [
                (SUMMARY, 2, "A", "金额不能为负数。"),
                (SUMMARY, 2, "B", "请填写金额数字（单位：元），例如 3864449.00。"),
                (SUMMARY, 2, "C", "该单元格是公式（=A2*2）。系统不计算公式，请改为直接填写数值或文字。"),
                (FUND_TYPES, 2, "B", "“可能有”不在可选范围内，请从下拉列表中选择：未填写、无、有。"),
                (FUND_TYPES, 2, "C", "金额最多保留两位小数（到分）。"),
                (FUND_TYPES, 3, "C", "已选择“本单位无此项支出”，金额请留空。"),
                (FUND_TYPES, 4, "B", "填写了金额或说明，请选择“有支出”。"),
            ],
        )
        self.assertFalse(SpendingSummary.objects.exists())
        self.assertFalse(FundTypeSpending.objects.exists())
        self.assertEqual(revisions(self.evaluation), {})

    def test_the_totals_take_one_row_and_each_budget_type_appears_once(self):
        wb = template_of(self.evaluation)
        wb[SUMMARY]["A2"] = 1
        wb[SUMMARY]["A3"] = 2
        fund_types = wb[FUND_TYPES]
        fund_types["A3"] = "政府性基金预算"
        fund_types["A4"] = "专项债券"
        self.assertEqual(
            self.assertRefusedWithoutEffect(wb),
            [
                (SUMMARY, 3, None, "本表只填一行（第2行），请把多余的行删掉。"),
                (FUND_TYPES, None, "A", "缺少“国有资本经营预算”这一行。"),
                (FUND_TYPES, None, "A", "缺少“社会保险基金预算”这一行。"),
                (FUND_TYPES, 3, "A", "该类别重复出现，每个类别只填一行。"),
                (
                    FUND_TYPES,
                    4,
                    "A",
                    "“专项债券”不在可选范围内，请从下拉列表中选择：政府性基金预算、国有资本经营预算、社会保险基金预算。",
                ),
            ],
        )

    def test_a_workbook_without_the_new_sheets_is_rejected_by_name(self):
        wb = template_of(self.evaluation)
        del wb[SUMMARY]
        del wb[FUND_TYPES]
        with self.assertRaisesMessage(importer.UploadRejected, "工作簿缺少工作表：“支出总体情况”、“其他预算类型支出”"):
            importer.read_workbook(to_bytes(wb))


class _ExportedTotals:
    def test_the_self_evaluation_sheet_shows_the_totals_and_the_other_budgets_in_wan_yuan(self):
        SpendingSummary.objects.create(
            evaluation=self.evaluation,
            total_budget=Decimal("17400000"),
            total_spending=Decimal("17057400"),
            project_total=Decimal("0"),
        )
        FundTypeSpending.objects.bulk_create(
            [
                FundTypeSpending(
                    evaluation=self.evaluation,
                    fund_type="government_fund",
                    has_spending=True,
                    amount=Decimal("1200000"),
                    narrative="用于园区基础设施建设。",
                ),
                FundTypeSpending(evaluation=self.evaluation, fund_type="state_capital", has_spending=False),
            ]
        )
        ws = reopen(build_export(self.evaluation))["部门整体支出绩效自评表"]
        self.assertEqual(ws["A11"].value, "支出总体情况（万元）")
        self.assertEqual(
            [ws[f"{c}11"].value for c in "BDFGI"],
            ["预算安排", "实际支出合计", "执行率", "基本支出合计", "项目支出合计"],
        )
        # 1705.74 ÷ 1740 = 98.03%; the basic total nobody entered stays empty, the project total entered as 0 is 0.
        self.assertEqual([ws[f"{c}12"].value for c in "BDFGI"], [1740, 1705.74, 0.9803, None, 0])
        self.assertEqual((ws["B12"].number_format, ws["F12"].number_format), ("0.00", "0.00%"))
        self.assertEqual(ws["A13"].value, "其他预算类型支出（万元）")
        self.assertEqual(
            [[ws[f"{c}{r}"].value for c in "BDFG"] for r in (14, 15, 16)],
            [
                ["政府性基金预算", "有", 120, "用于园区基础设施建设。"],
                ["国有资本经营预算", "无", None, None],
                ["社会保险基金预算", None, None, None],
            ],
        )

    def test_without_totals_the_blocks_stay_empty_rather_than_zero(self):
        ws = reopen(build_export(self.evaluation))["部门整体支出绩效自评表"]
        self.assertEqual([ws[f"{c}12"].value for c in "BDFGI"], [None] * 5)
        self.assertEqual([[ws[f"{c}{r}"].value for c in "DF"] for r in (14, 15, 16)], [[None, None]] * 3)


class _QueryCounts:
    def grow(self, rows: int) -> Evaluation:
        """The seed with ``rows`` project items and ``rows`` indicators instead of its own."""
        source = FundSource.objects.filter(evaluation=self.evaluation).first()
        ProjectItem.objects.filter(evaluation=self.evaluation).delete()
        Indicator.objects.filter(evaluation=self.evaluation).delete()
        ProjectItem.objects.bulk_create(
            ProjectItem(evaluation=self.evaluation, source=source, order=n, name=f"项目{n}", amount=n)
            for n in range(rows)
        )
        Indicator.objects.bulk_create(
            Indicator(evaluation=self.evaluation, order=n, level1="产出指标", level2="数量指标", name=f"指标{n}")
            for n in range(rows)
        )
        return Evaluation.objects.select_related("unit").get(pk=self.evaluation.pk)

    def test_reading_and_planning_an_upload_costs_seven_queries_for_5_or_100_rows(self):
        for rows in (5, 100):
            evaluation = self.grow(rows)
            content = to_bytes(template_of(evaluation))
            # spending summary, basic spending, fund sources, project items, other budget types, budget execution,
            # indicators
            with self.subTest(rows=rows), self.assertNumQueries(7):
                _data, plan = importer.preview_upload(evaluation, content)
            self.assertEqual((plan.problems, plan.changes), ([], []))

    def test_confirming_an_upload_costs_the_same_for_5_or_40_rows(self):
        # 40, not 100: SQLite caps a statement at 999 parameters, so there the history of a hundred indicators
        # takes several INSERTs (evaluations.rows); PostgreSQL would take one.
        for rows in (5, 40):
            evaluation = self.grow(rows)
            wb = template_of(evaluation)
            self.fill_totals_and_change_every_sheet(wb, rows)
            data, _plan = importer.preview_upload(evaluation, to_bytes(wb))
            # savepoint; lock the evaluation; the plan's seven reads; then each model's writes with their history:
            # indicators delete (fetch, delete, history) and update (2), basic spending update (2), budget execution
            # update (2), project items update (2) and insert (2), spending summary insert (2), other budget types
            # insert (2); the section revisions: read, create the five missing rows, count each up (11);
            # updated_at; release the savepoint
            with self.subTest(rows=rows), self.assertNumQueries(39):
                importer.apply_import(evaluation=evaluation, data=data, actor=self.wangfang)
            SectionRevision.objects.filter(evaluation=evaluation).delete()
            SpendingSummary.objects.filter(evaluation=evaluation).delete()
            FundTypeSpending.objects.filter(evaluation=evaluation).delete()

    def fill_totals_and_change_every_sheet(self, wb, rows: int) -> None:
        wb[SUMMARY]["A2"] = 1000
        wb[FUND_TYPES]["B3"] = "无"
        wb[BASIC]["B2"] = rows
        wb["预算执行"]["B2"] = rows
        projects = wb[PROJECTS]
        for row in range(2, rows + 2):
            projects.cell(row=row, column=5, value=row)
        projects.cell(row=rows + 2, column=3, value="新项目")
        projects.cell(row=rows + 2, column=5, value=1)
        indicators = wb["绩效指标"]
        indicators.delete_rows(2)
        for row in range(2, rows + 1):
            indicators.cell(row=row, column=13, value=f"第{row}名")


class SeedWorkbookTests(
    _BlankStaysBlank, _ItemsWithoutSource, _Totals, _TotalsRefused, _ExportedTotals, _QueryCounts, ImportTestCase
):
    """One class, so that the personas and the seed are built once (password hashing dominates setup)."""


class TotalsOnlyTests(BaseTestCase):
    """赵敏's unit B states only totals: nothing else has to be invented, and nothing else is written."""

    def setUp(self):
        self.evaluation = Evaluation.objects.create(unit=self.unit_b, year=2024)

    def counts(self) -> dict[str, int]:
        models = (SpendingSummary, FundTypeSpending, BasicSpending, BudgetExecution, FundSource, ProjectItem, Indicator)
        return {model.__name__: model.objects.filter(evaluation=self.evaluation).count() for model in models}

    def test_zhaomin_uploads_the_unchanged_template_of_an_empty_evaluation_and_nothing_is_written(self):
        content = to_bytes(template_of(self.evaluation))
        _data, plan = importer.preview_upload(self.evaluation, content)
        self.assertEqual((plan.problems, plan.changes), ([], []))
        import_file(self.evaluation, content, actor=self.zhaomin)
        self.assertEqual(set(self.counts().values()), {0})
        self.assertEqual(revisions(self.evaluation), {})

    def test_zhaomin_imports_totals_only(self):
        wb = template_of(self.evaluation)
        wb[SUMMARY]["A2"], wb[SUMMARY]["B2"] = "２，３５０，０００", 2298765.43
        wb[SUMMARY]["C2"], wb[SUMMARY]["D2"] = 1800000, 498765.43
        for row in (2, 3, 4):
            wb[FUND_TYPES].cell(row=row, column=2, value="无")
        import_file(self.evaluation, to_bytes(wb), actor=self.zhaomin)

        self.assertEqual(
            self.counts(),
            {
                "SpendingSummary": 1,
                "FundTypeSpending": 3,
                "BasicSpending": 0,
                "BudgetExecution": 0,
                "FundSource": 0,
                "ProjectItem": 0,
                "Indicator": 0,
            },
        )
        summary = SpendingSummary.objects.get(evaluation=self.evaluation)
        self.assertEqual(
            (summary.total_budget, summary.total_spending, summary.basic_total, summary.project_total),
            (Decimal("2350000.00"), Decimal("2298765.43"), Decimal("1800000.00"), Decimal("498765.43")),
        )
        self.assertEqual(
            set(FundTypeSpending.objects.filter(evaluation=self.evaluation).values_list("has_spending", "amount")),
            {(False, None)},
        )
        self.assertEqual(revisions(self.evaluation), {"totals": 1})
        self.assertEqual(
            {(r.history_via, r.history_user) for r in SpendingSummary.history.filter(evaluation=self.evaluation)},
            {(Via.IMPORT, self.zhaomin)},
        )

        ws = reopen(build_export(self.evaluation))["部门整体支出绩效自评表"]
        # The national funds block stays empty (nothing entered there); the totals and the answers are shown.
        self.assertEqual([ws[f"{c}5"].value for c in "DEFH"], [None, None, None, None])
        self.assertEqual([ws[f"{c}12"].value for c in "BDFGI"], [235, 229.88, 0.9782, 180, 49.88])
        self.assertEqual([ws[f"D{r}"].value for r in (14, 15, 16)], ["无", "无", "无"])
