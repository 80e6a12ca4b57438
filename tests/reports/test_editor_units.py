"""王芳 types her amounts in 万元, as her report states them: every budget page has the choice, labelled on every
amount; what she types is stored as exact 元, her choice is remembered for the next page, and a saved amount comes
back in 万元 without losing a fen."""

from __future__ import annotations

from decimal import Decimal

from django.forms import BaseFormSet
from django.urls import reverse

from budgets.models import BasicSpending, BudgetExecution, ProjectItem, SpendingSummary
from evaluations.forms import AmountField
from evaluations.models import Evaluation, SectionRevision
from tests.reports.test_editor import EditorTestCase

BUDGET_PAGES = ["totals", "basic", "project", "execution"]


class AmountUnitTests(EditorTestCase):
    def evaluation_unit(self) -> str:
        return Evaluation.objects.get(pk=self.evaluation.pk).amount_unit

    def open_in_wan(self, section: str) -> dict[str, str]:
        """The page as it opens once 万元 was chosen: every amount on it in 万元."""
        Evaluation.objects.filter(pk=self.evaluation.pk).update(amount_unit="wan")
        data = self.open(section)
        self.assertEqual((data["unit-amount_unit"], data["unit-typed_in"]), ("wan", "wan"))
        return data

    def test_every_budget_page_offers_the_choice_and_labels_every_amount_with_it(self):
        self.client.force_login(self.wangfang)
        for section in BUDGET_PAGES:
            with self.subTest(section=section):
                response = self.client.get(self.url(section))
                self.assertContains(response, 'name="unit-amount_unit" value="yuan"')
                self.assertContains(response, 'name="unit-amount_unit" value="wan"')
                self.assertContains(response, 'name="unit-typed_in" value="yuan"')
                labels = [
                    str(field.label)
                    for form in response.context["page"].forms.values()
                    for row in (form.forms if isinstance(form, BaseFormSet) else [form])
                    for field in row.fields.values()
                    # Percentages (支付进度, a QuantityField) are not money and keep no unit.
                    if isinstance(field, AmountField) and field.follows_amount_unit
                ]
                self.assertTrue(labels)
                self.assertTrue(all(label.endswith("（元）") for label in labels), labels)
        for section in ("profile", "achievements", "narrative"):
            with self.subTest(section=section):
                self.assertNotContains(self.client.get(self.url(section)), 'name="unit-amount_unit"')

    def test_wangfang_enters_basic_spending_in_wan_and_it_is_stored_to_the_fen(self):
        # What the page's script sends once 王芳 picked 万元: the choice, and the amounts converted (here retyped).
        data = {**self.open("basic"), "unit-amount_unit": "wan", "unit-typed_in": "wan"}
        data.update(
            {
                "basic-personnel-amount": "386.4449",
                "basic-personnel-previous_amount": "471.07",
                "basic-operating-amount": "88.0551",
                "basic-operating-previous_amount": "86.12",
                "check-declared_total": "474.50",
            }
        )
        self.assertEqual(self.client.post(self.url("basic"), data).status_code, 302)
        rows = {row.category: row for row in BasicSpending.objects.filter(evaluation=self.evaluation)}
        self.assertEqual(rows["personnel"].amount, Decimal("3864449.00"))
        self.assertEqual(rows["personnel"].previous_amount, Decimal("4710700.00"))
        self.assertEqual(rows["operating"].amount, Decimal("880551.00"))
        self.assertEqual(self.evaluation_unit(), "wan")

        # Next time every budget page opens in 万元, the saved amounts shown without losing a fen.
        page = self.client.get(self.url("basic"))
        self.assertContains(page, 'value="386.4449"')
        self.assertContains(page, 'value="471.07"')
        self.assertContains(page, "本年决算数（万元）")
        self.assertContains(page, 'name="unit-typed_in" value="wan"')
        self.assertContains(page, "17.96%")  # from the exact 元, not from 386.44 and 471.07
        project = self.client.get(self.url("project"))
        self.assertContains(project, 'value="10.00"')  # 高分子新材料论坛资金, 100000 元
        self.assertContains(project, "决算数（万元）")

    def test_an_amount_that_is_not_exact_in_yuan_is_refused_beside_its_field_and_kept_as_typed(self):
        data = self.open_in_wan("basic")
        data["basic-personnel-amount"] = "386.44491"  # a tenth of a fen is fine: 3864449.10 元
        data["basic-operating-amount"] = "88.0551234"
        data["basic-operating-change_reason"] = "新的原因"
        response = self.client.post(self.url("basic"), data)
        # Beside the field, in the summary, and in the figures panel, which says the amount was left out.
        self.assertContains(response, "以万元填写时最多保留六位小数（到分）。", count=3, status_code=422)
        self.assertContains(response, 'value="386.44491"', status_code=422)
        self.assertContains(response, 'value="88.0551234"', status_code=422)
        self.assertContains(response, "新的原因", status_code=422)
        self.assertContains(response, "日常公用经费 本年决算数（万元）", status_code=422)
        self.assertEqual(
            BasicSpending.objects.get(evaluation=self.evaluation, category="operating").amount, Decimal("880551.00")
        )
        self.assertFalse(SectionRevision.objects.filter(evaluation=self.evaluation).exists())

    def test_without_the_script_a_changed_choice_reads_the_amounts_as_their_labels_said(self):
        # The page showed 元; 王芳 picks 万元 in a browser without JavaScript and saves. The amounts on the page are
        # still 元 (as their labels said): they must not become ten thousand times larger.
        data = self.open("basic")
        data["unit-amount_unit"] = "wan"
        self.assertEqual(data["unit-typed_in"], "yuan")
        self.assertEqual(self.client.post(self.url("basic"), data).status_code, 302)
        self.assertEqual(
            BasicSpending.objects.get(evaluation=self.evaluation, category="personnel").amount, Decimal("3864449.00")
        )
        self.assertEqual(self.evaluation_unit(), "wan")
        self.assertContains(self.client.get(self.url("basic")), 'value="386.4449"')

    def test_a_page_that_does_not_say_its_unit_is_refused(self):
        data = self.open("basic")
        del data["unit-typed_in"]
        response = self.client.post(self.url("basic"), data)
        self.assertContains(response, "页面已损坏（缺少金额单位），请重新打开本页。", status_code=422)
        self.assertFalse(SectionRevision.objects.filter(evaluation=self.evaluation).exists())

    def test_project_items_and_execution_in_wan(self):
        data = self.open_in_wan("project")
        data["items-0-amount"] = "12.345678"
        self.assertEqual(self.client.post(self.url("project"), data).status_code, 302)
        self.assertEqual(
            ProjectItem.objects.get(evaluation=self.evaluation, name="高分子新材料论坛资金").amount,
            Decimal("123456.78"),
        )
        # The other items were shown in 万元 and read back unchanged.
        self.assertEqual(
            ProjectItem.objects.get(evaluation=self.evaluation, name="维稳救助经费").amount, Decimal("161700.00")
        )
        data = self.open("execution")
        self.assertEqual(data["unit-typed_in"], "wan")
        data.update({"execution-basic-full_year_budget": "480", "execution-basic-executed": "474.5"})
        self.assertEqual(self.client.post(self.url("execution"), data).status_code, 302)
        basic = BudgetExecution.objects.get(evaluation=self.evaluation, kind="basic")
        self.assertEqual((basic.full_year_budget, basic.executed), (Decimal("4800000.00"), Decimal("4745000.00")))

    def test_the_totals_in_wan(self):
        data = self.open_in_wan("totals")
        data.update({"summary-total_budget": "1800", "summary-total_spending": "1705.74"})
        self.assertEqual(self.client.post(self.url("totals"), data).status_code, 302)
        summary = SpendingSummary.objects.get(evaluation=self.evaluation)
        self.assertEqual((summary.total_budget, summary.total_spending), (Decimal("18000000"), Decimal("17057400")))

    def test_the_live_figures_read_the_amounts_in_the_unit_the_page_is_in(self):
        data = self.open_in_wan("basic")
        data["basic-personnel-amount"] = "486.4449"
        url = reverse("evaluation_section_figures", args=[self.evaluation.pk, "basic"])
        response = self.client.post(url, data, headers={"HX-Request": "true"})
        self.assertContains(response, "574.50")
