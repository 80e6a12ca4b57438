"""Publishing in a worker: 李强 asks, the report becomes 公开中 at once and a job is queued; the worker renders,
stores and records it. A failure at any step leaves no row and no file of its own, puts the report back where it
was with the error in its history and on its page, and is logged."""

from __future__ import annotations

import hashlib
from unittest import mock

from django.core.files.base import ContentFile
from django.db import IntegrityError, OperationalError
from django.test import override_settings
from django.urls import reverse

from evaluations.models import Evaluation, Publication, StatusChange
from reports import workflow
from reports.models import PublishJob
from reports.publication import PublicationError, publications_storage, store_pdf
from tests.base import SeedTestCase
from tests.reports.workflow_support import FAKE_PDF, TemporaryPublicationsStore, fake_rendering

Status = Evaluation.Status
FAKE_NAME = f"{hashlib.sha256(FAKE_PDF).hexdigest()}.pdf"


class RequestPublicationTests(TemporaryPublicationsStore, SeedTestCase):
    scoreable = True

    def setUp(self):
        self.set_status(Status.APPROVED)
        self.empty_store()

    def test_the_request_only_marks_the_report_publishing_and_queues_one_job(self):
        with fake_rendering() as render, self.captureOnCommitCallbacks() as queued:
            job = workflow.request_publication(evaluation=self.evaluation, actor=self.liqiang)
        render.assert_not_called()
        self.assertEqual(len(queued), 1)
        self.evaluation.refresh_from_db()
        self.assertEqual(self.evaluation.status, Status.PUBLISHING)
        self.assertFalse(self.evaluation.is_editable)
        self.assertEqual((job.state, job.return_status, job.requested_by), ("queued", Status.APPROVED, self.liqiang))
        self.assertFalse(Publication.objects.exists())

    def test_the_worker_publishes_it_and_the_history_reads_approved_publishing_published(self):
        with fake_rendering(), self.captureOnCommitCallbacks(execute=True):
            job = workflow.request_publication(evaluation=self.evaluation, actor=self.liqiang)
        job.refresh_from_db()
        self.assertEqual((job.state, job.attempts), ("done", 1))
        self.assertEqual(job.publication, Publication.objects.get())
        self.evaluation.refresh_from_db()
        self.assertEqual(self.evaluation.status, Status.PUBLISHED)
        steps = list(StatusChange.objects.order_by("id").values_list("from_status", "to_status", "comment"))
        self.assertEqual(
            steps, [(Status.APPROVED, Status.PUBLISHING, ""), (Status.PUBLISHING, Status.PUBLISHED, "第1版")]
        )

    def test_a_double_click_gives_one_job(self):
        with fake_rendering(), self.captureOnCommitCallbacks() as queued:
            first = workflow.request_publication(evaluation=self.evaluation, actor=self.liqiang)
            second = workflow.request_publication(evaluation=self.evaluation, actor=self.liqiang)
        self.assertEqual(first.pk, second.pk)
        self.assertEqual(len(queued), 1)
        self.assertEqual(PublishJob.objects.count(), 1)
        self.assertEqual(StatusChange.objects.filter(to_status=Status.PUBLISHING).count(), 1)

    def test_a_job_delivered_twice_runs_once(self):
        with self.captureOnCommitCallbacks():
            job = workflow.request_publication(evaluation=self.evaluation, actor=self.liqiang)
        with fake_rendering() as render:
            first = workflow.run_publish_job(job.pk)
            again = workflow.run_publish_job(job.pk)
        render.assert_called_once()
        self.assertEqual(first, again)
        self.assertEqual(Publication.objects.count(), 1)

    def test_the_preparer_cannot_publish_and_nothing_is_queued(self):
        with self.assertRaisesMessage(Exception, str(workflow.NOT_ALLOWED_ROLE)):
            workflow.request_publication(evaluation=self.evaluation, actor=self.wangfang)
        self.assertFalse(PublishJob.objects.exists())
        self.evaluation.refresh_from_db()
        self.assertEqual(self.evaluation.status, Status.APPROVED)

    def test_a_broker_that_is_down_returns_the_report_with_the_error(self):
        from reports import tasks

        with (
            mock.patch.object(tasks.publish_report, "delay", side_effect=ConnectionError("Redis is down")),
            self.assertLogs("reports.workflow", "ERROR"),
            self.captureOnCommitCallbacks(execute=True),
        ):
            job = workflow.request_publication(evaluation=self.evaluation, actor=self.liqiang)
        job.refresh_from_db()
        self.assertEqual(job.state, "failed")
        self.assertIn("未能提交到后台队列", job.error)
        self.evaluation.refresh_from_db()
        self.assertEqual(self.evaluation.status, Status.APPROVED)

    def test_a_report_moved_behind_the_workflows_back_is_not_published(self):
        with self.captureOnCommitCallbacks():
            job = workflow.request_publication(evaluation=self.evaluation, actor=self.liqiang)
        Evaluation.objects.filter(pk=self.evaluation.pk).update(status=Status.RETURNED)
        with fake_rendering(), self.assertLogs("reports", "ERROR"):
            self.assertIsNone(workflow.run_publish_job(job.pk, retry=False))
        self.assertFalse(Publication.objects.exists())
        self.assertFalse(publications_storage().exists(FAKE_NAME))
        self.evaluation.refresh_from_db()
        self.assertEqual(self.evaluation.status, Status.RETURNED)

    @override_settings(PUBLISH_MAX_ATTEMPTS=3, PUBLISH_RETRY_DELAY=0)
    def test_a_store_that_fails_once_is_tried_again(self):
        storage = publications_storage()
        real_save = type(storage).save
        calls = []

        def flaky_save(store, name, content, **kwargs):
            calls.append(name)
            if len(calls) == 1:
                raise OSError("the network share hiccuped")
            return real_save(store, name, content, **kwargs)

        with (
            fake_rendering(),
            mock.patch.object(type(storage), "save", flaky_save),
            self.assertLogs("reports.publication", "ERROR"),
            self.captureOnCommitCallbacks(execute=True),
        ):
            job = workflow.request_publication(evaluation=self.evaluation, actor=self.liqiang)
        job.refresh_from_db()
        self.assertEqual((job.state, job.attempts), ("done", 2))
        self.assertTrue(storage.exists(FAKE_NAME))


class FailingStepTests(TemporaryPublicationsStore, SeedTestCase):
    """A failure injected at each step of the worker's part."""

    scoreable = True

    def setUp(self):
        self.set_status(Status.APPROVED)
        self.empty_store()
        with self.captureOnCommitCallbacks():
            self.job = workflow.request_publication(evaluation=self.evaluation, actor=self.liqiang)

    def run_job(self, logger: str = "reports") -> None:
        with self.assertLogs(logger, "ERROR"):
            self.assertIsNone(workflow.run_publish_job(self.job.pk, retry=False))

    def assert_nothing_published(self, message: str) -> None:
        self.assertFalse(Publication.objects.exists())
        self.assertFalse(publications_storage().exists(FAKE_NAME))
        self.evaluation.refresh_from_db()
        self.assertEqual(self.evaluation.status, Status.APPROVED)
        back = StatusChange.objects.order_by("id").last()
        self.assertEqual(
            (back.from_status, back.to_status, back.actor), (Status.PUBLISHING, Status.APPROVED, self.liqiang)
        )
        self.assertIn(message, back.comment)
        self.job.refresh_from_db()
        self.assertEqual(self.job.state, "failed")
        self.assertIn(message, self.job.error)
        # The error is on the report's page until something else happens.
        self.client.force_login(self.liqiang)
        page = self.client.get(reverse("evaluation_detail", args=[self.evaluation.pk]))
        self.assertContains(page, "公开失败")
        self.assertContains(page, message)

    def test_the_render(self):
        with fake_rendering() as render:
            render.side_effect = OSError("Pango is missing")
            self.run_job()
        self.assert_nothing_published("报告PDF生成失败")

    def test_the_body(self):
        with fake_rendering(), mock.patch("reports.rendering.render_report_body", side_effect=KeyError("x")):
            self.run_job()
        self.assert_nothing_published("报告PDF生成失败")

    def test_the_store(self):
        storage = publications_storage()
        with fake_rendering(), mock.patch.object(type(storage), "save", side_effect=OSError("disk full")):
            self.run_job()
        self.assert_nothing_published("报告PDF保存失败")

    def test_a_store_that_breaks_off_mid_write_leaves_no_part_of_the_file(self):
        storage = publications_storage()
        real_save = type(storage).save

        def half_save(store, name, content, **kwargs):
            real_save(store, name, ContentFile(FAKE_PDF[:10]), **kwargs)
            raise OSError("connection reset")

        with fake_rendering(), mock.patch.object(type(storage), "save", half_save):
            self.run_job()
        self.assert_nothing_published("报告PDF保存失败")

    def test_the_publication_insert(self):
        with (
            fake_rendering(),
            mock.patch.object(Publication.objects, "create", side_effect=IntegrityError("duplicate version")),
        ):
            self.run_job()
        self.assert_nothing_published("公开记录写入失败")

    def test_the_status_change_insert(self):
        real_create = StatusChange.objects.create

        def failing_create(**fields):
            if fields["to_status"] == Status.PUBLISHED:
                raise OperationalError("connection lost")
            return real_create(**fields)

        with fake_rendering(), mock.patch.object(StatusChange.objects, "create", side_effect=failing_create):
            self.run_job()
        self.assert_nothing_published("公开记录写入失败")

    def test_the_notification_does_not_take_back_a_correct_publication(self):
        # After the commit the version is public: an e-mail that cannot be written is logged, not undone.
        with (
            fake_rendering(),
            mock.patch("evaluations.notifications.published", side_effect=RuntimeError("template missing")),
            self.assertLogs("reports.workflow", "ERROR"),
        ):
            publication = workflow.run_publish_job(self.job.pk, retry=False)
        self.assertEqual(Publication.objects.get(), publication)
        self.evaluation.refresh_from_db()
        self.assertEqual(self.evaluation.status, Status.PUBLISHED)

    def test_a_file_another_version_shares_is_kept(self):
        # The same bytes are already another publication's file (content-addressed names).
        store_pdf(FAKE_PDF)
        other = Publication.objects.create(
            evaluation=self.evaluation,
            version=99,
            published_at=self.evaluation.created_at,
            published_by=self.liqiang,
            unit_name="另一版本",
            year=2024,
            title="另一版本",
            pdf_name=FAKE_NAME,
            pdf_sha256=FAKE_NAME[:-4],
            pdf_size=len(FAKE_PDF),
        )
        with fake_rendering(), mock.patch.object(Publication.objects, "create", side_effect=IntegrityError("x")):
            self.run_job()
        self.assertEqual(list(Publication.objects.all()), [other])
        self.assertTrue(publications_storage().exists(FAKE_NAME))

    def test_publish_in_process_raises_the_jobs_error(self):
        self.set_status(Status.APPROVED)
        PublishJob.objects.all().delete()
        with (
            fake_rendering() as render,
            self.assertRaisesMessage(PublicationError, "报告PDF生成失败"),
            self.assertLogs("reports.publication", "ERROR"),
        ):
            render.side_effect = RuntimeError("boom")
            workflow.publish(evaluation=self.evaluation, actor=self.liqiang)


class PublishPagesTests(TemporaryPublicationsStore, SeedTestCase):
    """李强 clicks 公开 on the confirmation page and follows the progress; the request never waits for a render."""

    scoreable = True

    def setUp(self):
        self.set_status(Status.APPROVED)
        self.empty_store()
        self.client.force_login(self.liqiang)

    def post(self):
        return self.client.post(reverse("workflow_publish", args=[self.evaluation.pk]), {"submission": "0"})

    def test_the_click_lands_on_the_progress_page_which_polls_until_published(self):
        with fake_rendering() as render, self.captureOnCommitCallbacks() as queued:
            response = self.post()
        render.assert_not_called()
        self.assertRedirects(response, reverse("workflow_publish_progress", args=[self.evaluation.pk]))
        progress = self.client.get(response["Location"])
        self.assertContains(progress, "公开申请已受理")
        self.assertContains(progress, f'hx-get="{reverse("workflow_publish_status", args=[self.evaluation.pk])}"')
        self.assertContains(progress, "vendor/htmx/htmx.min.js")
        # A second click on the stale confirmation page: the same job.
        with self.captureOnCommitCallbacks() as again:
            self.assertRedirects(self.post(), response["Location"])
        self.assertEqual((len(queued), len(again), PublishJob.objects.count()), (1, 0, 1))
        with fake_rendering():
            queued[0]()
        # Queries: the session, the user, the user's membership, the evaluation with its unit, the latest job with
        # its publication.
        with self.assertNumQueries(5):
            done = self.client.get(reverse("workflow_publish_status", args=[self.evaluation.pk]))
        self.assertContains(done, "报告已公开（第1版）")
        self.assertNotContains(done, "hx-trigger")
        self.assertContains(done, reverse("publication_detail", args=[Publication.objects.get().pk]))

    def test_a_failed_job_shows_its_error_on_the_progress_page(self):
        with (
            fake_rendering() as render,
            self.assertLogs("reports.publication", "ERROR"),
            self.captureOnCommitCallbacks(execute=True),
        ):
            render.side_effect = RuntimeError("boom")
            self.post()
        page = self.client.get(reverse("workflow_publish_progress", args=[self.evaluation.pk]))
        self.assertContains(page, "公开失败")
        self.assertContains(page, "报告PDF生成失败，报告未公开")
