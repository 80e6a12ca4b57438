"""The seed's indicators, scored through the engine: the figures module and the score sheet agree, so the 自评表,
the Excel export and the scheme's sheet print one score."""

from __future__ import annotations

from decimal import Decimal

from achievements.figures import as_unit_indicator, indicator_score
from evaluations.scoring_rules import score_indicator
from tests.base import SeedTestCase


class SeedIndicatorScoreTests(SeedTestCase):
    def test_it_hands_the_engine_the_indicators_figures(self):
        loans = self.evaluation.indicators.get(name="知识价值信用贷款")
        record = as_unit_indicator(loans)
        self.assertEqual(
            (record.name, record.level1, record.level2, record.direction, record.target, record.actual, record.ref),
            ("知识价值信用贷款", "效益指标", "经济效益指标", "ge", Decimal("20000"), Decimal("11400"), loans.pk),
        )

    def test_the_figures_module_and_the_engine_give_one_score(self):
        for indicator in self.evaluation.indicators.all():
            indicator.weight = Decimal("10")
            with self.subTest(indicator=indicator.name):
                engine = score_indicator(as_unit_indicator(indicator)).points
                expected = None if indicator.is_qualitative else engine
                self.assertEqual(indicator_score(indicator), expected)
        loans = self.evaluation.indicators.get(name="知识价值信用贷款")
        loans.weight = Decimal("10")
        # 11400 of 20000 → 57% of 10.
        self.assertEqual(indicator_score(loans), Decimal("5.7"))
