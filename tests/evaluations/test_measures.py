"""在职人员控制率 from the profile's staffing: 在职人员数 ÷ 编制数, never from a partial count."""

from __future__ import annotations

from decimal import Decimal

from django.test import SimpleTestCase

from evaluations.measures import staff_control_rate, staffing_counts
from evaluations.models import StaffingLine


def line(approved: int | None, actual: int | None) -> StaffingLine:
    return StaffingLine(establishment_type="行政编制", approved=approved, actual=actual)


class StaffControlRateTests(SimpleTestCase):
    def test_it_divides_the_headcount_by_the_establishment(self):
        # 行政编制 10 of 11, 全额拨款事业编制 11 of 12: 21 ÷ 23 = 91.30%
        measure = staff_control_rate([line(11, 10), line(12, 11)], None)
        self.assertEqual(measure.value, Decimal(21) / Decimal(23))
        self.assertEqual(measure.shown, "91.30%")
        self.assertEqual(measure.name, "在职人员控制率")

    def test_a_headcount_above_the_establishment_is_shown_as_it_is(self):
        self.assertEqual(staff_control_rate([line(10, 12)], None).shown, "120.00%")

    def test_the_seed_without_establishment_cannot_be_computed(self):
        # The seed publishes headcounts only (domain.md §6): no 编制数, no rate.
        measure = staff_control_rate([line(None, 10), line(None, 11)], None)
        self.assertIsNone(measure.value)
        self.assertEqual(measure.shown, "无法计算（缺少编制数）")

    def test_no_lines_is_unknown_not_zero(self):
        measure = staff_control_rate([], None)
        self.assertEqual(measure.missing, ("在职人员数", "编制数"))

    def test_without_headcounts_the_staff_on_roll_is_read(self):
        self.assertEqual(staffing_counts([line(20, None)], 18).on_duty, 18)
        self.assertEqual(staff_control_rate([line(20, None)], 18).shown, "90.00%")
        # Headcounts on every line come first.
        self.assertEqual(staffing_counts([line(20, 19)], 18).on_duty, 19)

    def test_a_zero_establishment_gives_no_rate(self):
        self.assertEqual(staff_control_rate([line(0, 3)], None).shown, "无法计算（编制数为0）")
