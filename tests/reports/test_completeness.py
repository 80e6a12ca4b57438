"""What is still missing, section by section: the overview and the start page read it from one place."""

from __future__ import annotations

import datetime
from decimal import Decimal

from achievements.models import Indicator
from budgets.models import BudgetExecution
from evaluations.models import Evaluation, Unit
from reports.completeness import COMPLETE, EMPTY, INCOMPLETE, completeness_for, completeness_of
from reports.services import create_evaluation
from tests.base import SeedTestCase


class CompletenessTests(SeedTestCase):
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
                "narrative": COMPLETE,
            },
        )
        self.assertEqual(completeness.status, INCOMPLETE)
        self.assertEqual(completeness.complete_count, 4)
        # The two shortfalls the seed leaves unexplained, and indicators published without a target.
        missing = completeness.section("achievements").missing
        self.assertIn("指标“知识价值信用贷款”未达到年度指标值，缺偏差原因", missing)
        self.assertIn("指标“地方财政科技支出占地方财政支出比值”未达到年度指标值，缺偏差原因", missing)
        self.assertIn("指标“工业投资增速”的年度指标值", missing)
        self.assertIn("基本支出全年执行数", completeness.section("execution").missing)

    def test_filling_the_gaps_makes_a_section_complete(self):
        BudgetExecution.objects.filter(evaluation=self.evaluation).update(
            initial_budget=Decimal("1"), full_year_budget=Decimal("1"), executed=Decimal("1")
        )
        self.assertEqual(completeness_of(self.evaluation).section("execution").status, COMPLETE)
        BudgetExecution.objects.filter(evaluation=self.evaluation, kind="project").update(executed=None)
        section = completeness_of(self.evaluation).section("execution")
        self.assertEqual((section.status, section.missing), (INCOMPLETE, ["项目支出全年执行数"]))

    def test_a_reason_explains_a_shortfall(self):
        Indicator.objects.filter(evaluation=self.evaluation, name="知识价值信用贷款").update(deviation_reason="原因")
        missing = completeness_of(self.evaluation).section("achievements").missing
        self.assertNotIn("指标“知识价值信用贷款”未达到年度指标值，缺偏差原因", missing)

    def test_a_new_year_from_last_year_is_incomplete_where_the_year_must_be_entered(self):
        new = create_evaluation(unit=self.unit_a, year=2025, actor=self.wangfang)
        completeness = completeness_of(new)
        self.assertEqual(completeness.section("profile").missing, ["年末实有人数"])
        self.assertEqual(completeness.section("basic").status, INCOMPLETE)
        self.assertIn("人员经费本年决算数", completeness.section("basic").missing)
        self.assertEqual(completeness.section("project").status, EMPTY)
        self.assertEqual(completeness.section("narrative").status, EMPTY)

    def test_an_empty_evaluation_is_empty_everywhere(self):
        new = create_evaluation(unit=self.unit_b, year=2025, actor=self.zhaomin)
        completeness = completeness_of(new)
        self.assertEqual({section.status for section in completeness.sections}, {EMPTY})
        self.assertEqual(completeness.status, EMPTY)

    def test_the_narrative_needs_its_three_texts_and_a_date(self):
        Evaluation.objects.filter(pk=self.evaluation.pk).update(signature_date=None, measures="")
        self.evaluation.refresh_from_db()
        self.assertEqual(completeness_of(self.evaluation).section("narrative").missing, ["下一步改进措施", "落款日期"])
        Evaluation.objects.filter(pk=self.evaluation.pk).update(signature_date=datetime.date(2025, 5, 22))

    def test_many_evaluations_cost_nine_queries(self):
        for n in range(5):
            unit = Unit.objects.create(name=f"单位{n}", level="正科级行政单位")
            create_evaluation(unit=unit, year=2024, actor=self.admin)
            create_evaluation(unit=unit, year=2025, actor=self.admin)
        evaluations = list(Evaluation.objects.select_related("unit"))
        # duties, offices (counts), staffing lines, basic spending, fund sources, project items, budget execution,
        # themes, indicators: one query each, whatever the number of evaluations.
        with self.assertNumQueries(9):
            result = completeness_for(evaluations)
        self.assertEqual(len(result), 11)
        self.assertEqual(result[self.evaluation.pk].complete_count, 4)

    def test_no_evaluations_cost_nothing(self):
        with self.assertNumQueries(0):
            self.assertEqual(completeness_for([]), {})
