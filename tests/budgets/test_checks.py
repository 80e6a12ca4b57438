"""Cross-checks of the budget figures: each rule with both figures in 元 and 万元, the difference, and where to fix
it; a blank is unknown and never checked as zero. Pure functions over rows: these are SimpleTestCases, which refuse
any database query, so a check that ran one would fail here."""

from __future__ import annotations

from decimal import Decimal

from django.test import SimpleTestCase

from budgets.checks import (
    BASIC_SPLIT,
    EXECUTION_BASIC,
    EXECUTION_PROJECT,
    PROJECT_ITEMS,
    TOTAL_PARTS,
    cross_checks,
    known_totals,
)
from budgets.models import BasicSpending, BudgetExecution, ProjectItem, SpendingSummary

# The seed's figures in 元: 人员经费 386.44万元 and 日常公用经费 88.06万元, projects 1231.24万元.
PERSONNEL = Decimal("3864449.00")
OPERATING = Decimal("880551.00")
PROJECTS = [Decimal("3304400.00"), Decimal("7013900.00"), Decimal("1994100.00")]


def basic(personnel: Decimal | None = PERSONNEL, operating: Decimal | None = OPERATING) -> list[BasicSpending]:
    return [
        BasicSpending(category="personnel", amount=personnel),
        BasicSpending(category="operating", amount=operating),
    ]


def items(amounts: list[Decimal] = PROJECTS) -> list[ProjectItem]:
    return [ProjectItem(name=f"项目{n}", amount=amount) for n, amount in enumerate(amounts, start=1)]


def execution(basic_executed=None, project_executed=None, basic_budget=None, project_budget=None):
    return [
        BudgetExecution(kind="basic", full_year_budget=basic_budget, executed=basic_executed),
        BudgetExecution(kind="project", full_year_budget=project_budget, executed=project_executed),
    ]


class CrossCheckTests(SimpleTestCase):
    def test_consistent_figures_pass_every_check(self):
        summary = SpendingSummary(
            basic_total=PERSONNEL + OPERATING, project_total=sum(PROJECTS), total_spending=Decimal("17057400.00")
        )
        self.assertEqual(cross_checks(summary, basic(), items(), execution(PERSONNEL + OPERATING)), [])

    def test_a_stated_basic_total_must_equal_its_split(self):
        summary = SpendingSummary(basic_total=Decimal("4740000.00"))
        [failure] = cross_checks(summary, basic(), [], [])
        self.assertEqual(failure.rule, BASIC_SPLIT)
        self.assertEqual(
            failure.message,
            "基本支出合计 4740000.00 元（474.00 万元）与人员经费、日常公用经费之和 4745000.00 元（474.50 万元）"
            "不一致，相差 5000.00 元（0.50 万元）。",
        )
        self.assertEqual((failure.section, failure.field), ("totals", "totals-basic_total"))

    def test_a_partial_split_may_fall_short_of_the_total_but_not_exceed_it(self):
        summary = SpendingSummary(basic_total=Decimal("4745000.00"))
        self.assertEqual(cross_checks(summary, basic(operating=None), [], []), [])
        summary = SpendingSummary(basic_total=Decimal("3000000.00"))
        [failure] = cross_checks(summary, basic(operating=None), [], [])
        self.assertEqual(
            failure.message,
            "人员经费 3864449.00 元（386.44 万元）超过了基本支出合计 3000000.00 元（300.00 万元），"
            "多出 864449.00 元（86.44 万元）。",
        )

    def test_a_stated_project_total_must_equal_its_items(self):
        summary = SpendingSummary(project_total=Decimal("10000000.00"))
        [failure] = cross_checks(summary, [], items(), [])
        self.assertEqual(failure.rule, PROJECT_ITEMS)
        self.assertEqual(
            failure.message,
            "项目支出合计 10000000.00 元（1000.00 万元）与各项目支出之和 12312400.00 元（1231.24 万元）不一致，"
            "相差 2312400.00 元（231.24 万元）。",
        )
        self.assertEqual(failure.field, "totals-project_total")

    def test_the_total_must_equal_basic_plus_project(self):
        summary = SpendingSummary(total_spending=Decimal("17000000.00"))
        [failure] = cross_checks(summary, basic(), items(), [])
        self.assertEqual(failure.rule, TOTAL_PARTS)
        self.assertEqual(
            failure.message,
            "实际支出合计 17000000.00 元（1700.00 万元）与基本支出与项目支出之和 17057400.00 元（1705.74 万元）不一致，"
            "相差 57400.00 元（5.74 万元）。",
        )
        self.assertEqual(failure.field, "totals-total_spending")

    def test_the_total_is_not_checked_while_a_part_is_unknown(self):
        summary = SpendingSummary(total_spending=Decimal("17000000.00"))
        self.assertEqual(cross_checks(summary, basic(operating=None), items(), []), [])
        self.assertEqual(cross_checks(summary, basic(), [], []), [])

    def test_executed_must_equal_what_was_spent(self):
        failures = cross_checks(None, basic(), items(), execution(Decimal("4800000.00"), Decimal("12312400.00")))
        [failure] = failures
        self.assertEqual(failure.rule, EXECUTION_BASIC)
        self.assertEqual(
            failure.message,
            "预算执行中基本支出全年执行数 4800000.00 元（480.00 万元）与基本支出 4745000.00 元（474.50 万元）不一致，"
            "相差 55000.00 元（5.50 万元）。",
        )
        self.assertEqual((failure.section, failure.field), ("execution", "execution-basic-executed"))

    def test_executed_is_checked_against_stated_totals_too(self):
        summary = SpendingSummary(project_total=Decimal("12000000.00"))
        failures = cross_checks(summary, [], [], execution(project_executed=Decimal("12312400.00")))
        self.assertEqual([failure.rule for failure in failures], [EXECUTION_PROJECT])
        self.assertIn("与项目支出 12000000.00 元（1200.00 万元）不一致", failures[0].message)

    def test_blanks_are_never_checked_as_zero(self):
        self.assertEqual(cross_checks(None, basic(None, None), [], execution()), [])
        self.assertEqual(cross_checks(SpendingSummary(), [], [], execution(Decimal("0"), Decimal("0"))), [])

    def test_an_entered_zero_is_checked(self):
        summary = SpendingSummary(project_total=Decimal("0"))
        [failure] = cross_checks(summary, [], items([Decimal("100.00")]), [])
        self.assertIn("项目支出合计 0.00 元（0.00 万元）", failure.message)


class KnownTotalsTests(SimpleTestCase):
    def test_parts_make_a_total_only_when_all_are_entered(self):
        totals = known_totals(None, basic(), items())
        self.assertEqual(
            (totals.basic, totals.project, totals.total), (Decimal("4745000.00"), sum(PROJECTS), Decimal("17057400.00"))
        )
        totals = known_totals(None, basic(operating=None), items())
        self.assertEqual((totals.basic, totals.total), (None, None))

    def test_stated_totals_come_first(self):
        summary = SpendingSummary(basic_total=Decimal("1.00"), project_total=Decimal("2.00"))
        totals = known_totals(summary, basic(), items())
        self.assertEqual(
            (totals.basic, totals.project, totals.total), (Decimal("1.00"), Decimal("2.00"), Decimal("3.00"))
        )

    def test_the_budget_and_what_was_executed_come_from_one_source(self):
        summary = SpendingSummary(total_budget=Decimal("20000000.00"), total_spending=Decimal("17057400.00"))
        totals = known_totals(summary, [], [], execution(Decimal("1"), Decimal("1"), Decimal("2"), Decimal("2")))
        self.assertEqual(
            (totals.budget, totals.executed, totals.budget_is_stated),
            (Decimal("20000000.00"), Decimal("17057400.00"), True),
        )
        totals = known_totals(None, [], [], execution(Decimal("1"), Decimal("1"), Decimal("2"), Decimal("2")))
        self.assertEqual((totals.budget, totals.executed, totals.budget_is_stated), (Decimal("4"), Decimal("2"), False))
        # One line without its budget: no budget of the whole.
        totals = known_totals(None, [], [], execution(Decimal("1"), Decimal("1"), Decimal("2"), None))
        self.assertEqual((totals.budget, totals.executed), (None, None))
