"""Amounts as people type them: in 元 or in 万元, exactly, or refused with a message. Never rounded, never guessed;
left blank, unknown."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.test import SimpleTestCase
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from budgets.forms import BasicLineForm, ItemRowForm
from budgets.models import BasicSpending
from evaluations.forms import AmountField, grouped, yuan_as_wan
from evaluations.models import SectionRevision
from evaluations.money import parse_amount
from tests.base import SeedTestCase


class ParseAmountTests(SimpleTestCase):
    def test_plain_amounts_are_taken_exactly(self):
        for typed, expected in [
            ("3864449", "3864449"),
            ("3864449.00", "3864449.00"),
            ("0.5", "0.5"),
            ("0", "0"),
            (" 12.30 ", "12.30"),
            ("999999999999.99", "999999999999.99"),
        ]:
            with self.subTest(typed=typed):
                self.assertEqual(parse_amount(typed), Decimal(expected))

    def test_full_width_digits_and_thousands_separators_are_normalised_on_purpose(self):
        self.assertEqual(parse_amount("３８６４４４９．００"), Decimal("3864449.00"))
        self.assertEqual(parse_amount("3,864,449.00"), Decimal("3864449.00"))
        self.assertEqual(parse_amount("３，８６４，４４９"), Decimal("3864449"))
        self.assertEqual(parse_amount("\u30001.5\u3000"), Decimal("1.5"))

    def assertRefused(self, typed: str, message: str) -> None:
        with self.assertRaises(ValidationError) as caught:
            parse_amount(typed)
        self.assertIn(message, str(caught.exception.messages[0]))

    def test_what_is_refused_and_why(self):
        special = "不接受 NaN、Infinity 或科学计数法"
        cases = {
            "NaN": special,
            "nan": special,
            "sNaN": special,
            "Infinity": special,
            "-inf": special,
            "1e6": special,
            "1E-2": special,
            "-5": "金额不能为负数。",
            "－５": "金额不能为负数。",
            "1.234": "金额最多保留两位小数（到分）。",
            "1000000000000": "金额不能超过 999999999999.99 元",
            "12,34": "千分位分隔符位置不对",
            "1,2345.00": "千分位分隔符位置不对",
            "4,1235.6": "千分位分隔符位置不对",
            "100元": "请只填数字，单位已在列名中（元）。",
            "10万": "请只填数字，单位已在列名中（元）。",
            "92万": "请只填数字，单位已在列名中（元）。",
            "¥100": "请只填数字，单位已在列名中（元）。",
            "+5": "请填写金额数字",
            ".5": "请填写金额数字",
            "5.": "请填写金额数字",
            "1 000": "请填写金额数字",
            "٣": "请填写金额数字",  # an Arabic-Indic digit, which Decimal() would accept
            "①": "请填写金额数字",
            "0x10": "请填写金额数字",
            "1_000": "请填写金额数字",
            "\x00": "请填写金额数字",
        }
        for typed, message in cases.items():
            with self.subTest(typed=typed):
                self.assertRefused(typed, message)

    def test_an_amount_left_blank_is_unknown_and_a_zero_is_zero(self):
        form = BasicLineForm({"amount": "  ", "previous_amount": "0"})
        self.assertTrue(form.is_valid(), form.errors)
        self.assertIsNone(form.cleaned_data["amount"])
        self.assertEqual(form.cleaned_data["previous_amount"], Decimal("0"))

    def test_an_empty_required_amount_says_so(self):
        # A project item is a line of the 决算表: it has an amount, even though the items themselves are optional.
        form = ItemRowForm({"name": "维稳救助经费", "amount": ""})
        self.assertEqual(form.errors["amount"], ["请填写此项。"])

    def test_a_refused_amount_is_shown_back_as_typed(self):
        form = BasicLineForm({"amount": "1e6", "previous_amount": "1"})
        self.assertFalse(form.is_valid())
        self.assertIn('value="1e6"', str(form["amount"]))

    def test_a_stored_amount_is_shown_in_yuan_with_thousands_separators(self):
        field = AmountField()
        self.assertEqual(field.prepare_value(Decimal("1E+3")), "1,000")
        self.assertEqual(field.prepare_value(Decimal("4123560.00")), "4,123,560.00")
        self.assertEqual(field.prepare_value(Decimal("999.50")), "999.50")
        # What is shown reads back to the same amount.
        self.assertEqual(field.clean("4,123,560.00"), Decimal("4123560.00"))


# Strings people might paste, numbers of every shape, and the odd characters around them.
typed_amounts = st.one_of(
    st.text(max_size=30),
    st.text(alphabet="0123456789０１２３４５６７８９.,．，-+eE ", max_size=20),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.decimals(min_value=0, max_value=Decimal("999999999999.99"), places=2).map(str),
)


class AmountPropertyTests(SimpleTestCase):
    @given(typed_amounts)
    @settings(max_examples=400, deadline=None)
    def test_an_amount_is_either_refused_with_a_message_or_taken_exactly(self, typed):
        form = BasicLineForm({"amount": typed, "previous_amount": "0"})
        if not form.is_valid():
            self.assertTrue(form.errors["amount"][0])
            return
        value = form.cleaned_data["amount"]
        if value is None:  # nothing typed but spaces: unknown, not zero
            self.assertEqual(typed.translate(str.maketrans("　", " ")).strip(), "")
            return
        self.assertTrue(value.is_finite())
        self.assertGreaterEqual(value, 0)
        self.assertLessEqual(value, Decimal("999999999999.99"))
        self.assertGreaterEqual(value.as_tuple().exponent, -2)
        # What is stored is what was typed, read as a number (after the documented normalisation).
        normalised = (
            typed.translate(str.maketrans("０１２３４５６７８９．，　", "0123456789., ")).strip().replace(",", "")
        )
        self.assertEqual(value, Decimal(normalised))


class AmountRoundTripTests(HypothesisTestCase, SeedTestCase):
    """Through the real page: never a server error, and what is stored is what the page then shows."""

    @given(typed_amounts)
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    def test_the_basic_spending_page_never_fails_and_stores_what_it_shows(self, typed):
        self.client.force_login(self.wangfang)
        url = reverse("evaluation_section", args=[self.evaluation.pk, "basic"])
        record = SectionRevision.objects.filter(evaluation=self.evaluation, section="basic").first()
        before = BasicSpending.objects.get(evaluation=self.evaluation, category="personnel").amount
        data = {
            "page-revision": str(record.revision if record else 0),
            "unit-amount_unit": "yuan",
            "unit-typed_in": "yuan",
            "basic-personnel-amount": typed,
            "basic-personnel-previous_amount": "4710700.00",
            "basic-operating-amount": "880551.00",
            "basic-operating-previous_amount": "861200.00",
        }
        response = self.client.post(url, data)
        self.assertIn(response.status_code, (302, 422))
        stored = BasicSpending.objects.get(evaluation=self.evaluation, category="personnel").amount
        if response.status_code == 422:
            self.assertEqual(stored, before)
            return
        if stored is None:  # left blank: unknown, and shown blank
            self.assertNotContains(self.client.get(url), 'name="basic-personnel-amount" value')
            return
        page = self.client.get(url)
        shown = AmountField().prepare_value(page.context["page"].forms["personnel"]["amount"].value())
        self.assertEqual(parse_amount(shown), stored)
        self.assertContains(page, f'value="{shown}"')


class WanAmountTests(SimpleTestCase):
    """王芳's reports state 万元, and the 元 behind them are often unknown to her: she types 万元, with up to six
    decimals, and exactly those fen are stored."""

    def wan_form(self, **data: str) -> BasicLineForm:
        return BasicLineForm(data, amount_unit="wan")

    def test_wan_are_stored_as_exact_yuan(self):
        for typed, expected in [
            ("386.4449", "3864449.00"),
            ("474.50", "4745000.00"),
            ("0.000001", "0.01"),
            ("１２３１．２４", "12312400.00"),
            ("1,231.24", "12312400.00"),
            ("0", "0.00"),
            ("99999999.999999", "999999999999.99"),
        ]:
            with self.subTest(typed=typed):
                form = self.wan_form(amount=typed)
                self.assertTrue(form.is_valid(), form.errors)
                self.assertEqual(form.cleaned_data["amount"], Decimal(expected))
                self.assertEqual(form.cleaned_data["amount"].as_tuple().exponent, -2)

    def test_what_cannot_be_exact_in_yuan_is_refused_in_words_about_wan(self):
        cases = {
            "386.4449123": "以万元填写时最多保留六位小数（到分）。",
            "100000000": "金额不能超过 99999999.999999 万元",
            "10万": "请只填数字，单位已在列名中（万元）。",
            "4,1235.6": "千分位分隔符位置不对",
            "-1": "金额不能为负数。",
            "1e3": "不接受 NaN、Infinity 或科学计数法",
        }
        for typed, message in cases.items():
            with self.subTest(typed=typed):
                form = self.wan_form(amount=typed)
                self.assertFalse(form.is_valid())
                self.assertIn(message, form.errors["amount"][0])
                self.assertIn(f'value="{typed}"', str(form["amount"]))

    def test_the_labels_say_the_unit(self):
        self.assertEqual(str(self.wan_form()["amount"].label), "本年决算数（万元）")
        self.assertEqual(str(BasicLineForm()["amount"].label), "本年决算数（元）")

    def test_a_stored_amount_is_shown_in_wan_without_losing_a_fen(self):
        for stored, shown in [
            ("3864449.00", "386.4449"),
            ("4710700", "471.07"),
            ("0.01", "0.000001"),
            ("0", "0.00"),
            ("12312400.00", "1231.24"),
            ("999999999999.99", "99999999.999999"),
        ]:
            with self.subTest(stored=stored):
                self.assertEqual(yuan_as_wan(Decimal(stored)), shown)
                form = BasicLineForm(initial={"amount": Decimal(stored)}, amount_unit="wan")
                # In the input, with thousands separators: 1,231.24 万元.
                self.assertEqual(form["amount"].value(), grouped(shown))
                typed_back = self.wan_form(amount=grouped(shown))
                self.assertTrue(typed_back.is_valid(), typed_back.errors)
                self.assertEqual(typed_back.cleaned_data["amount"], Decimal(stored))

    @given(st.decimals(min_value=0, max_value=Decimal("999999999999.99"), places=2))
    @settings(max_examples=300, deadline=None)
    def test_any_amount_shown_in_wan_reads_back_to_the_same_fen(self, stored):
        shown = yuan_as_wan(stored)
        form = self.wan_form(amount=shown)
        self.assertTrue(form.is_valid(), form.errors)
        self.assertEqual(form.cleaned_data["amount"], stored)
