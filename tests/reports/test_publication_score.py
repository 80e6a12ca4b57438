"""The score goes out with the report: 王芳 cannot submit while the score lacks anything, a publication keeps the
score and the scheme it was computed with, and no later edit of the scheme changes what the portal shows."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from achievements.models import Indicator
from budgets.models import BudgetExecution, CommonFigures, SpendingSummary
from evaluations.models import (
    Evaluation,
    LeafAssessment,
    Publication,
    SchemeAssignment,
    ScoringScheme,
    StaffingLine,
    Submission,
)
from evaluations.schemes import HUNAN
from evaluations.scoring import Level1, Level2
from evaluations.scoring_rules import EXECUTION_RATE
from evaluations.scoring_schemes import copy_scheme, save_scheme, scheme_spec
from reports import workflow
from reports.completeness import completeness_of
from reports.scoring import scheme_of, score_of, scoring_inputs
from tests.base import SeedTestCase
from tests.reports.workflow_support import TemporaryPublicationsStore, fake_rendering

Status = Evaluation.Status
HUNAN_NAME = "湖南部门整体支出评价（财预〔2013〕53号框架）"
# The demo's total under the Hunan scheme, as computed by hand in DemoScoreTests.
DEMO_TOTAL = Decimal("91.50708333333333333333333333")


class DemoScoreTests(SeedTestCase):
    scoreable = True

    def test_the_demo_scores_under_the_hunan_scheme_with_a_total_and_a_grade(self):
        """By hand, from reports/demo/lukou_2024.py:

        投入 15: 在职人员控制率 21 ÷ 22 = 95.45% ≤ 100% → 5; 三公经费变动率 (73,000 − 84,000) ÷ 84,000 = −13.10% ≤ 0
        → 5; 重点支出安排率 10,500,000 ÷ 12,312,400 = 85.28%, in [80%, 90%) → 4. Subtotal 14.
        过程 40: 预算调整率 (9,100,000 + 50,000) ÷ 7,800,000 = 117.31% > 30% → 0; 支付进度率 96 ÷ 100 → 3 × 0.96 =
        2.88; 结转结余 130,300 > 0 but not above 上年结转 337,700 → 2; 三公经费控制率 73,000 ÷ 90,000 = 81.11% → 6;
        管理制度 3 items → 3; 合规 0 violations → 3; 预决算公开 (达成) 8.50; 资产安全 (达成) 4.50; 固定资产利用率
        1,860,000 ÷ 1,920,000 = 96.875% → 5 × 0.96875 = 4.84375. Subtotal 34.72375.
        产出 25: five indicators of 5 each, all at or over target → 25.
        效果 20: 知识价值信用贷款 11,400 ÷ 20,000 → 5 × 0.57 = 2.85; 技术合同成交额 12.55 ÷ 10 → 5;
        科技支出占比 7.4 ÷ 7.5 → 5 × 0.98667 = 4.93333…; 企业诉求满意率 100 ÷ 100 → 5. Subtotal 17.78333….
        Total 14 + 34.72375 + 25 + 17.78333… = 91.50708…, shown 91.51: 优 (≥ 90)."""
        scored = score_of(self.evaluation)
        self.assertEqual(scored.scheme.name, HUNAN_NAME)
        sheet = scored.sheet
        self.assertEqual((sheet.missing, sheet.reasons_needed), ((), ()))
        self.assertEqual([level1.points for level1 in sheet.sections][:3], [14, Decimal("34.72375"), 25])
        self.assertEqual(sheet.total, DEMO_TOTAL)
        self.assertEqual((sheet.shown_total, sheet.grade), ("91.51", "优"))

    def test_the_demo_is_complete_and_its_scoring_section_says_so(self):
        completeness = completeness_of(self.evaluation)
        self.assertEqual(completeness.blockers, [])
        self.assertEqual(completeness.section("scoring").status, "complete")

    def test_the_funds_block_agrees_with_the_spending_the_seed_prints_and_the_sources_add_up(self):
        lines = {row.kind: row for row in BudgetExecution.objects.filter(evaluation=self.evaluation)}
        self.assertEqual(lines["basic"].executed, Decimal("4745000"))  # 基本支出 474.50万元
        self.assertEqual(lines["project"].executed, Decimal("12312400"))  # 项目支出 1231.24万元
        for column in ["carryover_from_last_year", "initial_budget", "additions", "reductions", "full_year_budget"]:
            with self.subTest(column=column):
                spending = sum(getattr(lines[kind], column) for kind in BudgetExecution.SPENDING_KINDS)
                sources = sum(getattr(lines[kind], column) for kind in BudgetExecution.SOURCES)
                self.assertEqual(spending, sources)
        for kind in ["executed", "year_end_carryover"]:
            self.assertEqual(
                sum(getattr(lines[k], kind) for k in BudgetExecution.SPENDING_KINDS),
                sum(getattr(lines[k], kind) for k in BudgetExecution.SOURCES),
            )
        for row in lines.values():
            with self.subTest(kind=row.kind):
                budget = row.carryover_from_last_year + row.initial_budget + row.additions - row.reductions
                self.assertEqual(row.full_year_budget, budget)
                self.assertEqual(row.year_end_carryover, row.full_year_budget - row.executed)


class SubmissionRefusedTests(SeedTestCase):
    """王芳 tries to submit while the score lacks something: each is listed, with where to enter it."""

    scoreable = True

    def refused(self) -> list[str]:
        with self.assertRaises(workflow.Blocked) as refused:
            workflow.submit(evaluation=self.evaluation, actor=self.wangfang)
        self.evaluation.refresh_from_db()
        self.assertEqual(self.evaluation.status, Status.DRAFT)
        self.assertFalse(Submission.objects.exists())
        self.assertEqual(refused.exception.header, "报告尚不能提交，请先补充或更正以下内容：")
        return [(p.text, p.section, p.field) for p in refused.exception.problems]

    def assert_linked_in_the_overview(self, text: str, section: str, anchor: str = "") -> None:
        self.client.force_login(self.wangfang)
        response = self.client.get(reverse("evaluation_detail", args=[self.evaluation.pk]))
        url = reverse("evaluation_section", args=[self.evaluation.pk, section])
        href = f"{url}#id_{anchor}" if anchor else url
        self.assertContains(response, f'<a href="{href}">{text}</a>', html=True)
        overview = completeness_of(self.evaluation).section("scoring")
        self.assertEqual(overview.status, "incomplete")
        self.assertIn(text, [problem.text for problem in overview.missing])

    def test_a_common_indicator_without_its_inputs(self):
        CommonFigures.objects.filter(evaluation=self.evaluation).update(payment_progress_actual=None)
        text = "评分指标“支付进度率”无法计算，缺少实际和既定支付进度"
        self.assertEqual(self.refused(), [(text, "execution", "common-payment_progress_actual")])
        self.assert_linked_in_the_overview(text, "execution", "common-payment_progress_actual")

    def test_staff_control_without_the_posts_is_entered_in_the_profile(self):
        StaffingLine.objects.filter(evaluation=self.evaluation).update(approved=None)
        text = "评分指标“在职人员控制率”无法计算，缺少在职人员数、编制数"
        self.assertEqual(self.refused(), [(text, "profile", "staffing-0-approved")])
        self.assert_linked_in_the_overview(text, "profile", "staffing-0-approved")

    def test_a_qualitative_leaf_without_a_judgement_is_entered_on_the_scoring_page(self):
        LeafAssessment.objects.filter(evaluation=self.evaluation, key="disclosure").delete()
        text = "评分指标“预决算信息公开性和完善性”无法计算，缺少评价档次"
        self.assertEqual(self.refused(), [(text, "scoring", "")])
        self.assert_linked_in_the_overview(text, "scoring")

    def test_indicator_weights_that_do_not_add_up(self):
        Indicator.objects.filter(evaluation=self.evaluation, name="规模工业增加值增速").update(weight=Decimal("6"))
        text = "“产出指标”各项绩效指标的分值合计为26分，应为25分。"
        self.assertEqual(self.refused(), [(text, "achievements", "indicators-0-weight")])
        self.assert_linked_in_the_overview(text, "achievements", "indicators-0-weight")

    def test_an_indicator_without_a_weight_is_entered_with_the_indicators(self):
        Indicator.objects.filter(evaluation=self.evaluation, name="企业诉求满意率").update(weight=None)
        text = "评分指标“效果指标”无法计算，缺少“企业诉求满意率”的分值"
        self.assertEqual(self.refused(), [(text, "achievements", "")])

    def test_a_low_execution_rate_without_its_reason(self):
        BudgetExecution.objects.filter(evaluation=self.evaluation, kind="project").update(
            full_year_budget=Decimal("20000000")
        )
        text = "预算执行率为68.92%，低于90%，须说明原因。"
        self.assertIn((text, "execution", "common-execution_reason"), self.refused())
        self.assert_linked_in_the_overview(text, "execution", "common-execution_reason")
        CommonFigures.objects.filter(evaluation=self.evaluation).update(execution_reason="省市资金年底下达。")
        evaluation = Evaluation.objects.select_related("unit").get(pk=self.evaluation.pk)
        self.assertNotIn(text, [problem.text for problem in completeness_of(evaluation).blockers])

    def test_a_scheme_whose_weights_do_not_add_up(self):
        # Stored behind the bureau's pages (which refuse it): the evaluation cannot be scored at all.
        hunan = ScoringScheme.objects.get(builtin=HUNAN)
        copy = copy_scheme(hunan, name="渌口区评分方案")
        data = copy.data
        data["sections"][0]["weight"] = "20"
        ScoringScheme.objects.filter(pk=copy.pk).update(data=data)
        SchemeAssignment.objects.filter(region=self.unit_a.region, year=2024).update(scheme=copy)
        problems = self.refused()
        text = "评分方案“渌口区评分方案”有误，无法评分（请财政局修改评分方案）：一级指标分值合计为105分，应为100分。"
        self.assertIn((text, "scoring", ""), problems)
        self.assertTrue(all(section == "scoring" for _text, section, _field in problems))

    def test_a_complete_score_is_submitted(self):
        workflow.submit(evaluation=self.evaluation, actor=self.wangfang)
        self.assertEqual(self.evaluation.status, Status.SUBMITTED)


class RecheckTests(TemporaryPublicationsStore, SeedTestCase):
    """A scheme or a judgement can change between submission and approval or publication: both check again."""

    scoreable = True

    def test_approval_is_refused_when_the_score_became_incomplete(self):
        workflow.submit(evaluation=self.evaluation, actor=self.wangfang)
        LeafAssessment.objects.filter(evaluation=self.evaluation, key="asset_security").delete()
        with self.assertRaises(workflow.Blocked) as refused:
            workflow.approve(evaluation=self.evaluation, actor=self.liqiang)
        self.assertEqual(
            refused.exception.messages,
            [
                "报告不能审核通过，以下内容缺失或数字不一致，请退回修改：",
                "评分指标“资产管理安全性”无法计算，缺少评价档次",
            ],
        )
        self.evaluation.refresh_from_db()
        self.assertEqual(self.evaluation.status, Status.SUBMITTED)

    def test_publication_is_refused_when_the_bureau_chose_a_scheme_the_unit_does_not_fit(self):
        workflow.submit(evaluation=self.evaluation, actor=self.wangfang)
        workflow.approve(evaluation=self.evaluation, actor=self.liqiang)
        national = ScoringScheme.objects.get(builtin="national")
        SchemeAssignment.objects.filter(region=self.unit_a.region, year=2024).update(scheme=national)
        with fake_rendering() as render, self.assertRaises(workflow.Blocked) as refused:
            workflow.publish(evaluation=self.evaluation, actor=self.liqiang)
        self.assertEqual(refused.exception.messages[0], "报告不能公开，以下内容缺失或数字不一致，请退回修改：")
        # Under the national layout the seed's 25 + 20 points of indicators do not make 50 / 30 / 10.
        self.assertIn("“产出指标”各项绩效指标的分值合计为25分，应为50分。", refused.exception.messages)
        render.assert_not_called()
        self.assertFalse(Publication.objects.exists())


class FrozenScoreTests(TemporaryPublicationsStore, SeedTestCase):
    """The bureau scores 渌口区 with its own copy of the Hunan scheme; 李强 publishes; then the bureau edits it."""

    scoreable = True

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.copy = copy_scheme(ScoringScheme.objects.get(builtin=HUNAN), name="渌口区评分方案")
        SchemeAssignment.objects.filter(region=cls.unit_a.region, year=2024).update(scheme=cls.copy)

    def publish(self) -> Publication:
        workflow.submit(evaluation=self.evaluation, actor=self.wangfang)
        workflow.approve(evaluation=self.evaluation, actor=self.liqiang)
        with fake_rendering():
            return workflow.publish(evaluation=self.evaluation, actor=self.liqiang)

    def edit_the_copy(self) -> None:
        """Swap the weights of 预算调整率 (3 → 6) and “三公经费”控制率 (6 → 3): the demo loses 3 points."""
        spec = scheme_spec(self.copy)
        process = spec.sections[1]
        execution = process.groups[0]
        leaves = list(execution.leaves)
        leaves[0] = dataclasses.replace(leaves[0], weight=Decimal("6"))
        leaves[3] = dataclasses.replace(leaves[3], weight=Decimal("3"))
        groups = (Level2(execution.name, execution.weight, tuple(leaves)), *process.groups[1:])
        sections = (spec.sections[0], Level1(process.name, process.weight, groups), *spec.sections[2:])
        save_scheme(scheme=self.copy, spec=dataclasses.replace(spec, sections=sections), version=1)

    def test_the_publication_records_the_scheme_and_the_score_as_shown(self):
        publication = self.publish()
        self.assertEqual(publication.scheme, self.copy)
        self.assertEqual((publication.scheme_name, publication.scheme_version), ("渌口区评分方案", 1))
        self.assertEqual(publication.scheme_data, scheme_spec(self.copy).to_data())
        self.assertEqual((publication.score_total, publication.grade), (Decimal("91.51"), "优"))
        stored = Publication.objects.get(pk=publication.pk)
        self.assertEqual(stored.score_total, Decimal("91.51"))

    def test_a_later_edit_of_the_scheme_never_changes_the_published_score(self):
        publication = self.publish()
        self.edit_the_copy()
        self.copy.refresh_from_db()
        self.assertEqual(self.copy.version, 2)
        self.evaluation.refresh_from_db()
        # The app scores the published report with the frozen scheme: the achievements page shows it.
        self.assertEqual(scheme_of(self.evaluation).name, "渌口区评分方案")
        self.assertEqual(score_of(self.evaluation).sheet.total, DEMO_TOTAL)
        self.client.force_login(self.wangfang)
        page = self.client.get(reverse("evaluation_section", args=[self.evaluation.pk, "achievements"]))
        self.assertEqual(page.context["score"].sheet.total, DEMO_TOTAL)
        # The portal shows the score as published, with the version it was scored with.
        self.client.logout()
        response = self.client.get(reverse("publication_detail", args=[publication.pk]))
        self.assertContains(response, "91.51分，等级“优”")
        self.assertContains(response, "按《渌口区评分方案》（第1版）评分")
        self.assertContains(self.client.get(reverse("portal")), "91.51分（优）")

    def test_a_correction_is_scored_with_the_scheme_as_it_is_now(self):
        self.publish()
        self.edit_the_copy()
        workflow.reopen_for_correction(evaluation=self.evaluation, actor=self.liqiang, reason="更正评分")
        self.assertEqual(score_of(self.evaluation).sheet.total, DEMO_TOTAL - 3)
        workflow.submit(evaluation=self.evaluation, actor=self.wangfang)
        workflow.approve(evaluation=self.evaluation, actor=self.liqiang)
        with fake_rendering(pdf=b"%PDF-1.7\n% corrected\n"):
            corrected = workflow.publish(evaluation=self.evaluation, actor=self.liqiang)
        recorded = (corrected.score_total, corrected.grade, corrected.scheme_version)
        self.assertEqual(recorded, (Decimal("88.51"), "良", 2))


class PortalScoreTests(TemporaryPublicationsStore, SeedTestCase):
    scoreable = True

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        workflow.submit(evaluation=cls.evaluation, actor=cls.wangfang)
        workflow.approve(evaluation=cls.evaluation, actor=cls.liqiang)
        with fake_rendering():
            cls.publication = workflow.publish(evaluation=cls.evaluation, actor=cls.liqiang)

    def add_unscored_publications(self, n: int) -> list[Publication]:
        """Publications from before scores were recorded: no scheme, no total, no grade."""
        other = Evaluation.objects.create(unit=self.unit_b, year=2020, status=Status.PUBLISHED)
        return [
            Publication.objects.create(
                evaluation=other,
                version=version,
                published_at=timezone.now(),
                published_by=self.admin,
                unit_name=self.unit_b.name,
                year=2020,
                title="株洲市渌口区农业农村局2020年度部门整体支出绩效自评报告",
                body_html="<p>旧报告</p>",
                pdf_name="old.pdf",
                pdf_filename="old.pdf",
                pdf_sha256="0" * 64,
                pdf_size=10,
                is_current=version == n,
            )
            for version in range(1, n + 1)
        ]

    def setUp(self):
        # The portal's choices and count are cached under the newest publication's id; start each story cold.
        cache.clear()

    def test_the_list_shows_score_and_grade_beside_each_report_in_a_fixed_number_of_queries(self):
        # Queries: the newest publication's id, the filter's years, regions, grades and departments, the count, the
        # page of publications (with their score). The new publications below make the cache cold again.
        with self.assertNumQueries(7):
            response = self.client.get(reverse("portal"))
        # Twice: the phone's card and the wide screen's row (one of them hidden by CSS).
        self.assertContains(response, "91.51分（优）", count=2)
        self.add_unscored_publications(6)
        with self.assertNumQueries(7):
            response = self.client.get(reverse("portal"))
        self.assertContains(response, "91.51分（优）", count=2)
        self.assertNotContains(response, "0.00分")

    def test_the_page_shows_score_grade_and_the_scheme_with_its_version(self):
        # Queries: the publication (with its unit's id), all versions of its evaluation, the unit's years.
        with self.assertNumQueries(3):
            response = self.client.get(reverse("publication_detail", args=[self.publication.pk]))
        self.assertContains(response, "91.51分，等级“优”")
        self.assertContains(response, f"按《{HUNAN_NAME}》（第1版）评分")

    def test_a_publication_without_a_score_shows_nothing_there_not_zero(self):
        [old] = self.add_unscored_publications(1)
        response = self.client.get(reverse("publication_detail", args=[old.pk]))
        self.assertEqual(response.status_code, 200)
        # The key figures say the score is not known: a dash, no total, no grade, no scheme.
        self.assertContains(response, '<dd id="publication-score">—</dd>', html=True)
        self.assertNotContains(response, "0.00")
        self.assertNotContains(response, "评分）")
        listing = self.client.get(reverse("portal"), {"year": "2020"})
        self.assertEqual(listing.context["page"].rows, [old])
        self.assertNotContains(listing, "分（")


class QueryCountTests(SeedTestCase):
    scoreable = True

    def add_rows(self, n: int) -> None:
        theme = self.evaluation.themes.first()
        Indicator.objects.bulk_create(
            Indicator(
                evaluation=self.evaluation,
                theme=theme,
                order=100 + i,
                level1="产出指标",
                name=f"指标{i}",
                target=Decimal("1"),
                actual=Decimal("1"),
                weight=Decimal("0"),
            )
            for i in range(n)
        )
        LeafAssessment.objects.bulk_create(
            LeafAssessment(evaluation=self.evaluation, key=f"extra-{i}", tier="achieved") for i in range(n)
        )

    def test_completeness_with_its_score_costs_the_same_whatever_the_rows(self):
        # The outline (the campaigns' outlines and the bureau's outline assignments: none, so the shipped default)
        # and the twelve kinds of row (reports.completeness); then the score (reports.completeness.SCORE_QUERIES,
        # less the frozen schemes of published reports): the bureau's scheme assignments, the campaigns' schemes, the
        # scheme rows, the common indicators' six, the common figures, stated totals, execution lines, indicators
        # and leaf assessments the engine reads.
        for rows in [0, 40]:
            self.add_rows(rows)
            evaluation = Evaluation.objects.select_related("unit").get(pk=self.evaluation.pk)
            with self.subTest(rows=rows), self.assertNumQueries(28):
                completeness_of(evaluation)

    def test_the_overview_costs_the_same_whatever_the_rows(self):
        self.client.force_login(self.wangfang)
        url = reverse("evaluation_detail", args=[self.evaluation.pk])
        for rows in [0, 40]:
            self.add_rows(rows)
            # Session, user, membership, the evaluation with its unit; proofreading's rows and the figures beside
            # them; the completeness with its score (the 28 above); the bureau's released review (none). Whether the
            # next year may be started is read from the evaluation's own status: no query.
            with self.subTest(rows=rows), self.assertNumQueries(43):
                self.assertEqual(self.client.get(url).status_code, 200)


class TotalsOnlyTests(SeedTestCase):
    """农业农村局 states only its totals (预算安排 850.00万元, 实际支出 812.35万元), as a unit on the plain outline
    does: its score reads the execution rate its report prints, 95.57%, rather than finding the rate missing."""

    def test_the_stated_totals_give_the_execution_rate_when_there_is_no_funds_block(self):
        evaluation = Evaluation.objects.create(unit=self.unit_b, year=2030)
        SpendingSummary.objects.create(
            evaluation=evaluation, total_budget=Decimal("8500000.00"), total_spending=Decimal("8123500.00")
        )
        self.assertEqual(scoring_inputs(evaluation).measures[EXECUTION_RATE], Decimal("8123500") / Decimal("8500000"))

    def test_a_funds_block_wins_over_the_stated_totals(self):
        evaluation = Evaluation.objects.create(unit=self.unit_b, year=2030)
        SpendingSummary.objects.create(
            evaluation=evaluation, total_budget=Decimal("8500000.00"), total_spending=Decimal("8123500.00")
        )
        for kind, budget, executed in (("basic", "5000000", "4000000"), ("project", "5000000", "4500000")):
            BudgetExecution.objects.create(
                evaluation=evaluation, kind=kind, full_year_budget=Decimal(budget), executed=Decimal(executed)
            )
        self.assertEqual(scoring_inputs(evaluation).measures[EXECUTION_RATE], Decimal("0.85"))

    def test_unknown_totals_leave_the_rate_unknown(self):
        evaluation = Evaluation.objects.create(unit=self.unit_b, year=2030)
        SpendingSummary.objects.create(evaluation=evaluation, total_spending=Decimal("8123500.00"))
        self.assertIsNone(scoring_inputs(evaluation).measures.get(EXECUTION_RATE))
