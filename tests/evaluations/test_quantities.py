"""An indicator's figure is stored with four decimals and shown as people write it, in one way everywhere: the
editor, the report, the diff and the spreadsheet all call evaluations.money.format_quantity / plain_quantity."""

from decimal import Decimal

from django.test import SimpleTestCase

from achievements.models import Indicator
from evaluations.forms import QuantityField
from evaluations.money import MAX_QUANTITY, format_quantity, plain_quantity


class QuantityTests(SimpleTestCase):
    def test_it_drops_the_zeros_the_four_decimal_places_add(self):
        for stored, shown in [
            ("12.5500", "12.55"),
            ("10.0000", "10"),
            ("100.0000", "100"),
            ("0.0000", "0"),
            ("98.3125", "98.3125"),
            ("20000", "20000"),
            ("1E+3", "1000"),
        ]:
            with self.subTest(stored=stored):
                self.assertEqual(format_quantity(Decimal(stored)), shown)
                self.assertEqual(str(plain_quantity(Decimal(stored))), shown)

    def test_nothing_stored_is_shown_as_nothing(self):
        self.assertEqual(format_quantity(None), "")

    def test_the_editor_shows_a_stored_figure_the_same_way(self):
        self.assertEqual(QuantityField().prepare_value(Decimal("12.5500")), "12.55")

    def test_the_largest_figure_is_what_the_model_can_hold(self):
        for name in ("target", "actual"):
            field = Indicator._meta.get_field(name)
            largest = Decimal(10) ** (field.max_digits - field.decimal_places) - Decimal(1).scaleb(
                -field.decimal_places
            )
            self.assertEqual(MAX_QUANTITY, largest)
        self.assertEqual(QuantityField().max_value, MAX_QUANTITY)
