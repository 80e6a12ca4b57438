"""The department's review (主管部门审核): when the year's campaign asks for it, 周伟 passes (or returns) unit A's
approved report before 李强 may publish it; when it does not, nothing changes for the unit."""

from __future__ import annotations

from datetime import date

from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from evaluations.campaigns import open_campaign
from evaluations.models import Evaluation, Publication, StatusChange
from reports import workflow
from tests.base import DepartmentSeedTestCase
from tests.reports.workflow_support import TemporaryPublicationsStore, fake_rendering

Status = Evaluation.Status


class DepartmentReviewTests(TemporaryPublicationsStore, DepartmentSeedTestCase):
    scoreable = True

    def open_year(self, *, requires_department_review: bool) -> None:
        open_campaign(
            actor=self.chenjing,
            year=self.evaluation.year,
            deadline=date(2025, 5, 31),
            units=[self.unit_a, self.unit_b],
            today=date(2025, 1, 1),
            requires_department_review=requires_department_review,
        )

    def approved_by_the_unit(self) -> Evaluation:
        workflow.submit(evaluation=self.evaluation, actor=self.wangfang)
        workflow.approve(evaluation=self.evaluation, actor=self.liqiang)
        mail.outbox.clear()
        return self.fresh()

    def fresh(self) -> Evaluation:
        # A new object each time: the review requirement is remembered on the object for one request's guards.
        return Evaluation.objects.select_related("unit").get(pk=self.evaluation.pk)

    # -- Not required -------------------------------------------------------------------------------------------
    def test_without_the_requirement_liqiang_publishes_right_after_approving_and_zhouwei_has_no_step(self):
        self.open_year(requires_department_review=False)
        evaluation = self.approved_by_the_unit()
        self.assertEqual(workflow.allowed_actions(evaluation, self.zhouwei), [])
        with self.assertRaisesMessage(ValidationError, str(workflow.NO_DEPARTMENT_REVIEW)):
            workflow.department_approve(evaluation=evaluation, actor=self.zhouwei)
        with self.assertRaisesMessage(ValidationError, str(workflow.NOT_ALLOWED_ROLE)):
            workflow.return_for_revision(evaluation=evaluation, actor=self.zhouwei, reason="请补充")
        with fake_rendering():
            workflow.publish(evaluation=self.fresh(), actor=self.liqiang)
        self.assertEqual(self.fresh().status, Status.PUBLISHED)

    def test_a_unit_without_department_is_not_held_up_by_the_requirement(self):
        self.open_year(requires_department_review=True)
        self.unit_a.parent = None
        self.unit_a.save(update_fields=["parent"])
        evaluation = self.approved_by_the_unit()
        self.assertIn("publish", workflow.allowed_actions(evaluation, self.liqiang))

    # -- Required ------------------------------------------------------------------------------------------------
    def test_approving_tells_the_department_that_the_report_waits_for_it(self):
        self.open_year(requires_department_review=True)
        workflow.submit(evaluation=self.evaluation, actor=self.wangfang)
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            workflow.approve(evaluation=self.evaluation, actor=self.liqiang)
        to_department = [message for message in mail.outbox if "待主管部门审核" in message.subject]
        self.assertEqual([message.to for message in to_department], [["zhouwei@example.invalid"]])
        self.assertIn(f"/app/evaluations/{self.evaluation.pk}/", to_department[0].body)

    def test_liqiang_cannot_publish_before_the_department_has_passed_the_report(self):
        self.open_year(requires_department_review=True)
        evaluation = self.approved_by_the_unit()
        changes = StatusChange.objects.count()
        self.assertNotIn("publish", workflow.allowed_actions(evaluation, self.liqiang))
        with fake_rendering(), self.assertRaisesMessage(ValidationError, str(workflow.DEPARTMENT_REVIEW_PENDING)):
            workflow.publish(evaluation=evaluation, actor=self.liqiang)
        self.assertEqual(self.fresh().status, Status.APPROVED)
        self.assertEqual(StatusChange.objects.count(), changes)
        self.assertFalse(Publication.objects.exists())

    def test_zhouwei_passes_the_report_and_liqiang_then_publishes_it(self):
        self.open_year(requires_department_review=True)
        evaluation = self.approved_by_the_unit()
        self.assertEqual(workflow.allowed_actions(evaluation, self.zhouwei), ["department_approve", "return"])
        with self.captureOnCommitCallbacks(execute=True):
            workflow.department_approve(evaluation=evaluation, actor=self.zhouwei, comment="同意公开")
        change = StatusChange.objects.latest("at", "id")
        self.assertEqual(
            (change.actor, change.from_status, change.to_status, change.comment),
            (self.zhouwei, Status.APPROVED, Status.DEPT_APPROVED, "同意公开"),
        )
        self.assertEqual(
            sorted(address for message in mail.outbox for address in message.to),
            ["liqiang@example.invalid", "wangfang@example.invalid"],
        )
        self.assertIn("主管部门已审核", mail.outbox[0].subject)
        self.assertIn("publish", workflow.allowed_actions(self.fresh(), self.liqiang))
        with fake_rendering():
            workflow.publish(evaluation=self.fresh(), actor=self.liqiang)
        self.assertEqual(self.fresh().status, Status.PUBLISHED)

    def test_the_units_own_head_and_another_department_cannot_take_the_departments_step(self):
        self.open_year(requires_department_review=True)
        self.approved_by_the_unit()
        for person in (self.liqiang, self.sunli, self.chenjing, self.wangfang):
            with (
                self.subTest(person=person.username),
                self.assertRaisesMessage(ValidationError, str(workflow.NOT_ALLOWED_ROLE)),
            ):
                workflow.department_approve(evaluation=self.fresh(), actor=person)
        self.assertEqual(self.fresh().status, Status.APPROVED)
        self.assertFalse(StatusChange.objects.filter(to_status=Status.DEPT_APPROVED).exists())

    def test_zhouwei_cannot_pass_a_report_the_unit_has_not_approved(self):
        self.open_year(requires_department_review=True)
        workflow.submit(evaluation=self.evaluation, actor=self.wangfang)
        with self.assertRaisesMessage(ValidationError, str(workflow.NOT_FOR_DEPARTMENT)):
            workflow.department_approve(evaluation=self.fresh(), actor=self.zhouwei)
        with self.assertRaisesMessage(ValidationError, str(workflow.NOT_RETURNABLE)):
            workflow.return_for_revision(evaluation=self.fresh(), actor=self.zhouwei, reason="请补充")

    def test_zhouwei_returns_the_report_to_the_unit_with_a_reason(self):
        self.open_year(requires_department_review=True)
        evaluation = self.approved_by_the_unit()
        with self.assertRaisesMessage(ValidationError, str(workflow.REASON_REQUIRED)):
            workflow.return_for_revision(evaluation=evaluation, actor=self.zhouwei, reason="  ")
        self.assertEqual(self.fresh().status, Status.APPROVED)
        with self.captureOnCommitCallbacks(execute=True):
            workflow.return_for_revision(evaluation=self.fresh(), actor=self.zhouwei, reason="请补充项目支出的绩效说明")
        evaluation = self.fresh()
        self.assertEqual(evaluation.status, Status.RETURNED)
        self.assertEqual(workflow.open_return_reason(evaluation).actor, self.zhouwei)
        self.assertEqual([message.to for message in mail.outbox], [["wangfang@example.invalid"]])
        self.assertIn("请补充项目支出的绩效说明", mail.outbox[0].body)

    def test_a_passed_report_can_still_be_returned_by_the_department_or_the_unit_head(self):
        self.open_year(requires_department_review=True)
        workflow.department_approve(evaluation=self.approved_by_the_unit(), actor=self.zhouwei)
        self.assertIn("return", workflow.allowed_actions(self.fresh(), self.zhouwei))
        workflow.return_for_revision(evaluation=self.fresh(), actor=self.liqiang, reason="单位自行更正")
        self.assertEqual(self.fresh().status, Status.RETURNED)

    def test_a_passed_report_is_locked_for_editing(self):
        self.open_year(requires_department_review=True)
        workflow.department_approve(evaluation=self.approved_by_the_unit(), actor=self.zhouwei)
        self.assertFalse(self.fresh().is_editable)


class DepartmentReviewPageTests(TemporaryPublicationsStore, DepartmentSeedTestCase):
    scoreable = True

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        open_campaign(
            actor=cls.chenjing,
            year=cls.evaluation.year,
            deadline=date(2025, 5, 31),
            units=[cls.unit_a],
            today=date(2025, 1, 1),
            requires_department_review=True,
        )
        workflow.submit(evaluation=cls.evaluation, actor=cls.wangfang)
        workflow.approve(evaluation=cls.evaluation, actor=cls.liqiang)

    def test_zhouwei_sees_the_pass_button_and_liqiang_sees_why_he_cannot_publish_yet(self):
        detail = reverse("evaluation_detail", args=[self.evaluation.pk])
        self.client.force_login(self.zhouwei)
        response = self.client.get(detail)
        self.assertContains(response, reverse("workflow_department_approve", args=[self.evaluation.pk]))
        self.assertNotContains(response, reverse("workflow_publish", args=[self.evaluation.pk]))
        self.client.force_login(self.liqiang)
        response = self.client.get(detail)
        self.assertContains(response, "该报告须经主管部门审核通过后才能公开。")
        self.assertNotContains(response, reverse("workflow_department_approve", args=[self.evaluation.pk]))
        self.assertNotContains(response, reverse("workflow_publish", args=[self.evaluation.pk]))

    def test_zhouwei_passes_the_report_from_the_page(self):
        self.client.force_login(self.zhouwei)
        response = self.client.post(
            reverse("workflow_department_approve", args=[self.evaluation.pk]), {"comment": "同意"}, follow=True
        )
        self.assertContains(response, "主管部门已审核通过，单位负责人可以公开报告。")
        self.evaluation.refresh_from_db()
        self.assertEqual(self.evaluation.status, Status.DEPT_APPROVED)

    def test_liqiang_posting_the_departments_step_is_refused_with_the_reason(self):
        self.client.force_login(self.liqiang)
        response = self.client.post(reverse("workflow_department_approve", args=[self.evaluation.pk]), follow=True)
        self.assertContains(response, str(workflow.NOT_ALLOWED_ROLE))
        self.evaluation.refresh_from_db()
        self.assertEqual(self.evaluation.status, Status.APPROVED)

    def test_zhouwei_finds_the_report_waiting_on_his_start_page(self):
        self.client.force_login(self.zhouwei)
        response = self.client.get(reverse("home"))
        self.assertEqual([e.pk for e in response.context["waiting"]], [self.evaluation.pk])
        self.assertContains(response, reverse("department_summary"))
        self.assertContains(response, reverse("workflow_review", args=[self.evaluation.pk]))

    def test_the_review_page_offers_zhouwei_the_pass_and_the_return(self):
        self.client.force_login(self.zhouwei)
        response = self.client.get(reverse("workflow_review", args=[self.evaluation.pk]))
        self.assertEqual(response.context["actions"], ["department_approve", "return"])
        self.assertContains(response, "主管部门审核通过")


class DepartmentStartPageTests(DepartmentSeedTestCase):
    def test_zhouweis_deadline_is_his_own_units_not_that_of_the_units_he_reads(self):
        open_campaign(
            actor=self.chenjing,
            year=2024,
            deadline=date(2099, 5, 31),
            units=[self.unit_a, self.department],
            today=date(2025, 1, 1),
        )
        Evaluation.objects.filter(pk=self.evaluation.pk).update(status=Status.SUBMITTED)
        self.client.force_login(self.zhouwei)
        response = self.client.get(reverse("home"))
        self.assertEqual([e.pk for e in response.context["evaluations"]], [self.evaluation.pk])
        [deadline] = response.context["deadlines"]
        self.assertFalse(deadline.submitted)
        self.assertEqual(response.context["completeness"], {})
        # Nothing waits for him: the year does not ask for the department's review.
        self.assertEqual(response.context["waiting"], [])
