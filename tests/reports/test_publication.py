"""Publishing: the PDF is rendered once, stored with its SHA-256 and served byte for byte; a failure publishes
nothing; ten simultaneous requests produce one version; a published version never changes."""

from __future__ import annotations

import hashlib
import threading
from unittest import mock

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connections
from django.test import Client, TransactionTestCase
from django.urls import reverse

from evaluations.models import Evaluation, Publication, StatusChange
from evaluations.money import format_wan
from reports import workflow
from reports.publication import PublicationError, publications_storage, store_pdf
from tests.base import SeedTestCase, make_scoreable, make_user
from tests.reports.workflow_support import FAKE_PDF, TemporaryPublicationsStore, fake_rendering

Status = Evaluation.Status


class PublishTests(TemporaryPublicationsStore, SeedTestCase):
    scoreable = True

    def setUp(self):
        self.set_status(Status.APPROVED)
        self.empty_store()

    def test_it_stores_the_bytes_under_their_own_hash(self):
        with fake_rendering() as render:
            publication = workflow.publish(evaluation=self.evaluation, actor=self.liqiang)
        render.assert_called_once()
        digest = hashlib.sha256(FAKE_PDF).hexdigest()
        self.assertEqual((publication.pdf_sha256, publication.pdf_name), (digest, f"{digest}.pdf"))
        self.assertEqual(publication.pdf_size, len(FAKE_PDF))
        with publications_storage().open(publication.pdf_name, "rb") as stored:
            self.assertEqual(stored.read(), FAKE_PDF)
        self.assertEqual((publication.unit_name, publication.year), ("株洲市渌口区科技和工业信息化局", 2024))

    def test_a_rendering_failure_publishes_nothing(self):
        with (
            fake_rendering() as render,
            self.assertRaisesMessage(PublicationError, "报告PDF生成失败"),
            self.assertLogs("reports.publication", "ERROR"),
        ):
            render.side_effect = OSError("Pango is missing")
            workflow.publish(evaluation=self.evaluation, actor=self.liqiang)
        self.evaluation.refresh_from_db()
        self.assertEqual(self.evaluation.status, Status.APPROVED)
        self.assertFalse(Publication.objects.exists())
        self.assertFalse(StatusChange.objects.exists())

    def test_a_storage_failure_publishes_nothing(self):
        storage = publications_storage()
        with (
            fake_rendering(),
            mock.patch.object(type(storage), "save", side_effect=OSError("disk full")),
            self.assertRaisesMessage(PublicationError, "报告PDF保存失败"),
            self.assertLogs("reports.publication", "ERROR"),
        ):
            workflow.publish(evaluation=self.evaluation, actor=self.liqiang)
        self.evaluation.refresh_from_db()
        self.assertEqual(self.evaluation.status, Status.APPROVED)
        self.assertFalse(Publication.objects.exists())
        self.assertFalse(storage.exists(f"{hashlib.sha256(FAKE_PDF).hexdigest()}.pdf"))

    def test_the_head_sees_a_clear_error_when_publishing_fails(self):
        self.client.force_login(self.liqiang)
        with fake_rendering() as render, self.assertLogs("reports.publication", "ERROR"):
            render.side_effect = RuntimeError("boom")
            response = self.client.post(
                reverse("workflow_publish", args=[self.evaluation.pk]), {"submission": "0"}, follow=True
            )
        self.assertContains(response, "报告PDF生成失败，报告未公开，仍为“已审核”状态。")
        self.evaluation.refresh_from_db()
        self.assertEqual(self.evaluation.status, Status.APPROVED)

    def test_a_stored_file_is_never_overwritten(self):
        digest = hashlib.sha256(FAKE_PDF).hexdigest()
        publications_storage().save(f"{digest}.pdf", ContentFile(b"tampered"))
        with self.assertRaisesMessage(PublicationError, "refusing to overwrite"):
            store_pdf(FAKE_PDF)
        with publications_storage().open(f"{digest}.pdf", "rb") as stored:
            self.assertEqual(stored.read(), b"tampered")

    def test_the_same_bytes_stored_twice_are_one_file(self):
        self.assertEqual(store_pdf(FAKE_PDF), store_pdf(FAKE_PDF))
        self.assertEqual(len(publications_storage().listdir("")[1]), 1)

    def test_a_publication_row_cannot_be_changed_or_deleted(self):
        with fake_rendering():
            publication = workflow.publish(evaluation=self.evaluation, actor=self.liqiang)
        publication.body_html = "改过的正文"
        with self.assertRaises(ValueError):
            publication.save()
        with self.assertRaises(ValueError):
            publication.delete()
        self.assertEqual(
            Publication.objects.get().body_html,
            '<section class="report"><h1>报告正文</h1><p>基本支出474.50万元</p></section>',
        )


class PublishedBytesTests(TemporaryPublicationsStore, SeedTestCase):
    """With the real renderer, once for the class: the PDF served is the stored file, byte for byte."""

    scoreable = True

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        Evaluation.objects.filter(pk=cls.evaluation.pk).update(status=Status.APPROVED)
        cls.evaluation.refresh_from_db()
        cls.publication = workflow.publish(evaluation=cls.evaluation, actor=cls.liqiang)

    def download(self, client: Client) -> bytes:
        response = client.get(reverse("publication_pdf", args=[self.publication.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        return b"".join(response.streaming_content) if response.streaming else response.content

    def test_the_download_is_the_stored_file_twice_and_after_a_restart(self):
        page = self.client.get(reverse("publication_detail", args=[self.publication.pk]))
        self.assertContains(page, self.publication.pdf_sha256)
        first = self.download(self.client)
        self.assertTrue(first.startswith(b"%PDF-"))
        self.assertEqual(hashlib.sha256(first).hexdigest(), self.publication.pdf_sha256)
        self.assertEqual(self.download(Client()), first)
        # A restart: the storage objects are built again from settings and nothing is cached in memory.
        storages._storages = {}
        with mock.patch("reports.rendering.render_report_pdf", side_effect=AssertionError("re-rendered")):
            self.assertEqual(self.download(Client()), first)

    def test_the_snapshot_is_the_report_body(self):
        page = self.client.get(reverse("publication_detail", args=[self.publication.pk]))
        self.assertContains(page, "株洲市渌口区科技和工业信息化局")
        self.assertContains(page, "474.50")
        self.assertIn("474.50", self.publication.body_html)

    def test_a_tampered_file_is_not_served(self):
        storage = publications_storage()
        path = storage.path(self.publication.pdf_name)
        with open(path, "rb") as original:
            kept = original.read()
        try:
            with open(path, "wb") as stored:
                stored.write(kept[:-10])
            with self.assertLogs("reports.publication", "ERROR"):
                response = self.client.get(reverse("publication_pdf", args=[self.publication.pk]))
            self.assertEqual(response.status_code, 404)
        finally:
            with open(path, "wb") as stored:
                stored.write(kept)


class SimultaneousPublishTests(TemporaryPublicationsStore, TransactionTestCase):
    def test_ten_simultaneous_publish_requests_produce_one_version(self):
        from evaluations.models import Membership, Unit
        from reports.management.commands.loaddemo import build_seed_evaluation

        unit = Unit.objects.create(name="株洲市渌口区科技和工业信息化局", level="正科级行政单位")
        head = make_user("liqiang", "李强", unit, Membership.Role.HEAD)
        evaluation = make_scoreable(build_seed_evaluation(unit))
        Evaluation.objects.filter(pk=evaluation.pk).update(status=Status.APPROVED)

        barrier = threading.Barrier(10)
        outcomes: list[str] = []

        def publish_once() -> None:
            try:
                barrier.wait()
                workflow.publish(evaluation=Evaluation.objects.get(pk=evaluation.pk), actor=head)
                outcomes.append("published")
            except ValidationError as error:
                outcomes.append(error.messages[0])
            finally:
                connections.close_all()

        def slow_render(_evaluation):
            # Long enough that every other request is waiting on the row lock meanwhile.
            threading.Event().wait(0.2)
            return FAKE_PDF

        with fake_rendering() as render:
            render.side_effect = slow_render
            threads = [threading.Thread(target=publish_once) for _ in range(10)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)

        self.assertEqual(sorted(outcomes), ["published"] + [str(workflow.NOT_APPROVED)] * 9)
        self.assertEqual(render.call_count, 1)
        self.assertEqual(Publication.objects.filter(evaluation=evaluation).count(), 1)
        self.assertEqual(StatusChange.objects.filter(evaluation=evaluation, to_status=Status.PUBLISHED).count(), 1)


class PublishedRecordTests(TemporaryPublicationsStore, SeedTestCase):
    """王芳's report, approved by 李强 and published: the version keeps its headline figures and the metadata a
    government portal shows, and a correction makes it the superseded one."""

    scoreable = True

    def setUp(self):
        self.empty_store()
        workflow.submit(evaluation=self.evaluation, actor=self.wangfang)
        workflow.approve(evaluation=self.evaluation, actor=self.liqiang)

    def test_the_version_keeps_its_figures_and_metadata(self):
        with fake_rendering():
            publication = workflow.publish(evaluation=self.evaluation, actor=self.liqiang)
        publication.refresh_from_db()
        # The seed's figures in 元: 474.50万元 basic and 1231.24万元 project spending, 1705.74万元 in all.
        self.assertEqual(str(publication.total_spending), "17057400.00")
        self.assertEqual(format_wan(publication.basic_spending), "474.50")
        self.assertEqual(publication.publisher, "株洲市渌口区科技和工业信息化局")
        self.assertEqual(publication.index_number, "LK-KGXJ/2024-00001")
        self.assertEqual(publication.topic, "财政、金融、审计/预算决算")
        approved = StatusChange.objects.get(to_status=Status.APPROVED).at
        self.assertEqual(publication.written_on, approved.date())
        self.assertTrue(publication.is_current)

    def test_a_correction_supersedes_the_earlier_version(self):
        with fake_rendering():
            first = workflow.publish(evaluation=self.evaluation, actor=self.liqiang)
            workflow.reopen_for_correction(evaluation=self.evaluation, actor=self.liqiang, reason="更正项目支出")
            workflow.submit(evaluation=self.evaluation, actor=self.wangfang)
            workflow.approve(evaluation=self.evaluation, actor=self.liqiang)
            second = workflow.publish(evaluation=self.evaluation, actor=self.liqiang)
        first.refresh_from_db()
        self.assertEqual((first.is_current, second.is_current), (False, True))
        self.assertEqual(second.index_number, "LK-KGXJ/2024-00002")
        self.assertEqual(list(Publication.objects.current()), [second])
