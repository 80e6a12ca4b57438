"""Nothing incomplete or self-contradictory goes out: submitting needs the outline's required sections, the
signature date and figures that agree; publishing passes the same checks again. Each refusal says exactly what is
missing and changes nothing."""

from __future__ import annotations

from decimal import Decimal

from django.core import mail
from django.urls import reverse

from budgets.models import BudgetExecution, SpendingSummary
from evaluations.models import Evaluation, OutlineAssignment, Publication, ReportOutline, StatusChange, Submission
from reports import workflow
from tests.base import SeedTestCase
from tests.reports.workflow_support import TemporaryPublicationsStore, fake_rendering

Status = Evaluation.Status
PROJECT_MISMATCH = (
    "项目支出合计 12000000.00 元（1200.00 万元）与各项目支出之和 12312400.00 元（1231.24 万元）不一致，"
    "相差 312400.00 元（31.24 万元）。"
)
# The funds block's 全年执行数 (the demo's, for the score) against the stated 项目支出合计.
EXECUTED_MISMATCH = (
    "预算执行中项目支出全年执行数 12312400.00 元（1231.24 万元）与项目支出 12000000.00 元（1200.00 万元）不一致，"
    "相差 312400.00 元（31.24 万元）。"
)
# What the fuller Hunan outline requires and the seed (with the demo's budget figures) does not say.
HUNAN_BLOCKERS = [
    "政府性基金预算：是否有此项支出",
    "国有资本经营预算：是否有此项支出",
    "社会保险基金预算：是否有此项支出",
]


class SubmitGuardTests(SeedTestCase):
    scoreable = True

    def assert_nothing_happened(self) -> None:
        self.evaluation.refresh_from_db()
        self.assertEqual(self.evaluation.status, Status.DRAFT)
        self.assertFalse(StatusChange.objects.exists())
        self.assertFalse(Submission.objects.exists())
        self.assertEqual(mail.outbox, [])

    def test_wangfang_cannot_submit_without_a_signature_date(self):
        Evaluation.objects.filter(pk=self.evaluation.pk).update(signature_date=None)
        with self.captureOnCommitCallbacks(execute=True), self.assertRaises(workflow.Blocked) as refused:
            workflow.submit(evaluation=self.evaluation, actor=self.wangfang)
        self.assertEqual(refused.exception.messages, ["报告尚不能提交，请先补充或更正以下内容：", "落款日期"])
        [problem] = refused.exception.problems
        self.assertEqual((problem.section, problem.anchor), ("narrative", "id_narrative-signature_date"))
        self.assert_nothing_happened()

    def test_figures_that_disagree_are_refused_with_both_numbers(self):
        SpendingSummary.objects.create(evaluation=self.evaluation, project_total=Decimal("12000000.00"))
        with self.assertRaises(workflow.Blocked) as refused:
            workflow.submit(evaluation=self.evaluation, actor=self.wangfang)
        expected = ["报告尚不能提交，请先补充或更正以下内容：", PROJECT_MISMATCH, EXECUTED_MISMATCH]
        self.assertEqual(refused.exception.messages, expected)
        self.assert_nothing_happened()

    def test_executed_against_spent_is_checked_before_submission(self):
        BudgetExecution.objects.filter(evaluation=self.evaluation, kind="basic").update(executed=Decimal("4800000.00"))
        with self.assertRaises(workflow.Blocked) as refused:
            workflow.submit(evaluation=self.evaluation, actor=self.wangfang)
        self.assertEqual(
            refused.exception.messages[1],
            "预算执行中基本支出全年执行数 4800000.00 元（480.00 万元）与基本支出 4745000.00 元（474.50 万元）"
            "不一致，相差 55000.00 元（5.50 万元）。",
        )
        self.assert_nothing_happened()

    def test_the_outline_of_the_region_decides_what_is_required(self):
        OutlineAssignment.objects.create(
            region="湖南省株洲市渌口区", outline=ReportOutline.objects.get(builtin="hunan")
        )
        with self.assertRaises(workflow.Blocked) as refused:
            workflow.submit(evaluation=self.evaluation, actor=self.wangfang)
        self.assertEqual(refused.exception.messages[1:], HUNAN_BLOCKERS)
        self.assert_nothing_happened()

    def test_who_may_submit_is_checked_before_what_the_report_says(self):
        Evaluation.objects.filter(pk=self.evaluation.pk).update(signature_date=None)
        with self.assertRaisesMessage(workflow.ValidationError, str(workflow.NOT_ALLOWED_ROLE)) as refused:
            workflow.submit(evaluation=self.evaluation, actor=self.zhaomin)
        self.assertNotIsInstance(refused.exception, workflow.Blocked)

    def test_the_overview_lists_what_stops_submission_with_links_and_no_live_button(self):
        Evaluation.objects.filter(pk=self.evaluation.pk).update(signature_date=None)
        SpendingSummary.objects.create(evaluation=self.evaluation, project_total=Decimal("12000000.00"))
        self.client.force_login(self.wangfang)
        response = self.client.get(reverse("evaluation_detail", args=[self.evaluation.pk]))
        self.assertContains(response, "报告尚不能提交，请先补充或更正以下内容：")
        narrative = reverse("evaluation_section", args=[self.evaluation.pk, "narrative"])
        totals = reverse("evaluation_section", args=[self.evaluation.pk, "totals"])
        self.assertContains(response, f'<a href="{narrative}#id_narrative-signature_date">落款日期</a>', html=True)
        self.assertContains(response, f'<a href="{totals}#id_totals-project_total">{PROJECT_MISMATCH}</a>', html=True)
        self.assertContains(
            response,
            f'<button type="submit" class="btn btn-primary" disabled aria-describedby="blockers-{self.evaluation.pk}">'
            "提交审核</button>",
            html=True,
        )

    def test_a_submit_that_is_refused_says_so_and_changes_nothing(self):
        Evaluation.objects.filter(pk=self.evaluation.pk).update(signature_date=None)
        self.client.force_login(self.wangfang)
        response = self.client.post(reverse("workflow_submit", args=[self.evaluation.pk]), follow=True)
        self.assertRedirects(response, reverse("evaluation_detail", args=[self.evaluation.pk]))
        self.assertContains(response, "报告尚不能提交，请先补充或更正以下内容：", count=2)  # the message and the list
        self.assert_nothing_happened()

    def test_a_complete_report_submits_as_before(self):
        self.client.force_login(self.wangfang)
        response = self.client.get(reverse("evaluation_detail", args=[self.evaluation.pk]))
        self.assertNotContains(response, "报告尚不能提交")
        self.assertContains(response, '<button type="submit" class="btn btn-primary">提交审核</button>', html=True)
        workflow.submit(evaluation=self.evaluation, actor=self.wangfang)
        self.assertEqual(self.evaluation.status, Status.SUBMITTED)


class ReviewPageTests(SeedTestCase):
    scoreable = True

    def test_liqiang_sees_what_stops_publication_of_a_report_under_a_new_outline(self):
        workflow.submit(evaluation=self.evaluation, actor=self.wangfang)
        OutlineAssignment.objects.create(
            region="湖南省株洲市渌口区", outline=ReportOutline.objects.get(builtin="hunan")
        )
        self.client.force_login(self.liqiang)
        response = self.client.get(reverse("workflow_review", args=[self.evaluation.pk]))
        self.assertContains(response, "报告不能公开，以下内容缺失或数字不一致，请退回修改：")
        totals = reverse("evaluation_section", args=[self.evaluation.pk, "totals"])
        self.assertContains(
            response,
            f'<a href="{totals}#id_totals-government_fund-has_spending">政府性基金预算：是否有此项支出</a>',
            html=True,
        )


class PublishGuardTests(TemporaryPublicationsStore, SeedTestCase):
    scoreable = True

    def setUp(self):
        workflow.submit(evaluation=self.evaluation, actor=self.wangfang)
        workflow.approve(evaluation=self.evaluation, actor=self.liqiang)
        self.empty_store()

    def assert_nothing_published(self) -> None:
        self.evaluation.refresh_from_db()
        self.assertEqual(self.evaluation.status, Status.APPROVED)
        self.assertFalse(Publication.objects.exists())
        self.assertFalse(StatusChange.objects.filter(to_status=Status.PUBLISHED).exists())

    def test_a_report_approved_before_its_outline_changed_is_refused_with_the_reasons(self):
        OutlineAssignment.objects.create(
            region="湖南省株洲市渌口区", outline=ReportOutline.objects.get(builtin="hunan")
        )
        with fake_rendering() as render, self.assertRaises(workflow.Blocked) as refused:
            workflow.publish(evaluation=self.evaluation, actor=self.liqiang)
        self.assertEqual(
            refused.exception.messages, ["报告不能公开，以下内容缺失或数字不一致，请退回修改：", *HUNAN_BLOCKERS]
        )
        render.assert_not_called()
        self.assert_nothing_published()

    def test_figures_changed_behind_the_workflow_are_caught_at_publication(self):
        # A data fix straight in the database after approval: the checks run again at publication.
        SpendingSummary.objects.create(evaluation=self.evaluation, project_total=Decimal("12000000.00"))
        with fake_rendering(), self.assertRaises(workflow.Blocked) as refused:
            workflow.publish(evaluation=self.evaluation, actor=self.liqiang)
        self.assertEqual(refused.exception.messages[1:], [PROJECT_MISMATCH, EXECUTED_MISMATCH])
        self.assert_nothing_published()

    def test_a_complete_approved_report_is_published(self):
        with fake_rendering():
            publication = workflow.publish(evaluation=self.evaluation, actor=self.liqiang)
        self.assertEqual(publication.version, 1)
