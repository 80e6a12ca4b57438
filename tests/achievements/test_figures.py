"""Completion against target, direction by direction, and the seed's 125.5%."""

from decimal import Decimal

from achievements.figures import completion_rate, indicator_score, is_shortfall
from achievements.models import Indicator
from evaluations.money import as_percent, format_percent
from tests.base import SeedTestCase


def indicator(direction="ge", target=None, actual=None, weight=None):
    return Indicator(
        level1="产出指标",
        level2="数量指标",
        name="x",
        direction=direction,
        target=None if target is None else Decimal(target),
        actual=None if actual is None else Decimal(actual),
        weight=None if weight is None else Decimal(weight),
    )


class SeedIndicatorTests(SeedTestCase):
    def seed_indicator(self, name):
        return self.evaluation.indicators.get(name=name)

    def test_technology_contracts_reached_125_5_percent_of_target(self):
        contracts = self.seed_indicator("技术合同成交额")
        self.assertEqual(completion_rate(contracts), Decimal("1.255"))
        self.assertEqual(as_percent(completion_rate(contracts)), Decimal("125.50"))
        self.assertFalse(is_shortfall(contracts))

    def test_credit_loans_fell_short_at_57_percent(self):
        loans = self.seed_indicator("知识价值信用贷款")
        self.assertEqual(format_percent(completion_rate(loans)), "57.00%")
        self.assertTrue(is_shortfall(loans))

    def test_science_spending_share_fell_short_at_98_67_percent(self):
        share = self.seed_indicator("地方财政科技支出占地方财政支出比值")
        self.assertEqual(format_percent(completion_rate(share)), "98.67%")
        self.assertTrue(is_shortfall(share))


class DirectionTests(SeedTestCase):
    def test_at_most_counts_staying_under_the_ceiling_as_done(self):
        self.assertEqual(completion_rate(indicator("le", "10", "8")), Decimal("1.25"))
        self.assertFalse(is_shortfall(indicator("le", "10", "8")))
        self.assertTrue(is_shortfall(indicator("le", "10", "12")))

    def test_at_most_with_a_zero_actual_is_complete(self):
        self.assertEqual(completion_rate(indicator("le", "5", "0")), Decimal("1"))

    def test_equal_scores_the_smaller_over_the_larger(self):
        self.assertEqual(completion_rate(indicator("eq", "100", "100")), Decimal("1"))
        self.assertEqual(completion_rate(indicator("eq", "100", "80")), Decimal("0.8"))
        self.assertTrue(is_shortfall(indicator("eq", "100", "120")))

    def test_qualitative_and_incomplete_indicators_have_no_rate(self):
        self.assertIsNone(completion_rate(indicator("qualitative")))
        self.assertIsNone(completion_rate(indicator("ge", "10", None)))
        self.assertIsNone(completion_rate(indicator("ge", "0", "5")))
        self.assertFalse(is_shortfall(indicator("ge", None, "5")))

    def test_the_score_never_exceeds_the_weight(self):
        self.assertEqual(indicator_score(indicator("ge", "10", "12.55", "20")), Decimal("20"))
        self.assertEqual(indicator_score(indicator("ge", "20000", "11400", "10")), Decimal("5.700"))
        self.assertIsNone(indicator_score(indicator("ge", "10", "12")))
