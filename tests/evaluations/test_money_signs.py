"""Changes are shown with one sign convention everywhere: "+" and the typographic minus U+2212, for amounts and for
rates alike, in the editor's live figures as in the report."""

from __future__ import annotations

from decimal import Decimal

from django.template import Context, Template
from django.test import SimpleTestCase
from django.urls import reverse

from evaluations.money import MINUS, format_percent_signed, format_wan_signed
from tests.base import SeedTestCase


class SignedFormatTests(SimpleTestCase):
    def test_amounts_and_rates_share_the_sign_convention(self):
        self.assertEqual(MINUS, "\u2212")
        self.assertEqual(format_wan_signed(Decimal("-846251")), "−84.63")
        self.assertEqual(format_wan_signed(Decimal("19400")), "+1.94")
        self.assertEqual(format_percent_signed(Decimal("-0.1796445")), "−17.96%")
        self.assertEqual(format_percent_signed(Decimal("0.0225")), "+2.25%")

    def test_a_change_that_rounds_to_nothing_has_no_sign(self):
        self.assertEqual(format_wan_signed(Decimal("-0.49")), "0.00")
        self.assertEqual(format_wan_signed(Decimal("0")), "0.00")
        self.assertEqual(format_percent_signed(Decimal("-0.00004")), "0.00%")

    def test_missing_figures_stay_blank_or_a_dash(self):
        self.assertEqual(format_wan_signed(None), "")
        self.assertEqual(format_percent_signed(None), "—")

    def test_the_template_filters_are_the_same_functions(self):
        rendered = Template("{% load money %}{{ a|wan_signed }} {{ r|pct_signed }}").render(
            Context({"a": Decimal("-846251"), "r": Decimal("-0.1796445")})
        )
        self.assertEqual(rendered, "−84.63 −17.96%")


class LiveFiguresSignTests(SeedTestCase):
    def test_wangfang_sees_the_fall_in_personnel_costs_with_one_minus_sign(self):
        self.client.force_login(self.wangfang)
        response = self.client.get(reverse("evaluation_section", args=[self.evaluation.pk, "basic"]))
        self.assertContains(response, "−84.63")
        self.assertContains(response, "−17.96%")
        self.assertContains(response, "+2.25%")
        self.assertNotContains(response, "-17.96%")
