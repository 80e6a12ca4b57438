"""王芳 fills in the Excel template of unit A's 2024 evaluation and uploads it: every rule of the import, and that a
refused upload writes nothing at all."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from unittest import mock

from django.core.exceptions import ValidationError
from django.test import override_settings
from openpyxl import Workbook, load_workbook

from achievements.models import Indicator
from budgets.models import BasicSpending, BudgetExecution, FundSource, FundTypeSpending, ProjectItem, SpendingSummary
from evaluations.models import Evaluation, SectionRevision
from reports.excel import importer
from reports.excel.exporter import build_export
from reports.excel.importer import ImportRefused, UploadRejected
from reports.excel.safe_writer import workbook_bytes
from reports.excel.template import build_template
from tests.base import SeedTestCase

SPREADSHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REASONS = {
    "知识价值信用贷款": "受银行授信政策收紧影响，放贷规模不及预期；下一步加强银企对接。",
    "地方财政科技支出占地方财政支出比值": "财政收支紧平衡，科技支出增幅低于预期；下一步争取预算倾斜。",
}


def unexplained(name: str, actual: str, target: str, direction: str = "≥") -> str:
    """The one message for a shortfall without a reason (achievements.rules), as the upload lists it."""
    return f"指标“{name}”的实际完成值 {actual} 未达到年度指标值 {target}（{direction}），请填写偏差原因分析及改进措施。"


def give_seed_reasons(evaluation: Evaluation) -> None:
    """The seed publishes two shortfalls without a reason (domain.md §6); the import insists on one."""
    for name, reason in REASONS.items():
        Indicator.objects.filter(evaluation=evaluation, name=name).update(deviation_reason=reason)


def template_of(evaluation: Evaluation) -> Workbook:
    return load_workbook(io.BytesIO(workbook_bytes(build_template(evaluation))))


def to_bytes(wb: Workbook) -> bytes:
    return workbook_bytes(wb)


def import_file(evaluation: Evaluation, content: bytes, *, actor) -> importer.ImportPlan:
    """Upload and confirm in one go, as the two pages do: every problem refuses the whole file."""
    data, plan = importer.preview_upload(evaluation, content)
    if plan.problems:
        raise ImportRefused(plan.problems)
    return importer.apply_import(evaluation=evaluation, data=data, actor=actor)


def row_of(ws, column: int, text: str) -> int:
    for row in range(2, ws.max_row + 1):
        if ws.cell(row=row, column=column).value == text:
            return row
    raise AssertionError(f"{text} not in {ws.title}")


def snapshot(evaluation: Evaluation) -> dict:
    """Everything the import may touch, as comparable values."""
    return {
        "summary": list(
            SpendingSummary.objects.filter(evaluation=evaluation).values_list(
                "pk", "total_budget", "total_spending", "basic_total", "project_total"
            )
        ),
        "fund_types": sorted(
            FundTypeSpending.objects.filter(evaluation=evaluation).values_list(
                "pk", "fund_type", "has_spending", "amount", "narrative"
            )
        ),
        "basic": sorted(
            BasicSpending.objects.filter(evaluation=evaluation).values_list(
                "category", "amount", "previous_amount", "change_reason"
            )
        ),
        "execution": sorted(
            BudgetExecution.objects.filter(evaluation=evaluation).values_list(
                "kind", "initial_budget", "full_year_budget", "executed"
            )
        ),
        "items": sorted(
            ProjectItem.objects.filter(evaluation=evaluation).values_list(
                "pk", "source_id", "order", "name", "description", "amount"
            )
        ),
        "indicators": sorted(
            Indicator.objects.filter(evaluation=evaluation).values_list(
                "pk",
                "theme_id",
                "order",
                "level1",
                "level2",
                "name",
                "measure_unit",
                "direction",
                "target",
                "actual",
                "target_text",
                "actual_text",
                "weight",
                "deviation_reason",
                "ranking",
            )
        ),
        "revisions": list(SectionRevision.objects.filter(evaluation=evaluation).values_list("section", "revision")),
    }


class ImportTestCase(SeedTestCase):
    def setUp(self):
        give_seed_reasons(self.evaluation)

    def problems_of(self, wb: Workbook) -> list[tuple]:
        _data, plan = importer.preview_upload(self.evaluation, to_bytes(wb))
        return [(p.sheet, p.row, p.column, p.message) for p in plan.problems]

    def assertRefusedWithoutEffect(self, wb: Workbook) -> list[tuple]:
        before = snapshot(self.evaluation)
        with self.assertRaises(ImportRefused) as caught:
            import_file(self.evaluation, to_bytes(wb), actor=self.wangfang)
        self.assertEqual(snapshot(self.evaluation), before)
        return [(p.sheet, p.row, p.column, p.message) for p in caught.exception.problems]


class _RoundTrip:
    def test_the_template_uploaded_unchanged_changes_nothing(self):
        before = snapshot(self.evaluation)
        _data, plan = importer.preview_upload(self.evaluation, to_bytes(template_of(self.evaluation)))
        self.assertEqual(plan.problems, [])
        self.assertEqual(plan.changes, [])
        import_file(self.evaluation, to_bytes(template_of(self.evaluation)), actor=self.wangfang)
        self.assertEqual(snapshot(self.evaluation), before)

    def test_the_export_uploaded_unchanged_changes_nothing(self):
        before = snapshot(self.evaluation)
        content = workbook_bytes(build_export(self.evaluation))
        _data, plan = importer.preview_upload(self.evaluation, content)
        self.assertEqual((plan.problems, plan.changes), ([], []))
        import_file(self.evaluation, content, actor=self.wangfang)
        self.assertEqual(snapshot(self.evaluation), before)

    def test_the_seed_as_published_is_refused_for_its_two_unexplained_shortfalls(self):
        Indicator.objects.filter(evaluation=self.evaluation).update(deviation_reason="")
        wb = template_of(self.evaluation)
        ws = wb["绩效指标"]
        loan, share = row_of(ws, 4, "知识价值信用贷款"), row_of(ws, 4, "地方财政科技支出占地方财政支出比值")
        self.assertEqual(
            self.assertRefusedWithoutEffect(wb),
            [
                ("绩效指标", loan, "L", unexplained("知识价值信用贷款", "11400", "20000")),
                ("绩效指标", share, "L", unexplained("地方财政科技支出占地方财政支出比值", "7.4", "7.5")),
            ],
        )


class _Change:
    def test_wangfang_changes_an_amount_adds_an_item_and_deletes_an_indicator(self):
        wb = template_of(self.evaluation)
        wb["基本支出"]["B2"] = 3900000.5
        projects = wb["项目支出"]
        new_row = projects.max_row + 1
        projects.cell(row=new_row, column=2, value="区本级专项资金")
        projects.cell(row=new_row, column=3, value="科技创新券")
        projects.cell(row=new_row, column=5, value="１２０，０００")
        indicators = wb["绩效指标"]
        indicators.delete_rows(row_of(indicators, 4, "工业投资增速"))

        _data, plan = importer.preview_upload(self.evaluation, to_bytes(wb))
        self.assertEqual(plan.problems, [])
        self.assertEqual(
            [(c.sheet, c.action, c.label) for c in plan.changes],
            [
                ("基本支出", "update", "人员经费"),
                ("项目支出", "add", "区本级专项资金 · 科技创新券"),
                # The others keep their stored order: a gap is not a change worth showing.
                ("绩效指标", "delete", "产出指标 · 工业投资增速"),
            ],
        )
        self.assertEqual(
            [(f.label, f.before, f.after) for f in plan.changes[0].fields],
            [("本年决算数（元）", "3864449.00", "3900000.50")],
        )

        import_file(self.evaluation, to_bytes(wb), actor=self.wangfang)
        personnel = BasicSpending.objects.get(evaluation=self.evaluation, category="personnel")
        self.assertEqual(personnel.amount, Decimal("3900000.50"))
        self.assertEqual(personnel.change_reason, "因人员到龄退休减少了人员经费")
        item = ProjectItem.objects.get(evaluation=self.evaluation, name="科技创新券")
        self.assertEqual((item.source.name, item.amount, item.order), ("区本级专项资金", Decimal("120000.00"), 5))
        self.assertFalse(Indicator.objects.filter(evaluation=self.evaluation, name="工业投资增速").exists())
        self.assertEqual(
            list(Indicator.objects.filter(evaluation=self.evaluation).values_list("order", flat=True)),
            [1, 3, 4, 5, 6, 7, 8, 9],
        )
        # Editor pages opened before the import must not save over it.
        self.assertEqual(
            dict(SectionRevision.objects.filter(evaluation=self.evaluation).values_list("section", "revision")),
            {"basic": 1, "project": 1, "achievements": 1},
        )

    def test_a_row_moved_to_another_source_and_a_new_indicator_are_written(self):
        wb = template_of(self.evaluation)
        projects = wb["项目支出"]
        projects.cell(row=row_of(projects, 3, "维稳救助经费"), column=2, value="新开指标其他项目经费")
        indicators = wb["绩效指标"]
        n = indicators.max_row + 1
        for column, value in enumerate(
            [None, "产出指标", "时效指标", "项目资金拨付及时率", "%", "≥", 95, 100, None, None, 5, None, None], start=1
        ):
            indicators.cell(row=n, column=column, value=value)
        n += 1
        for column, value in enumerate(
            [None, "满意度指标", "服务对象满意度指标", "企业评价", None, "定性", None, None, "好", "较好"], start=1
        ):
            indicators.cell(row=n, column=column, value=value)

        import_file(self.evaluation, to_bytes(wb), actor=self.wangfang)
        item = ProjectItem.objects.get(evaluation=self.evaluation, name="维稳救助经费")
        self.assertEqual(item.source.name, "新开指标其他项目经费")
        timely = Indicator.objects.get(evaluation=self.evaluation, name="项目资金拨付及时率")
        self.assertEqual(
            (timely.direction, timely.target, timely.actual, timely.weight, timely.order, timely.theme),
            ("ge", Decimal("95"), Decimal("100"), Decimal("5"), 10, None),
        )
        rating = Indicator.objects.get(evaluation=self.evaluation, name="企业评价")
        self.assertEqual((rating.direction, rating.target_text, rating.actual_text), ("qualitative", "好", "较好"))

    def test_budget_execution_figures_are_filled_in(self):
        wb = template_of(self.evaluation)
        ws = wb["预算执行"]
        ws["B2"], ws["C2"], ws["D2"] = 4800000, 4900000, 4745000
        import_file(self.evaluation, to_bytes(wb), actor=self.wangfang)
        basic = BudgetExecution.objects.get(evaluation=self.evaluation, kind="basic")
        self.assertEqual(
            (basic.initial_budget, basic.full_year_budget, basic.executed),
            (Decimal("4800000.00"), Decimal("4900000.00"), Decimal("4745000.00")),
        )
        project = BudgetExecution.objects.get(evaluation=self.evaluation, kind="project")
        self.assertIsNone(project.executed)


class _Refusal:
    def test_one_bad_cell_among_many_good_rows_writes_nothing(self):
        wb = template_of(self.evaluation)
        wb["基本支出"]["B3"] = 999999.0  # a good change
        projects = wb["项目支出"]
        first = projects.max_row + 1
        for n in range(100):
            projects.cell(row=first + n, column=2, value="区本级专项资金")
            projects.cell(row=first + n, column=3, value=f"新增项目{n}")
            projects.cell(row=first + n, column=5, value=1000 + n)
        projects.cell(row=first + 57, column=5, value="12.345")
        self.assertEqual(
            self.assertRefusedWithoutEffect(wb), [("项目支出", first + 57, "E", "金额最多保留两位小数（到分）。")]
        )
        self.assertFalse(ProjectItem.objects.filter(name__startswith="新增项目").exists())

    def test_numbers_of_any_size_are_refused_cell_by_cell(self):
        # Beyond 28 digits Decimal's quantize raises InvalidOperation: the bound must be checked first, per cell.
        wb = template_of(self.evaluation)
        wb["基本支出"]["B2"] = 10**27
        wb["基本支出"]["B3"] = "9" * 30
        wb["基本支出"]["C2"] = 1e300
        indicators = wb["绩效指标"]
        indicators["G2"] = "9" * 30 + ".5"
        indicators["H3"] = 10**40
        amount = "金额不能超过 999999999999.99 元，请检查是否多输了位数。"
        quantity = "数值过大（上限为99999999999999.9999），请检查是否多输入了数字。"
        problems = self.assertRefusedWithoutEffect(wb)
        for expected in [
            ("基本支出", 2, "B", amount),
            ("基本支出", 3, "B", amount),
            ("基本支出", 2, "C", amount),
            ("绩效指标", 2, "G", quantity),
            ("绩效指标", 3, "H", quantity),
        ]:
            self.assertIn(expected, problems)

    def test_every_problem_is_listed_with_sheet_row_and_column(self):
        wb = template_of(self.evaluation)
        wb["基本支出"]["C2"] = "四百七十一万"
        wb["基本支出"]["B3"] = "-5"
        projects = wb["项目支出"]
        projects["B2"] = "市级专项资金"
        projects["C3"] = None
        projects["E4"] = "=SUM(1,2)"
        indicators = wb["绩效指标"]
        indicators["F2"] = "大于"
        indicators["G3"] = "1e5"
        indicators["H4"] = "5"  # 企业诉求办结率 100 → 5: a shortfall without a reason
        indicators["D5"] = "名" * 101
        self.assertEqual(
            self.assertRefusedWithoutEffect(wb),
            [
                ("基本支出", 2, "C", "请填写金额数字（单位：元），例如 3864449.00。"),
                ("基本支出", 3, "B", "金额不能为负数。"),
                (
                    "项目支出",
                    2,
                    "B",
                    "资金来源“市级专项资金”不存在。请从下拉列表中选择本自评已有的来源："
                    "区本级专项资金、省市下达项目资金、新开指标其他项目经费；新的来源请先在网页上添加。",
                ),
                ("项目支出", 3, "C", "必填，不能为空。"),
                ("项目支出", 4, "E", "该单元格是公式（=SUM(1,2)）。系统不计算公式，请改为直接填写数值或文字。"),
                ("绩效指标", 2, "F", "“大于”不在可选范围内，请从下拉列表中选择：≥、≤、=、定性。"),
                ("绩效指标", 3, "G", "不接受 NaN、Infinity 或科学计数法，请填写普通数字。"),
                ("绩效指标", 4, "L", unexplained("企业诉求办结率", "5", "100")),
                ("绩效指标", 5, "D", "最多100个字，现有101个字。"),
            ],
        )

    def test_a_qualitative_indicator_takes_no_numbers(self):
        wb = template_of(self.evaluation)
        wb["绩效指标"]["F2"] = "定性"
        self.assertEqual(
            self.assertRefusedWithoutEffect(wb),
            [
                ("绩效指标", 2, "G", "定性指标不填数值，请把内容填在“年度指标值（定性）”栏。"),
                ("绩效指标", 2, "H", "定性指标不填数值，请把内容填在“实际完成值（定性）”栏。"),
            ],
        )

    def test_a_le_indicator_is_short_when_the_actual_is_above_the_target(self):
        wb = template_of(self.evaluation)
        ws = wb["绩效指标"]
        ws["F2"] = "≤"  # 规模工业增加值增速: target 10, actual 12.2
        problems = self.assertRefusedWithoutEffect(wb)
        self.assertEqual(
            problems,
            [("绩效指标", 2, "L", unexplained("规模工业增加值增速", "12.2", "10", "≤"))],
        )
        ws["L2"] = "上限指标超出，原因已说明。"
        import_file(self.evaluation, to_bytes(wb), actor=self.wangfang)
        self.assertEqual(Indicator.objects.get(evaluation=self.evaluation, name="规模工业增加值增速").direction, "le")

    def test_ids_that_are_not_ours_or_repeated_are_refused(self):
        other_item = ProjectItem.objects.create(
            evaluation=Evaluation.objects.create(unit=self.unit_b, year=2024),
            source=FundSource.objects.create(evaluation=Evaluation.objects.get(unit=self.unit_b), name="区本级"),
            name="别人的项目",
        )
        wb = template_of(self.evaluation)
        projects = wb["项目支出"]
        projects["A2"] = other_item.pk
        projects["A4"] = projects["A3"].value
        projects["A5"] = "abc"
        self.assertEqual(
            self.assertRefusedWithoutEffect(wb),
            [
                (
                    "项目支出",
                    2,
                    "A",
                    "该 ID 不属于本绩效自评的数据（可能已被删除，或复制自其他文件）。新增的行请将 ID 留空。",
                ),
                ("项目支出", 4, "A", "ID 与第3行重复。复制行新增数据时，请清空新行的 ID。"),
                ("项目支出", 5, "A", "ID 无效，请勿修改 ID 列；新增的行请将 ID 留空。"),
            ],
        )

    def test_fixed_rows_must_each_appear_once(self):
        wb = template_of(self.evaluation)
        wb["基本支出"]["A3"] = "人员经费"
        wb["预算执行"].delete_rows(3)
        self.assertEqual(
            self.assertRefusedWithoutEffect(wb),
            [
                ("基本支出", None, "A", "缺少“日常公用经费”这一行。"),
                ("基本支出", 3, "A", "该类别重复出现，每个类别只填一行。"),
                ("预算执行", None, "A", "缺少“项目支出”这一行。"),
            ],
        )

    def test_a_moved_column_is_refused_at_the_header(self):
        wb = template_of(self.evaluation)
        wb["项目支出"]["E1"] = "决算数（万元）"
        self.assertEqual(
            self.assertRefusedWithoutEffect(wb),
            [
                (
                    "项目支出",
                    1,
                    "E",
                    "表头应为“决算数（元）”，实际为“决算数（万元）”。请使用本系统下载的模板，不要增删或移动列。",
                )
            ],
        )

    def test_a_missing_sheet_rejects_the_file(self):
        wb = template_of(self.evaluation)
        del wb["预算执行"]
        with self.assertRaisesMessage(UploadRejected, "工作簿缺少工作表：“预算执行”"):
            importer.read_workbook(to_bytes(wb))


class _Workflow:
    def test_an_upload_to_a_submitted_evaluation_writes_nothing(self):
        wb = template_of(self.evaluation)
        wb["基本支出"]["B2"] = 1
        self.set_status(Evaluation.Status.SUBMITTED)
        before = snapshot(self.evaluation)
        with self.assertRaisesMessage(ValidationError, "该绩效自评已提交、已审核或已公开，不能修改"):
            import_file(self.evaluation, to_bytes(wb), actor=self.wangfang)
        self.assertEqual(snapshot(self.evaluation), before)

    def test_a_returned_evaluation_can_be_imported(self):
        wb = template_of(self.evaluation)
        wb["基本支出"]["B2"] = 1
        self.set_status(Evaluation.Status.RETURNED)
        import_file(self.evaluation, to_bytes(wb), actor=self.wangfang)
        self.assertEqual(BasicSpending.objects.get(evaluation=self.evaluation, category="personnel").amount, 1)

    def test_a_confirm_after_a_change_of_state_writes_nothing(self):
        wb = template_of(self.evaluation)
        wb["基本支出"]["B2"] = 1
        data, plan = importer.preview_upload(self.evaluation, to_bytes(wb))
        # Submitted and returned between preview and confirm: editable again, but not the state that was previewed.
        self.set_status(Evaluation.Status.RETURNED)
        before = snapshot(self.evaluation)
        with self.assertRaisesMessage(ValidationError, "预览之后，该绩效自评的状态已经改变"):
            importer.apply_import(
                evaluation=self.evaluation,
                data=data,
                actor=self.wangfang,
                expected_status="draft",
                expected_digest=plan.digest,
            )
        self.assertEqual(snapshot(self.evaluation), before)

    def test_a_confirm_after_someone_else_changed_the_data_writes_nothing(self):
        wb = template_of(self.evaluation)
        wb["基本支出"]["B2"] = 1
        data, plan = importer.preview_upload(self.evaluation, to_bytes(wb))
        BasicSpending.objects.filter(evaluation=self.evaluation, category="operating").update(amount=5)
        before = snapshot(self.evaluation)
        with self.assertRaisesMessage(ValidationError, "预览之后，该绩效自评的数据已被修改"):
            importer.apply_import(
                evaluation=self.evaluation,
                data=data,
                actor=self.wangfang,
                expected_status="draft",
                expected_digest=plan.digest,
            )
        self.assertEqual(snapshot(self.evaluation), before)

    def test_a_confirm_after_a_previewed_row_was_deleted_is_refused(self):
        wb = template_of(self.evaluation)
        data, _plan = importer.preview_upload(self.evaluation, to_bytes(wb))
        ProjectItem.objects.filter(evaluation=self.evaluation, name="维稳救助经费").delete()
        with self.assertRaises(ImportRefused) as caught:
            importer.apply_import(evaluation=self.evaluation, data=data, actor=self.wangfang)
        self.assertEqual([(p.sheet, p.column) for p in caught.exception.problems], [("项目支出", "A")])


class FileTests(SeedTestCase):
    def assertRejected(self, content: bytes, message: str):
        with self.assertRaises(UploadRejected) as caught:
            importer.read_workbook(content)
        self.assertIn(message, caught.exception.message)

    def test_an_old_xls_file_is_rejected_with_advice(self):
        self.assertRejected(importer.OLE2_SIGNATURE + b"\0" * 512, "旧版 Excel（.xls）")

    def test_a_renamed_text_file_is_rejected(self):
        self.assertRejected("类别,金额\n人员经费,100\n".encode(), "这不是 Excel 工作簿（.xlsx）文件")

    def test_an_empty_file_is_rejected(self):
        self.assertRejected(b"", "上传的文件是空的")

    def test_a_zip_that_is_not_a_workbook_is_rejected(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("word/document.xml", "<w:document/>")
        self.assertRejected(buffer.getvalue(), "可能是 Word 文档或其他压缩包")

    def test_a_zip_bomb_is_rejected_before_it_is_inflated(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("xl/workbook.xml", "<workbook/>")
            archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
        self.assertLess(len(buffer.getvalue()), 1024 * 1024)
        self.assertRejected(buffer.getvalue(), "解压后过大")

    def test_an_oversized_file_is_rejected(self):
        self.assertRejected(b"PK" + b"\0" * (5 * 1024 * 1024), "文件过大")

    def test_a_broken_workbook_is_rejected(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("[Content_Types].xml", "not xml")
            archive.writestr("xl/workbook.xml", "<broken")
        self.assertRejected(buffer.getvalue(), "工作簿已损坏或格式不正确")

    def test_a_truncated_workbook_is_rejected(self):
        content = workbook_bytes(build_template(self.evaluation))
        self.assertRejected(content[: len(content) // 2], "这不是 Excel 工作簿")

    def test_a_workbook_that_unpacks_beyond_the_limit_is_rejected_before_parsing(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("xl/workbook.xml", "<workbook/>")
            archive.writestr("xl/worksheets/sheet1.xml", b" " * (3 * 1024 * 1024))
        with override_settings(EXCEL_MAX_UNCOMPRESSED_MB=2), mock.patch.object(importer, "load_workbook") as load:
            self.assertRejected(buffer.getvalue(), "解压后过大")
        load.assert_not_called()

    def test_a_huge_shared_strings_part_is_rejected_before_openpyxl_reads_it(self):
        content = workbook_bytes(build_template(self.evaluation))
        source = zipfile.ZipFile(io.BytesIO(content))
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name in source.namelist():
                if name != "xl/sharedStrings.xml":
                    archive.writestr(name, source.read(name))
            strings = "<si><t>x</t></si>" * (6 * 1024 * 1024 // 16)
            archive.writestr("xl/sharedStrings.xml", f'<sst xmlns="{SPREADSHEET_NS}">{strings}</sst>')
        self.assertRejected(buffer.getvalue(), "解压后过大")

    def test_reading_stops_when_it_takes_too_long(self):
        content = workbook_bytes(build_template(self.evaluation))
        with override_settings(EXCEL_READ_SECONDS=-1):
            self.assertRejected(content, "读取工作簿超过 -1 秒，已停止")

    def test_a_bug_while_reading_is_not_reported_as_a_broken_file(self):
        # A blanket except once turned every bug into "已损坏": the uploader was told to fix a file that was fine.
        content = workbook_bytes(build_template(self.evaluation))
        with (
            mock.patch.object(importer._Reader, "projects", side_effect=TypeError("a bug")),
            self.assertRaisesMessage(TypeError, "a bug"),
        ):
            importer.read_workbook(content)

    def test_too_many_rows_are_refused(self):
        wb = template_of(self.evaluation)
        ws = wb["项目支出"]
        for row in range(20, 20 + 2001):
            ws.cell(row=row, column=3, value="x")
        _data, plan = importer.preview_upload(self.evaluation, to_bytes(wb))
        self.assertIn(
            ("项目支出", "数据行数超过上限 2000 行，其余各行未检查。"), [(p.sheet, p.message) for p in plan.problems]
        )


class _Order:
    def test_rows_moved_in_the_sheet_are_numbered_as_in_the_sheet(self):
        wb = template_of(self.evaluation)
        ws = wb["绩效指标"]
        last = [cell.value for cell in ws[ws.max_row]]
        ws.delete_rows(ws.max_row)
        ws.insert_rows(2)
        for column, value in enumerate(last, start=1):
            ws.cell(row=2, column=column, value=value)
        _data, plan = importer.preview_upload(self.evaluation, to_bytes(wb))
        self.assertEqual([(c.action, c.label) for c in plan.changes], [("reorder", "全部指标")])
        import_file(self.evaluation, to_bytes(wb), actor=self.wangfang)
        self.assertEqual(
            list(Indicator.objects.filter(evaluation=self.evaluation).values_list("name", flat=True)[:2]),
            ["企业诉求满意率", "规模工业增加值增速"],
        )


class ImportTests(_RoundTrip, _Change, _Refusal, _Workflow, _Order, ImportTestCase):
    """One class, so that the personas and the seed are built once (password hashing dominates setup)."""
