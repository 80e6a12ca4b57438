"""What is still missing, section by section, following the evaluation's outline: the overview, the start page and
the workflow's guards read it from one place."""

from __future__ import annotations

import datetime
from decimal import Decimal

from achievements.models import Indicator
from budgets.models import BasicSpending, BudgetExecution, FundSource, FundTypeSpending, ProjectItem, SpendingSummary
from evaluations.models import (
    Block,
    Duty,
    Evaluation,
    Office,
    OutlineAssignment,
    OutlineNode,
    ReportOutline,
    Section,
    StaffingLine,
    Unit,
    WrittenText,
)
from evaluations.outlines import copy_outline
from reports.completeness import (
    COMPLETE,
    EMPTY,
    INCOMPLETE,
    OPTIONAL,
    SCORE_QUERIES,
    completeness_for,
    completeness_of,
)
from reports.services import create_evaluation
from tests.base import SeedTestCase

FUND_TYPES_UNSTATED = [
    "政府性基金预算：是否有此项支出",
    "国有资本经营预算：是否有此项支出",
    "社会保险基金预算：是否有此项支出",
]


def outline_blockers(completeness) -> list:
    """What the outline and the figures' cross-checks block on. The seed prints no score, so these stories leave
    the score's own blockers (listed under 自评评分) aside: tests/reports/test_completeness_score.py tells them."""
    return [problem for problem in completeness.blockers if problem.group != Section.SCORING]


def blockers(evaluation: Evaluation) -> list[str]:
    return [problem.text for problem in outline_blockers(completeness_of(evaluation))]


class SeedOutlineTests(SeedTestCase):
    """Unit A follows the default outline, the seed's own six parts."""

    def test_the_seed_is_complete_where_it_publishes_everything_and_says_what_it_lacks(self):
        completeness = completeness_of(self.evaluation)
        statuses = {section.key: section.status for section in completeness.sections}
        self.assertEqual(
            statuses,
            {
                "profile": COMPLETE,
                "basic": COMPLETE,
                "project": COMPLETE,
                "execution": EMPTY,
                "achievements": INCOMPLETE,
                # Nothing scored yet: the seed prints no budget, no weights (its score is told elsewhere).
                "scoring": EMPTY,
                "narrative": COMPLETE,
            },
        )
        self.assertEqual(completeness.status, INCOMPLETE)
        self.assertEqual(completeness.complete_count, 4)
        # The two shortfalls the seed leaves unexplained, and indicators published without a target.
        missing = [str(problem) for problem in completeness.section("achievements").missing]
        self.assertIn("指标“知识价值信用贷款”未达到年度指标值，缺偏差原因", missing)
        self.assertIn("指标“地方财政科技支出占地方财政支出比值”未达到年度指标值，缺偏差原因", missing)
        self.assertIn("指标“工业投资增速”的年度指标值", missing)
        self.assertIn("基本支出全年执行数", [str(p) for p in completeness.section("execution").missing])

    def test_what_the_seeds_outline_leaves_optional_never_stops_submission(self):
        # The self-evaluation table is optional in the seed's outline: begun, its gaps are hints, not blockers.
        completeness = completeness_of(self.evaluation)
        self.assertEqual(outline_blockers(completeness), [])
        self.assertTrue(all(not problem.blocking for problem in completeness.section("achievements").missing))

    def test_each_problem_names_the_editor_section_and_the_field(self):
        problem = next(
            p for p in completeness_of(self.evaluation).section("achievements").missing if "知识价值信用贷款" in p.text
        )
        self.assertEqual((problem.section, problem.anchor), ("achievements", "id_indicators-5-deviation_reason"))

    def test_filling_the_gaps_makes_a_section_complete(self):
        BudgetExecution.objects.filter(evaluation=self.evaluation).update(
            initial_budget=Decimal("1"), full_year_budget=Decimal("1"), executed=None
        )
        BudgetExecution.objects.filter(evaluation=self.evaluation, kind="basic").update(executed=Decimal("4745000.00"))
        section = completeness_of(self.evaluation).section("execution")
        self.assertEqual((section.status, [str(p) for p in section.missing]), (INCOMPLETE, ["项目支出全年执行数"]))
        BudgetExecution.objects.filter(evaluation=self.evaluation, kind="project").update(
            executed=Decimal("12312400.00")
        )
        self.assertEqual(completeness_of(self.evaluation).section("execution").status, COMPLETE)

    def test_a_reason_explains_a_shortfall(self):
        Indicator.objects.filter(evaluation=self.evaluation, name="知识价值信用贷款").update(deviation_reason="原因")
        missing = [str(p) for p in completeness_of(self.evaluation).section("achievements").missing]
        self.assertNotIn("指标“知识价值信用贷款”未达到年度指标值，缺偏差原因", missing)

    def test_a_new_year_from_last_year_asks_for_this_years_figures(self):
        new = create_evaluation(unit=self.unit_a, year=2025, actor=self.wangfang)
        completeness = completeness_of(new)
        # Headcounts start blank: worth filling in, and a report without them is still true.
        profile = completeness.section("profile")
        self.assertEqual(
            [(p.text, p.blocking) for p in profile.missing],
            [("“行政编制”的实有人数", False), ("“全额财政拨款事业编制”的实有人数", False)],
        )
        # Last year's amounts are there; this year's are what the required basic-spending section needs.
        basic = completeness.section("basic")
        self.assertEqual(basic.status, INCOMPLETE)
        self.assertEqual(
            [(p.text, p.blocking, p.field) for p in basic.missing],
            [
                ("人员经费本年决算数", True, "basic-personnel-amount"),
                ("日常公用经费本年决算数", True, "basic-operating-amount"),
            ],
        )
        # Sources copied from last year are not this year's data.
        self.assertEqual(completeness.section("project").status, EMPTY)
        self.assertEqual(completeness.section("narrative").status, EMPTY)

    def test_an_empty_evaluation_is_empty_and_says_what_it_needs(self):
        new = create_evaluation(unit=self.unit_b, year=2025, actor=self.zhaomin)
        completeness = completeness_of(new)
        self.assertEqual({section.status for section in completeness.sections}, {EMPTY, OPTIONAL})
        # Nothing in the optional self-evaluation table has been started: it asks for nothing.
        self.assertEqual(completeness.section("execution").status, OPTIONAL)
        self.assertEqual(completeness.status, EMPTY)
        self.assertEqual(
            blockers(new),
            [
                "主管职能概述",
                "主要职能（至少一条）",
                "内设机构（至少一个）",
                "基本支出合计（或人员经费和日常公用经费）",
                "项目支出合计（或项目明细）",
                "工作成效（至少一项）",
                "存在的问题及原因分析",
                "下一步改进措施",
                "绩效自评结果拟应用和公开情况",
                "落款日期",
            ],
        )

    def test_the_narrative_needs_its_three_texts_and_a_date(self):
        Evaluation.objects.filter(pk=self.evaluation.pk).update(signature_date=None, measures="")
        self.evaluation.refresh_from_db()
        missing = completeness_of(self.evaluation).section("narrative").missing
        self.assertEqual(
            [(p.text, p.field, p.blocking) for p in missing],
            [("下一步改进措施", "narrative-measures", True), ("落款日期", "narrative-signature_date", True)],
        )

    def test_an_entered_zero_is_an_amount_and_a_blank_last_year_is_not_missing(self):
        BasicSpending.objects.filter(evaluation=self.evaluation).update(previous_amount=None)
        BasicSpending.objects.filter(evaluation=self.evaluation, category="operating").update(amount=Decimal("0"))
        ProjectItem.objects.filter(evaluation=self.evaluation).delete()
        FundSource.objects.filter(evaluation=self.evaluation).delete()
        SpendingSummary.objects.create(evaluation=self.evaluation, project_total=Decimal("0"))
        completeness = completeness_of(self.evaluation)
        self.assertEqual(completeness.section("basic").missing, [])
        self.assertEqual(outline_blockers(completeness), [])

    def test_a_split_with_a_blank_part_does_not_make_a_total(self):
        BasicSpending.objects.filter(evaluation=self.evaluation, category="operating").update(amount=None)
        self.assertEqual(blockers(self.evaluation), ["日常公用经费本年决算数"])
        # Stating the total is enough: the split is optional.
        SpendingSummary.objects.create(evaluation=self.evaluation, basic_total=Decimal("4745000.00"))
        self.assertEqual(blockers(self.evaluation), [])

    def test_the_units_own_wording_says_what_a_block_needs(self):
        Evaluation.objects.filter(pk=self.evaluation.pk).update(mandate="")
        self.evaluation.refresh_from_db()
        self.assertEqual(blockers(self.evaluation), ["主管职能概述"])
        WrittenText.objects.create(evaluation=self.evaluation, key="para:unit_intro", text="我局是区政府工作部门。")
        self.assertEqual(blockers(self.evaluation), [])

    def test_a_failed_cross_check_stops_submission_with_both_figures(self):
        SpendingSummary.objects.create(evaluation=self.evaluation, project_total=Decimal("12000000.00"))
        completeness = completeness_of(self.evaluation)
        self.assertEqual(completeness.status, INCOMPLETE)
        [problem] = outline_blockers(completeness)
        self.assertEqual(
            problem.text,
            "项目支出合计 12000000.00 元（1200.00 万元）与各项目支出之和 12312400.00 元（1231.24 万元）不一致，"
            "相差 312400.00 元（31.24 万元）。",
        )
        self.assertEqual((problem.section, problem.anchor), ("totals", "id_totals-project_total"))


class HunanOutlineTests(SeedTestCase):
    """The finance bureau chose the fuller Hunan outline for unit A's region."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.hunan = ReportOutline.objects.get(builtin="hunan")
        OutlineAssignment.objects.create(region="湖南省株洲市渌口区", outline=cls.hunan)

    def test_the_seed_lacks_what_the_fuller_outline_requires(self):
        completeness = completeness_of(self.evaluation)
        self.assertEqual(
            [section.key for section in completeness.sections],
            ["profile", "totals", "basic", "project", "execution", "achievements", "scoring", "narrative", "texts"],
        )
        self.assertEqual(
            blockers(self.evaluation),
            [*FUND_TYPES_UNSTATED, "预算执行：全年预算数（或预算安排）", "预算执行：全年执行数（或实际支出合计）"],
        )
        self.assertEqual(completeness.section("totals").status, EMPTY)
        # The optional 其他需要说明的情况 nobody wrote asks for nothing.
        self.assertEqual(completeness.section("texts").status, OPTIONAL)

    def test_a_unit_with_totals_only_is_complete_without_a_split_or_items(self):
        BasicSpending.objects.filter(evaluation=self.evaluation).delete()
        ProjectItem.objects.filter(evaluation=self.evaluation).delete()
        FundSource.objects.filter(evaluation=self.evaluation).delete()
        SpendingSummary.objects.create(
            evaluation=self.evaluation,
            total_budget=Decimal("18000000.00"),
            total_spending=Decimal("17057400.00"),
            basic_total=Decimal("4745000.00"),
            project_total=Decimal("12312400.00"),
        )
        FundTypeSpending.objects.create(evaluation=self.evaluation, fund_type="government_fund", has_spending=False)
        FundTypeSpending.objects.create(
            evaluation=self.evaluation, fund_type="state_capital", has_spending=True, amount=Decimal("50000.00")
        )
        FundTypeSpending.objects.create(evaluation=self.evaluation, fund_type="social_insurance", has_spending=False)
        completeness = completeness_of(self.evaluation)
        self.assertEqual(outline_blockers(completeness), [])
        self.assertEqual(completeness.section("basic").status, OPTIONAL)
        self.assertEqual(completeness.section("totals").status, COMPLETE)

    def test_spending_of_a_fund_type_needs_its_amount(self):
        FundTypeSpending.objects.create(evaluation=self.evaluation, fund_type="government_fund", has_spending=True)
        problem = next(p for p in outline_blockers(completeness_of(self.evaluation)) if "政府性基金" in p.text)
        self.assertEqual((problem.text, problem.field), ("政府性基金预算支出金额", "totals-government_fund-amount"))

    def test_required_staffing_asks_only_when_nothing_at_all_is_entered(self):
        StaffingLine.objects.filter(evaluation=self.evaluation).delete()
        Evaluation.objects.filter(pk=self.evaluation.pk).update(
            staff_transferred_in=None, staff_transferred_out=None, staff_retired=None, retirees_deceased=None
        )
        self.evaluation.refresh_from_db()
        self.assertIn("人员编制情况（编制、在编人数或人员变动，至少一项）", blockers(self.evaluation))
        # One unit-level figure is something to report; blank movements beside it are simply not reported.
        Evaluation.objects.filter(pk=self.evaluation.pk).update(staff_on_roll=21)
        self.evaluation.refresh_from_db()
        self.assertNotIn("人员编制情况（编制、在编人数或人员变动，至少一项）", blockers(self.evaluation))

    def test_offices_and_duties_have_headings_of_their_own(self):
        Office.objects.filter(evaluation=self.evaluation).delete()
        Duty.objects.filter(evaluation=self.evaluation).delete()
        self.assertEqual(blockers(self.evaluation)[:2], ["内设机构（至少一个）", "主要职能（至少一条）"])

    def test_a_required_free_section_needs_the_units_text(self):
        own = copy_outline(self.hunan, name="渌口区提纲")
        OutlineNode.objects.filter(outline=own, key="other").update(required=True)
        OutlineAssignment.objects.update(outline=own)
        self.assertIn("“其他需要说明的情况”的内容", blockers(self.evaluation))
        found = outline_blockers(completeness_of(self.evaluation))
        problem = next(p for p in found if p.text == "“其他需要说明的情况”的内容")
        self.assertEqual((problem.section, problem.field), ("texts", "texts-node-other"))
        WrittenText.objects.create(evaluation=self.evaluation, key="node:other", text="无其他需要说明的情况。")
        self.assertNotIn("“其他需要说明的情况”的内容", blockers(self.evaluation))

    def test_a_required_heading_under_an_optional_one_is_optional(self):
        own = copy_outline(self.hunan, name="渌口区提纲")
        # 工作成效 is optional in the Hunan outline; make its parent optional and the child required.
        OutlineNode.objects.filter(outline=own, key="performance").update(required=False)
        OutlineNode.objects.filter(outline=own, key="results").update(required=True)
        OutlineAssignment.objects.update(outline=own)
        self.evaluation.themes.all().delete()
        self.assertNotIn("工作成效（至少一项）", blockers(self.evaluation))
        OutlineNode.objects.filter(outline=own, key="performance").update(required=True)
        self.assertIn("工作成效（至少一项）", blockers(self.evaluation))

    def test_a_units_own_outline_wins_over_the_bureaus(self):
        plain = ReportOutline.objects.get(builtin="plain")
        Unit.objects.filter(pk=self.unit_a.pk).update(outline=plain)
        evaluation = Evaluation.objects.select_related("unit").get(pk=self.evaluation.pk)
        completeness = completeness_of(evaluation)
        self.assertEqual(completeness.outline.name, plain.name)
        self.assertNotIn(FUND_TYPES_UNSTATED[0], [p.text for p in outline_blockers(completeness)])

    def test_changing_the_block_of_a_heading_changes_what_is_asked_for(self):
        own = copy_outline(self.hunan, name="渌口区提纲")
        OutlineNode.objects.filter(outline=own, key="goals").update(required=True, block=Block.GOALS)
        OutlineAssignment.objects.update(outline=own)
        self.assertIn("年度总体目标", blockers(self.evaluation))


class QueryCountTests(SeedTestCase):
    def test_many_evaluations_with_their_scores_cost_a_fixed_number_of_queries(self):
        for n in range(5):
            unit = Unit.objects.create(name=f"单位{n}", region="湖南省株洲市渌口区")
            create_evaluation(unit=unit, year=2024, actor=self.admin)
            create_evaluation(unit=unit, year=2025, actor=self.admin)
        OutlineAssignment.objects.create(
            region="湖南省株洲市渌口区", year=2025, outline=ReportOutline.objects.get(builtin="hunan")
        )
        Unit.objects.filter(name="单位0").update(outline=ReportOutline.objects.get(builtin="plain"))
        evaluations = list(Evaluation.objects.select_related("unit"))
        # duties, offices (counts), staffing lines, basic spending, fund sources, project items, budget execution,
        # themes, indicators, spending summaries, other budget types, the units' own texts: one query each; the
        # bureau's assignments, the campaigns' outlines for these units and years, the outlines chosen and their
        # headings: one query each. Then the scores (SCORE_QUERIES at most; none of these is published, so no frozen
        # schemes are read): the bureau's scheme assignments, the campaigns' schemes, the scheme rows; the common
        # indicators' six; the common figures, stated totals, execution lines, indicators and leaf assessments.
        # Whatever the number of evaluations, outlines and rows.
        self.assertEqual(SCORE_QUERIES, 15)
        with self.assertNumQueries(16 + 14):
            result = completeness_for(evaluations)
        self.assertEqual(len(result), 11)
        self.assertEqual(result[self.evaluation.pk].complete_count, 4)
        unit_1_2025 = next(e for e in evaluations if e.unit.name == "单位1" and e.year == 2025)
        self.assertIn("totals", [section.key for section in result[unit_1_2025.pk].sections])

    def test_no_evaluations_cost_nothing(self):
        with self.assertNumQueries(0):
            self.assertEqual(completeness_for([]), {})

    def test_signature_date_is_asked_for_under_every_outline(self):
        Evaluation.objects.filter(pk=self.evaluation.pk).update(signature_date=None)
        for builtin in ["seed", "hunan", "plain"]:
            with self.subTest(outline=builtin):
                Unit.objects.filter(pk=self.unit_a.pk).update(outline=ReportOutline.objects.get(builtin=builtin))
                evaluation = Evaluation.objects.select_related("unit").get(pk=self.evaluation.pk)
                self.assertIn("落款日期", blockers(evaluation))
        Evaluation.objects.filter(pk=self.evaluation.pk).update(signature_date=datetime.date(2025, 5, 22))
