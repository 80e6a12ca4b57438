"""Each role's start page shows what waits for them first."""

from __future__ import annotations

from django.urls import reverse

from evaluations.models import Evaluation
from reports import workflow
from tests.base import SeedTestCase

Status = Evaluation.Status


class StartPageTests(SeedTestCase):
    scoreable = True

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.other_draft = Evaluation.objects.create(unit=cls.unit_b, year=2024)

    def waiting(self, user) -> list[Evaluation]:
        self.client.force_login(user)
        response = self.client.get(reverse("home"))
        self.assertEqual(response.status_code, 200)
        return response.context["waiting"]

    def test_wangfang_sees_her_draft_and_later_the_returned_report_with_its_reason(self):
        self.assertEqual(self.waiting(self.wangfang), [self.evaluation])
        workflow.submit(evaluation=self.evaluation, actor=self.wangfang)
        self.assertEqual(self.waiting(self.wangfang), [])
        workflow.return_for_revision(evaluation=self.evaluation, actor=self.liqiang, reason="请补充预算执行数")
        self.assertEqual(self.waiting(self.wangfang), [self.evaluation])
        response = self.client.get(reverse("home"))
        self.assertContains(response, "请补充预算执行数")
        self.assertContains(response, "已完成")  # completeness of the sections

    def test_liqiang_sees_what_waits_for_his_review(self):
        self.assertEqual(self.waiting(self.liqiang), [])
        workflow.submit(evaluation=self.evaluation, actor=self.wangfang)
        self.assertEqual(self.waiting(self.liqiang), [self.evaluation])
        self.assertContains(self.client.get(reverse("home")), reverse("workflow_review", args=[self.evaluation.pk]))

    def test_the_bureau_sees_every_unit_with_its_state_but_no_draft(self):
        self.set_status(Status.SUBMITTED)
        self.client.force_login(self.chenjing)
        response = self.client.get(reverse("home"))
        states = {row["name"]: row["state"] for row in response.context["overview"]["page"].object_list}
        # Unit B's draft is 未提交 to the bureau, as if there were no report (tests/reports/test_bureau_start.py).
        self.assertEqual(states, {self.unit_a.name: Status.SUBMITTED, self.unit_b.name: "not_submitted"})
        self.assertContains(response, "未提交")
        self.assertContains(response, reverse("workflow_review", args=[self.evaluation.pk]))

    def test_unit_staff_can_start_a_new_year_from_their_start_page_and_the_bureau_cannot(self):
        self.client.force_login(self.wangfang)
        self.assertContains(self.client.get(reverse("home")), reverse("evaluation_create"))
        self.client.force_login(self.chenjing)
        self.assertNotContains(self.client.get(reverse("home")), reverse("evaluation_create"))
