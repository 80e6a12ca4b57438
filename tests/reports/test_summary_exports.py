"""陈静 exports the year: the summary table as a workbook, every unit's 自评表 in one workbook, and the published PDFs
as one zip streamed as it is written."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from unittest import mock

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from evaluations.models import Evaluation, Publication, Unit
from evaluations.schemes import BUILTIN
from evaluations.scoring_rules import EXECUTION_RATE
from evaluations.scoring_schemes import DEFAULT
from reports.excel.exporter import build_export
from reports.excel.safe_writer import workbook_bytes
from reports.key_figures import HANDED_OVER
from reports.publication import store_pdf
from reports.synthetic import generate_units
from tests.base import BaseTestCase, SeedTestCase
from tests.reports.summary_support import YEAR, handed_over, reviewed
from tests.reports.workflow_support import TemporaryPublicationsStore

Status = Evaluation.Status
D = Decimal


def publish(evaluation: Evaluation, pdf: bytes, actor, version: int = 1) -> Publication:
    name, digest = store_pdf(pdf)
    # As reports.publication.create_publication does: a correction supersedes the versions before it.
    Publication.objects.filter(evaluation=evaluation).update(is_current=False)
    return Publication.objects.create(
        evaluation=evaluation,
        version=version,
        published_at=timezone.now(),
        published_by=actor,
        unit_name=evaluation.unit.name,
        year=evaluation.year,
        title="报告",
        body_html="<p>报告</p>",
        pdf_name=name,
        pdf_filename="report.pdf",
        pdf_sha256=digest,
        pdf_size=len(pdf),
    )


class SummaryWorkbookTests(TemporaryPublicationsStore, BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # A unit whose name would be a formula if written carelessly.
        cls.formula = Unit.objects.create(name='=HYPERLINK("http://evil.example","点我")', short_name="公式")
        cls.a = handed_over(
            cls.unit_a, score="91.50", grade="优", total="17057400.00", budget="17860000.00", rate="0.95506159"
        )
        reviewed(cls.a, cls.chenjing, "90.00", released=True)

    def download(self, **params):
        self.client.force_login(self.chenjing)
        response = self.client.get(reverse("summary_xlsx", args=[YEAR]), params)
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment", response["Content-Disposition"])
        return load_workbook(io.BytesIO(response.content)).active

    def test_amounts_are_numbers_in_wan_and_rates_percentages(self):
        ws = self.download(sort="score", dir="desc")
        self.assertEqual(ws["A1"].value, "2024年度部门整体支出绩效自评汇总表")
        self.assertEqual(ws["G2"].value, "实际支出合计（万元）")
        row = 3  # the scored unit first
        self.assertEqual(ws.cell(row, 2).value, "株洲市渌口区科技和工业信息化局")
        self.assertEqual(ws.cell(row, 1).value, 1)
        # 17,057,400 元 is 1705.74 万元 exactly; the cell shows two decimals by its format.
        self.assertEqual(D(str(ws.cell(row, 7).value)), D("1705.74"))
        self.assertEqual(ws.cell(row, 7).number_format, "0.00")
        self.assertEqual(D(str(ws.cell(row, 8).value)), D("1786"))
        self.assertEqual(D(str(ws.cell(row, 9).value)), D("0.95506159"))
        self.assertEqual(ws.cell(row, 9).number_format, "0.00%")
        self.assertEqual(D(str(ws.cell(row, 10).value)), D("91.5"))
        self.assertEqual(ws.cell(row, 11).value, "优")
        self.assertEqual(D(str(ws.cell(row, 12).value)), D("90"))
        self.assertEqual(ws.cell(row, 6).value.date().isoformat(), "2025-05-01")

    def test_a_formula_like_unit_name_stays_text_and_blanks_stay_empty(self):
        ws = self.download(state="not_started")
        names = {ws.cell(row, 2).value: row for row in range(3, ws.max_row + 1)}
        row = names['=HYPERLINK("http://evil.example","点我")']
        self.assertEqual(ws.cell(row, 2).data_type, "s")
        self.assertTrue(ws.cell(row, 2).quotePrefix)
        self.assertEqual(ws.cell(row, 5).value, "未开始")
        self.assertIsNone(ws.cell(row, 7).value)
        self.assertIsNone(ws.cell(row, 1).value)

    def test_the_workbook_costs_the_same_queries_for_2_units_and_40(self):
        self.client.force_login(self.chenjing)
        url = reverse("summary_xlsx", args=[YEAR])
        with CaptureQueriesContext(connection) as small:
            self.client.get(url)
        generate_units(units=40, years=1, last_year=YEAR, prefix="乙")
        # The session, the user and their membership, the year's campaign and the table.
        with self.assertNumQueries(len(small)):
            response = self.client.get(url)
        self.assertEqual(load_workbook(io.BytesIO(response.content)).active.max_row, 2 + 3 + 40)
        self.assertEqual(len(small), 5)


class SelfEvaluationWorkbookTests(SeedTestCase):
    def test_every_handed_over_report_has_its_sheet_named_after_its_unit(self):
        self.set_status(Status.SUBMITTED)
        Evaluation.objects.create(unit=self.unit_b, year=2024)  # a draft: not the bureau's to read
        self.client.force_login(self.chenjing)
        response = self.client.get(reverse("summary_sheets", args=[2024]))
        self.assertEqual(response.status_code, 200)
        wb = load_workbook(io.BytesIO(response.content))
        self.assertEqual(wb.sheetnames, ["区科工信局"])
        values = [cell for row in wb["区科工信局"].iter_rows(values_only=True) for cell in row if cell is not None]
        self.assertIn("株洲市渌口区科技和工业信息化局", values)

    def test_beyond_the_limit_it_asks_to_filter_first(self):
        self.set_status(Status.SUBMITTED)
        Evaluation.objects.create(unit=self.unit_b, year=2024, status=Status.APPROVED)
        self.client.force_login(self.chenjing)
        with mock.patch("reports.summary_exports.SHEETS_LIMIT", 1):
            response = self.client.get(reverse("summary_sheets", args=[2024]), {"state": ""}, follow=True)
        self.assertContains(response, "共有 2 个单位，一次最多导出 1 个单位的自评表。")
        self.assertEqual(response.redirect_chain[0][0], reverse("summary", args=[2024]) + "?sort=unit")
        # The filter narrows it to one unit: allowed.
        with mock.patch("reports.summary_exports.SHEETS_LIMIT", 1):
            response = self.client.get(reverse("summary_sheets", args=[2024]), {"state": "approved"})
        self.assertEqual(load_workbook(io.BytesIO(response.content)).sheetnames, ["区农业农村局"])


class PublishedZipTests(TemporaryPublicationsStore, BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.pdf_a1 = b"%PDF-1.7\n" + b"a" * 5000 + b"\n%%EOF\n"
        cls.pdf_a2 = b"%PDF-1.7\n" + b"A" * 7000 + b"\n%%EOF\n"
        cls.pdf_b = b"%PDF-1.7\n" + b"b" * 6000 + b"\n%%EOF\n"
        cls.a = handed_over(cls.unit_a, status=Status.PUBLISHED)
        cls.b = handed_over(cls.unit_b, status=Status.PUBLISHED)
        publish(cls.a, cls.pdf_a1, cls.admin, version=1)
        publish(cls.a, cls.pdf_a2, cls.admin, version=2)  # a correction supersedes version 1
        publish(cls.b, cls.pdf_b, cls.admin)

    def download(self):
        self.client.force_login(self.chenjing)
        response = self.client.get(reverse("summary_zip", args=[YEAR]))
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.streaming)
        chunks = list(response.streaming_content)
        return response, chunks

    def test_the_zip_holds_the_exact_bytes_of_the_current_versions(self):
        response, chunks = self.download()
        self.assertEqual(response["Content-Type"], "application/zip")
        archive = zipfile.ZipFile(io.BytesIO(b"".join(chunks)))
        self.assertEqual(
            sorted(archive.namelist()),
            sorted(["株洲市渌口区科技和工业信息化局-2024-第2版.pdf", "株洲市渌口区农业农村局-2024-第1版.pdf"]),
        )
        self.assertEqual(archive.read("株洲市渌口区科技和工业信息化局-2024-第2版.pdf"), self.pdf_a2)
        self.assertEqual(archive.read("株洲市渌口区农业农村局-2024-第1版.pdf"), self.pdf_b)
        self.assertTrue(all(info.compress_type == zipfile.ZIP_STORED for info in archive.infolist()))
        self.assertIsNone(archive.testzip())

    def test_it_is_sent_entry_by_entry_never_all_at_once(self):
        _response, chunks = self.download()
        total = sum(len(chunk) for chunk in chunks)
        # Each chunk holds at most one PDF and its headers: never the whole archive.
        self.assertGreaterEqual(len([chunk for chunk in chunks if chunk]), 2)
        self.assertTrue(all(len(chunk) < total for chunk in chunks))
        self.assertTrue(all(len(chunk) < len(self.pdf_a2) + 1000 for chunk in chunks))

    def test_a_missing_file_is_named_in_the_archive_instead_of_breaking_it(self):
        Publication.objects.filter(evaluation=self.b).update(pdf_sha256="0" * 64)
        _response, chunks = self.download()
        archive = zipfile.ZipFile(io.BytesIO(b"".join(chunks)))
        self.assertIn("缺失的文件.txt", archive.namelist())
        self.assertIn("株洲市渌口区农业农村局-2024-第1版.pdf", archive.read("缺失的文件.txt").decode())

    def test_the_zip_costs_the_same_queries_for_2_units_and_40(self):
        self.client.force_login(self.chenjing)
        url = reverse("summary_zip", args=[YEAR])
        # The session, the user and their membership, the year's campaign and the publications.
        with self.assertNumQueries(5):
            b"".join(self.client.get(url).streaming_content)
        generate_units(units=40, years=1, last_year=YEAR, prefix="乙")
        with self.assertNumQueries(5):
            response = self.client.get(url)
            data = b"".join(response.streaming_content)
        self.assertGreater(len(zipfile.ZipFile(io.BytesIO(data)).namelist()), 2)


def sheet_values(ws) -> list[tuple]:
    return list(ws.iter_rows(values_only=True))


class SelfEvaluationSheetsMatchTheSingleExportTests(TemporaryPublicationsStore, SeedTestCase):
    scoreable = True

    def test_each_sheet_reads_as_the_units_own_export(self):
        """陈静's sheet of the seed unit holds what 李明 downloads for it alone: the funds block, every 分值 and 得分,
        the 总分 and the 等级, cell for cell."""
        self.set_status(Status.SUBMITTED)
        self.client.force_login(self.chenjing)
        combined = load_workbook(io.BytesIO(self.client.get(reverse("summary_sheets", args=[2024])).content))
        single = load_workbook(io.BytesIO(workbook_bytes(build_export(self.evaluation)))).worksheets[0]
        ws = combined["区科工信局"]
        self.assertEqual(sheet_values(ws), sheet_values(single))
        self.assertEqual(ws.merged_cells.ranges, single.merged_cells.ranges)
        labels = {cell.value: cell for row in ws.iter_rows() for cell in row if cell.value in ("总分", "等级")}
        total_row, grade_row = labels["总分"].row, labels["等级"].row
        self.assertIsNotNone(ws.cell(total_row, 9).value)  # the seed is scored: 总分 is a number, never blank
        self.assertTrue(ws.cell(grade_row, 8).value)
        self.assertEqual(ws["B5"].value, "年度资金总额")
        self.assertIsNotNone(ws["F5"].value)

    def test_a_published_report_is_scored_with_the_scheme_its_publication_froze(self):
        """The unit's region now uses the Hunan scheme, which has no execution-rate leaf; its report was published
        under the national one: the sheet keeps the national scheme's 分值 on the 年度资金总额 row."""
        self.set_status(Status.PUBLISHED)
        publish(self.evaluation, b"%PDF-1.7\n%%EOF\n", self.admin)
        national = BUILTIN[DEFAULT]
        Publication.objects.filter(evaluation=self.evaluation).update(scheme_data=national.to_data())
        self.client.force_login(self.chenjing)
        combined = load_workbook(io.BytesIO(self.client.get(reverse("summary_sheets", args=[2024])).content))
        ws = combined["区科工信局"]
        self.assertEqual(D(str(ws["G5"].value)), national.leaf(EXECUTION_RATE).weight)
        single = load_workbook(io.BytesIO(workbook_bytes(build_export(self.evaluation)))).worksheets[0]
        self.assertEqual(sheet_values(ws), sheet_values(single))


class SelfEvaluationWorkbookQueriesTests(BaseTestCase):
    def test_the_workbook_costs_the_same_queries_for_2_units_and_20(self):
        handed_over(self.unit_a)
        handed_over(self.unit_b, status=Status.PUBLISHED)
        self.client.force_login(self.chenjing)
        url = reverse("summary_sheets", args=[YEAR])
        with CaptureQueriesContext(connection) as small:
            response = self.client.get(url)
        self.assertEqual(len(load_workbook(io.BytesIO(response.content)).sheetnames), 2)
        generate_units(units=20, years=1, last_year=YEAR, prefix="乙")
        handed = Evaluation.objects.filter(year=YEAR, status__in=HANDED_OVER).count()
        self.assertGreater(handed, 10)
        # The session, the user and their membership, the year's campaign; the listed units counted; the
        # evaluations with their units; their rows (seven kinds, reports.excel.template.fetch_rows_for); their
        # scores (reports.scoring.scores_for: the frozen schemes of the published ones, the schemes chosen, the
        # common indicators' six, the common figures, stated totals, execution lines, indicators and judgements).
        with self.assertNumQueries(len(small)):
            response = self.client.get(url)
        self.assertEqual(len(load_workbook(io.BytesIO(response.content)).sheetnames), handed)
        self.assertEqual(len(small), 28)
