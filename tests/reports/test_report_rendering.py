"""Rendering: escaping, the URL fetcher that only serves our static files, the download name and extreme reports."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from urllib.parse import unquote

import pytest
from pypdf import PdfReader

from budgets.models import FundSource, ProjectItem
from evaluations.models import Evaluation
from reports.rendering import (
    ascii_filename,
    content_disposition,
    pdf_response,
    render_report_body,
    render_report_pdf,
    report_filename,
    static_url_fetcher,
)
from tests.base import SeedTestCase


class EscapingTests(SeedTestCase):
    def test_user_text_is_escaped_in_the_body(self):
        Evaluation.objects.filter(pk=self.evaluation.pk).update(
            problems='<img src="http://evil.example/x.png"><script>alert(1)</script>'
        )
        body = render_report_body(Evaluation.objects.get(pk=self.evaluation.pk))
        self.assertNotIn("<script>", body)
        self.assertNotIn("<img", body)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", body)

    def test_the_body_is_a_fragment_with_title_sections_tables_and_signature(self):
        body = render_report_body(self.set_status(Evaluation.Status.APPROVED))
        self.assertTrue(body.lstrip().startswith('<article class="report" lang="zh-CN">'))
        self.assertNotIn("<html", body)
        self.assertNotIn("草稿", body)
        for part in ("2024年度部门整体支出绩效自评报告", "六、绩效自评结果拟应用和公开情况", "<table", "2025年5月22日"):
            self.assertIn(part, body)

    def test_a_draft_preview_carries_the_watermark(self):
        body = render_report_body(Evaluation.objects.get(pk=self.evaluation.pk))
        self.assertTrue(body.lstrip().startswith('<article class="report" lang="zh-CN">'))
        self.assertIn('<div class="report-watermark">草稿</div>', body)

    def test_headings_take_their_style_from_their_depth(self):
        body = render_report_body(self.set_status(Evaluation.Status.APPROVED))
        self.assertIn('<h2 class="report-h1" id="s1">一、预算单位基本情况</h2>', body)
        self.assertIn('<h3 class="report-h2" id="s2-1">（一）基本支出情况</h3>', body)
        # An unnumbered subheading of the outline runs into its paragraph.
        self.assertIn('<span class="report-label">人员配置情况：</span>截至2024年12月31日', body)


class UrlFetcherTests(SeedTestCase):
    def setUp(self):
        self.fetcher = static_url_fetcher()

    def test_it_serves_our_print_stylesheet_from_disk(self):
        response = self.fetcher.fetch("https://report.invalid/static/css/report-print.css")
        self.assertIn(b"@page", response.read())
        self.assertEqual(response.content_type, "text/css")

    def test_it_refuses_everything_else(self):
        for url in (
            "http://127.0.0.1:8000/static/css/report.css",
            "https://evil.example/static/css/report.css",
            "file:///etc/passwd",
            "data:text/css,body{color:red}",
            "https://report.invalid/media/secret.pdf",
            "https://report.invalid/static/../config/settings.py",
            "https://report.invalid/static/%2e%2e/config/settings.py",
            "https://report.invalid/static/css/missing.css",
        ):
            with self.subTest(url=url), self.assertRaises(ValueError):
                self.fetcher.fetch(url)


class FilenameTests(SeedTestCase):
    def test_the_download_is_named_after_the_report(self):
        self.assertEqual(
            report_filename(self.evaluation), "株洲市渌口区科技和工业信息化局2024年度部门整体支出绩效自评报告.pdf"
        )

    def test_characters_no_file_system_accepts_are_replaced(self):
        self.unit_a.name = 'A/B:C*"D"'
        self.assertEqual(report_filename(self.evaluation), "A_B_C_D_2024年度部门整体支出绩效自评报告.pdf")

    def test_the_content_disposition_carries_the_chinese_name_and_an_ascii_fallback(self):
        name = report_filename(self.evaluation)
        header = content_disposition(name)
        self.assertTrue(header.startswith("attachment; filename=\"report-2024.pdf\"; filename*=UTF-8''"), header)
        self.assertEqual(unquote(header.split("UTF-8''", 1)[1]), name)
        self.assertTrue(header.isascii())

    def test_ascii_names_are_kept(self):
        self.assertEqual(ascii_filename("report-2024.pdf"), "report-2024.pdf")
        self.assertEqual(ascii_filename('a b;c".pdf'), "report-a-b-c.pdf")

    def test_pdf_response_serves_inline_on_request(self):
        response = pdf_response(b"%PDF-1.7", "报告.pdf", inline=True)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertTrue(response["Content-Disposition"].startswith('inline; filename="report.pdf"'))
        self.assertEqual(response["Content-Length"], "8")


@pytest.mark.pdf
class ExtremeReportTests(SeedTestCase):
    """A very long paragraph and a 300-row table still render, and the table header repeats on every page."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        evaluation = cls.evaluation
        long_paragraph = "长" * 6000 + "x" * 3000
        Evaluation.objects.filter(pk=evaluation.pk).update(problems=long_paragraph)
        source = FundSource.objects.create(evaluation=evaluation, order=9, name="其他资金")
        ProjectItem.objects.bulk_create(
            ProjectItem(evaluation=evaluation, source=source, order=n, name=f"第{n}项", amount=Decimal(100 + n))
            for n in range(300)
        )
        cls.pdf = render_report_pdf(Evaluation.objects.get(pk=evaluation.pk))
        cls.reader = PdfReader(io.BytesIO(cls.pdf))

    def test_it_renders_every_row(self):
        text = "".join(page.extract_text() for page in self.reader.pages)
        self.assertIn("第299项", text)
        # the seed's 12,312,400 元 plus 100 + 101 + … + 399 = 74,850 元, shown in 万元 rounded half-up
        self.assertIn("1238.73", text)

    def test_the_table_header_repeats_on_every_page_the_table_spans(self):
        texts = [page.extract_text() for page in self.reader.pages]
        # From the page with the group's subtotal row to the page with the total row.
        first = next(n for n, text in enumerate(texts) if "其他资金小计" in text)
        last = next(n for n, text in enumerate(texts) if re.search(r"合计\s*1238\.73", text))
        spanned = texts[first : last + 1]
        self.assertGreater(len(spanned), 3)
        for text in spanned:
            self.assertIn("资金来源及项目", text)
