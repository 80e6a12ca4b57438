"""Totals a unit states, and the sums of parts it may or may not have entered: an unknown part makes an unknown sum,
never a smaller one, and a stated total is compared with its parts only when both are known."""

from __future__ import annotations

from decimal import Decimal

from django.test import SimpleTestCase

from budgets.figures import (
    Change,
    basic_spending_figures,
    known_sum,
    project_spending_figures,
    spending_totals,
    total_mismatch,
    total_spending,
)
from budgets.models import BasicSpending, FundSource, ProjectItem, SpendingSummary


def basic(personnel: str | None, operating: str | None, previous: str | None = None):
    def amount(text: str | None) -> Decimal | None:
        return None if text is None else Decimal(text)

    return basic_spending_figures(
        [
            BasicSpending(category="personnel", amount=amount(personnel), previous_amount=amount(previous)),
            BasicSpending(category="operating", amount=amount(operating), previous_amount=amount(previous)),
        ]
    )


class KnownSumTests(SimpleTestCase):
    def test_a_sum_is_known_only_when_every_part_is(self):
        self.assertEqual(known_sum([Decimal("1.50"), Decimal("0")]), Decimal("1.50"))
        self.assertIsNone(known_sum([Decimal("1.50"), None]))
        # No parts at all is no sum: blank is unknown, not 0.
        self.assertIsNone(known_sum([]))

    def test_a_change_against_an_unknown_year_is_unknown(self):
        change = Change(current=Decimal("100"), previous=None)
        self.assertIsNone(change.amount)
        self.assertIsNone(change.rate)
        self.assertFalse(change.is_increase or change.is_decrease)


class BasicSplitTests(SimpleTestCase):
    def test_a_split_with_a_blank_category_has_no_total_and_no_shares(self):
        figures = basic("3864449", None, previous="4710700")
        self.assertIsNone(figures.total)
        self.assertIsNone(figures.split_total)
        self.assertIsNone(figures.line("personnel").share)
        self.assertEqual(figures.line("personnel").change.amount, Decimal("-846251"))

    def test_no_split_at_all_is_no_parts(self):
        self.assertIsNone(basic_spending_figures([]).split_total)

    def test_total_spending_is_unknown_while_basic_spending_is(self):
        self.assertIsNone(total_spending(basic("1", None), project_spending_figures([], [])))


class ProjectWithoutSourcesTests(SimpleTestCase):
    def test_items_without_a_source_count_in_the_total_apart_from_the_groups(self):
        source = FundSource(pk=1, order=1, name="区本级专项资金")
        items = [
            ProjectItem(pk=1, source_id=1, order=1, name="甲", amount=Decimal("100")),
            ProjectItem(pk=2, source_id=None, order=2, name="乙", amount=Decimal("50.50")),
        ]
        figures = project_spending_figures([source], items)
        self.assertEqual([item.name for item in figures.unsourced], ["乙"])
        self.assertEqual(
            (figures.unsourced_subtotal, figures.total, figures.item_count), (Decimal("50.50"), Decimal("150.50"), 2)
        )
        self.assertEqual(figures.groups[0].share, Decimal("100") / Decimal("150.50"))

    def test_no_items_are_no_parts(self):
        self.assertIsNone(project_spending_figures([], []).items_total)


class StatedTotalsTests(SimpleTestCase):
    def test_a_stated_total_wins_and_a_missing_one_is_completed_from_its_parts(self):
        items = [ProjectItem(pk=1, order=1, name="甲", amount=Decimal("12312400"))]
        totals = spending_totals(
            SpendingSummary(total_budget=Decimal("18000000"), basic_total=Decimal("4745000")),
            basic(None, None),
            project_spending_figures([], items),
        )
        self.assertEqual(
            (totals.total_budget, totals.basic, totals.project, totals.total),
            (Decimal("18000000"), Decimal("4745000"), Decimal("12312400"), Decimal("17057400")),
        )
        self.assertEqual(totals.execution_rate, Decimal("17057400") / Decimal("18000000"))

    def test_nothing_stated_and_nothing_entered_is_unknown(self):
        totals = spending_totals(None, basic_spending_figures([]), project_spending_figures([], []))
        self.assertEqual((totals.total_budget, totals.basic, totals.project, totals.total), (None, None, None, None))
        self.assertIsNone(totals.execution_rate)

    def test_a_mismatch_needs_both_figures_and_a_difference(self):
        mismatch = total_mismatch("基本支出合计", Decimal("4745500"), Decimal("4745000"))
        self.assertEqual((mismatch.given, mismatch.parts_total, mismatch.difference), (4745500, 4745000, 500))
        self.assertIsNone(total_mismatch("基本支出合计", Decimal("1"), Decimal("1.00")))
        self.assertIsNone(total_mismatch("基本支出合计", None, Decimal("1")))
        self.assertIsNone(total_mismatch("基本支出合计", Decimal("1"), None))
