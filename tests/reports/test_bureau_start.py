"""The finance bureau's start page at a province's scale: one year's units counted per state in one query and
listed 50 a page, filtered by year, state, region, 主管部门 and name, in the same eight queries for 4 units or 59."""

from __future__ import annotations

from django.urls import reverse

from evaluations.models import Evaluation, Unit
from reports import workflow
from tests.base import DepartmentSeedTestCase

Status = Evaluation.Status


class BureauStartPageTests(DepartmentSeedTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # Unit A's report has been handed over; unit B has only a draft, which the bureau must not see.
        Evaluation.objects.filter(pk=cls.evaluation.pk).update(status=Status.SUBMITTED)
        cls.draft_b = Evaluation.objects.create(unit=cls.unit_b, year=2024)
        cls.older = Evaluation.objects.create(unit=cls.unit_a, year=2023, status=Status.PUBLISHED)

    def start_page(self, user, **params):
        self.client.force_login(user)
        response = self.client.get(reverse("home"), params)
        self.assertEqual(response.status_code, 200)
        return response

    def counts(self, response) -> dict[str, int]:
        return {row["state"]: row["count"] for row in response.context["overview"]["counts"]}

    def listed(self, response) -> list[str]:
        return [row["name"] for row in response.context["overview"]["page"].object_list]

    def add_units(self, number: int) -> None:
        units = Unit.objects.bulk_create(
            Unit(name=f"株洲市渌口区合成单位{n:03d}", short_name=f"合成{n:03d}", region="湖南省株洲市渌口区")
            for n in range(1, number + 1)
        )
        Evaluation.objects.bulk_create(
            Evaluation(unit=unit, year=2024, status=(Status.PUBLISHED, Status.DRAFT)[n % 2])
            for n, unit in enumerate(units)
        )

    def test_chenjing_sees_the_newest_year_counted_per_state_with_a_draft_as_not_submitted(self):
        response = self.start_page(self.chenjing)
        overview = response.context["overview"]
        self.assertEqual(overview["year"], 2024)
        self.assertEqual(overview["years"], [2024, 2023])
        # Unit B's draft and the two departments without a report are all 未提交; no 草稿 for the bureau.
        counts = self.counts(response)
        self.assertNotIn(Status.DRAFT, counts)
        self.assertEqual(counts["not_submitted"], 3)
        self.assertEqual(counts[Status.SUBMITTED], 1)
        self.assertEqual(counts[Status.PUBLISHED], 0)
        self.assertEqual(overview["total"], 4)
        self.assertContains(response, reverse("evaluation_detail", args=[self.evaluation.pk]))
        self.assertContains(response, reverse("bureau_review", args=[self.evaluation.pk]))
        self.assertNotContains(response, reverse("evaluation_detail", args=[self.draft_b.pk]))
        self.assertNotContains(response, "草稿")

    def test_a_report_being_published_is_counted_as_publishing_not_as_missing(self):
        Evaluation.objects.filter(pk=self.evaluation.pk).update(status=Status.PUBLISHING)
        counts = self.counts(self.start_page(self.chenjing))
        self.assertEqual(counts[Status.PUBLISHING], 1)
        self.assertEqual(counts["not_submitted"], 3)
        self.assertEqual(sum(counts.values()), 4)

    def test_a_transition_shows_at_once_although_the_overview_is_cached(self):
        self.assertEqual(self.counts(self.start_page(self.chenjing))[Status.SUBMITTED], 1)
        workflow.return_for_revision(evaluation=self.evaluation, actor=self.liqiang, reason="请补充项目支出说明")
        counts = self.counts(self.start_page(self.chenjing))
        self.assertEqual((counts[Status.SUBMITTED], counts[Status.RETURNED]), (0, 1))

    def test_the_administrator_sees_drafts_as_drafts(self):
        counts = self.counts(self.start_page(self.admin))
        self.assertEqual(counts[Status.DRAFT], 1)
        self.assertEqual(counts["not_submitted"], 2)

    def test_chenjing_chooses_another_year(self):
        response = self.start_page(self.chenjing, year=2023)
        self.assertEqual(self.counts(response)[Status.PUBLISHED], 1)
        self.assertContains(response, reverse("evaluation_detail", args=[self.older.pk]))
        # A year nobody reported for falls back to the newest.
        self.assertEqual(self.start_page(self.chenjing, year=1999).context["overview"]["year"], 2024)

    def test_a_count_links_to_the_list_of_its_state_and_the_list_keeps_the_other_filters(self):
        response = self.start_page(self.chenjing, state=Status.SUBMITTED, region="湖南省株洲市渌口区")
        self.assertEqual(self.listed(response), [self.unit_a.name])
        link = next(row["link"] for row in response.context["overview"]["counts"] if row["state"] == "not_submitted")
        self.assertEqual(
            link,
            "?year=2024&region=%E6%B9%96%E5%8D%97%E7%9C%81%E6%A0%AA%E6%B4%B2%E5%B8%82%E6%B8%8C%E5%8F%A3%E5%8C%BA&state=not_submitted",
        )
        # The region narrows the counts too; the state narrows only the list.
        self.assertEqual(
            self.counts(response),
            {
                "not_submitted": 0,
                "returned": 0,
                "submitted": 1,
                "approved": 0,
                "dept_approved": 0,
                "publishing": 0,
                "published": 0,
            },
        )

    def test_chenjing_narrows_the_list_by_department_and_by_name(self):
        by_department = self.start_page(self.chenjing, department=self.other_department.pk)
        # By name, in the database's collation: the order itself is not the point here.
        self.assertCountEqual(self.listed(by_department), [self.other_department.name, self.unit_b.name])
        by_name = self.start_page(self.chenjing, q="科技")
        self.assertEqual(self.listed(by_name), [self.unit_a.name])
        by_short_name = self.start_page(self.chenjing, q="区农委")
        self.assertEqual(self.listed(by_short_name), [self.other_department.name])

    def test_unknown_filters_are_ignored(self):
        response = self.start_page(self.chenjing, state=Status.DRAFT, region="火星", department="x", year="20x4")
        self.assertEqual(len(self.listed(response)), 4)

    def test_the_page_costs_the_same_queries_for_4_units_and_for_59(self):
        # Queries: session, user, membership, the data's generation (newest unit, report and transition), the years
        # (first and last), the regions and the departments to filter by, the counts per state (one aggregate,
        # which also gives the list's length) and the page.
        self.client.force_login(self.chenjing)
        with self.assertNumQueries(9):
            response = self.client.get(reverse("home"))
        self.assertEqual(len(self.listed(response)), 4)
        # Shown again with nothing changed: the rendered overview comes from the cache.
        with self.assertNumQueries(4):
            again = self.client.get(reverse("home"))
        self.assertContains(again, self.unit_a.name)
        self.add_units(55)
        with self.assertNumQueries(9):
            response = self.client.get(reverse("home"))
        overview = response.context["overview"]
        self.assertEqual(overview["total"], 59)
        self.assertEqual(self.counts(response)[Status.PUBLISHED], 28)
        self.assertEqual(len(self.listed(response)), 50)
        self.assertContains(response, "?year=2024&amp;page=2")
        with self.assertNumQueries(9):
            second = self.client.get(reverse("home"), {"page": 2})
        self.assertEqual(len(self.listed(second)), 9)
