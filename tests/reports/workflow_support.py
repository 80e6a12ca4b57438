"""Helpers for the workflow and publication tests: a throw-away publications store and a stand-in renderer."""

from __future__ import annotations

import shutil
import tempfile
from contextlib import contextmanager
from unittest import mock

from django.conf import settings
from django.test import override_settings

FAKE_PDF = b"%PDF-1.7\n% stand-in for the report engineer's renderer\n%%EOF\n"
FAKE_BODY = '<section class="report"><h1>报告正文</h1><p>基本支出474.50万元</p></section>'


class TemporaryPublicationsStore:
    """Every test class writes its published PDFs to its own temporary directory, never to media/."""

    @classmethod
    def setUpClass(cls):
        cls.publications_dir = tempfile.mkdtemp(prefix="publications-")
        storages = {
            **settings.STORAGES,
            "publications": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": cls.publications_dir},
            },
        }
        # Enabled before setUpTestData, which may already publish.
        cls._store_override = override_settings(STORAGES=storages)
        cls._store_override.enable()
        try:
            super().setUpClass()
        except Exception:
            cls._store_override.disable()
            raise

    def empty_store(self) -> None:
        # Files are not rolled back with the test's transaction.
        shutil.rmtree(self.publications_dir, ignore_errors=True)

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls._store_override.disable()
        shutil.rmtree(cls.publications_dir, ignore_errors=True)


@contextmanager
def fake_rendering(pdf: bytes = FAKE_PDF, body: str = FAKE_BODY):
    """Publish without WeasyPrint (1.5 s a render): most tests are about the workflow, not the PDF.

    Publication calls these through the rendering module (``rendering.render_report_pdf``), so they are patched
    there; modules that imported them by name (the review page's body) keep rendering for real."""
    with (
        mock.patch("reports.rendering.render_report_pdf", return_value=pdf) as render_pdf,
        mock.patch("reports.rendering.render_report_body", return_value=body),
        mock.patch("reports.rendering.report_filename", return_value="report.pdf"),
    ):
        yield render_pdf
