"""An indicator row: a shortfall against its target, in its own direction, needs a reason."""

from __future__ import annotations

from django.test import SimpleTestCase

from achievements.forms import IndicatorRowForm
from evaluations.scoring_rules import THREE_TIERS


def row(**values: str) -> dict[str, str]:
    return {"level1": "产出指标", "level2": "数量指标", "name": "技术合同成交额", "direction": "ge", **values}


class IndicatorRowFormTests(SimpleTestCase):
    def test_a_shortfall_needs_a_reason_in_each_direction(self):
        cases = [
            ("ge", "10", "9.99", True),
            ("ge", "10", "12.55", False),
            ("le", "100", "120", True),
            ("le", "100", "90", False),
            ("eq", "100", "99", True),
            ("eq", "100", "100", False),
        ]
        for direction, target, actual, needs_reason in cases:
            with self.subTest(direction=direction, target=target, actual=actual):
                form = IndicatorRowForm(tiers=THREE_TIERS, data=row(direction=direction, target=target, actual=actual))
                self.assertEqual(form.is_valid(), not needs_reason)
                if needs_reason:
                    self.assertIn("请填写偏差原因分析及改进措施", form.errors["deviation_reason"][0])
                    with_reason = IndicatorRowForm(
                        tiers=THREE_TIERS,
                        data=row(direction=direction, target=target, actual=actual, deviation_reason="原因"),
                    )
                    self.assertTrue(with_reason.is_valid(), with_reason.errors)

    def test_a_reason_of_only_spaces_is_no_reason(self):
        form = IndicatorRowForm(tiers=THREE_TIERS, data=row(target="20000", actual="11400", deviation_reason="   "))
        self.assertFalse(form.is_valid())

    def test_qualitative_and_incomplete_indicators_have_no_shortfall(self):
        self.assertTrue(
            IndicatorRowForm(tiers=THREE_TIERS, data=row(direction="qualitative", target_text="达成")).is_valid()
        )
        self.assertTrue(IndicatorRowForm(tiers=THREE_TIERS, data=row(target="10")).is_valid())

    def test_values_are_plain_numbers_with_at_most_four_decimals(self):
        form = IndicatorRowForm(tiers=THREE_TIERS, data=row(target="1e3", actual="1.23456", weight="10.555"))
        self.assertFalse(form.is_valid())
        self.assertIn("不接受 NaN、Infinity 或科学计数法", form.errors["target"][0])
        self.assertEqual(form.errors["actual"], ["最多保留 4 位小数。"])
        self.assertEqual(form.errors["weight"], ["最多保留 2 位小数。"])

    def test_a_theme_must_be_one_of_the_pages_themes(self):
        form = IndicatorRowForm(tiers=THREE_TIERS, data=row(theme_id="99"), theme_choices=[(1, "工业运行稳中有进")])
        self.assertFalse(form.is_valid())
        self.assertIn("theme_id", form.errors)
