"""The public portal: published versions only, newest first, filters, search, pages, corrections marked."""

from __future__ import annotations

import datetime
from decimal import Decimal
from unittest import mock

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from evaluations.models import Evaluation, Publication, Unit
from reports import portal as portal_data
from reports import workflow
from reports.publication import PublishedFileMissing, publications_storage, read_pdf, store_pdf
from reports.views import portal
from tests.base import BaseTestCase, SeedTestCase
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

    def setUp(self):
        # The portal keeps its choices, counts and suggestions in the cache; each story starts from a cold one.
        cache.clear()

    def test_an_anonymous_visitor_sees_the_published_reports_newest_first(self):
        # Queries: the newest publication's id (the cache's generation), the filter's years, regions, grades and
        # departments, the count, the page of publications.
        with self.assertNumQueries(7):
            response = self.client.get(reverse("portal"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["page"].rows, [self.newer, self.older])
        self.assertContains(response, reverse("publication_pdf", args=[self.newer.pk]))
        self.assertContains(response, "共2份报告")
        # The choices, the count and the rendered list of this page come from the cache now: only the generation.
        with self.assertNumQueries(1):
            again = self.client.get(reverse("portal"))
        self.assertContains(again, "共2份报告")
        # Its card and its table row, each with the link and the download's hidden label.
        self.assertContains(again, self.newer.title, count=4)
        # Anything published is a new generation: the list is read again and shows it at once.
        fresh = published(Unit.objects.create(name="株洲市渌口区教育局"), 2024)
        self.assertContains(self.client.get(reverse("portal")), fresh.title)

    def test_it_filters_by_year_and_region_and_searches_names_short_names_and_regions(self):
        cases = [
            ({"year": "2023"}, [self.older]),
            ({"region": "湖南省株洲市渌口区"}, [self.newer]),
            ({"q": "农业"}, [self.older]),
            ({"q": "区科工信"}, [self.newer]),  # the short name
            ({"q": "湖南省"}, [self.newer]),  # the region: only unit A has one
            ({"q": "渌口区"}, [self.newer, self.older]),
            ({"q": "科技", "year": "2023"}, []),
            # A choice nobody offered (a bookmarked year since withdrawn) is dropped, not an error.
            ({"year": "1999"}, [self.newer, self.older]),
        ]
        for query, expected in cases:
            with self.subTest(query=query):
                response = self.client.get(reverse("portal"), query)
                self.assertEqual(response.context["page"].rows, expected)

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

    def test_a_download_is_served_before_the_session_is_read(self):
        # 王芳, signed in, downloads a published PDF as any reader would: two queries the first time (the version's
        # file, its latest integrity check), none after (both cached), no session read, no cookie set, nothing that
        # varies with her.
        self.client.force_login(self.wangfang)
        with self.assertNumQueries(2):
            self.assertEqual(self.client.get(self.url()).getvalue(), FAKE_PDF)
        with self.assertNumQueries(0):
            response = self.client.get(self.url())
        self.assertEqual(response.getvalue(), FAKE_PDF)
        self.assertNotIn("Vary", response)
        self.assertEqual(response.cookies, {})
        # Another method goes to the view, which allows only GET and HEAD.
        self.assertEqual(self.client.post(self.url()).status_code, 405)

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
        with mock.patch.object(portal_data, "PAGE_SIZE", 1):
            first = self.client.get(reverse("portal"), {"q": "局"})
            cursor = first.context["page"].after
            second = self.client.get(reverse("portal"), {"q": "局", "after": str(cursor)})
        self.assertEqual(first.context["page"].rows, [self.newer])
        self.assertContains(first, f"q=%E5%B1%80&amp;after={cursor}")
        self.assertEqual(second.context["page"].rows, [self.older])
        self.assertIsNone(second.context["page"].after)

    def test_the_report_page_shows_date_fingerprint_body_and_pdf_link(self):
        # Queries: the publication (with its unit's id), all versions of its evaluation, the unit's years.
        with self.assertNumQueries(3):
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
        self.assertIn(self.newer, response.context["page"].rows)
        workflow.submit(evaluation=self.evaluation, actor=self.wangfang)
        workflow.approve(evaluation=self.evaluation, actor=self.liqiang)
        with fake_rendering(pdf=b"%PDF-1.7\n% corrected\n"):
            corrected = workflow.publish(evaluation=self.evaluation, actor=self.liqiang)

        old_page = self.client.get(reverse("publication_detail", args=[self.newer.pk]))
        self.assertContains(old_page, "已更正")
        self.assertContains(old_page, reverse("publication_detail", args=[corrected.pk]))
        self.assertEqual(self.client.get(reverse("publication_pdf", args=[self.newer.pk])).status_code, 200)
        listing = self.client.get(reverse("portal"))
        self.assertEqual(listing.context["page"].rows, [corrected, self.older])
        self.assertEqual(Publication.objects.count(), 3)


def published(unit: Unit, year: int, *, at: datetime.datetime | None = None, **fields) -> Publication:
    """A current publication of ``unit``'s ``year`` written directly, as the synthetic data are: for stories about
    what the portal reads, not about how a report gets published."""
    evaluation = Evaluation.objects.create(unit=unit, year=year, status=Status.PUBLISHED)
    publisher = get_user_model().objects.get(username="admin")
    values = {
        "version": 1,
        "published_at": at or timezone.now(),
        "published_by": publisher,
        "unit_name": unit.name,
        "year": year,
        "title": f"{unit.name}{year}年度部门整体支出绩效自评报告",
        "body_html": "<p>报告</p>",
        "pdf_name": "x.pdf",
        "pdf_filename": f"{year}.pdf",
        "pdf_sha256": "0" * 64,
        "pdf_size": 10,
        "is_current": True,
        **fields,
    }
    return Publication.objects.create(evaluation=evaluation, **values)


class PortalAtScaleTests(BaseTestCase):
    """The list, its pages, its search box's suggestions and a report's page at any number of units: the same
    queries for two units as for two hundred."""

    def setUp(self):
        cache.clear()

    def add_units(self, n: int, *, year: int = 2022, **fields) -> list[Publication]:
        start = Unit.objects.count()
        units = Unit.objects.bulk_create(
            Unit(name=f"测试单位{i:03d}", short_name=f"测试{i:03d}", region="湖南省株洲市荷塘区")
            for i in range(start, start + n)
        )
        return [published(unit, year, **fields) for unit in units]

    def test_a_reader_narrows_the_list_to_a_department_and_the_units_under_it(self):
        # 区教育局 is a 主管部门 with two schools under it, one of which has a kindergarten under it in turn.
        department = Unit.objects.create(name="株洲市渌口区教育局")
        school = Unit.objects.create(name="渌口区第一中学", parent=department)
        kindergarten = Unit.objects.create(name="渌口区实验幼儿园", parent=school)
        other_school = Unit.objects.create(name="渌口区第二中学", parent=department)
        elsewhere = Unit.objects.create(name="株洲市渌口区卫生健康局")
        reports = {unit.pk: published(unit, 2024) for unit in [department, school, kindergarten, other_school]}
        published(elsewhere, 2024)
        response = self.client.get(reverse("portal"))
        # Offered: the departments with a report of a unit directly under them (by name, in the database's collation).
        self.assertCountEqual(
            response.context["form"].fields["department"].choices[1:],
            [(school.pk, school.name), (department.pk, department.name)],
        )
        listed = self.client.get(reverse("portal"), {"department": department.pk}).context["page"].rows
        self.assertEqual({row.pk for row in listed}, {report.pk for report in reports.values()})
        listed = self.client.get(reverse("portal"), {"department": school.pk}).context["page"].rows
        self.assertEqual({row.pk for row in listed}, {reports[school.pk].pk, reports[kindergarten.pk].pk})

    def test_the_list_costs_the_same_queries_with_many_more_units_and_reports(self):
        self.add_units(3)
        # Queries: the newest publication's id, the filter's years, regions, grades and departments, the count, the
        # page.
        with self.assertNumQueries(7):
            self.client.get(reverse("portal"))
        self.add_units(40, year=2021)
        with self.assertNumQueries(7):
            response = self.client.get(reverse("portal"), {"q": "测试", "year": "2021"})
        self.assertEqual(len(response.context["page"].rows), portal_data.PAGE_SIZE)
        # Warm: the newest id and the page; the choices and the count of this query are cached.
        with self.assertNumQueries(2):
            self.client.get(
                reverse("portal"), {"q": "测试", "year": "2021", "after": str(response.context["page"].after)}
            )
        # No unit list in the page any more (issue 15: it was every unit, 660 KB at 10,000 units).
        self.assertNotContains(response, "测试单位039</option>")

    def test_the_list_shows_spending_rate_score_date_and_version_and_a_dash_for_what_is_unknown(self):
        unit = Unit.objects.create(name="株洲市渌口区财政局", short_name="区财政局")
        published(
            unit,
            2024,
            total_spending=Decimal("17057400.00"),
            execution_rate=Decimal("0.98765432"),
            score_total=Decimal("88.50"),
            grade="良",
            version=2,
        )
        unknown = Unit.objects.create(name="株洲市渌口区统计局", short_name="区统计局")
        published(unknown, 2024)
        response = self.client.get(reverse("portal"))
        self.assertContains(response, '<td class="num">1705.74</td>', html=True)
        self.assertContains(response, "<dd>1705.74万元</dd>", html=True)
        self.assertContains(response, '<td class="num">98.77%</td>', html=True)  # half-up from 98.765432%
        self.assertContains(response, "88.50分（良）")
        self.assertContains(response, "第2版")
        # The unknown figures: a dash in the cell, never 0.
        self.assertContains(response, '<td class="num">—</td>', count=2, html=True)
        self.assertNotContains(response, "0.00万元")

    def test_the_grade_filter_offers_the_grades_published_best_first(self):
        [good] = self.add_units(1, score_total=Decimal("85"), grade="良")
        unit = Unit.objects.create(name="株洲市渌口区审计局")
        excellent = published(unit, 2022, score_total=Decimal("95"), grade="优")
        response = self.client.get(reverse("portal"), {"grade": "良"})
        self.assertEqual(response.context["page"].rows, [good])
        self.assertEqual(
            [value for value, _label in response.context["form"].fields["grade"].choices][1:], ["优", "良"]
        )
        self.assertEqual(self.client.get(reverse("portal"), {"grade": "优"}).context["page"].rows, [excellent])

    def test_keyset_pages_walk_every_report_once_forwards_and_back_even_when_published_at_the_same_moment(self):
        moment = timezone.now()
        rows = self.add_units(7, at=moment)
        newest_first = sorted(rows, key=lambda p: p.pk, reverse=True)
        pages, cursor = [], None
        with mock.patch.object(portal_data, "PAGE_SIZE", 3):
            while True:
                response = self.client.get(reverse("portal"), {"after": cursor} if cursor else {})
                page = response.context["page"]
                pages.append(page.rows)
                if page.after is None:
                    break
                cursor = str(page.after)
            self.assertEqual([p for rows in pages for p in rows], newest_first)
            self.assertEqual([len(rows) for rows in pages], [3, 3, 1])
            self.assertContains(response, "上一页")
            self.assertNotContains(response, "下一页")
            # Back from the last page: the middle page, with links both ways.
            back = self.client.get(reverse("portal"), {"before": str(page.before)}).context["page"]
            self.assertEqual(back.rows, pages[1])
            self.assertIsNotNone(back.after)
            first = self.client.get(reverse("portal"), {"before": str(back.before)}).context["page"]
            self.assertEqual((first.rows, first.before), (pages[0], None))

    def test_a_cursor_reads_back_exactly_and_nonsense_gives_the_first_page(self):
        at = datetime.datetime(2025, 5, 20, 8, 30, 15, 123456, tzinfo=datetime.UTC)
        cursor = portal_data.Cursor(at, 42)
        self.assertEqual(portal_data.Cursor.parse(str(cursor)), cursor)
        for text in ["", "x.1", "1.", "-5.3", "1.2.3", "9" * 40 + ".1", "9" * 18 + ".1", "١٢.3", "1." + "9" * 30]:
            with self.subTest(text=text):
                self.assertIsNone(portal_data.Cursor.parse(text))
        rows = self.add_units(2)
        response = self.client.get(reverse("portal"), {"after": "garbage"})
        self.assertEqual(response.context["page"].rows[:2], sorted(rows, key=lambda p: p.pk, reverse=True))

    def test_the_count_is_read_from_the_cache_and_follows_a_new_publication(self):
        self.add_units(2)
        self.assertContains(self.client.get(reverse("portal")), "共2份报告")
        self.add_units(1)  # a new publication: a new newest id, so a new count
        self.assertContains(self.client.get(reverse("portal")), "共3份报告")


class SuggestionTests(BaseTestCase):
    """The search box suggests units with something published, a page at a time, from the cache."""

    def setUp(self):
        cache.clear()

    def test_it_suggests_published_units_by_name_short_name_or_region_in_pages_from_the_cache(self):
        published(self.unit_a, 2024)
        published(self.unit_b, 2024)
        url = reverse("portal_units")
        with self.assertNumQueries(1):
            response = self.client.get(url, {"q": "渌口"})
        self.assertEqual(response["Content-Type"], "application/json")
        data = response.json()
        self.assertEqual([row["name"] for row in data["results"]], [self.unit_b.name, self.unit_a.name])
        self.assertEqual((data["page"], data["next"], data["previous"]), (1, None, None))
        # The same question again: straight from the cache.
        with self.assertNumQueries(0):
            self.assertEqual(self.client.get(url, {"q": "渌口"}).json(), data)
        self.assertEqual(
            [row["name"] for row in self.client.get(url, {"q": "科工信"}).json()["results"]], [self.unit_a.name]
        )
        self.assertEqual(self.client.get(url, {"q": "湖南省"}).json()["results"][0]["region"], "湖南省株洲市渌口区")
        with mock.patch.object(portal_data, "SUGGESTIONS_PAGE_SIZE", 1):
            first = self.client.get(url, {"q": "局", "page": "1"}).json()
            second = self.client.get(url, {"q": "局", "page": "2"}).json()
            nonsense = self.client.get(url, {"q": "局", "page": "x"}).json()
        self.assertEqual((first["next"], second["previous"], second["next"]), (2, 1, None))
        self.assertEqual(
            [first["results"][0]["name"], second["results"][0]["name"]], [self.unit_b.name, self.unit_a.name]
        )
        self.assertEqual(nonsense["page"], 1)

    def test_units_with_only_drafts_or_nothing_published_are_never_suggested(self):
        Evaluation.objects.create(unit=self.unit_b, year=2024, status=Status.APPROVED)
        Unit.objects.create(name="株洲市渌口区未公开局")
        published(self.unit_a, 2024)
        names = [row["name"] for row in self.client.get(reverse("portal_units"), {"q": "局"}).json()["results"]]
        self.assertEqual(names, [self.unit_a.name])
        self.assertEqual(
            self.client.get(reverse("portal_units")).json()["results"],
            [{"name": self.unit_a.name, "short_name": "区科工信局", "region": "湖南省株洲市渌口区"}],
        )


class ReportPageTests(BaseTestCase):
    """A report's page: key figures, contents, metadata, the unit's other years and a chart of them."""

    BODY = (
        '<article class="report"><h1>标题</h1><section><h2 id="s1">一、部门基本情况</h2>'
        '<div class="report-table"><table><caption>表1 人员</caption><tr><td>21</td></tr></table></div>'
        '<h3 id="s1-1">（一）职能</h3></section><section><h2>二、支出情况</h2></section></article>'
    )

    def setUp(self):
        cache.clear()

    def test_it_opens_with_the_key_figures_contents_and_metadata_of_the_version(self):
        publication = published(
            self.unit_a,
            2024,
            body_html=self.BODY,
            total_spending=Decimal("17057400.00"),
            basic_spending=Decimal("4745000.00"),
            project_spending=None,
            execution_rate=Decimal("0.96500000"),
            score_total=Decimal("91.51"),
            grade="优",
            index_number="LK-KGXJ-2024-001",
            publisher="株洲市渌口区科技和工业信息化局",
            written_on=datetime.date(2025, 5, 20),
            topic="财政、金融、审计",
        )
        response = self.client.get(reverse("publication_detail", args=[publication.pk]))
        figures = [
            "<dt>实际支出合计</dt>",
            '1705.74<span class="portal-figure-unit">万元</span>',
            '474.50<span class="portal-figure-unit">万元</span>',
            "<dt>项目支出</dt><dd>—</dd>",  # not known when published: a dash, not 0
            "<dt>预算执行率</dt><dd>96.50%</dd>",
            '91.51<span class="portal-figure-unit">分</span>',
            "<dt>等级</dt><dd>优</dd>",
        ]
        for html in figures:
            with self.subTest(html=html):
                self.assertContains(response, html)
        self.assertContains(
            response, '<li class="portal-toc-level2"><a href="#s1">一、部门基本情况</a></li>', html=True
        )
        self.assertContains(response, '<li class="portal-toc-level3"><a href="#s1-1">（一）职能</a></li>', html=True)
        self.assertContains(response, '<a href="#heading-3">二、支出情况</a>')
        self.assertContains(response, '<h2 id="heading-3">二、支出情况</h2>')
        self.assertContains(response, 'class="table-scroll" role="region" aria-label="表1 人员" tabindex="0"')
        for text in ["LK-KGXJ-2024-001", "株洲市渌口区科技和工业信息化局", "2025年5月20日", "财政、金融、审计"]:
            with self.subTest(text=text):
                self.assertContains(response, text)
        # The fingerprint is explained, with the commands that compute it, and still shown.
        self.assertContains(response, 'certutil -hashfile "2024.pdf" SHA256')
        self.assertContains(response, 'sha256sum "2024.pdf"')
        self.assertContains(response, "0" * 64)

    def test_it_links_the_units_other_years_and_charts_them_in_the_same_queries_however_many(self):
        years = {
            year: published(self.unit_a, year, total_spending=Decimal(year * 1000), score_total=Decimal("80.00"))
            for year in (2022, 2023, 2024)
        }
        # Another unit's year is not this unit's.
        published(self.unit_b, 2021)
        url = reverse("publication_detail", args=[years[2024].pk])
        # Queries: the publication with its unit's id, the versions of its evaluation, the unit's years.
        with self.assertNumQueries(3):
            response = self.client.get(url)
        for year in (2022, 2023):
            self.assertContains(
                response, f'<a href="{reverse("publication_detail", args=[years[year].pk])}">{year}年度</a>', html=True
            )
        self.assertNotContains(response, "2021年度")
        self.assertContains(response, '<svg xmlns="http://www.w3.org/2000/svg" role="img"', count=2)
        self.assertContains(response, "2022：202.20；2023：202.30；2024：202.40")  # 万元, as published
        self.assertContains(response, "2022：80.00；2023：80.00；2024：80.00")
        for year in range(2015, 2022):
            published(self.unit_a, year)
        with self.assertNumQueries(3):
            response = self.client.get(url)
        # A year published without the figure shows a dash in the chart, never 0.
        self.assertContains(response, "2015：—")

    def test_a_unit_with_one_year_has_no_chart(self):
        publication = published(self.unit_a, 2024)
        response = self.client.get(reverse("publication_detail", args=[publication.pk]))
        self.assertContains(response, "本单位尚无其他年度的已公开报告。")
        self.assertNotContains(response, "<svg")
