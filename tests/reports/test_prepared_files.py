"""Files a worker prepares while someone waits. 王芳's draft PDF with a worker configured: the first request
queues the render and shows a page that waits for it; once the worker has stored it the same address serves it; an
edit (a new content revision) prepares a new one. 陈静's workbook of every unit's 自评表 the same way. Without a
broker both are made in the request, as the other report and summary tests show."""

from __future__ import annotations

import io
import shutil
import tempfile
from unittest import mock

from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from evaluations.models import Evaluation, Section, SectionRevision
from reports import prepared, tasks
from tests.base import SeedTestCase

FAKE = b"%PDF-1.7\n% draft preview\n%%EOF\n"


@override_settings(CELERY_TASK_ALWAYS_EAGER=False)
class PreparedPreviewTests(SeedTestCase):
    def setUp(self):
        media = tempfile.mkdtemp(prefix="prepared-")
        self.addCleanup(shutil.rmtree, media, ignore_errors=True)
        override = override_settings(
            STORAGES={
                "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": media}},
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            }
        )
        override.enable()
        self.addCleanup(override.disable)
        cache.clear()
        self.client.force_login(self.wangfang)
        self.url = reverse("evaluation_report_pdf", args=[self.evaluation.pk])
        self.status_url = reverse("evaluation_report_pdf_status", args=[self.evaluation.pk])

    def test_the_first_request_waits_for_the_worker_then_the_file_is_served(self):
        with mock.patch.object(tasks.prepare_preview, "delay") as queued:
            waiting = self.client.get(self.url)
            again = self.client.get(self.url)
        self.assertContains(waiting, "正在生成报告PDF", status_code=202)
        self.assertContains(waiting, f'hx-get="{self.status_url}"', status_code=202)
        self.assertEqual(again.status_code, 202)
        # Two requests, one render queued.
        queued.assert_called_once()
        evaluation_id, name = queued.call_args.args
        self.assertNotContains(self.client.get(self.status_url), "报告PDF已生成")

        with mock.patch("reports.rendering.render_report_pdf", return_value=FAKE) as render:
            tasks.prepare_preview(evaluation_id, name)
            tasks.prepare_preview(evaluation_id, name)
        render.assert_called_once()
        self.assertContains(self.client.get(self.status_url), "报告PDF已生成")
        response = self.client.get(self.url)
        self.assertEqual((response.status_code, response.getvalue()), (200, FAKE))
        self.assertTrue(response["Content-Disposition"].startswith("attachment; "))

    def test_an_edit_prepares_a_new_file(self):
        before = prepared.preview_name(self.evaluation)
        SectionRevision.objects.create(evaluation=self.evaluation, section=Section.PROFILE, revision=1)
        self.assertNotEqual(prepared.preview_name(self.evaluation), before)

    def test_someone_who_cannot_see_the_report_gets_404(self):
        self.client.force_login(self.zhaomin)
        with mock.patch.object(tasks.prepare_preview, "delay") as queued:
            self.assertEqual(self.client.get(self.url).status_code, 404)
            self.assertEqual(self.client.get(self.status_url).status_code, 404)
        queued.assert_not_called()


@override_settings(CELERY_TASK_ALWAYS_EAGER=False)
class PreparedSheetsTests(SeedTestCase):
    """陈静 exports every unit's 自评表 with a worker configured: she waits on a page, then downloads the workbook."""

    def setUp(self):
        media = tempfile.mkdtemp(prefix="prepared-")
        self.addCleanup(shutil.rmtree, media, ignore_errors=True)
        override = override_settings(
            STORAGES={
                "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": media}},
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            }
        )
        override.enable()
        self.addCleanup(override.disable)
        cache.clear()
        self.set_status(Evaluation.Status.SUBMITTED)
        self.client.force_login(self.chenjing)
        self.url = reverse("summary_sheets", args=[2024])

    def test_the_workbook_is_prepared_once_then_downloaded(self):
        with mock.patch.object(tasks.prepare_sheets, "delay") as queued:
            waiting = self.client.get(self.url)
            poll = self.client.get(self.url, headers={"HX-Request": "true"})
        self.assertContains(waiting, "2024年度各单位自评表", status_code=202)
        self.assertContains(poll, "正在生成")
        queued.assert_called_once()
        tasks.prepare_sheets(*queued.call_args.args)
        self.assertContains(self.client.get(self.url, headers={"HX-Request": "true"}), "已生成")
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(load_workbook(io.BytesIO(response.getvalue())).sheetnames, ["区科工信局"])
        self.assertIn("attachment", response["Content-Disposition"])
