"""The derived budget figures, checked against every figure the seed prints."""

from decimal import Decimal

from budgets.figures import (
    FUNDS_WEIGHT,
    Change,
    ExecutionLine,
    basic_spending_figures,
    budget_execution_rate,
    execution_figures,
    execution_rate,
    execution_score,
    given_or_sum,
    known_sum,
    project_spending_figures,
    project_total,
    reconciliation,
    spending_totals,
    total_mismatch,
    total_spending,
)
from budgets.models import BasicSpending, BudgetExecution, FundSource, ProjectItem, SpendingSummary
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


class BlankIsNotZeroTests(SeedTestCase):
    """Issue 9: a figure nobody entered is unknown, and so is every total or change that would need it."""

    def test_a_change_needs_both_years(self):
        self.assertIsNone(Change(current=Decimal("10"), previous=None).amount)
        self.assertIsNone(Change(current=None, previous=Decimal("10")).rate)
        self.assertFalse(Change(current=Decimal("10"), previous=None).is_increase)
        self.assertEqual(Change(current=Decimal("10"), previous=Decimal("0")).amount, Decimal("10"))

    def test_a_split_with_an_unknown_part_has_no_total_and_no_shares(self):
        figures = basic_spending_figures(
            [
                BasicSpending(category="personnel", amount=Decimal("3864449"), previous_amount=None),
                BasicSpending(category="operating", amount=None, previous_amount=Decimal("861200")),
            ]
        )
        self.assertIsNone(figures.total)
        self.assertIsNone(figures.split_total)
        self.assertIsNone(figures.previous_total)
        self.assertIsNone(figures.lines[0].share)
        self.assertEqual([line.category for line in figures.known_lines], ["personnel"])

    def test_an_entered_basic_total_stands_without_a_split_and_shares_are_of_it(self):
        self.assertEqual(basic_spending_figures([], given_total=Decimal("4745000")).total, Decimal("4745000"))
        figures = basic_spending_figures(self.evaluation.basic_spending.all(), given_total=Decimal("5000000"))
        self.assertEqual((figures.total, figures.split_total), (Decimal("5000000"), Decimal("4745000.00")))
        self.assertEqual(format_percent(figures.lines[0].share), "77.29%")

    def test_no_items_is_no_project_total_not_zero(self):
        figures = project_spending_figures([], [])
        self.assertEqual(figures.total, Decimal("0"))
        self.assertIsNone(figures.items_total)
        self.assertIsNone(project_total(None, figures))
        self.assertEqual(project_total(Decimal("0"), figures), Decimal("0"))

    def test_items_without_a_source_count_in_the_total(self):
        source = FundSource(pk=1, order=1, name="区本级")
        items = [
            ProjectItem(pk=1, source_id=1, order=1, name="a", amount=Decimal("300")),
            ProjectItem(pk=2, source_id=None, order=2, name="b", amount=Decimal("100")),
        ]
        figures = project_spending_figures([source], items)
        self.assertEqual([item.name for item in figures.unsourced], ["b"])
        self.assertEqual((figures.total, figures.unsourced_subtotal, figures.item_count), (Decimal("400"), 100, 2))
        self.assertEqual(figures.groups[0].share, Decimal("0.75"))

    def test_the_years_execution_total_needs_both_lines(self):
        figures = execution_figures([BudgetExecution(kind="basic", full_year_budget=Decimal("100"), executed=90)])
        self.assertIsNone(figures.total.full_year_budget)
        self.assertIsNone(figures.total.rate)

    def test_known_sum_and_given_or_sum(self):
        self.assertEqual(known_sum([Decimal("1"), Decimal("2")]), Decimal("3"))
        self.assertIsNone(known_sum([Decimal("1"), None]))
        self.assertIsNone(known_sum([]))
        self.assertEqual(given_or_sum(Decimal("5"), [None]), Decimal("5"))
        self.assertEqual(given_or_sum(None, [Decimal("0"), Decimal("0")]), Decimal("0"))


class TotalsTests(SeedTestCase):
    """The totals a report may state without their parts (SpendingSummary), and whether they reconcile."""

    def figures(self, summary: SpendingSummary | None):
        basic = basic_spending_figures(self.evaluation.basic_spending.all())
        project = project_spending_figures(self.evaluation.fund_sources.all(), self.evaluation.project_items.all())
        return summary, basic, project

    def test_without_entered_totals_the_parts_are_summed(self):
        totals = spending_totals(*self.figures(None))
        self.assertEqual(
            [format_wan(totals.basic), format_wan(totals.project), format_wan(totals.total)],
            ["474.50", "1231.24", "1705.74"],
        )
        self.assertIsNone(totals.total_budget)
        self.assertIsNone(totals.execution_rate)

    def test_entered_totals_win_and_the_rate_is_spending_over_budget(self):
        summary = SpendingSummary(total_budget=Decimal("18000000"), total_spending=Decimal("17057400"))
        totals = spending_totals(*self.figures(summary))
        self.assertEqual(format_wan(totals.total), "1705.74")
        self.assertEqual(format_percent(totals.execution_rate), "94.76%")
        self.assertEqual(budget_execution_rate(Decimal("18000000"), Decimal("17057400")), totals.execution_rate)
        self.assertIsNone(budget_execution_rate(Decimal("0"), Decimal("1")))

    def test_a_total_is_never_a_partial_sum(self):
        summary = SpendingSummary(basic_total=Decimal("4745000"))
        totals = spending_totals(summary, basic_spending_figures([]), project_spending_figures([], []))
        self.assertEqual(totals.basic, Decimal("4745000"))
        self.assertIsNone(totals.project)
        self.assertIsNone(totals.total)
        # The overview's figure too: basic spending without project items is not the year's total.
        basic = basic_spending_figures(self.evaluation.basic_spending.all())
        self.assertIsNone(total_spending(basic, project_spending_figures([], [])))

    def test_a_total_that_does_not_reconcile_is_named_with_both_figures(self):
        mismatch = total_mismatch("项目支出合计", Decimal("12400000"), Decimal("12312400"))
        self.assertEqual(
            (
                mismatch.label,
                format_wan(mismatch.given),
                format_wan(mismatch.parts_total),
                format_wan(mismatch.difference),
            ),
            ("项目支出合计", "1240.00", "1231.24", "8.76"),
        )
        self.assertIsNone(total_mismatch("项目支出合计", Decimal("12312400"), Decimal("12312400.00")))

    def test_reconciliation_is_unknown_without_both_figures(self):
        self.assertEqual(reconciliation(Decimal("5"), Decimal("5")), Decimal("0"))
        self.assertEqual(reconciliation(Decimal("5"), Decimal("3")), Decimal("2"))
        self.assertIsNone(reconciliation(None, Decimal("3")))
        self.assertIsNone(reconciliation(Decimal("5"), None))
