"""王芳 starts 2025 from 2024: what carries over is copied, what happens during the year starts empty."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.urls import reverse

from achievements.models import Indicator, Theme
from budgets.models import BasicSpending, BudgetExecution, FundSource, FundTypeSpending, ProjectItem, SpendingSummary
from evaluations.models import Duty, Evaluation, Office, StaffingLine
from reports.services import create_evaluation
from tests.base import SeedTestCase


class NewYearServiceTests(SeedTestCase):
    def test_2025_copies_the_profile_and_fills_last_years_amounts_from_2024(self):
        new = create_evaluation(unit=self.unit_a, year=2025, actor=self.wangfang)
        self.assertEqual((new.year, new.status, new.mandate), (2025, "draft", "主管全区科技、工业和信息化"))
        self.assertEqual(Duty.objects.filter(evaluation=new).count(), 16)
        self.assertEqual(
            list(Office.objects.filter(evaluation=new).values_list("name", flat=True)),
            ["办公室", "政策法规股", "经济运行股", "企业发展促进股", "科技成果股", "科技创新股"],
        )
        self.assertEqual(
            list(StaffingLine.objects.filter(evaluation=new).values_list("establishment_type", "actual")),
            [("行政编制", None), ("全额财政拨款事业编制", None)],
        )
        basic = {row.category: row for row in BasicSpending.objects.filter(evaluation=new)}
        self.assertEqual(basic["personnel"].previous_amount, Decimal("3864449.00"))
        self.assertEqual(basic["operating"].previous_amount, Decimal("880551.00"))
        self.assertEqual((basic["personnel"].amount, basic["personnel"].change_reason), (None, ""))
        self.assertEqual(
            list(FundSource.objects.filter(evaluation=new).values_list("name", flat=True)),
            ["区本级专项资金", "省市下达项目资金", "新开指标其他项目经费"],
        )
        self.assertFalse(ProjectItem.objects.filter(evaluation=new).exists())
        # A blank line for each of 基本支出, 项目支出 and the three sources of funds.
        self.assertEqual(BudgetExecution.objects.filter(evaluation=new, executed__isnull=True).count(), 5)
        themes = list(Theme.objects.filter(evaluation=new))
        self.assertEqual([t.title for t in themes][:2], ["工业运行稳中有进", "创新能力再上台阶"])
        self.assertTrue(all(t.body == "" for t in themes))
        loan = Indicator.objects.get(evaluation=new, name="知识价值信用贷款")
        self.assertEqual(
            (loan.target, loan.actual, loan.deviation_reason, loan.ranking), (Decimal("20000"), None, "", "")
        )
        self.assertEqual(loan.theme.title, "创新能力再上台阶")
        self.assertEqual(loan.theme.evaluation_id, new.pk)
        self.assertEqual((new.problems, new.measures, new.results_use, new.signature_date), ("", "", "", None))
        # 2024 itself is untouched.
        self.assertEqual(Duty.objects.filter(evaluation=self.evaluation).count(), 16)
        self.assertEqual(Indicator.objects.get(evaluation=self.evaluation, name="知识价值信用贷款").actual, 11400)

    def test_what_carries_over_is_copied_and_what_belongs_to_the_year_starts_unknown(self):
        Office.objects.filter(evaluation=self.evaluation, name="科技创新股").update(group="二级机构")
        StaffingLine.objects.filter(evaluation=self.evaluation, establishment_type="行政编制").update(approved=10)
        Evaluation.objects.filter(pk=self.evaluation.pk).update(
            staffing_authority="区编委",
            staff_on_roll=21,
            staffing_date=date(2024, 12, 31),
            amount_unit="wan",
            no_spending_note="本单位无政府性基金预算、国有资本经营预算和社会保险基金预算支出。",
        )
        SpendingSummary.objects.create(evaluation=self.evaluation, total_budget=Decimal("18000000"))
        FundTypeSpending.objects.create(evaluation=self.evaluation, fund_type="government_fund", has_spending=False)
        # 2024's operating costs were never entered: 2025 does not learn a last-year amount from nothing.
        BasicSpending.objects.filter(evaluation=self.evaluation, category="operating").update(amount=None)

        new = create_evaluation(unit=self.unit_a, year=2025, actor=self.wangfang)

        self.assertEqual(
            list(Office.objects.filter(evaluation=new).values_list("group", "name"))[-2:],
            [("内设机构", "科技成果股"), ("二级机构", "科技创新股")],
        )
        self.assertEqual(
            list(StaffingLine.objects.filter(evaluation=new).values_list("establishment_type", "approved", "actual")),
            [("行政编制", 10, None), ("全额财政拨款事业编制", None, None)],
        )
        self.assertEqual((new.staffing_authority, new.amount_unit), ("区编委", "wan"))
        # Figures of the year itself: unknown, never zero, never last year's.
        self.assertEqual(
            (
                new.staff_on_roll,
                new.staffing_date,
                new.staff_transferred_in,
                new.staff_transferred_out,
                new.staff_retired,
                new.retirees_deceased,
                new.no_spending_note,
            ),
            (None, None, None, None, None, None, ""),
        )
        self.assertFalse(SpendingSummary.objects.filter(evaluation=new).exists())
        self.assertFalse(FundTypeSpending.objects.filter(evaluation=new).exists())
        basic = {row.category: row for row in BasicSpending.objects.filter(evaluation=new)}
        self.assertEqual(basic["personnel"].previous_amount, Decimal("3864449.00"))
        self.assertIsNone(basic["operating"].previous_amount)
        self.assertEqual({row.amount for row in basic.values()}, {None})

    def test_without_a_previous_year_it_starts_empty(self):
        new = create_evaluation(unit=self.unit_b, year=2025, actor=self.zhaomin)
        self.assertEqual((new.mandate, new.staffing_authority, new.amount_unit), ("", "", "yuan"))
        self.assertFalse(Duty.objects.filter(evaluation=new).exists())
        self.assertEqual(
            sorted(BasicSpending.objects.filter(evaluation=new).values_list("category", "previous_amount")),
            # Unknown, not zero: nobody has said what the unit spent last year.
            [("operating", None), ("personnel", None)],
        )
        self.assertEqual(
            sorted(BudgetExecution.objects.filter(evaluation=new).values_list("kind", flat=True)),
            ["basic", "carryover", "fiscal", "other", "project"],
        )
        self.assertFalse(Theme.objects.filter(evaluation=new).exists())

    def test_a_year_that_exists_is_refused_and_nothing_is_written(self):
        before = Evaluation.objects.count()
        with self.assertRaisesMessage(ValidationError, "2024年度的绩效自评已经存在。"):
            create_evaluation(unit=self.unit_a, year=2024, actor=self.wangfang)
        self.assertEqual(Evaluation.objects.count(), before)
        self.assertEqual(Duty.objects.count(), 16)


class NewYearViewTests(SeedTestCase):
    def test_wangfang_creates_2025_for_her_own_unit(self):
        self.set_status("submitted")
        self.client.force_login(self.wangfang)
        page = self.client.get(reverse("evaluation_create"))
        self.assertContains(page, 'value="2025"')
        response = self.client.post(reverse("evaluation_create"), {"year": "2025"})
        new = Evaluation.objects.get(unit=self.unit_a, year=2025)
        self.assertRedirects(response, reverse("evaluation_detail", args=[new.pk]), fetch_redirect_response=False)

    def test_the_overview_offers_the_next_year_once_this_year_is_handed_over_and_until_it_exists(self):
        self.client.force_login(self.wangfang)
        overview = reverse("evaluation_detail", args=[self.evaluation.pk])
        # A draft (or a report returned to the unit) is not finished: no next year yet.
        for status in ("draft", "returned"):
            self.set_status(status)
            self.assertNotContains(self.client.get(overview), "新建2025年度")
        for status in ("submitted", "approved", "dept_approved", "published"):
            self.set_status(status)
            self.assertContains(self.client.get(overview), "新建2025年度")
        create_evaluation(unit=self.unit_a, year=2025, actor=self.wangfang)
        self.assertNotContains(self.client.get(overview), "新建2025年度")

    def test_the_next_year_is_refused_while_this_year_is_a_draft_and_nothing_is_created(self):
        self.client.force_login(self.wangfang)
        # Said on the page before she tries.
        form_page = self.client.get(reverse("evaluation_create"))
        self.assertContains(form_page, "2024年度的绩效自评尚未提交（当前状态：草稿）")
        response = self.client.post(reverse("evaluation_create"), {"year": "2025"})
        self.assertContains(
            response, "2024年度的绩效自评尚未提交（当前状态：草稿）。请先完成并提交2024年度，再新建2025年度。"
        )
        self.assertFalse(Evaluation.objects.filter(year=2025).exists())
        # A year with no report the year before starts from nothing, as before.
        self.client.post(reverse("evaluation_create"), {"year": "2030"})
        self.assertTrue(Evaluation.objects.filter(unit=self.unit_a, year=2030).exists())

    def test_the_new_years_basic_spending_page_shows_blanks_not_zeros(self):
        self.set_status("submitted")
        self.client.force_login(self.wangfang)
        self.client.post(reverse("evaluation_create"), {"year": "2025"})
        new = Evaluation.objects.get(unit=self.unit_a, year=2025)
        page = self.client.get(reverse("evaluation_section", args=[new.pk, "basic"]))
        # This year's amounts are blank; last year's come from 2024, shown as they are read back.
        self.assertContains(page, '<input type="text" name="basic-personnel-amount" inputmode="decimal"', html=False)
        self.assertNotContains(page, 'name="basic-personnel-amount" value')
        self.assertContains(page, 'name="basic-personnel-previous_amount" value="3,864,449.00"')
        # Without this year's amount there is no change to state: "—", never −100.00%.
        self.assertNotContains(page, "100.00%")
        personnel = page.context["page"].figures().lines[0]
        self.assertIsNone(personnel.amount)
        self.assertIsNone(personnel.change.rate)

    def test_a_duplicate_year_is_shown_beside_the_field(self):
        self.client.force_login(self.wangfang)
        response = self.client.post(reverse("evaluation_create"), {"year": "2024"})
        self.assertContains(response, "2024年度的绩效自评已经存在。")

    def test_the_bureau_and_the_administrator_have_no_unit_to_start_for(self):
        for person in (self.chenjing, self.admin):
            self.client.force_login(person)
            self.assertEqual(self.client.post(reverse("evaluation_create"), {"year": "2025"}).status_code, 403)
        self.assertFalse(Evaluation.objects.filter(year=2025).exists())

    def test_zhaomin_creates_for_her_unit_only(self):
        self.client.force_login(self.zhaomin)
        self.client.post(reverse("evaluation_create"), {"year": "2025"})
        self.assertTrue(Evaluation.objects.filter(unit=self.unit_b, year=2025).exists())
        self.assertFalse(Evaluation.objects.filter(unit=self.unit_a, year=2025).exists())
