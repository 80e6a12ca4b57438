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

    def test_the_bureau_sees_every_unit_and_year_but_no_draft(self):
        self.set_status(Status.SUBMITTED)
        self.client.force_login(self.chenjing)
        # Queries: session, user, membership, evaluations, units for the grid (no returned report: Django skips
        # the return-reason query for an empty id list).
        with self.assertNumQueries(5):
            response = self.client.get(reverse("home"))
        grid = response.context["grid"]
        self.assertEqual(grid["years"], [2024])
        cells = {row["unit"].name: row["cells"] for row in grid["rows"]}
        self.assertEqual(cells, {self.unit_a.name: [self.evaluation], self.unit_b.name: [None]})
        self.assertContains(response, "未提交")
        self.assertEqual(response.context["waiting"], [self.evaluation])

    def test_unit_staff_can_start_a_new_year_from_their_start_page_and_the_bureau_cannot(self):
        self.client.force_login(self.wangfang)
        self.assertContains(self.client.get(reverse("home")), reverse("evaluation_create"))
        self.client.force_login(self.chenjing)
        self.assertNotContains(self.client.get(reverse("home")), reverse("evaluation_create"))
