"""One rule for an other-budget line that contradicts itself, whichever way 王芳 enters it: the editor's form, the
spreadsheet import and the service all refuse it with the same message."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError

from budgets.forms import FundTypeForm
from budgets.models import FundTypeSpending
from budgets.rules import FUND_NONE_WITH_AMOUNT, fund_type_errors
from budgets.services import save_totals
from evaluations.services import section_revision
from tests.base import SeedTestCase


class FundTypeRuleTests(SeedTestCase):
    def test_the_rule_names_the_field_that_contradicts_the_answer(self):
        self.assertEqual(fund_type_errors(None, None, ""), {})
        self.assertEqual(fund_type_errors(False, None, ""), {})
        self.assertEqual(fund_type_errors(True, Decimal("12.00"), "用于…"), {})
        self.assertEqual(set(fund_type_errors(None, Decimal("1"), "")), {"has_spending"})
        self.assertEqual(set(fund_type_errors(False, Decimal("1"), "说明")), {"amount", "narrative"})
        self.assertEqual(set(fund_type_errors(True, Decimal("0"), "")), {"amount"})

    def test_the_form_and_the_service_refuse_with_the_same_message(self):
        form = FundTypeForm({"has_spending": "no", "amount": "100", "narrative": ""})
        self.assertFalse(form.is_valid())
        self.assertEqual(form.errors["amount"], [str(FUND_NONE_WITH_AMOUNT)])

        record = section_revision(self.evaluation, "totals")
        with self.assertRaisesMessage(ValidationError, str(FUND_NONE_WITH_AMOUNT)):
            save_totals(
                evaluation=self.evaluation,
                actor=self.wangfang,
                revision=record.revision if record else 0,
                summary={},
                fund_types={"government_fund": {"has_spending": False, "amount": Decimal("100"), "narrative": ""}},
            )
        self.assertFalse(FundTypeSpending.objects.filter(evaluation=self.evaluation).exists())
