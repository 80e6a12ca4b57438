"""The shipped schemes carry the weights of their sources (财预〔2020〕10号; the 岳阳 参考样表 of domain.md §7), and
every weight adds up (validate())."""

from __future__ import annotations

from decimal import Decimal

from django.test import SimpleTestCase

from evaluations.schemes import BUILTIN, COMMON_INDICATORS, HUNAN_SCHEME, NATIONAL_SCHEME
from evaluations.scoring_rules import CarryoverRule, LinearDeduction, PerItem, Proportional, Qualitative, StepTable

D = Decimal


def weights(scheme):
    return {
        level1.name: (
            level1.weight,
            {
                level2.name: (level2.weight, {leaf.key: leaf.weight for leaf in level2.leaves})
                for level2 in level1.groups
            },
        )
        for level1 in scheme.sections
    }


class ShippedSchemeTests(SimpleTestCase):
    def test_every_shipped_scheme_validates(self):
        for key, scheme in BUILTIN.items():
            with self.subTest(scheme=key):
                self.assertEqual(scheme.key, key)
                self.assertEqual(scheme.validate(), [])

    def test_the_national_layout(self):
        self.assertEqual(
            weights(NATIONAL_SCHEME),
            {
                "预算执行": (D("10"), {"预算执行": (D("10"), {"budget_execution_rate": D("10")})}),
                "产出指标": (D("50"), {"产出指标": (D("50"), {"unit_output": D("50")})}),
                "效益指标": (D("30"), {"效益指标": (D("30"), {"unit_outcome": D("30")})}),
                "满意度指标": (D("10"), {"满意度指标": (D("10"), {"unit_satisfaction": D("10")})}),
            },
        )
        self.assertEqual(NATIONAL_SCHEME.measure_keys, ["budget_execution_rate"])

    def test_the_hunan_scheme_has_the_reference_sheets_weights(self):
        self.assertEqual(
            weights(HUNAN_SCHEME),
            {
                "投入": (
                    D("15"),
                    {
                        "预算配置": (
                            D("15"),
                            {"staff_control_rate": 5, "three_public_change_rate": 5, "key_spending_rate": 5},
                        )
                    },
                ),
                "过程": (
                    D("40"),
                    {
                        "预算执行": (
                            D("15"),
                            {
                                "budget_adjustment_rate": 3,
                                "payment_progress_rate": 3,
                                "carryover_rate": 3,
                                "three_public_control_rate": 6,
                            },
                        ),
                        "预算管理": (D("15"), {"management_rules": 3, "funds_compliance": 3, "disclosure": 9}),
                        "资产管理": (D("10"), {"asset_security": 5, "fixed_asset_use_rate": 5}),
                    },
                ),
                "产出": (D("25"), {"职责履行": (D("25"), {"unit_output": 25})}),
                "效果": (D("20"), {"履职效益": (D("20"), {"unit_effect": 20})}),
            },
        )

    def test_the_hunan_rules_are_those_of_the_reference_sheet(self):
        rules = {leaf.key: leaf.rule for leaf in HUNAN_SCHEME.leaves()}
        self.assertEqual(rules["staff_control_rate"], LinearDeduction(D("1"), D("0.5")))
        self.assertEqual(rules["three_public_change_rate"], LinearDeduction(D("0"), D("0.5")))
        self.assertEqual(rules["three_public_control_rate"], LinearDeduction(D("1"), D("1")))
        self.assertIsInstance(rules["key_spending_rate"], StepTable)
        self.assertIsInstance(rules["budget_adjustment_rate"], StepTable)
        self.assertEqual(rules["payment_progress_rate"], Proportional())
        self.assertEqual(rules["carryover_rate"], CarryoverRule(D("3"), D("2"), D("0")))
        self.assertEqual(rules["management_rules"], PerItem(D("1")))
        self.assertEqual(rules["funds_compliance"], PerItem(D("1"), deduct=True, noun="例"))
        self.assertIsInstance(rules["disclosure"], Qualitative)
        self.assertEqual(
            HUNAN_SCHEME.measure_keys,
            [
                "staff_control_rate",
                "three_public_change_rate",
                "key_spending_rate",
                "budget_adjustment_rate",
                "payment_progress_rate",
                "carryover_amount",
                "previous_carryover_amount",
                "three_public_control_rate",
                "management_rules",
                "funds_compliance",
                "fixed_asset_use_rate",
                "budget_execution_rate",
            ],
        )

    def test_the_common_indicators_are_catalogued_with_their_formulas(self):
        for key in (
            "staff_control_rate",
            "three_public_change_rate",
            "key_spending_rate",
            "budget_completion_rate",
            "budget_adjustment_rate",
            "payment_progress_rate",
            "carryover_rate",
            "three_public_control_rate",
            "procurement_execution_rate",
            "public_funds_control_rate",
            "fixed_asset_use_rate",
        ):
            with self.subTest(key=key):
                self.assertTrue(COMMON_INDICATORS[key].formula)
        self.assertEqual(COMMON_INDICATORS["staff_control_rate"].formula, "在职人员数 ÷ 编制数")
        # The shipped leaves take their names, formulas and inputs from the catalogue.
        for leaf in HUNAN_SCHEME.leaves():
            if leaf.key in COMMON_INDICATORS:
                with self.subTest(leaf=leaf.key):
                    self.assertEqual(leaf.name, COMMON_INDICATORS[leaf.key].name)
                    self.assertEqual(leaf.formula, COMMON_INDICATORS[leaf.key].formula)
