"""陈静 opens the 2024 work from her pages and follows it: who has not started, who is late, who was reminded.
王芳 and 李强 see the deadline on their start page; 赵敏's unit is not covered and she sees nothing of it."""

from __future__ import annotations

from datetime import date, datetime
from unittest import mock
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone

from evaluations.campaigns import open_campaign
from evaluations.models import Campaign, Evaluation, Reminder, Unit
from tests.base import SeedTestCase

Status = Evaluation.Status
DEADLINE = date(2025, 4, 30)
BEFORE = date(2025, 4, 20)
AFTER = date(2025, 5, 2)


def on(day: date):
    """Both clocks of these pages moved to ``day``."""
    return mock.patch.multiple("reports.views.campaigns", _today=lambda: day), mock.patch(
        "reports.views.start._today", lambda: day
    )


class CampaignTestCase(SeedTestCase):
    """The seed evaluation is unit A's 2024 report, a draft; unit B has no 2024 report."""

    def open(self, units=None) -> Campaign:
        return open_campaign(
            actor=self.chenjing,
            year=2024,
            deadline=DEADLINE,
            units=units or [self.unit_a, self.unit_b],
            today=date(2025, 3, 1),
        )

    def page(self, day: date, **params):
        first, second = on(day)
        with first, second:
            return self.client.get(reverse("campaign_detail", args=[2024]), params)


class OpeningPageTests(CampaignTestCase):
    def post(self, **data):
        values = {"year": 2024, "deadline": "2099-04-30", "remind_days_before": 3, "coverage": "all", **data}
        return self.client.post(reverse("campaign_open"), values)

    def test_chenjing_opens_the_year_for_every_unit(self):
        self.client.force_login(self.chenjing)
        response = self.post()
        self.assertRedirects(response, reverse("campaign_detail", args=[2024]))
        campaign = Campaign.objects.get()
        self.assertEqual(set(campaign.units.all()), set(Unit.objects.all()))
        self.assertEqual(campaign.opened_by, self.chenjing)

    def test_chenjing_opens_the_year_for_the_units_of_a_region(self):
        self.client.force_login(self.chenjing)
        self.post(coverage="region", region="湖南省株洲市渌口区")
        self.assertEqual(list(Campaign.objects.get().units.all()), [self.unit_a])

    def test_a_region_must_be_chosen_and_a_pick_list_must_not_be_empty(self):
        self.client.force_login(self.chenjing)
        response = self.post(coverage="region")
        self.assertEqual(response.status_code, 422)
        self.assertContains(response, "请选择地区。", status_code=422)
        response = self.post(coverage="pick")
        self.assertContains(response, "请至少选择一个预算单位。", status_code=422)
        self.assertFalse(Campaign.objects.exists())

    def test_a_deadline_in_the_year_evaluated_is_refused_next_to_the_field(self):
        self.client.force_login(self.chenjing)
        response = self.post(deadline="2024-12-01")
        self.assertContains(response, "截止日期应在2024年度结束之后", status_code=422)
        self.assertFalse(Campaign.objects.exists())

    def test_chenjing_edits_the_deadline_and_the_units(self):
        self.open()
        self.client.force_login(self.chenjing)
        self.assertContains(self.client.get(reverse("campaign_edit", args=[2024])), self.unit_b.name)
        response = self.client.post(
            reverse("campaign_edit", args=[2024]),
            {"deadline": "2099-05-31", "remind_days_before": 5, "coverage": "pick", "units": [self.unit_a.pk]},
        )
        self.assertRedirects(response, reverse("campaign_detail", args=[2024]))
        campaign = Campaign.objects.get()
        self.assertEqual((campaign.deadline, campaign.remind_days_before), (date(2099, 5, 31), 5))
        self.assertEqual(list(campaign.units.all()), [self.unit_a])
        self.assertEqual(campaign.changed_by, self.chenjing)

    def test_unit_staff_are_refused_and_visitors_sent_to_sign_in(self):
        self.open()
        for person in (self.wangfang, self.liqiang, self.zhaomin):
            self.client.force_login(person)
            self.assertEqual(self.client.get(reverse("campaign_detail", args=[2024])).status_code, 403)
            self.assertEqual(self.client.post(reverse("campaign_open"), {}).status_code, 403)
        self.client.logout()
        response = self.client.get(reverse("campaign_list"))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("login"), response["Location"])


class UnitStatesTests(CampaignTestCase):
    def states(self, response) -> dict[str, tuple[str, bool]]:
        return {row.unit.name: (row.state, row.overdue) for row in response.context["rows"]}

    def test_before_the_deadline_nobody_is_overdue(self):
        self.open()
        self.client.force_login(self.chenjing)
        response = self.page(BEFORE)
        self.assertEqual(
            self.states(response), {self.unit_a.name: ("draft", False), self.unit_b.name: ("not_started", False)}
        )
        self.assertContains(response, "草稿")
        self.assertContains(response, "未开始")
        self.assertContains(response, "还有 10 天")
        # The bureau sees no draft: the row names the unit without a link to the report.
        self.assertNotContains(response, reverse("evaluation_detail", args=[self.evaluation.pk]))

    def test_after_the_deadline_the_draft_and_the_unstarted_unit_are_overdue_but_a_submitted_one_is_not(self):
        self.open()
        self.client.force_login(self.chenjing)
        response = self.page(AFTER)
        self.assertEqual(
            self.states(response), {self.unit_a.name: ("draft", True), self.unit_b.name: ("not_started", True)}
        )
        self.assertContains(response, "逾期")
        self.set_status(Status.SUBMITTED)
        response = self.page(AFTER)
        self.assertEqual(
            self.states(response), {self.unit_a.name: ("submitted", False), self.unit_b.name: ("not_started", True)}
        )
        self.assertContains(response, reverse("evaluation_detail", args=[self.evaluation.pk]))

    def test_a_returned_report_is_overdue_too(self):
        self.open()
        self.set_status(Status.RETURNED)
        self.client.force_login(self.chenjing)
        self.assertEqual(self.states(self.page(AFTER))[self.unit_a.name], ("returned", True))

    def test_the_page_filters_by_state_and_by_overdue(self):
        self.open()
        self.client.force_login(self.chenjing)
        self.assertEqual(list(self.states(self.page(BEFORE, state="not_started"))), [self.unit_b.name])
        self.assertEqual(list(self.states(self.page(BEFORE, state="draft"))), [self.unit_a.name])
        self.assertEqual(list(self.states(self.page(BEFORE, state="overdue"))), [])
        self.set_status(Status.APPROVED)
        response = self.page(AFTER, state="overdue")
        self.assertEqual(list(self.states(response)), [self.unit_b.name])
        filters = {key: count for key, _label, count in response.context["filters"]}
        self.assertEqual((filters[""], filters["approved"], filters["overdue"], filters["draft"]), (2, 1, 1, 0))

    def test_the_page_shows_when_each_unit_was_reminded(self):
        campaign = self.open()
        sent = datetime(2025, 4, 27, 8, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
        Reminder.objects.create(campaign=campaign, unit=self.unit_b, step="before", sent_at=sent, recipients="z@x")
        self.client.force_login(self.chenjing)
        response = self.page(BEFORE)
        rows = {row.unit.name: row for row in response.context["rows"]}
        self.assertEqual(rows[self.unit_b.name].reminded_before, sent)
        self.assertIsNone(rows[self.unit_a.name].reminded_before)
        self.assertContains(response, "2025-04-27 08:30")

    def test_the_query_count_does_not_grow_with_the_units(self):
        self.open()
        campaign = Campaign.objects.get()
        self.client.force_login(self.chenjing)
        for units in (2, 122):
            if units > 2:
                new = Unit.objects.bulk_create([Unit(name=f"测试单位{n:03}") for n in range(120)])
                Evaluation.objects.bulk_create([Evaluation(unit=unit, year=2024) for unit in new[:60]])
                campaign.coverage.bulk_create([campaign.coverage.model(campaign=campaign, unit=unit) for unit in new])
            # session, user, membership (access); the campaign with its outline, scheme and people; the count of
            # units by state (the filters); the paginator's count; the page of units with their state, report and
            # reminders (subqueries).
            with self.subTest(units=units), self.assertNumQueries(7):
                response = self.page(AFTER)
            self.assertEqual(len(response.context["rows"]), min(units, 50))
        self.assertEqual(response.context["page"].paginator.num_pages, 3)

    def test_the_list_shows_every_year(self):
        self.open()
        self.client.force_login(self.admin)
        response = self.client.get(reverse("campaign_list"))
        self.assertContains(response, "2024年度绩效自评工作")
        self.assertContains(response, "2025-04-30")


class StartPageTests(CampaignTestCase):
    def home(self, day: date):
        first, second = on(day)
        with first, second:
            return self.client.get(reverse("home"))

    def test_wangfang_sees_the_deadline_and_the_days_left(self):
        self.open()
        self.client.force_login(self.wangfang)
        response = self.home(BEFORE)
        self.assertContains(response, "2024年度绩效自评工作")
        self.assertContains(response, "截止日期 2025-04-30")
        self.assertContains(response, "还有 10 天")
        self.assertNotContains(response, "已逾期")

    def test_liqiang_sees_his_unit_overdue_until_it_is_submitted(self):
        self.open()
        self.client.force_login(self.liqiang)
        self.assertContains(self.home(AFTER), "已逾期")
        self.set_status(Status.SUBMITTED)
        response = self.home(AFTER)
        self.assertNotContains(response, "已逾期")
        self.assertContains(response, "2024年度绩效自评工作")

    def test_zhaomin_sees_nothing_when_no_campaign_covers_her_unit(self):
        self.open(units=[self.unit_a])
        self.client.force_login(self.zhaomin)
        response = self.home(BEFORE)
        self.assertEqual(response.context["deadlines"], [])
        self.assertNotContains(response, "截止日期")

    def test_the_start_page_costs_one_query_more_for_the_deadlines(self):
        self.open()
        self.client.force_login(self.wangfang)
        for reports in (1, 2):
            if reports == 2:
                Evaluation.objects.create(unit=self.unit_a, year=2023)
            # session, user, membership; the unit's reports; the open campaigns covering the unit (the deadlines: the
            # one query this adds); completeness: the outline choices (the bureau's assignments, the campaigns'
            # outlines for these units and years), the twelve report lists, and the scores of all the reports at
            # once (reports.completeness.SCORE_QUERIES less the frozen schemes: none is published); the header's unit.
            with self.subTest(reports=reports), self.assertNumQueries(34):
                response = self.home(BEFORE)
            self.assertEqual(len(response.context["deadlines"]), 1)


class AdminTests(CampaignTestCase):
    def test_the_administrator_reads_a_campaign_and_its_reminders_but_changes_them_on_the_bureaus_pages(self):
        campaign = self.open()
        Reminder.objects.create(
            campaign=campaign, unit=self.unit_b, step="before", sent_at=timezone.now(), recipients="z@x"
        )
        self.client.force_login(self.admin)
        self.assertEqual(
            self.client.get(reverse("admin:evaluations_campaign_change", args=[campaign.pk])).status_code, 200
        )
        self.assertContains(self.client.get(reverse("admin:evaluations_reminder_changelist")), self.unit_b.name)
        self.assertEqual(self.client.get(reverse("admin:evaluations_campaign_add")).status_code, 403)


class DepartmentReviewCheckboxTests(CampaignTestCase):
    def test_chenjing_asks_for_the_departments_review_on_the_campaign_form_and_sees_it_on_the_page(self):
        self.open()
        self.client.force_login(self.chenjing)
        self.assertContains(self.client.get(reverse("campaign_edit", args=[2024])), "须经主管部门审核")
        response = self.client.post(
            reverse("campaign_edit", args=[2024]),
            {
                "deadline": "2099-05-31",
                "remind_days_before": 3,
                "coverage": "pick",
                "units": [self.unit_a.pk],
                "requires_department_review": "on",
            },
        )
        self.assertRedirects(response, reverse("campaign_detail", args=[2024]))
        self.assertTrue(Campaign.objects.get().requires_department_review)
        self.assertContains(self.page(date(2025, 3, 1)), "有主管部门的单位须经主管部门审核后才能公开")
        # Unchecked, the form turns it off again.
        self.client.post(
            reverse("campaign_edit", args=[2024]),
            {"deadline": "2099-05-31", "remind_days_before": 3, "coverage": "pick", "units": [self.unit_a.pk]},
        )
        self.assertFalse(Campaign.objects.get().requires_department_review)
