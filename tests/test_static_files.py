"""Static files in production: with STATIC_MANIFEST on (after collectstatic), pages link content-hashed names that
whitenoise serves compressed and cached for a year; the PDF keeps fetching its stylesheet by its plain name."""

from __future__ import annotations

import tempfile

from django.core.management import call_command
from django.template.loader import render_to_string
from django.test import Client, SimpleTestCase, override_settings

MANIFEST = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}


class ManifestStorageTests(SimpleTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.root = tempfile.TemporaryDirectory()
        cls.enterClassContext(cls.root)
        cls.storage = override_settings(
            DEBUG=False,
            STATIC_ROOT=cls.root.name,
            STORAGES={"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}, "staticfiles": MANIFEST},
        )
        cls.enterClassContext(cls.storage)
        call_command("collectstatic", interactive=False, verbosity=0)

    def test_pages_link_hashed_names_served_with_far_future_cache_headers(self):
        page = render_to_string("500.html")
        self.assertRegex(page, r'href="/static/css/app\.[0-9a-f]{12}\.css"')
        hashed = page.split('href="/static/css/app.')[1].split('"')[0]
        response = Client().get(f"/static/css/app.{hashed}", headers={"accept-encoding": "gzip"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("max-age=315360000", response["Cache-Control"])
        self.assertEqual(response.get("Content-Encoding"), "gzip")

    def test_the_pdf_stylesheet_keeps_its_plain_name(self):
        document = render_to_string("report/document.html", {"report": None})
        self.assertIn('href="/static/css/report-print.css"', document)
