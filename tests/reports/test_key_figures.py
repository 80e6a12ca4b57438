"""The key figures frozen when a report is submitted: what the bureau's summary table reads."""

from __future__ import annotations

import datetime
from decimal import Decimal
from io import StringIO

from django.core.exceptions import ValidationError
from django.core.management import call_command

from budgets.models import SpendingSummary
from evaluations.models import Evaluation, LeafAssessment, StatusChange
from reports import workflow
from reports.key_figures import record_key_figures
from reports.models import KeyFigures
from tests.base import SeedTestCase, make_scoreable
from tests.scoring_support import MANAGEMENT_SCHEME, score_unit_with

D = Decimal


class KeyFiguresTests(SeedTestCase):
    def judge_management_scheme(self) -> None:
        # 预决算信息公开 部分达成 40 of 60, 资产管理安全性 达成 18 of 20, 固定资产利用率 不适用: 58 of the 80
        # applicable points, scaled to 100 = 72.50, grade 中.
        score_unit_with(self.unit_a, MANAGEMENT_SCHEME)
        LeafAssessment.objects.create(
            evaluation=self.evaluation, key="disclosure", tier="partly", score=D("40"), reason="个别表格迟报"
        )
        LeafAssessment.objects.create(
            evaluation=self.evaluation, key="asset_security", tier="achieved", score=D("18"), reason="账实相符"
        )
        LeafAssessment.objects.create(
            evaluation=self.evaluation, key="fixed_asset_use_rate", not_applicable=True, reason="由机关事务中心管理"
        )

    def test_wangfangs_submission_freezes_the_figures_in_the_same_step(self):
        make_scoreable(self.evaluation)
        workflow.submit(evaluation=self.evaluation, actor=self.wangfang)
        figures = KeyFigures.objects.get(evaluation=self.evaluation)
        submitted = StatusChange.objects.get(evaluation=self.evaluation, to_status=Evaluation.Status.SUBMITTED)
        self.assertAlmostEqual(figures.submitted_at, submitted.at, delta=datetime.timedelta(seconds=5))
        self.assertEqual(figures.total_spending, D("17057400.00"))
        self.assertIsNotNone(figures.score_total)

    def test_it_freezes_the_seed_figures(self):
        # Under a management-only scheme the seed's own indicators fall under no leaf, which submission refuses
        # (reports.completeness); the figures themselves are computed the same way whatever the step.
        self.judge_management_scheme()
        figures = record_key_figures(self.evaluation)
        figures.refresh_from_db()
        # The seed's printed figures: 基本支出 474.50 万元 + 项目支出 1231.24 万元 = 1705.74 万元.
        self.assertEqual(figures.total_spending, D("17057400.00"))
        self.assertEqual(figures.basic_spending, D("4745000.00"))
        self.assertEqual(figures.project_spending, D("12312400.00"))
        self.assertEqual(figures.score_total, D("72.50"))
        self.assertEqual(figures.grade, "中")
        self.assertEqual(figures.scheme_name, "渌口区管理评分")
        # 知识价值信用贷款 11400 of 20000 and 科技支出占比 7.4 of 7.5 fall short and give no reason.
        self.assertEqual(figures.unexplained_shortfalls, 2)
        self.assertEqual(figures.failed_checks, 0)

    def test_a_figure_the_report_does_not_know_stays_null(self):
        # The seed states no 预算安排 and has no funds block: no budget, no rate; the national scheme cannot score
        # without the execution rate, so there is no total and no grade either, never 0.
        figures = record_key_figures(self.evaluation)
        figures.refresh_from_db()
        self.assertIsNone(figures.budget)
        self.assertIsNone(figures.executed)
        self.assertIsNone(figures.execution_rate)
        self.assertIsNone(figures.score_total)
        self.assertEqual(figures.grade, "")

    def test_an_absurd_rate_does_not_stop_the_submission(self):
        # 王芳 typed the budget as 1 元: 17,057,400 元 spent of it is a rate the column cannot hold.
        SpendingSummary.objects.update_or_create(evaluation=self.evaluation, defaults={"total_budget": D("1")})
        figures = record_key_figures(self.evaluation)
        self.assertEqual(figures.budget, D("1"))
        self.assertIsNone(figures.execution_rate)

    def test_a_second_submission_replaces_the_row(self):
        record_key_figures(self.evaluation)
        self.judge_management_scheme()
        record_key_figures(self.evaluation)
        self.assertEqual(KeyFigures.objects.get().score_total, D("72.50"))

    def test_a_refused_submission_writes_no_figures(self):
        # 赵敏 works for another unit: refused before anything is written.
        with self.assertRaisesMessage(ValidationError, str(workflow.NOT_ALLOWED_ROLE)):
            workflow.submit(evaluation=self.evaluation, actor=self.zhaomin)
        self.assertFalse(KeyFigures.objects.exists())


class RefreshCommandTests(SeedTestCase):
    def test_it_recomputes_submitted_reports_and_leaves_drafts_alone(self):
        out = StringIO()
        call_command("refresh_key_figures", stdout=out)
        self.assertFalse(KeyFigures.objects.exists())
        self.set_status(Evaluation.Status.APPROVED)
        call_command("refresh_key_figures", "--year", "2024", stdout=out)
        self.assertEqual(KeyFigures.objects.get().total_spending, D("17057400.00"))
        call_command("refresh_key_figures", "--year", "2023", stdout=out)
        self.assertEqual(KeyFigures.objects.count(), 1)
        self.assertIn("1", out.getvalue())
