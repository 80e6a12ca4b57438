"""The report page and its PDF in the app: who may open them, what they get, and at what cost in queries."""

from __future__ import annotations

from unittest import mock
from urllib.parse import quote

import pytest
from django.test import override_settings
from django.urls import reverse

from evaluations.models import Evaluation
from tests.base import SeedTestCase

from .test_report import evaluation_with

FILENAME = "株洲市渌口区科技和工业信息化局2024年度部门整体支出绩效自评报告.pdf"


class ReportPageTests(SeedTestCase):
    def url(self, evaluation: Evaluation | None = None) -> str:
        return reverse("evaluation_report", args=[(evaluation or self.evaluation).pk])

    def test_wangfang_reads_her_units_report(self):
        self.client.force_login(self.wangfang)
        response = self.client.get(self.url())
        self.assertContains(response, "株洲市渌口区科技和工业信息化局2024年度部门整体支出绩效自评报告")
        self.assertContains(response, "人员支出比率81.44%")
        self.assertContains(response, "/static/css/report.css")
        self.assertContains(response, 'href="#s2-1"')  # the table of contents
        self.assertContains(response, f"{reverse('evaluation_report_pdf', args=[self.evaluation.pk])}?inline=1")

    def test_a_draft_is_shown_under_a_draft_watermark_and_a_submitted_report_is_not(self):
        self.client.force_login(self.wangfang)
        self.assertContains(self.client.get(self.url()), '<div class="report-watermark">草稿</div>', html=True)
        self.set_status(Evaluation.Status.SUBMITTED)
        response = self.client.get(self.url())
        self.assertNotContains(response, "report-watermark")
        self.assertContains(response, "人员支出比率81.44%")

    def test_liqiang_reads_it_too(self):
        self.client.force_login(self.liqiang)
        self.assertEqual(self.client.get(self.url()).status_code, 200)

    def test_zhaomin_of_another_unit_gets_not_found(self):
        self.client.force_login(self.zhaomin)
        self.assertEqual(self.client.get(self.url()).status_code, 404)

    def test_the_bureau_reads_it_once_submitted(self):
        self.client.force_login(self.chenjing)
        self.assertEqual(self.client.get(self.url()).status_code, 404)
        self.set_status(Evaluation.Status.SUBMITTED)
        self.assertContains(self.client.get(self.url()), "2025年5月22日")

    def test_an_anonymous_visitor_is_sent_to_sign_in(self):
        response = self.client.get(self.url())
        self.assertRedirects(response, f"{reverse('login')}?next={self.url()}")

    def test_the_page_is_not_cached_by_shared_caches(self):
        self.client.force_login(self.wangfang)
        self.assertIn("private", self.client.get(self.url())["Cache-Control"])

    def test_the_query_count_does_not_grow_with_the_items(self):
        self.client.force_login(self.zhaomin)
        for size in (5, 100):
            evaluation = evaluation_with(self.unit_b, 2000 + size, items=size, indicators=size)
            # session, user, membership (access), the evaluation with its unit, the report's twelve lists (duties,
            # offices, staffing, basic spending, fund sources, project items, budget execution, themes, indicators,
            # spending summary, other budget types, the unit's own texts), the campaign of the year, the outline
            # assignment, the score's nine (scheme assignment, national scheme, the six of
            # budgets.selectors.common_indicators_of and the unit's judgements of the scheme's leaves), the
            # bureau's released review (none), and the signed-in person's unit for the page header
            with self.subTest(size=size), self.assertNumQueries(29):
                response = self.client.get(self.url(evaluation))
            self.assertContains(response, f"指标{size - 1}")


@pytest.mark.pdf
class ReportPdfTests(SeedTestCase):
    """One PDF per class: each download costs a WeasyPrint render."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.url = reverse("evaluation_report_pdf", args=[cls.evaluation.pk])

    def test_wangfang_downloads_the_pdf_under_its_chinese_name(self):
        self.client.force_login(self.wangfang)
        response = self.client.get(self.url)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertEqual(
            response["Content-Disposition"],
            f"attachment; filename=\"report-2024.pdf\"; filename*=UTF-8''{quote(FILENAME, safe='')}",
        )
        self.assertTrue(response.content.startswith(b"%PDF-"))
        self.assertEqual(int(response["Content-Length"]), len(response.content))
        # The same request with ?inline=1 lets the browser show it.
        response = self.client.get(self.url, {"inline": "1"})
        self.assertTrue(response["Content-Disposition"].startswith("inline; "))


class ReportPdfAccessTests(SeedTestCase):
    def test_zhaomin_cannot_download_another_units_draft(self):
        self.client.force_login(self.zhaomin)
        url = reverse("evaluation_report_pdf", args=[self.evaluation.pk])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_an_anonymous_visitor_gets_no_pdf(self):
        url = reverse("evaluation_report_pdf", args=[self.evaluation.pk])
        self.assertRedirects(self.client.get(url), f"{reverse('login')}?next={url}")

    def test_the_report_cannot_be_changed_through_its_urls(self):
        self.client.force_login(self.wangfang)
        self.assertEqual(self.client.post(reverse("evaluation_report", args=[self.evaluation.pk])).status_code, 405)


@override_settings(PREVIEW_RATE_PER_MINUTE=3)
class PreviewCostTests(SeedTestCase):
    """Each new PDF costs a WeasyPrint run: 王芳 opening the same draft again gets the PDF made last time, a changed
    draft gets a new one, and a script pressing the button gets a Chinese 429 after the per-minute limit."""

    def setUp(self):
        self.client.force_login(self.wangfang)
        self.url = reverse("evaluation_report_pdf", args=[self.evaluation.pk])
        patcher = mock.patch(
            "reports.rendering.html_to_pdf", side_effect=lambda html: b"%PDF-" + str(len(html)).encode()
        )
        self.render = patcher.start()
        self.addCleanup(patcher.stop)

    def test_the_same_draft_is_rendered_once(self):
        for _ in range(5):
            self.assertEqual(self.client.get(self.url).status_code, 200)
        self.assertEqual(self.render.call_count, 1)

    def test_a_changed_draft_is_rendered_again(self):
        first = self.client.get(self.url).content
        Evaluation.objects.filter(pk=self.evaluation.pk).update(problems="新的问题分析。")
        second = self.client.get(self.url).content
        self.assertEqual(self.render.call_count, 2)
        self.assertNotEqual(first, second)

    def test_too_many_new_pdfs_in_a_minute_are_refused_in_chinese(self):
        for number in range(3):
            Evaluation.objects.filter(pk=self.evaluation.pk).update(problems=f"第{number}稿。")
            self.assertEqual(self.client.get(self.url).status_code, 200)
        Evaluation.objects.filter(pk=self.evaluation.pk).update(problems="第四稿。")
        response = self.client.get(self.url)
        self.assertContains(response, "生成新 PDF 预览的次数已达上限（3 次）", status_code=429)
        self.assertLessEqual(int(response["Retry-After"]), 60)
        self.assertEqual(self.render.call_count, 3)
        # 李强 has his own allowance.
        self.client.force_login(self.liqiang)
        self.assertEqual(self.client.get(self.url).status_code, 200)

    def test_the_publish_confirmations_first_page_is_cached_too(self):
        url = reverse("workflow_publish_preview", args=[self.evaluation.pk])
        with mock.patch("reports.rendering.html_to_first_page_pdf", return_value=b"%PDF-first") as first_page:
            self.client.force_login(self.liqiang)
            for _ in range(3):
                self.client.get(url)
        self.assertEqual(first_page.call_count, 1)


class ReportPanelTests(SeedTestCase):
    def test_the_overview_links_to_the_report_and_its_pdf(self):
        self.client.force_login(self.wangfang)
        response = self.client.get(reverse("evaluation_detail", args=[self.evaluation.pk]))
        self.assertContains(response, f'href="{reverse("evaluation_report", args=[self.evaluation.pk])}"')
        self.assertContains(response, f'href="{reverse("evaluation_report_pdf", args=[self.evaluation.pk])}"')
        self.assertContains(response, "查看报告")
        self.assertContains(response, "下载PDF")
