"""The workflow services: every allowed and forbidden transition, self-approval, reasons, history and e-mail."""

from __future__ import annotations

from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError

from evaluations.models import Evaluation, Membership, Publication, Section, StatusChange, Submission
from evaluations.services import save_narrative, section_revision
from reports import workflow
from tests.base import SeedTestCase, make_user
from tests.reports.workflow_support import TemporaryPublicationsStore, fake_rendering

Status = Evaluation.Status
ALL_STATES = [Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.APPROVED, Status.PUBLISHED]

# The one policy of the services: transition → state it may start from → who may take it there.
ALLOWED = {
    "submit": {Status.DRAFT: {"wangfang", "liqiang"}, Status.RETURNED: {"wangfang", "liqiang"}},
    "approve": {Status.SUBMITTED: {"liqiang"}},
    "return": {Status.SUBMITTED: {"liqiang", "chenjing"}, Status.APPROVED: {"liqiang", "chenjing"}},
    "publish": {Status.APPROVED: {"liqiang", "admin"}},
    "reopen": {Status.PUBLISHED: {"liqiang", "admin"}},
}
RESULT = {
    "submit": Status.SUBMITTED,
    "approve": Status.APPROVED,
    "return": Status.RETURNED,
    "publish": Status.PUBLISHED,
    "reopen": Status.RETURNED,
}


class TransitionMatrixTests(TemporaryPublicationsStore, SeedTestCase):
    scoreable = True

    def run_transition(self, name: str, actor):
        kwargs = {"evaluation": self.evaluation, "actor": actor}
        if name in {"return", "reopen"}:
            kwargs["reason"] = "请补充预算执行数。"
        service = {
            "submit": workflow.submit,
            "approve": workflow.approve,
            "return": workflow.return_for_revision,
            "publish": workflow.publish,
            "reopen": workflow.reopen_for_correction,
        }[name]
        with fake_rendering():
            return service(**kwargs)

    def test_it_allows_exactly_the_transitions_of_the_policy(self):
        personas = {p.username: p for p in [self.wangfang, self.liqiang, self.zhaomin, self.chenjing, self.admin]}
        for name, starts in ALLOWED.items():
            for state in ALL_STATES:
                for username, person in personas.items():
                    with self.subTest(transition=name, state=state, person=username):
                        self.set_status(state)
                        # The submitter is someone else, so that self-approval does not hide a role rule.
                        StatusChange.objects.filter(evaluation=self.evaluation).delete()
                        history_before = StatusChange.objects.count()
                        allowed = username in starts.get(state, set())
                        self.assertEqual(name in workflow.allowed_actions(self.evaluation, person), allowed)
                        if allowed:
                            self.run_transition(name, person)
                            self.evaluation.refresh_from_db()
                            self.assertEqual(self.evaluation.status, RESULT[name])
                            change = StatusChange.objects.get(evaluation=self.evaluation)
                            self.assertEqual((change.actor, change.from_status), (person, state))
                        else:
                            with self.assertRaises(ValidationError):
                                self.run_transition(name, person)
                            self.evaluation.refresh_from_db()
                            self.assertEqual(self.evaluation.status, state)
                            self.assertEqual(StatusChange.objects.count(), history_before)


class SubmitTests(SeedTestCase):
    scoreable = True

    def test_wangfang_submits_her_draft_and_liqiang_is_told(self):
        with self.captureOnCommitCallbacks(execute=True):
            workflow.submit(evaluation=self.evaluation, actor=self.wangfang, comment="请审核")
        self.evaluation.refresh_from_db()
        self.assertEqual(self.evaluation.status, Status.SUBMITTED)
        change = StatusChange.objects.get(evaluation=self.evaluation)
        self.assertEqual(
            (change.actor, change.from_status, change.to_status, change.comment),
            (self.wangfang, Status.DRAFT, Status.SUBMITTED, "请审核"),
        )
        submission = Submission.objects.get(evaluation=self.evaluation)
        self.assertEqual((submission.number, submission.submitted_by), (1, self.wangfang))
        self.assertIn({"key": "basic.personnel.amount", "section": "基本支出", "label": "人员经费·本年决算数",
                       "kind": "money", "value": "3864449.00"}, submission.content)  # fmt: skip
        self.assertEqual([message.to for message in mail.outbox], [["liqiang@example.invalid"]])
        self.assertIn("待审核", mail.outbox[0].subject)
        self.assertIn(f"报告页面：{settings.SITE_URL}/app/evaluations/{self.evaluation.pk}/", mail.outbox[0].body)

    def test_the_mail_waits_for_the_commit(self):
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            workflow.submit(evaluation=self.evaluation, actor=self.wangfang)
            self.assertEqual(mail.outbox, [])
        self.assertEqual(len(callbacks), 1)
        self.assertEqual(mail.outbox, [])

    def test_zhaomin_cannot_submit_another_units_report(self):
        with self.assertRaisesMessage(ValidationError, str(workflow.NOT_ALLOWED_ROLE)):
            workflow.submit(evaluation=self.evaluation, actor=self.zhaomin)
        self.evaluation.refresh_from_db()
        self.assertEqual(self.evaluation.status, Status.DRAFT)
        self.assertFalse(StatusChange.objects.exists())
        self.assertFalse(Submission.objects.exists())

    def test_a_submitted_report_cannot_be_submitted_again(self):
        workflow.submit(evaluation=self.evaluation, actor=self.wangfang)
        with self.assertRaisesMessage(ValidationError, str(workflow.NOT_SUBMITTABLE)):
            workflow.submit(evaluation=self.evaluation, actor=self.wangfang)
        self.assertEqual(StatusChange.objects.count(), 1)
        self.assertEqual(Submission.objects.count(), 1)

    def test_the_guard_reads_the_locked_row_not_a_stale_copy(self):
        stale = Evaluation.objects.get(pk=self.evaluation.pk)
        workflow.submit(evaluation=self.evaluation, actor=self.wangfang)
        # `stale` still says draft; the service must not believe it.
        with self.assertRaisesMessage(ValidationError, str(workflow.NOT_SUBMITTABLE)):
            workflow.submit(evaluation=stale, actor=self.wangfang)


class ApproveTests(SeedTestCase):
    scoreable = True

    def test_liqiang_approves_wangfangs_submission_and_she_is_told(self):
        workflow.submit(evaluation=self.evaluation, actor=self.wangfang)
        with self.captureOnCommitCallbacks(execute=True):
            workflow.approve(evaluation=self.evaluation, actor=self.liqiang)
        self.evaluation.refresh_from_db()
        self.assertEqual(self.evaluation.status, Status.APPROVED)
        self.assertEqual([message.to for message in mail.outbox], [["wangfang@example.invalid"]])

    def test_nobody_approves_a_report_they_submitted_themselves(self):
        workflow.submit(evaluation=self.evaluation, actor=self.liqiang)
        self.assertNotIn("approve", workflow.allowed_actions(self.evaluation, self.liqiang))
        with self.assertRaisesMessage(ValidationError, str(workflow.SELF_APPROVAL)):
            workflow.approve(evaluation=self.evaluation, actor=self.liqiang)
        self.evaluation.refresh_from_db()
        self.assertEqual(self.evaluation.status, Status.SUBMITTED)
        self.assertEqual(StatusChange.objects.count(), 1)

    def test_it_is_the_latest_submission_that_counts(self):
        # 李强 submitted once, it came back, and 王芳 submitted the fixed version: 李强 may now approve it.
        workflow.submit(evaluation=self.evaluation, actor=self.liqiang)
        workflow.return_for_revision(evaluation=self.evaluation, actor=self.chenjing, reason="数据有误")
        workflow.submit(evaluation=self.evaluation, actor=self.wangfang)
        workflow.approve(evaluation=self.evaluation, actor=self.liqiang)
        self.assertEqual(self.evaluation.status, Status.APPROVED)


class FourEyesTests(SeedTestCase):
    """Who changed the content handed over for review may not approve it: 李强 rewrites a paragraph of the draft, 王芳
    submits, and 李强 would be approving his own words; 张华, the unit's other head, approves it."""

    scoreable = True

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.zhanghua = make_user("zhanghua", "张华", cls.unit_a, Membership.Role.HEAD)

    def edit(self, actor) -> None:
        revision = getattr(section_revision(self.evaluation, Section.NARRATIVE), "revision", 0)
        save_narrative(
            evaluation=self.evaluation, actor=actor, revision=revision, fields={"problems": f"{actor.first_name}改写。"}
        )

    def test_liqiang_who_edited_the_draft_cannot_approve_it(self):
        self.edit(self.liqiang)
        workflow.submit(evaluation=self.evaluation, actor=self.wangfang)
        self.assertNotIn("approve", workflow.allowed_actions(self.evaluation, self.liqiang))
        with self.assertRaisesMessage(ValidationError, str(workflow.EDITOR_APPROVAL)):
            workflow.approve(evaluation=self.evaluation, actor=self.liqiang)
        self.evaluation.refresh_from_db()
        self.assertEqual(self.evaluation.status, Status.SUBMITTED)
        self.assertFalse(StatusChange.objects.filter(to_status=Status.APPROVED).exists())

    def test_zhanghua_who_did_not_edit_approves_it(self):
        self.edit(self.liqiang)
        workflow.submit(evaluation=self.evaluation, actor=self.wangfang)
        workflow.approve(evaluation=self.evaluation, actor=self.zhanghua)
        self.assertEqual(self.evaluation.status, Status.APPROVED)

    def test_only_the_round_that_was_submitted_counts(self):
        # 李强 edited the first version; it came back and 王芳 alone changed it since: the changes under review
        # are hers, so 李强 approves the second submission.
        self.edit(self.liqiang)
        workflow.submit(evaluation=self.evaluation, actor=self.wangfang)
        workflow.return_for_revision(evaluation=self.evaluation, actor=self.zhanghua, reason="请补充问题分析。")
        self.edit(self.wangfang)
        workflow.submit(evaluation=self.evaluation, actor=self.wangfang)
        workflow.approve(evaluation=self.evaluation, actor=self.liqiang)
        self.assertEqual(self.evaluation.status, Status.APPROVED)

    def test_an_edit_in_the_second_round_bars_him_from_the_second_submission(self):
        workflow.submit(evaluation=self.evaluation, actor=self.wangfang)
        workflow.return_for_revision(evaluation=self.evaluation, actor=self.liqiang, reason="请补充问题分析。")
        self.edit(self.liqiang)
        workflow.submit(evaluation=self.evaluation, actor=self.wangfang)
        with self.assertRaisesMessage(ValidationError, str(workflow.EDITOR_APPROVAL)):
            workflow.approve(evaluation=self.evaluation, actor=self.liqiang)

    def test_returning_a_report_is_not_an_edit(self):
        workflow.submit(evaluation=self.evaluation, actor=self.wangfang)
        workflow.return_for_revision(evaluation=self.evaluation, actor=self.liqiang, reason="请补充问题分析。")
        self.edit(self.wangfang)
        workflow.submit(evaluation=self.evaluation, actor=self.wangfang)
        workflow.approve(evaluation=self.evaluation, actor=self.liqiang)
        self.assertEqual(self.evaluation.status, Status.APPROVED)


class ReturnTests(SeedTestCase):
    scoreable = True

    def test_liqiang_returns_it_with_a_reason_that_wangfang_sees(self):
        workflow.submit(evaluation=self.evaluation, actor=self.wangfang)
        with self.captureOnCommitCallbacks(execute=True):
            workflow.return_for_revision(evaluation=self.evaluation, actor=self.liqiang, reason="  请补充预算执行数。 ")
        self.evaluation.refresh_from_db()
        self.assertEqual(self.evaluation.status, Status.RETURNED)
        self.assertTrue(self.evaluation.is_editable)
        self.assertEqual(workflow.open_return_reason(self.evaluation).comment, "请补充预算执行数。")
        self.assertEqual([message.to for message in mail.outbox], [["wangfang@example.invalid"]])
        self.assertIn("请补充预算执行数。", mail.outbox[0].body)

    def test_a_return_needs_a_reason(self):
        workflow.submit(evaluation=self.evaluation, actor=self.wangfang)
        with self.assertRaisesMessage(ValidationError, str(workflow.REASON_REQUIRED)):
            workflow.return_for_revision(evaluation=self.evaluation, actor=self.liqiang, reason="   ")
        self.evaluation.refresh_from_db()
        self.assertEqual(self.evaluation.status, Status.SUBMITTED)
        self.assertEqual(StatusChange.objects.count(), 1)

    def test_the_bureau_returns_an_approved_report(self):
        self.set_status(Status.APPROVED)
        workflow.return_for_revision(evaluation=self.evaluation, actor=self.chenjing, reason="项目支出合计不符")
        self.evaluation.refresh_from_db()
        self.assertEqual(self.evaluation.status, Status.RETURNED)


class PublishAndCorrectTests(TemporaryPublicationsStore, SeedTestCase):
    scoreable = True

    def test_publishing_records_version_one_and_tells_the_preparers(self):
        self.set_status(Status.APPROVED)
        with fake_rendering(), self.captureOnCommitCallbacks(execute=True):
            publication = workflow.publish(evaluation=self.evaluation, actor=self.liqiang)
        self.assertEqual(publication.version, 1)
        self.evaluation.refresh_from_db()
        self.assertEqual(self.evaluation.status, Status.PUBLISHED)
        self.assertEqual(StatusChange.objects.get().comment, "第1版")
        self.assertEqual([message.to for message in mail.outbox], [["wangfang@example.invalid"]])
        self.assertIn(publication.pdf_sha256, mail.outbox[0].body)
        self.assertIn(f"公开页面：{settings.SITE_URL}/reports/{publication.pk}/", mail.outbox[0].body)

    def test_a_correction_reopens_the_report_and_keeps_the_publication_live(self):
        self.set_status(Status.APPROVED)
        with fake_rendering():
            first = workflow.publish(evaluation=self.evaluation, actor=self.admin)
        with self.assertRaisesMessage(ValidationError, str(workflow.CORRECTION_REASON_REQUIRED)):
            workflow.reopen_for_correction(evaluation=self.evaluation, actor=self.liqiang, reason="")
        workflow.reopen_for_correction(evaluation=self.evaluation, actor=self.liqiang, reason="人员经费填错")
        self.evaluation.refresh_from_db()
        self.assertEqual(self.evaluation.status, Status.RETURNED)
        self.assertTrue(self.evaluation.is_editable)
        self.assertEqual(list(Publication.objects.current()), [first])

        workflow.submit(evaluation=self.evaluation, actor=self.wangfang)
        workflow.approve(evaluation=self.evaluation, actor=self.liqiang)
        with fake_rendering(pdf=b"%PDF-1.7\n% corrected\n%%EOF\n"):
            second = workflow.publish(evaluation=self.evaluation, actor=self.liqiang)
        self.assertEqual(second.version, 2)
        self.assertEqual(list(Publication.objects.current()), [second])
        self.assertEqual(Publication.objects.count(), 2)
        self.assertNotEqual(first.pdf_name, second.pdf_name)


class ReadOnlyAfterSubmissionTests(SeedTestCase):
    """Once submitted, approved or published, a report cannot be edited by the services, the editor or the admin
    (the Excel import and every editor URL are also covered by tests/reports/test_access_matrix.py)."""

    def test_edits_are_refused_on_every_path_after_submission(self):
        from evaluations.services import EVALUATION_LOCKED, ensure_editable, save_narrative

        for state in [Status.SUBMITTED, Status.APPROVED, Status.PUBLISHED]:
            with self.subTest(state=state):
                self.set_status(state)
                with self.assertRaisesMessage(ValidationError, str(EVALUATION_LOCKED)):
                    ensure_editable(self.evaluation)
                with self.assertRaisesMessage(ValidationError, str(EVALUATION_LOCKED)):
                    save_narrative(
                        evaluation=self.evaluation, actor=self.wangfang, revision=0, fields={"problems": "改"}
                    )
                self.client.force_login(self.wangfang)
                response = self.client.post(
                    f"/app/evaluations/{self.evaluation.pk}/edit/narrative/",
                    {"page-revision": "0", "narrative-problems": "改"},
                )
                self.assertEqual(response.status_code, 422)
                self.client.force_login(self.admin)
                response = self.client.post(
                    f"/admin/evaluations/evaluation/{self.evaluation.pk}/change/", {"problems": "改"}
                )
                self.assertEqual(response.status_code, 403)
                self.evaluation.refresh_from_db()
                self.assertNotEqual(self.evaluation.problems, "改")
