"""How one cell of an uploaded workbook is read: what is accepted, normalised on purpose, or refused."""

import datetime
from decimal import Decimal

from django.test import SimpleTestCase

from reports.excel import cells
from reports.excel.cells import CellError


class AmountTests(SimpleTestCase):
    def assertRefused(self, value, message_part):
        with self.assertRaises(CellError) as caught:
            cells.parse_amount(value)
        self.assertIn(message_part, caught.exception.message)

    def test_it_reads_numbers_as_typed_not_as_binary_floats(self):
        self.assertEqual(cells.parse_amount(3864449), Decimal("3864449.00"))
        self.assertEqual(cells.parse_amount(3864449.12), Decimal("3864449.12"))
        self.assertEqual(cells.parse_amount(0.1), Decimal("0.10"))
        self.assertEqual(cells.parse_amount(Decimal("12.3")), Decimal("12.30"))

    def test_it_treats_blank_as_missing(self):
        self.assertIsNone(cells.parse_amount(None))
        self.assertIsNone(cells.parse_amount("   "))

    def test_it_normalises_full_width_digits_and_thousands_separators_on_purpose(self):
        self.assertEqual(cells.parse_amount("１２３４．５６"), Decimal("1234.56"))
        self.assertEqual(cells.parse_amount(" 3,864,449.00 "), Decimal("3864449.00"))
        self.assertEqual(cells.parse_amount("３，８６４，４４９"), Decimal("3864449.00"))

    def test_it_refuses_badly_grouped_thousands(self):
        self.assertRefused("38,64,449", "千分位分隔符位置不对")

    def test_it_refuses_negative_amounts(self):
        self.assertRefused(-1, "不能为负数")
        self.assertRefused("-0.5", "不能为负数")
        self.assertRefused("－5", "不能为负数")

    def test_it_refuses_more_than_two_decimals(self):
        self.assertRefused(1.005, "金额最多保留两位小数（到分）")
        self.assertRefused("0.001", "金额最多保留两位小数（到分）")
        # Trailing zeros are not extra precision.
        self.assertEqual(cells.parse_amount("1.500"), Decimal("1.50"))

    def test_it_refuses_amounts_above_the_upper_bound(self):
        self.assertRefused(Decimal("1000000000000"), "金额不能超过 999999999999.99 元")
        self.assertEqual(cells.parse_amount("999999999999.99"), Decimal("999999999999.99"))

    def test_it_refuses_nan_infinity_and_exponents(self):
        self.assertRefused(float("nan"), "不接受 NaN、Infinity")
        self.assertRefused(float("inf"), "不接受 NaN、Infinity")
        self.assertRefused("NaN", "不接受 NaN、Infinity")
        self.assertRefused("Infinity", "不接受 NaN、Infinity")
        self.assertRefused("1e5", "科学计数法")
        self.assertRefused("１Ｅ５", "科学计数法")

    def test_it_refuses_units_currency_signs_dates_and_booleans(self):
        self.assertRefused("386.44万元", "请只填数字，单位已在列名中（元）。")
        self.assertRefused("¥100", "请只填数字，单位已在列名中（元）。")
        self.assertRefused(True, "逻辑值")
        self.assertRefused(datetime.date(2024, 1, 1), "日期")


class OtherCellTests(SimpleTestCase):
    def test_indicator_values_keep_four_decimals(self):
        self.assertEqual(cells.parse_value("98.3125"), Decimal("98.3125"))
        with self.assertRaisesMessage(CellError, "最多保留 4 位小数"):
            cells.parse_value("0.00001")

    def test_a_weight_above_100_is_a_slip(self):
        self.assertEqual(cells.parse_weight(20), Decimal("20.00"))
        with self.assertRaisesMessage(CellError, "数值过大"):
            cells.parse_weight(150)

    def test_text_is_trimmed_and_numbers_in_text_columns_keep_their_shown_form(self):
        self.assertEqual(cells.parse_text("  办公室 "), "办公室")
        self.assertEqual(cells.parse_text(12.0), "12")
        self.assertEqual(cells.parse_text(None), "")
        with self.assertRaisesMessage(CellError, "最多3个字，现有4个字"):
            cells.parse_text("一二三四", max_length=3)

    def test_choices_come_from_the_list_with_typed_stand_ins_for_ge_and_le(self):
        choices = {"≥": "ge", "≤": "le"}
        self.assertEqual(cells.parse_choice("≥", choices), "ge")
        self.assertEqual(cells.parse_choice("＞＝", choices, {">=": "ge"}), "ge")
        with self.assertRaisesMessage(CellError, "不在可选范围内，请从下拉列表中选择：≥、≤"):
            cells.parse_choice("大于", choices)

    def test_ids_are_positive_integers(self):
        self.assertEqual(cells.parse_id(12), 12)
        self.assertEqual(cells.parse_id(12.0), 12)
        self.assertEqual(cells.parse_id("12"), 12)
        self.assertIsNone(cells.parse_id(None))
        # Beyond 64 bits a number cannot be one of our IDs (and SQLite could not even look it up).
        for bad in ("abc", 0, -3, 1.5, True, 2**63, "9" * 30, 1e300, 10**400):
            with self.assertRaisesMessage(CellError, "ID 无效"):
                cells.parse_id(bad)
