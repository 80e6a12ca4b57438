"""The public portal: published versions only, newest first, filters, search, pages, corrections marked."""

from __future__ import annotations

from unittest import mock

from django.urls import reverse
from django.utils import timezone

from evaluations.models import Evaluation, Publication
from reports import workflow
from reports.publication import PublishedFileMissing, publications_storage, read_pdf, store_pdf
from reports.views import portal
from tests.base import SeedTestCase
from tests.reports.workflow_support import (
    FAKE_PDF,
    TemporaryPublicationsStore,
    fake_rendering,
    publishable_evaluation,
)

Status = Evaluation.Status


class PortalTests(TemporaryPublicationsStore, SeedTestCase):
    scoreable = True

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # Publication now requires what the outline requires (issue 9): the 2023 report has the least of it.
        cls.other = publishable_evaluation(cls.unit_b, 2023, status=Status.APPROVED)
        Evaluation.objects.filter(pk=cls.evaluation.pk).update(status=Status.APPROVED)
        cls.evaluation.refresh_from_db()
        with fake_rendering(pdf=b"%PDF-1.7\n% 2023\n"):
            cls.older = workflow.publish(evaluation=cls.other, actor=cls.admin)
        with fake_rendering():
            cls.newer = workflow.publish(evaluation=cls.evaluation, actor=cls.liqiang)

    def test_an_anonymous_visitor_sees_the_published_reports_newest_first(self):
        # Queries: the filter's years, the filter's units, the count, the page of publications.
        with self.assertNumQueries(4):
            response = self.client.get(reverse("portal"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(list(response.context["page"].object_list), [self.newer, self.older])
        self.assertContains(response, reverse("publication_pdf", args=[self.newer.pk]))

    def test_it_filters_by_year_and_unit_and_searches_unit_names(self):
        cases = [
            ({"year": "2023"}, [self.older]),
            ({"unit": str(self.unit_a.pk)}, [self.newer]),
            ({"q": "农业"}, [self.older]),
            ({"q": "科技", "year": "2023"}, []),
        ]
        for query, expected in cases:
            with self.subTest(query=query):
                response = self.client.get(reverse("portal"), query)
                self.assertEqual(list(response.context["page"].object_list), expected)

    def test_a_draft_never_appears_and_its_ids_are_404(self):
        draft = Evaluation.objects.create(unit=self.unit_a, year=2025)
        response = self.client.get(reverse("portal"))
        self.assertNotContains(response, "2025")
        self.assertEqual(self.client.get(reverse("publication_detail", args=[9999])).status_code, 404)
        self.assertEqual(self.client.get(reverse("publication_pdf", args=[9999])).status_code, 404)
        self.assertEqual(self.client.get(reverse("evaluation_detail", args=[draft.pk])).status_code, 302)

    def test_the_pdf_is_the_stored_file_and_may_be_cached_under_its_fingerprint(self):
        response = self.client.get(reverse("publication_pdf", args=[self.newer.pk]))
        self.assertEqual(response.getvalue(), FAKE_PDF)
        # The same bytes in every language: caches need not keep one copy per Accept-Language.
        self.assertNotIn("Accept-Language", response.get("Vary", ""))
        self.assertEqual(response["ETag"], f'"{self.newer.pdf_sha256}"')
        self.assertEqual(response["Cache-Control"], "public, max-age=86400")
        self.assertTrue(response["Content-Disposition"].startswith("attachment; "))

    def url(self) -> str:
        return reverse("publication_pdf", args=[self.newer.pk])

    def test_a_browser_revalidating_its_copy_gets_304_without_the_store_being_read(self):
        first = self.client.get(self.url())
        self.assertEqual(first["Accept-Ranges"], "bytes")
        with mock.patch.object(portal, "open_pdf") as read:
            by_etag = self.client.get(self.url(), HTTP_IF_NONE_MATCH=first["ETag"])
            by_date = self.client.get(self.url(), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
        read.assert_not_called()
        self.assertEqual((by_etag.status_code, by_date.status_code), (304, 304))
        self.assertEqual(by_etag["ETag"], first["ETag"])
        # Another fingerprint is another file: the bytes are sent.
        self.assertEqual(self.client.get(self.url(), HTTP_IF_NONE_MATCH='"other"').status_code, 200)

    def test_head_answers_the_headers_without_the_bytes(self):
        response = self.client.head(self.url())
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Length"], str(len(FAKE_PDF)))
        self.assertEqual(response.content, b"")

    def test_a_broken_download_resumes_with_a_range(self):
        size = len(FAKE_PDF)
        cases = [
            ("bytes=0-4", 206, FAKE_PDF[:5], f"bytes 0-4/{size}"),
            ("bytes=5-", 206, FAKE_PDF[5:], f"bytes 5-{size - 1}/{size}"),
            ("bytes=-3", 206, FAKE_PDF[-3:], f"bytes {size - 3}-{size - 1}/{size}"),
            (f"bytes=2-{size + 50}", 206, FAKE_PDF[2:], f"bytes 2-{size - 1}/{size}"),
        ]
        for header, status, body, content_range in cases:
            with self.subTest(range=header):
                response = self.client.get(self.url(), HTTP_RANGE=header)
                self.assertEqual(response.status_code, status)
                self.assertEqual(response.getvalue(), body)
                self.assertEqual(response["Content-Range"], content_range)
                self.assertEqual(response["Content-Length"], str(len(body)))
        beyond = self.client.get(self.url(), HTTP_RANGE=f"bytes={size}-")
        self.assertEqual((beyond.status_code, beyond["Content-Range"]), (416, f"bytes */{size}"))
        # Several ranges, or nonsense: the whole file, as RFC 9110 allows.
        for header in ("bytes=0-1,4-5", "lines=1-2", "bytes=5-2"):
            with self.subTest(range=header):
                self.assertEqual(self.client.get(self.url(), HTTP_RANGE=header).getvalue(), FAKE_PDF)
        # A range for another version of the file (If-Range with another fingerprint): the whole current file.
        stale = self.client.get(self.url(), HTTP_RANGE="bytes=0-4", HTTP_IF_RANGE='"other"')
        self.assertEqual((stale.status_code, stale.getvalue()), (200, FAKE_PDF))

    def test_a_file_gone_from_the_store_is_logged_and_503_with_its_message(self):
        publications_storage().delete(self.newer.pdf_name)
        try:
            with (
                self.assertLogs("reports.publication", "ERROR"),
                self.assertRaisesMessage(PublishedFileMissing, "已公开的报告文件缺失"),
            ):
                read_pdf(self.newer)
            with self.assertLogs("reports.publication", "ERROR"):
                response = self.client.get(reverse("publication_pdf", args=[self.newer.pk]))
            self.assertContains(response, "已公开的报告文件缺失", status_code=503)
        finally:
            store_pdf(FAKE_PDF)

    def test_it_pages_through_many_reports(self):
        with mock.patch.object(portal, "PAGE_SIZE", 1):
            first = self.client.get(reverse("portal"), {"q": "局"})
            second = self.client.get(reverse("portal"), {"q": "局", "page": 2})
        self.assertEqual(list(first.context["page"].object_list), [self.newer])
        self.assertContains(first, "q=%E5%B1%80&amp;page=2")
        self.assertEqual(list(second.context["page"].object_list), [self.older])

    def test_the_report_page_shows_date_fingerprint_body_and_pdf_link(self):
        # Queries: the publication, all versions of its evaluation.
        with self.assertNumQueries(2):
            response = self.client.get(reverse("publication_detail", args=[self.newer.pk]))
        self.assertContains(response, self.newer.pdf_sha256)
        published = timezone.localtime(self.newer.published_at)
        self.assertContains(response, f"{published.year}年{published.month}月{published.day}日")
        self.assertContains(response, "基本支出474.50万元")
        self.assertContains(response, reverse("publication_pdf", args=[self.newer.pk]))
        self.assertNotContains(response, "已更正")
        # Search engines and shared links get the report's own description: its unit, year and title.
        self.assertContains(
            response,
            f'<meta name="description" content="{self.newer.unit_name}{self.newer.year}年度部门整体支出绩效自评报告：'
            f"{self.newer.title}。",
        )

    def test_a_corrected_version_is_marked_and_links_to_the_new_one(self):
        workflow.reopen_for_correction(evaluation=self.evaluation, actor=self.liqiang, reason="更正人员经费")
        # While the correction is being prepared, version 1 stays on the portal as it was.
        response = self.client.get(reverse("portal"))
        self.assertIn(self.newer, response.context["page"].object_list)
        workflow.submit(evaluation=self.evaluation, actor=self.wangfang)
        workflow.approve(evaluation=self.evaluation, actor=self.liqiang)
        with fake_rendering(pdf=b"%PDF-1.7\n% corrected\n"):
            corrected = workflow.publish(evaluation=self.evaluation, actor=self.liqiang)

        old_page = self.client.get(reverse("publication_detail", args=[self.newer.pk]))
        self.assertContains(old_page, "已更正")
        self.assertContains(old_page, reverse("publication_detail", args=[corrected.pk]))
        self.assertEqual(self.client.get(reverse("publication_pdf", args=[self.newer.pk])).status_code, 200)
        listing = self.client.get(reverse("portal"))
        self.assertEqual(list(listing.context["page"].object_list), [corrected, self.older])
        self.assertEqual(Publication.objects.count(), 3)
