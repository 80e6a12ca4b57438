"""The derived budget figures, checked against every figure the seed prints."""

from decimal import Decimal

from budgets.figures import (
    FUNDS_WEIGHT,
    Change,
    ExecutionLine,
    basic_spending_figures,
    execution_figures,
    execution_rate,
    execution_score,
    project_spending_figures,
    total_spending,
)
from budgets.models import BasicSpending, BudgetExecution, FundSource, ProjectItem
from evaluations.money import format_percent, format_wan, quantize_half_up, to_wan
from tests.base import SeedTestCase


class SeedFiguresTests(SeedTestCase):
    def setUp(self):
        self.basic = basic_spending_figures(self.evaluation.basic_spending.all())
        self.project = project_spending_figures(self.evaluation.fund_sources.all(), self.evaluation.project_items.all())

    def test_it_totals_basic_spending(self):
        self.assertEqual(format_wan(self.basic.total), "474.50")

    def test_it_reports_personnel_costs_down_on_last_year(self):
        personnel = self.basic.line(BasicSpending.Category.PERSONNEL)
        self.assertEqual(format_wan(personnel.amount), "386.44")
        self.assertEqual(format_wan(-personnel.change.amount), "84.63")
        self.assertTrue(personnel.change.is_decrease)
        self.assertEqual(format_percent(-personnel.change.rate), "17.96%")
        self.assertEqual(format_percent(personnel.share), "81.44%")

    def test_it_reports_operating_costs_up_on_last_year(self):
        operating = self.basic.line(BasicSpending.Category.OPERATING)
        self.assertEqual(format_wan(operating.amount), "88.06")
        self.assertEqual(format_wan(operating.change.amount), "1.94")
        self.assertTrue(operating.change.is_increase)
        self.assertEqual(format_percent(operating.change.rate), "2.25%")
        self.assertEqual(format_percent(operating.share), "18.56%")

    def test_it_subtotals_project_spending_by_source(self):
        subtotals = [format_wan(group.subtotal) for group in self.project.groups]
        self.assertEqual(subtotals, ["330.44", "701.39", "199.41"])
        self.assertEqual(format_wan(self.project.total), "1231.24")
        self.assertEqual(self.project.item_count, 10)

    def test_it_totals_all_spending(self):
        self.assertEqual(format_wan(total_spending(self.basic, self.project)), "1705.74")

    def test_the_seeds_rate_needs_exact_amounts(self):
        # From the rounded 万元 figures the rate would be 84.63 / 471.07 = 17.97%; the seed prints 17.96%.
        rounded = Change(current=to_wan(Decimal("3864449")), previous=to_wan(Decimal("4710700")))
        self.assertEqual(format_percent(-rounded.rate), "17.97%")


class ChangeTests(SeedTestCase):
    def test_it_has_no_rate_when_last_year_was_zero(self):
        change = Change(current=Decimal("1000.00"), previous=Decimal("0"))
        self.assertIsNone(change.rate)
        self.assertEqual(format_percent(change.rate), "—")
        self.assertEqual(change.amount, Decimal("1000.00"))

    def test_it_has_no_shares_when_nothing_was_spent(self):
        figures = basic_spending_figures(
            [BasicSpending(category="personnel", amount=Decimal("0"), previous_amount=Decimal("0"))]
        )
        self.assertIsNone(figures.lines[0].share)
        self.assertEqual(figures.total, Decimal("0"))

    def test_it_rounds_half_up_for_display_only(self):
        self.assertEqual(format_wan(Decimal("12345.00")), "1.23")
        self.assertEqual(format_wan(Decimal("12350.00")), "1.24")
        self.assertEqual(format_percent(Decimal("0.185575")), "18.56%")


class ProjectGroupingTests(SeedTestCase):
    def test_a_source_without_items_has_a_zero_subtotal(self):
        empty = FundSource(pk=999, order=9, name="政府性基金")
        item = ProjectItem(pk=1, source_id=999, order=1, name="x", amount=Decimal("0"))
        figures = project_spending_figures([empty], [item])
        self.assertEqual(figures.total, Decimal("0"))
        self.assertIsNone(figures.groups[0].share)


class ExecutionTests(SeedTestCase):
    def test_it_computes_the_execution_rate_from_the_full_year_budget(self):
        rows = [
            BudgetExecution(
                kind="basic",
                initial_budget=Decimal("4500000"),
                full_year_budget=Decimal("5000000"),
                executed=Decimal("4745000"),
            ),
            BudgetExecution(
                kind="project",
                initial_budget=Decimal("10000000"),
                full_year_budget=Decimal("13000000"),
                executed=Decimal("12312400"),
            ),
        ]
        figures = execution_figures(rows)
        self.assertEqual(format_percent(figures.lines[0].rate), "94.90%")
        self.assertEqual(format_wan(figures.total.full_year_budget), "1800.00")
        self.assertEqual(format_wan(figures.total.executed), "1705.74")
        self.assertEqual(format_percent(figures.total.rate), "94.76%")

    def test_the_seed_publishes_no_execution_figures(self):
        figures = execution_figures(self.evaluation.budget_execution.all())
        self.assertTrue(figures.is_empty)
        self.assertIsNone(figures.total.rate)

    def test_a_zero_budget_has_no_rate(self):
        self.assertIsNone(execution_rate(Decimal("10"), Decimal("0")))


class ExecutionScoreTests(SeedTestCase):
    """得分 = 分值 × 执行率, capped at 分值: the 自评表's funds block."""

    def line(self, budget: str | None, executed: str | None) -> ExecutionLine:
        return ExecutionLine(
            label="年度资金总额",
            initial_budget=None,
            full_year_budget=None if budget is None else Decimal(budget),
            executed=None if executed is None else Decimal(executed),
        )

    def test_it_scores_the_national_weight_times_the_rate(self):
        self.assertEqual(FUNDS_WEIGHT, Decimal("10"))
        self.assertEqual(self.line("5000000", "4745000").score(), Decimal("9.49"))

    def test_spending_over_the_budget_scores_no_more_than_the_weight(self):
        self.assertEqual(self.line("5000000", "5600000").score(), Decimal("10"))

    def test_without_a_budget_there_is_no_score(self):
        self.assertIsNone(self.line(None, "4745000").score())
        self.assertIsNone(self.line("0", "4745000").score())
        self.assertIsNone(execution_score(None))

    def test_a_province_with_another_weight_passes_it(self):
        self.assertEqual(self.line("5000000", "4745000").score(Decimal("20")), Decimal("18.98"))
        self.assertEqual(execution_score(Decimal("1.2"), Decimal("15")), Decimal("15"))

    def test_the_score_is_exact_and_rounded_only_for_display(self):
        # 1,234.56 of 1,300.00 is 94.966…%: the score keeps every digit; the spreadsheet rounds it to 9.50.
        score = self.line("1300", "1234.56").score()
        self.assertTrue(Decimal("9.4966") < score < Decimal("9.4967"))
        self.assertEqual(quantize_half_up(score), Decimal("9.50"))
