"""What the database itself refuses, whatever path the write comes from."""

from decimal import Decimal

from django.db import IntegrityError, transaction

from achievements.models import Indicator
from budgets.models import BasicSpending, BudgetExecution, ProjectItem
from evaluations.models import Evaluation, Membership
from tests.base import SeedTestCase


class DatabaseConstraintTests(SeedTestCase):
    def test_it_refuses_a_second_evaluation_for_the_same_unit_and_year(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            Evaluation.objects.create(unit=self.unit_a, year=2024)
        self.assertEqual(Evaluation.objects.filter(unit=self.unit_a, year=2024).count(), 1)

    def test_it_allows_the_same_year_for_another_unit(self):
        Evaluation.objects.create(unit=self.unit_b, year=2024)
        self.assertEqual(Evaluation.objects.filter(year=2024).count(), 2)

    def test_it_refuses_a_negative_basic_spending_amount(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            BasicSpending.objects.filter(evaluation=self.evaluation, category="personnel").update(
                amount=Decimal("-0.01")
            )
        personnel = BasicSpending.objects.get(evaluation=self.evaluation, category="personnel")
        self.assertEqual(personnel.amount, Decimal("3864449.00"))

    def test_it_refuses_a_negative_project_amount(self):
        item = self.evaluation.project_items.first()
        with self.assertRaises(IntegrityError), transaction.atomic():
            ProjectItem.objects.filter(pk=item.pk).update(amount=Decimal("-1"))

    def test_it_refuses_a_negative_budget_execution_figure(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            BudgetExecution.objects.filter(evaluation=self.evaluation, kind="basic").update(executed=Decimal("-5"))

    def test_it_refuses_a_negative_weight(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            Indicator.objects.filter(evaluation=self.evaluation).update(weight=Decimal("-1"))

    def test_it_refuses_a_second_line_for_the_same_spending_category(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            BasicSpending.objects.create(evaluation=self.evaluation, category="personnel")

    def test_it_refuses_unit_staff_without_a_unit(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            Membership.objects.filter(user=self.wangfang).update(unit=None)

    def test_it_refuses_a_bureau_member_tied_to_a_unit(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            Membership.objects.filter(user=self.chenjing).update(unit=self.unit_a)
