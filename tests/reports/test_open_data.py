"""Open data: each published version's figures as JSON and CSV, frozen at publication; the year files; the schema and
the page that explains them. Anonymous readers (the public) only, and nothing that was not published."""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
from decimal import Decimal
from io import StringIO
from unittest import mock

import jsonschema
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from budgets.models import ProjectItem
from evaluations.models import Evaluation, Publication
from evaluations.money import format_wan
from reports import open_data, workflow
from tests.base import SeedTestCase
from tests.reports.workflow_support import FAKE_PDF, TemporaryPublicationsStore, fake_rendering, publishable_evaluation

Status = Evaluation.Status
VALIDATOR = jsonschema.Draft202012Validator(open_data.schema(), format_checker=jsonschema.FormatChecker())


def fetch_json(client, pk: int) -> dict:
    response = client.get(reverse("publication_data_json", args=[pk]))
    assert response.status_code == 200, response.status_code
    return json.loads(response.content)


def count_values(value) -> int:
    if isinstance(value, dict):
        return sum(count_values(item) for item in value.values())
    if isinstance(value, list):
        return sum(count_values(item) for item in value)
    return 1


def read_csv(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff"), "Excel needs the byte-order mark to read UTF-8"
    return list(csv.reader(io.StringIO(text[1:])))


class OpenDataTests(TemporaryPublicationsStore, SeedTestCase):
    """李强 publishes the seed's 2024 report; unit B's 2023 report is published too, by the administrator."""

    scoreable = True

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.other = publishable_evaluation(cls.unit_b, 2023, status=Status.APPROVED)
        Evaluation.objects.filter(pk=cls.evaluation.pk).update(status=Status.APPROVED)
        cls.evaluation.refresh_from_db()
        with fake_rendering():
            cls.older = workflow.publish(evaluation=cls.other, actor=cls.admin)
            cls.published = workflow.publish(evaluation=cls.evaluation, actor=cls.liqiang)

    def correct(self, **changes) -> Publication:
        """李强 reopens the report, changes it, and it goes through the workflow again as version 2."""
        workflow.reopen_for_correction(evaluation=self.evaluation, actor=self.liqiang, reason="更正")
        if changes:
            Evaluation.objects.filter(pk=self.evaluation.pk).update(**changes)
            self.evaluation.refresh_from_db()
        workflow.submit(evaluation=self.evaluation, actor=self.wangfang)
        workflow.approve(evaluation=self.evaluation, actor=self.liqiang)
        # A minute later: HTTP dates have whole seconds, and a correction is never published in the same second.
        later = timezone.now() + datetime.timedelta(minutes=1)
        with (
            fake_rendering(pdf=b"%PDF-1.7\n% corrected\n"),
            mock.patch("reports.publication.timezone.now", return_value=later),
        ):
            return workflow.publish(evaluation=self.evaluation, actor=self.liqiang)

    # -- one version ---------------------------------------------------------------------------------------------
    def test_an_anonymous_reader_gets_the_frozen_document_which_validates_against_the_schema(self):
        # Queries: the publication (a current version needs nothing else).
        with self.assertNumQueries(1):
            response = self.client.get(reverse("publication_data_json", args=[self.published.pk]))
        self.assertEqual(response["Content-Type"], "application/json; charset=utf-8")
        document = json.loads(response.content)
        VALIDATOR.validate(document)
        self.assertEqual(document["schema"], open_data.SCHEMA_PATH)
        # Fields in the schema's order whatever the database keeps (PostgreSQL's jsonb sorts keys its own way).
        self.assertEqual(list(document), list(open_data.schema()["properties"]))
        self.assertEqual(list(document["headline"]), list(open_data.schema()["properties"]["headline"]["properties"]))
        self.assertEqual(document, {**self.published.data, "status": document["status"]})
        self.assertEqual(
            document["unit"],
            {"name": "株洲市渌口区科技和工业信息化局", "code": "LK-KGXJ", "region": "湖南省株洲市渌口区"},
        )
        self.assertEqual((document["year"], document["publication"]["version"]), (2024, 1))
        self.assertEqual(document["publication"]["index_number"], self.published.index_number)

    def test_the_headline_figures_are_the_ones_the_publication_row_keeps_in_yuan_as_strings(self):
        headline = fetch_json(self.client, self.published.pk)["headline"]
        for name in ("total_spending", "basic_spending", "project_spending", "budget", "executed"):
            with self.subTest(name):
                value = getattr(self.published, name)
                self.assertEqual(headline[name], None if value is None else f"{value:.2f}")
        self.assertEqual(headline["basic_spending"], "4745000.00")

    def test_the_seeds_exact_figures_survive_17_96_percent_from_yuan_not_from_wan(self):
        document = fetch_json(self.client, self.published.pk)
        personnel = document["basic_spending"]["lines"][0]
        self.assertEqual(
            (personnel["label"], personnel["amount"], personnel["previous_amount"]),
            ("人员经费", "3864449.00", "4710700.00"),
        )
        self.assertEqual(
            (personnel["change_amount"], personnel["change_percent"], personnel["share_percent"]),
            ("-846251.00", "-17.96%", "81.44%"),
        )
        sources = document["project_spending"]["sources"]
        self.assertEqual([source["subtotal"] for source in sources], ["3304400.00", "7013900.00", "1994100.00"])

    def test_indicators_carry_target_actual_completion_and_the_score_sheets_points(self):
        document = fetch_json(self.client, self.published.pk)
        indicators = {row["name"]: row for row in document["indicators"]}
        loans = indicators["知识价值信用贷款"]
        self.assertEqual((loans["direction"], loans["completion_percent"]), ("≥", "57.00%"))
        self.assertIsNotNone(loans["score"])
        score = document["score"]
        self.assertEqual(score["total"], f"{self.published.score_total:f}")
        self.assertEqual((score["grade"], score["scheme_name"]), (self.published.grade, self.published.scheme_name))
        self.assertEqual(score["scheme_version"], self.published.scheme_version)
        self.assertTrue(score["sections"])

    def test_a_figure_nobody_entered_is_null_never_zero(self):
        # Unit B's report states its totals only: no split of basic spending, no last year, no items.
        document = fetch_json(self.client, self.older.pk)
        VALIDATOR.validate(document)
        basic = document["basic_spending"]
        self.assertEqual((basic["total"], basic["previous_total"], basic["change_percent"]), ("2500000.00", None, None))
        self.assertEqual(basic["lines"], [])
        self.assertEqual(document["project_spending"]["items_total"], None)
        self.assertEqual(document["unit"]["region"], None)

    def test_the_document_is_frozen_a_later_change_of_the_report_does_not_reach_it(self):
        before = fetch_json(self.client, self.published.pk)
        workflow.reopen_for_correction(evaluation=self.evaluation, actor=self.liqiang, reason="更正")
        ProjectItem.objects.filter(evaluation=self.evaluation).update(amount=Decimal("1.00"))
        after = fetch_json(self.client, self.published.pk)
        self.assertEqual(after, before)

    def test_the_csv_has_every_value_of_the_json_one_a_row(self):
        response = self.client.get(reverse("publication_data_csv", args=[self.published.pk]))
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        rows = read_csv(response)
        self.assertEqual(rows[0], ["字段", "名称", "值"])
        values = {row[0]: row for row in rows[1:]}
        self.assertEqual(values["headline.total_spending"][2], "17057400.00")
        self.assertEqual(
            values["basic_spending.lines[1].change_percent"],
            ["basic_spending.lines[1].change_percent", "人员经费", "-17.96%"],
        )
        self.assertEqual(values["project_spending.sources[1].items[1].amount"][1], "高分子新材料论坛资金")
        self.assertEqual(values["status.superseded_by"][2], "")  # null is an empty cell
        # One row per value of the JSON, none left out and none twice.
        self.assertEqual(len(values), len(rows) - 1)
        self.assertEqual(len(values), count_values(fetch_json(self.client, self.published.pk)))

    def test_text_that_excel_would_run_as_a_formula_is_neutralised_in_the_csv(self):
        evaluation = publishable_evaluation(self.unit_b, 2022, status=Status.APPROVED)
        ProjectItem.objects.create(
            evaluation=evaluation, order=1, name='=HYPERLINK("http://evil.example","点我")', amount=Decimal("1000000")
        )
        with fake_rendering():
            publication = workflow.publish(evaluation=evaluation, actor=self.admin)
        rows = read_csv(self.client.get(reverse("publication_data_csv", args=[publication.pk])))
        names = [row[2] for row in rows if row[0] == "project_spending.unsourced_items[1].name"]
        self.assertEqual(names, ['\'=HYPERLINK("http://evil.example","点我")'])
        # Decreases stay figures.
        self.assertEqual(open_data.safe_cell("-17.96%"), "-17.96%")
        self.assertEqual(open_data.safe_cell("+1"), "'+1")
        self.assertEqual(open_data.safe_cell("@SUM(A1)"), "'@SUM(A1)")

    def test_nothing_unpublished_is_there_drafts_and_approved_reports_have_no_files(self):
        # A draft of 2025 and an approved report of 2021: neither has a version, so neither has a file or a year.
        Evaluation.objects.create(unit=self.unit_a, year=2025)
        publishable_evaluation(self.unit_b, 2021, status=Status.APPROVED)
        for name in ("publication_data_json", "publication_data_csv"):
            with self.subTest(name=name):
                self.assertEqual(self.client.get(reverse(name, args=[999_999])).status_code, 404)
        for year in (2021, 2025):
            for name in ("open_data_year_json", "open_data_year_csv"):
                with self.subTest(name=name, year=year):
                    self.assertEqual(self.client.get(reverse(name, args=[year])).status_code, 404)
        self.assertNotContains(self.client.get(reverse("open_data_index")), reverse("open_data_year_csv", args=[2021]))

    def test_a_version_published_before_documents_existed_is_404_and_the_index_says_so(self):
        old = Publication.objects.create(
            evaluation=publishable_evaluation(self.unit_b, 2020, status=Status.PUBLISHED),
            version=1,
            published_at=timezone.now() - datetime.timedelta(days=400),
            published_by=self.admin,
            unit_name=self.unit_b.name,
            year=2020,
            title="株洲市渌口区农业农村局2020年度部门整体支出绩效自评报告",
            body_html="<p>旧版本</p>",
            pdf_name="old.pdf",
            pdf_filename="old.pdf",
            pdf_sha256="0" * 64,
            pdf_size=10,
            total_spending=Decimal("3500000.00"),
        )
        response = self.client.get(reverse("publication_data_json", args=[old.pk]))
        self.assertContains(response, "此版本公开时尚未生成公开数据", status_code=404)
        self.assertEqual(self.client.get(reverse("publication_data_csv", args=[old.pk])).status_code, 404)
        # The year file still has its frozen headline figures, without links to files it does not have.
        [row] = json.loads(self.client.get(reverse("open_data_year_json", args=[2020])).content)["reports"]
        self.assertEqual((row["total_spending"], row["has_document"], row["json"]), ("3500000.00", False, None))
        index = self.client.get(reverse("open_data_index"))
        self.assertContains(index, "其中1个版本公开时尚未生成公开数据")
        # The report page offers no data links for it.
        self.assertNotContains(
            self.client.get(reverse("publication_detail", args=[old.pk])), "/open-data/publications/"
        )

    def test_a_superseded_version_stays_available_marked_with_the_version_that_replaced_it(self):
        corrected = self.correct()
        # Queries: the publication, the versions after it.
        with self.assertNumQueries(2):
            old = json.loads(self.client.get(reverse("publication_data_json", args=[self.published.pk])).content)
        VALIDATOR.validate(old)
        self.assertEqual(old["status"]["is_current"], False)
        self.assertEqual(old["status"]["superseded"], True)
        self.assertEqual(
            old["status"]["superseded_by"],
            {"id": corrected.pk, "version": 2, "json": reverse("publication_data_json", args=[corrected.pk])},
        )
        self.assertEqual(old["status"]["superseded_at"], corrected.published_at.isoformat())
        new = fetch_json(self.client, corrected.pk)
        self.assertEqual((new["status"]["is_current"], new["status"]["superseded_by"]), (True, None))
        self.assertEqual(new["publication"]["version"], 2)

    # -- conditional requests ------------------------------------------------------------------------------------
    def test_a_reader_revalidating_a_version_gets_304_until_a_correction_changes_it(self):
        url = reverse("publication_data_json", args=[self.published.pk])
        first = self.client.get(url)
        etag, last_modified = first["ETag"], first["Last-Modified"]
        self.assertEqual(last_modified, http_date(int(self.published.published_at.timestamp())))
        self.assertNotIn("Accept-Language", first.get("Vary", ""))
        self.assertEqual(self.client.get(url, headers={"if-none-match": etag}).status_code, 304)
        self.assertEqual(self.client.get(url, headers={"if-modified-since": last_modified}).status_code, 304)
        head = self.client.head(url)
        self.assertEqual((head.status_code, head.content, head["ETag"]), (200, b"", etag))
        self.assertEqual(self.client.post(url).status_code, 405)
        self.correct()
        # Superseded: its status changed, so the copy is stale by both validators.
        self.assertEqual(self.client.get(url, headers={"if-none-match": etag}).status_code, 200)
        self.assertEqual(self.client.get(url, headers={"if-modified-since": last_modified}).status_code, 200)

    def test_a_reader_revalidating_a_year_file_gets_304_until_something_is_published(self):
        url = reverse("open_data_year_csv", args=[2024])
        first = self.client.get(url)
        self.assertEqual(first.status_code, 200)
        self.assertNotIn("Accept-Language", first.get("Vary", ""))
        self.assertEqual(self.client.get(url, headers={"if-none-match": first["ETag"]}).status_code, 304)
        self.assertEqual(self.client.get(url, headers={"if-modified-since": first["Last-Modified"]}).status_code, 304)
        self.assertEqual(self.client.head(url).status_code, 200)
        self.correct()
        self.assertEqual(self.client.get(url, headers={"if-none-match": first["ETag"]}).status_code, 200)

    # -- year files ----------------------------------------------------------------------------------------------
    def test_the_year_files_have_the_current_versions_by_default_and_every_version_on_request(self):
        corrected = self.correct()
        current = json.loads(self.client.get(reverse("open_data_year_json", args=[2024])).content)
        self.assertEqual(
            [(row["id"], row["version"], row["is_current"]) for row in current["reports"]], [(corrected.pk, 2, True)]
        )
        everything = self.client.get(reverse("open_data_year_csv", args=[2024]), {"versions": "all"})
        rows = read_csv(everything)
        self.assertEqual(tuple(rows[0]), open_data.YEAR_COLUMNS)
        columns = {name: n for n, name in enumerate(rows[0])}
        self.assertEqual(
            [(row[columns["id"]], row[columns["version"]], row[columns["is_current"]]) for row in rows[1:]],
            [(str(corrected.pk), "2", "true"), (str(self.published.pk), "1", "false")],
        )
        row = rows[2]
        self.assertEqual(row[columns["total_spending"]], "17057400.00")
        self.assertEqual(row[columns["execution_rate_percent"]], "99.24%")
        self.assertEqual(row[columns["score_total"]], f"{self.published.score_total:f}")
        self.assertEqual(row[columns["json"]], reverse("publication_data_json", args=[self.published.pk]))

    def test_the_year_files_cost_two_queries_whatever_the_number_of_publications(self):
        evaluation = publishable_evaluation(self.unit_b, 2019, status=Status.PUBLISHED)
        now = timezone.now()

        def add_versions(first: int, last: int) -> None:
            Publication.objects.filter(evaluation=evaluation).update(is_current=False)
            Publication.objects.bulk_create(
                Publication(
                    evaluation=evaluation,
                    version=version,
                    published_at=now + datetime.timedelta(minutes=version),
                    published_by=self.admin,
                    unit_name=self.unit_b.name,
                    year=2019,
                    title="2019",
                    body_html="",
                    pdf_name="x.pdf",
                    pdf_filename="x.pdf",
                    pdf_sha256="0" * 64,
                    pdf_size=1,
                    is_current=version == last,
                    total_spending=Decimal(version),
                )
                for version in range(first, last + 1)
            )

        for first, last in ((1, 1), (2, 40)):
            add_versions(first, last)
            for name in ("open_data_year_json", "open_data_year_csv"):
                with self.subTest(versions=last, name=name):
                    # Queries: the year's fingerprint (count, last id, last publication time); its rows.
                    with self.assertNumQueries(2):
                        response = self.client.get(reverse(name, args=[2019]), {"versions": "all"})
                    self.assertEqual(response.status_code, 200)
        rows = json.loads(self.client.get(reverse("open_data_year_json", args=[2019]), {"versions": "all"}).content)
        self.assertEqual(len(rows["reports"]), 40)

    # -- the schema and the index ---------------------------------------------------------------------------------
    def test_the_schema_is_served_at_the_path_every_document_names(self):
        response = self.client.get(open_data.SCHEMA_PATH)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/schema+json")
        self.assertEqual(json.loads(response.content), open_data.schema())
        jsonschema.Draft202012Validator.check_schema(open_data.schema())
        self.assertEqual(reverse("open_data_schema"), open_data.SCHEMA_PATH)
        self.assertEqual(
            self.client.get(open_data.SCHEMA_PATH, headers={"if-none-match": response["ETag"]}).status_code, 304
        )

    def test_the_index_explains_every_field_and_lists_the_years_with_their_files(self):
        # Queries: the years with their counts.
        with self.assertNumQueries(1):
            response = self.client.get(reverse("open_data_index"))
        for header in ("字段", "含义", "单位/格式", "空值的含义"):
            self.assertContains(response, f'<th scope="col">{header}</th>')
        for field in open_data.field_table():
            self.assertContains(response, f"<code>{field['field']}</code>")
            self.assertTrue(field["meaning"], f"{field['field']} has no title in the schema")
        for column in open_data.YEAR_COLUMNS:
            self.assertContains(response, f"<code>{column}</code>")
        for year in (2023, 2024):
            self.assertContains(response, reverse("open_data_year_csv", args=[year]))
        self.assertContains(response, f'href="{open_data.SCHEMA_PATH}"')

    def test_the_portal_and_each_report_page_link_the_open_data(self):
        self.assertContains(self.client.get(reverse("portal")), reverse("open_data_index"))
        page = self.client.get(reverse("publication_detail", args=[self.published.pk]))
        self.assertContains(page, reverse("publication_data_json", args=[self.published.pk]))
        self.assertContains(page, reverse("publication_data_csv", args=[self.published.pk]))


def report_text(body_html: str) -> str:
    return re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", body_html))


class DemoOpenDataTests(TemporaryPublicationsStore, TestCase):
    """The demo as `loaddemo` publishes it, with the report body rendered for real (only the PDF is stood in for)."""

    @classmethod
    def setUpTestData(cls):
        with mock.patch("reports.rendering.render_report_pdf", return_value=FAKE_PDF):
            call_command("loaddemo", stdout=StringIO())

    def test_every_published_demo_report_states_the_documents_figures_in_its_text(self):
        publications = list(Publication.objects.all())
        self.assertTrue(publications)
        for publication in publications:
            with self.subTest(publication.title):
                document = fetch_json(self.client, publication.pk)
                VALIDATOR.validate(document)
                text = report_text(publication.body_html)
                headline = document["headline"]
                self.assertIn(format_wan(Decimal(headline["total_spending"])), text)
                self.assertIn(headline["execution_rate_percent"], text)
                self.assertIn(f"综合评分为{document['score']['total']}分", text)
                self.assertIn(f"评价等级为“{document['score']['grade']}”", text)
                personnel = document["basic_spending"]["lines"][0]
                self.assertIn(
                    f"人员经费{format_wan(Decimal(personnel['amount']))}万元，比上年减少"
                    f"{format_wan(-Decimal(personnel['change_amount']))}万元，下降{personnel['change_percent'][1:]}",
                    text,
                )
