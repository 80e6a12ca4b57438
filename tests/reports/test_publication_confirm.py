"""Publishing asks for confirmation: a page with the key figures and the first page of the PDF about to be stored,
whose button posts the confirmation. Nothing is published by opening it, by a confirmation of an earlier submission,
or while something still stops publication."""

from __future__ import annotations

import io
from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse
from pypdf import PdfReader

from budgets.models import BudgetExecution, SpendingSummary
from evaluations.models import Evaluation, OutlineAssignment, Publication, ReportOutline
from reports import workflow
from reports.publication import key_figures
from reports.rendering import render_report_first_page_pdf, render_report_pdf
from tests.base import SeedTestCase
from tests.reports.workflow_support import TemporaryPublicationsStore, fake_rendering

Status = Evaluation.Status


class ConfirmationPageTests(TemporaryPublicationsStore, SeedTestCase):
    scoreable = True

    def setUp(self):
        workflow.submit(evaluation=self.evaluation, actor=self.wangfang)
        workflow.approve(evaluation=self.evaluation, actor=self.liqiang)
        self.url = reverse("workflow_publish", args=[self.evaluation.pk])
        self.empty_store()

    def test_liqiang_sees_the_key_figures_and_the_first_page_before_publishing(self):
        self.client.force_login(self.liqiang)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        figures = [(figure.label, figure.value) for figure in response.context["figures"]]
        self.assertEqual(
            figures,
            [
                ("实际支出合计", "1705.74"),
                ("基本支出", "474.50"),
                ("项目支出", "1231.24"),
                # The demo's budget (illustrative: the seed states none) and the rate of the seed's spending.
                ("全年预算数", "1718.77"),
                ("预算执行率", "99.24%"),
            ],
        )
        self.assertContains(response, "1705.74 万元")
        self.assertNotContains(response, "未填写（报告中不出现）")
        preview = reverse("workflow_publish_preview", args=[self.evaluation.pk])
        self.assertContains(response, f'data="{preview}"')
        self.assertContains(response, '<input type="hidden" name="submission" value="1">', html=True)
        self.assertContains(response, "确认公开")
        self.assertContains(response, "data-busy")
        # Opening the page publishes nothing.
        self.evaluation.refresh_from_db()
        self.assertEqual(self.evaluation.status, Status.APPROVED)
        self.assertFalse(Publication.objects.exists())

    def test_a_budget_nobody_entered_is_said_to_be_missing_not_shown_as_zero(self):
        BudgetExecution.objects.filter(evaluation=self.evaluation).update(full_year_budget=None)
        self.client.force_login(self.liqiang)
        response = self.client.get(self.url)
        self.assertContains(response, "未填写（报告中不出现）", count=2)

    def test_the_execution_rate_is_shown_where_the_budget_is_known(self):
        BudgetExecution.objects.filter(evaluation=self.evaluation, kind="basic").update(
            full_year_budget=Decimal("5000000.00"), executed=Decimal("4745000.00")
        )
        BudgetExecution.objects.filter(evaluation=self.evaluation, kind="project").update(
            full_year_budget=Decimal("13000000.00"), executed=Decimal("12312400.00")
        )
        figures = {figure.label: figure.value for figure in key_figures(self.evaluation)}
        self.assertEqual((figures["全年预算数"], figures["预算执行率"]), ("1800.00", "94.76%"))

    def test_a_stated_budget_gives_the_rate_of_the_stated_spending(self):
        SpendingSummary.objects.create(
            evaluation=self.evaluation, total_budget=Decimal("20000000.00"), total_spending=Decimal("17057400.00")
        )
        # Queries: the summary, basic spending, project items, budget execution.
        with self.assertNumQueries(4):
            figures = {figure.label: figure.value for figure in key_figures(self.evaluation)}
        self.assertEqual((figures["预算安排"], figures["预算执行率"]), ("2000.00", "85.29%"))

    def test_the_button_posts_the_confirmation_and_publishes(self):
        self.client.force_login(self.liqiang)
        with fake_rendering():
            response = self.client.post(self.url, {"submission": "1"}, follow=True)
        self.assertContains(response, "报告已公开（第1版）")
        publication = self.evaluation.publications.get()
        self.assertContains(response, f"公众可在门户网站查看：http://testserver/reports/{publication.pk}/")
        self.evaluation.refresh_from_db()
        self.assertEqual(self.evaluation.status, Status.PUBLISHED)

    def test_a_confirmation_of_an_earlier_submission_publishes_nothing(self):
        # 李强 opened the page; meanwhile the report was returned, changed, submitted and approved again.
        workflow.return_for_revision(evaluation=self.evaluation, actor=self.chenjing, reason="请核对")
        workflow.submit(evaluation=self.evaluation, actor=self.wangfang)
        workflow.approve(evaluation=self.evaluation, actor=self.liqiang)
        self.client.force_login(self.liqiang)
        with fake_rendering() as render:
            response = self.client.post(self.url, {"submission": "1"}, follow=True)
        self.assertRedirects(response, self.url)
        self.assertContains(response, "报告在您打开确认页面之后重新提交过，请核对本页内容后再确认公开。")
        render.assert_not_called()
        self.assertFalse(Publication.objects.exists())

    def test_what_stops_publication_is_listed_and_there_is_no_button(self):
        OutlineAssignment.objects.create(
            region="湖南省株洲市渌口区", outline=ReportOutline.objects.get(builtin="hunan")
        )
        self.client.force_login(self.liqiang)
        response = self.client.get(self.url)
        self.assertContains(response, "报告不能公开，以下内容缺失或数字不一致，请退回修改：")
        self.assertContains(response, "社会保险基金预算：是否有此项支出")
        self.assertContains(response, "报告提纲：湖南部门整体支出绩效自评提纲（九部分）")
        self.assertNotContains(response, "确认公开</button>")
        self.assertContains(response, reverse("workflow_return", args=[self.evaluation.pk]))
        with fake_rendering() as render:
            response = self.client.post(self.url, {"submission": "1"}, follow=True)
        self.assertRedirects(response, self.url)
        self.assertContains(response, "报告不能公开，以下内容缺失或数字不一致，请退回修改：", count=2)
        render.assert_not_called()
        self.assertFalse(Publication.objects.exists())

    def test_wangfang_is_sent_back_to_the_overview(self):
        self.client.force_login(self.wangfang)
        response = self.client.get(self.url, follow=True)
        self.assertRedirects(response, reverse("evaluation_detail", args=[self.evaluation.pk]))
        self.assertContains(response, "您没有权限执行此操作。")

    def test_the_overview_and_the_review_page_lead_to_the_confirmation(self):
        self.client.force_login(self.liqiang)
        for name in ["evaluation_detail", "workflow_review"]:
            with self.subTest(page=name):
                response = self.client.get(reverse(name, args=[self.evaluation.pk]))
                self.assertContains(response, f'<a class="btn btn-danger" href="{self.url}">公开…</a>', html=True)

    def test_the_preview_is_served_inline_from_the_first_page(self):
        self.client.force_login(self.liqiang)
        with mock.patch("reports.rendering.html_to_first_page_pdf", return_value=b"%PDF-1.7\n%%EOF\n") as first_page:
            response = self.client.get(reverse("workflow_publish_preview", args=[self.evaluation.pk]))
        first_page.assert_called_once()
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertTrue(response["Content-Disposition"].startswith("inline;"))
        self.assertIn("no-cache", response["Cache-Control"])


@pytest.mark.pdf
class FirstPageTests(SeedTestCase):
    """With the real renderer: the first page is the published PDF's first page, alone."""

    def test_it_is_one_page_with_the_reports_first_page_text(self):
        first = PdfReader(io.BytesIO(render_report_first_page_pdf(self.evaluation)))
        whole = PdfReader(io.BytesIO(render_report_pdf(self.evaluation)))
        self.assertEqual(len(first.pages), 1)
        self.assertGreater(len(whole.pages), 1)
        self.assertEqual(first.pages[0].extract_text(), whole.pages[0].extract_text())
        self.assertIn("株洲市渌口区科技和工业信息化局", first.pages[0].extract_text())
        # Tagged like the whole, in the same language.
        self.assertEqual(first.trailer["/Root"]["/MarkInfo"]["/Marked"], True)
        self.assertEqual(first.trailer["/Root"]["/Lang"], "zh-CN")
