"""A stored PDF whose bytes no longer match: the nightly verify_publications finds it, records it beside the
publication, tells the administrators and exits non-zero; from then on the portal page and 李强's report page
say so and the download answers 503 with a Chinese page. And the download served like a static file: by nginx
(X-Accel-Redirect) or a presigned redirect from an S3-compatible store."""

from __future__ import annotations

import io
from unittest import mock

from django.core import mail
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from evaluations.models import Evaluation
from reports import workflow
from reports.models import PublicationCheck
from reports.publication import publications_storage
from tests.base import SeedTestCase
from tests.reports.workflow_support import FAKE_PDF, TemporaryPublicationsStore, fake_rendering

Status = Evaluation.Status


@override_settings(ADMINS=[("运维", "ops@example.invalid")])
class IntegrityTests(TemporaryPublicationsStore, SeedTestCase):
    scoreable = True

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        Evaluation.objects.filter(pk=cls.evaluation.pk).update(status=Status.APPROVED)
        cls.evaluation.refresh_from_db()
        with fake_rendering():
            cls.publication = workflow.publish(evaluation=cls.evaluation, actor=cls.liqiang)

    def setUp(self):
        # Files are not rolled back with the test's transaction: every test starts from the published bytes.
        with publications_storage().open(self.publication.pdf_name, "wb") as stored:
            stored.write(FAKE_PDF)

    def verify(self) -> tuple[str, str]:
        out, err = io.StringIO(), io.StringIO()
        call_command("verify_publications", stdout=out, stderr=err)
        return out.getvalue(), err.getvalue()

    def tamper(self) -> None:
        with publications_storage().open(self.publication.pdf_name, "wb") as stored:
            stored.write(FAKE_PDF.replace(b"stand-in", b"stand-im"))

    def test_an_intact_store_passes_and_is_recorded(self):
        out, _err = self.verify()
        self.assertIn("1 checked, 0 failed", out)
        check = PublicationCheck.objects.get()
        self.assertEqual((check.publication, check.ok, check.detail), (self.publication, True, ""))
        self.assertEqual(mail.outbox, [])
        self.assertEqual(self.client.get(reverse("publication_pdf", args=[self.publication.pk])).status_code, 200)

    def test_a_tampered_file_fails_is_recorded_mailed_and_refused(self):
        # A reader downloaded it before (its facts are cached); the nightly check then finds it changed.
        self.assertEqual(self.client.get(reverse("publication_pdf", args=[self.publication.pk])).status_code, 200)
        self.tamper()
        with self.assertLogs("reports.publication", "ERROR"), self.assertRaisesMessage(CommandError, "1 of 1"):
            self.verify()
        check = PublicationCheck.objects.get()
        self.assertFalse(check.ok)
        self.assertIn("hashes to", check.detail)
        self.assertEqual([message.to for message in mail.outbox], [["ops@example.invalid"]])
        self.assertIn(str(self.publication.pk), mail.outbox[0].subject)

        download = self.client.get(reverse("publication_pdf", args=[self.publication.pk]))
        self.assertContains(download, "未通过完整性校验", status_code=503)
        self.assertContains(download, "返回公开报告列表", status_code=503)
        portal_page = self.client.get(reverse("publication_detail", args=[self.publication.pk]))
        self.assertContains(portal_page, "该版本的PDF文件未通过完整性校验")
        self.client.force_login(self.liqiang)
        staff_page = self.client.get(reverse("evaluation_detail", args=[self.evaluation.pk]))
        self.assertContains(staff_page, "文件未通过完整性校验，暂停下载")

    def test_a_missing_file_fails_too(self):
        publications_storage().delete(self.publication.pdf_name)
        with self.assertLogs("reports.publication", "ERROR"), self.assertRaises(CommandError):
            self.verify()
        self.assertIn("missing", PublicationCheck.objects.get().detail)

    def test_a_file_restored_and_checked_again_is_served_again(self):
        self.tamper()
        with self.assertLogs("reports.publication", "ERROR"), self.assertRaises(CommandError):
            self.verify()
        self.setUp()
        self.verify()
        self.assertEqual(self.client.get(reverse("publication_pdf", args=[self.publication.pk])).status_code, 200)
        page = self.client.get(reverse("publication_detail", args=[self.publication.pk]))
        self.assertNotContains(page, "未通过完整性校验")

    def test_the_download_is_not_hashed_on_each_request(self):
        with mock.patch("reports.publication.stored_sha256") as hashed:
            response = self.client.get(reverse("publication_pdf", args=[self.publication.pk]))
            self.assertEqual(response.getvalue(), FAKE_PDF)
        hashed.assert_not_called()

    def test_the_download_is_one_query(self):
        # Queries: the version's file fields, its latest integrity check.
        with self.assertNumQueries(2):
            self.client.get(reverse("publication_pdf", args=[self.publication.pk])).getvalue()

    @override_settings(PUBLICATIONS_X_ACCEL_PREFIX="/_publications")
    def test_behind_nginx_the_file_is_sent_by_nginx(self):
        response = self.client.get(reverse("publication_pdf", args=[self.publication.pk]))
        self.assertEqual(response["X-Accel-Redirect"], f"/_publications/{self.publication.pdf_name}")
        self.assertEqual(response.content, b"")
        self.assertEqual(response["ETag"], f'"{self.publication.pdf_sha256}"')
        self.assertTrue(response["Content-Disposition"].startswith("attachment; "))

    def test_from_an_object_store_the_download_is_a_presigned_redirect(self):
        storage = publications_storage()
        signed = "https://store.example.invalid/publications/x.pdf?X-Amz-Signature=abc"
        with (
            mock.patch.object(storage, "path", side_effect=NotImplementedError),
            mock.patch.object(storage, "url", return_value=signed) as url,
        ):
            response = self.client.get(reverse("publication_pdf", args=[self.publication.pk]))
        self.assertEqual((response.status_code, response["Location"]), (302, signed))
        name = url.call_args.args[0]
        self.assertEqual(name, self.publication.pdf_name)
        disposition = url.call_args.kwargs["parameters"]["ResponseContentDisposition"]
        self.assertTrue(disposition.startswith("attachment; "))
