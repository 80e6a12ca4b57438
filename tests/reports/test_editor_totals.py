"""王芳's report states totals the seed never gave: 预算安排, 实际支出合计, basic and project spending as totals, and
what the unit spent from the three other budgets. She enters them on the 支出总体情况和其他预算 page: each figure
optional, blank saved as unknown and 0 as 0, a contradictory answer refused beside its field with nothing typed
lost, and a stated total that disagrees with its parts shown with both figures."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from budgets.models import BasicSpending, FundTypeSpending, SpendingSummary
from evaluations.models import Evaluation, SectionRevision
from tests.reports.test_editor import EditorTestCase


class TotalsPageTests(EditorTestCase):
    def fund(self, fund_type: str) -> FundTypeSpending | None:
        return FundTypeSpending.objects.filter(evaluation=self.evaluation, fund_type=fund_type).first()

    def test_the_page_is_in_the_navigation_between_the_profile_and_basic_spending(self):
        self.client.force_login(self.wangfang)
        html = self.client.get(self.url("profile")).content.decode()
        positions = [html.index(f'href="{self.url(section)}"') for section in ("profile", "totals", "basic")]
        self.assertEqual(positions, sorted(positions))
        self.assertIn("支出总体情况和其他预算", html)

    def test_every_section_is_linked_now_that_the_report_wording_has_its_page(self):
        self.client.force_login(self.wangfang)
        response = self.client.get(self.url("totals"))
        self.assertNotContains(response, "nav-link disabled")
        self.assertContains(response, f'href="{self.url("texts")}">报告文字</a>')

    def test_wangfang_states_the_totals_and_the_other_budgets(self):
        data = self.open("totals")
        data.update(
            {
                "summary-total_budget": "18000000",
                "summary-total_spending": "17057400.00",
                "summary-basic_total": "4745000",
                "summary-project_total": "12312400",
                "fund-government_fund-has_spending": "no",
                "fund-state_capital-has_spending": "yes",
                "fund-state_capital-amount": "0.5",
                "fund-state_capital-narrative": "用于国有企业改革。",
            }
        )
        response = self.client.post(self.url("totals"), data)
        self.assertRedirects(response, self.url("totals"), fetch_redirect_response=False)
        summary = SpendingSummary.objects.get(evaluation=self.evaluation)
        self.assertEqual(
            (summary.total_budget, summary.total_spending, summary.basic_total, summary.project_total),
            (Decimal("18000000"), Decimal("17057400"), Decimal("4745000"), Decimal("12312400")),
        )
        self.assertEqual(
            (self.fund("government_fund").has_spending, self.fund("government_fund").amount), (False, None)
        )
        state_capital = self.fund("state_capital")
        self.assertEqual(
            (state_capital.has_spending, state_capital.amount, state_capital.narrative),
            (True, Decimal("0.50"), "用于国有企业改革。"),
        )
        # Nobody said anything about 社会保险基金: no row, unknown.
        self.assertIsNone(self.fund("social_insurance"))
        record = SectionRevision.objects.get(evaluation=self.evaluation, section="totals")
        self.assertEqual((record.revision, record.saved_by), (1, self.wangfang))

        page = self.client.get(self.url("totals"))
        self.assertContains(page, "已保存")
        self.assertContains(page, 'value="18,000,000.00"')
        self.assertEqual(page.context["page"].forms["government_fund"]["has_spending"].value(), "no")
        self.assertContains(page, 'value="no"  id="id_fund-government_fund-has_spending_1" checked')
        self.assertContains(page, "94.76%")  # 1705.74 of 1800.00, from budgets.figures
        self.assertNotContains(page, "total-mismatch")

    def test_blank_is_saved_as_unknown_and_zero_as_zero(self):
        SpendingSummary.objects.create(evaluation=self.evaluation, total_budget=1, total_spending=2)
        data = self.open("totals")
        data["summary-total_budget"] = ""
        data["summary-total_spending"] = "0"
        self.assertEqual(self.client.post(self.url("totals"), data).status_code, 302)
        summary = SpendingSummary.objects.get(evaluation=self.evaluation)
        self.assertEqual((summary.total_budget, summary.total_spending), (None, Decimal("0")))
        self.assertEqual((summary.basic_total, summary.project_total), (None, None))
        self.assertFalse(FundTypeSpending.objects.filter(evaluation=self.evaluation).exists())

    def test_a_page_left_blank_writes_no_rows(self):
        self.assertEqual(self.client.post(self.url("totals"), self.open("totals")).status_code, 302)
        self.assertFalse(SpendingSummary.objects.filter(evaluation=self.evaluation).exists())
        self.assertFalse(FundTypeSpending.objects.filter(evaluation=self.evaluation).exists())

    def test_contradictory_answers_are_refused_beside_their_fields_and_nothing_typed_is_lost(self):
        data = self.open("totals")
        data.update(
            {
                "summary-total_budget": "18000000",
                "fund-government_fund-amount": "30000",  # an amount, but no answer
                "fund-state_capital-has_spending": "no",
                "fund-state_capital-amount": "1000",
                "fund-state_capital-narrative": "本单位无国有资本经营预算支出。",
                "fund-social_insurance-has_spending": "yes",
                "fund-social_insurance-amount": "0",
            }
        )
        response = self.client.post(self.url("totals"), data)
        self.assertEqual(response.status_code, 422)
        for message in (
            "填写了金额或说明，请选择“有支出”。",
            "已选择“本单位无此项支出”，金额请留空。",
            "已选择“本单位无此项支出”，报告会写明这一句，说明请留空。",
            "金额为0：没有支出请选择“本单位无此项支出”，有支出请填写实际金额。",
        ):
            # Beside the field and in the summary at the top.
            self.assertContains(response, message, count=2, status_code=422)
        self.assertContains(response, "政府性基金预算 本年是否有此项支出", status_code=422)
        self.assertContains(response, 'value="30000"', status_code=422)
        self.assertContains(response, "本单位无国有资本经营预算支出。", status_code=422)
        self.assertContains(response, 'value="18000000"', status_code=422)
        self.assertFalse(SpendingSummary.objects.filter(evaluation=self.evaluation).exists())
        self.assertFalse(FundTypeSpending.objects.filter(evaluation=self.evaluation).exists())
        self.assertFalse(SectionRevision.objects.filter(evaluation=self.evaluation, section="totals").exists())

    def test_a_stated_total_that_disagrees_with_its_parts_is_shown_with_both_figures(self):
        data = self.open("totals")
        data.update(
            {
                "summary-total_spending": "17000000",
                "summary-basic_total": "4745500",  # the split on the basic page sums to 4745000.00
            }
        )
        # Saved: the parts may still be being entered on their own pages; submission is what refuses it.
        self.assertEqual(self.client.post(self.url("totals"), data).status_code, 302)
        page = self.client.get(self.url("totals"))
        self.assertContains(
            page,
            "基本支出合计 4745500.00 元（474.55 万元）与“基本支出”页人员经费与日常公用经费之和 4745000.00 元"
            "（474.50 万元）不一致，相差 500.00 元。",
        )
        # 实际支出合计 against the stated basic total and the project items: 474.55 + 1231.24 = 1705.79.
        self.assertContains(
            page,
            "实际支出合计 17000000.00 元（1700.00 万元）与基本支出与项目支出之和 17057900.00 元（1705.79 万元）"
            "不一致，相差 -57900.00 元。",
        )
        # The project total was not stated: nothing to disagree with.
        self.assertContains(page, '<div id="mismatch-project_total"></div>', html=True)

    def test_a_total_without_parts_contradicts_nothing(self):
        BasicSpending.objects.filter(evaluation=self.evaluation, category="operating").update(amount=None)
        data = self.open("totals")
        data["summary-basic_total"] = "5000000"
        self.client.post(self.url("totals"), data)
        self.assertNotContains(self.client.get(self.url("totals")), "total-mismatch")

    def test_the_live_figures_follow_the_typing_and_replace_the_warnings_beside_the_fields(self):
        data = self.open("totals")
        data["summary-total_budget"] = "20000000"
        data["summary-project_total"] = "12000000"
        url = reverse("evaluation_section_figures", args=[self.evaluation.pk, "totals"])
        html = self.client.post(url, data, headers={"HX-Request": "true"}).content.decode()
        self.assertIn("1674.50", html)  # 474.50 + 1200.00: the stated project total before the items
        self.assertIn("83.73%", html)  # 1674.50 of 2000.00
        self.assertIn('id="mismatch-project_total" hx-swap-oob="true"', html)
        self.assertIn("项目支出合计 12000000.00 元（1200.00 万元）", html)
        self.assertIn('id="mismatch-basic_total" hx-swap-oob="true"></div>', html)
        self.assertFalse(SpendingSummary.objects.filter(evaluation=self.evaluation).exists())

    def test_the_overview_states_each_total_as_the_unit_gave_it(self):
        SpendingSummary.objects.create(evaluation=self.evaluation, total_budget=Decimal("18000000"))
        self.client.force_login(self.wangfang)
        response = self.client.get(reverse("evaluation_detail", args=[self.evaluation.pk]))
        self.assertContains(response, "1800.00")
        self.assertContains(response, "1705.74")
        self.assertContains(response, "支出占预算 94.76%")

    def test_an_overview_with_nothing_entered_states_no_zeros(self):
        empty = Evaluation.objects.create(unit=self.unit_a, year=2025)
        BasicSpending.objects.create(evaluation=empty, category="personnel", previous_amount=Decimal("3864449"))
        self.client.force_login(self.wangfang)
        response = self.client.get(reverse("evaluation_detail", args=[empty.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, '<div class="fs-4">—</div>', count=4, html=False)
        self.assertNotContains(response, "0.00")


class TotalsQueryCountTests(EditorTestCase):
    def test_saving_the_page_costs_a_fixed_number_of_queries(self):
        # The first save also creates the section's revision row: measure the saves after it.
        data = self.open("totals")
        data["summary-total_budget"] = "1"
        data["fund-government_fund-has_spending"] = "no"
        self.client.post(self.url("totals"), data)
        data = self.open("totals")
        data.update(
            {
                "unit-amount_unit": "wan",
                "unit-typed_in": "wan",
                "summary-total_budget": "1800",
                "summary-total_spending": "1705.74",
                "fund-government_fund-has_spending": "yes",
                "fund-government_fund-amount": "3",
                "fund-state_capital-has_spending": "no",
                "fund-social_insurance-has_spending": "no",
            }
        )
        # session, user, membership, evaluation (access); the page: summary, fund-type rows; savepoint; lock the
        # evaluation; the section's revision; summary again, update it (+ history); fund-type rows again, update the
        # changed one (+ history), create the new ones (+ history); remember 万元 (+ history); revision update;
        # updated_at; release savepoint. The parts the totals are checked against are read only to show the page.
        with self.assertNumQueries(22):
            response = self.client.post(self.url("totals"), data)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(FundTypeSpending.objects.filter(evaluation=self.evaluation).count(), 3)
        self.assertEqual(SpendingSummary.objects.get(evaluation=self.evaluation).total_spending, Decimal("17057400.00"))
        # Saving again what is saved writes nothing but the revision and updated_at: 22 less 8.
        data = self.open("totals")
        with self.assertNumQueries(14):
            self.assertEqual(self.client.post(self.url("totals"), data).status_code, 302)
