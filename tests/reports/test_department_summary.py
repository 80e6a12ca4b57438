"""周伟's summary of his department's units (主管部门汇总): a year's reports with their state and the key figures
frozen at submission, the same number of queries for 2 units as for 40."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from django.urls import reverse

from evaluations.models import Evaluation, Unit
from reports.models import KeyFigures
from tests.base import DepartmentSeedTestCase

Status = Evaluation.Status


class DepartmentSummaryTests(DepartmentSeedTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        Evaluation.objects.filter(pk=cls.evaluation.pk).update(status=Status.SUBMITTED)
        KeyFigures.objects.create(
            evaluation=cls.evaluation,
            submitted_at=datetime(2025, 3, 14, 9, 30, tzinfo=UTC),
            total_spending=Decimal("4745012.34"),
            execution_rate=Decimal("0.9612345"),
            score_total=Decimal("92.50"),
            grade="优",
        )

    def summary(self, user=None, **params):
        self.client.force_login(user or self.zhouwei)
        return self.read_summary(**params)

    def read_summary(self, **params):
        return self.client.get(reverse("department_summary"), {"year": 2024, **params})

    def add_units(self, count: int, status: str = Status.SUBMITTED) -> None:
        start = Unit.objects.count()
        for number in range(start, start + count):
            unit = Unit.objects.create(name=f"渌口区经发局下属单位{number:03d}", parent=self.department)
            evaluation = Evaluation.objects.create(unit=unit, year=2024, status=status)
            KeyFigures.objects.create(
                evaluation=evaluation, submitted_at=datetime(2025, 3, 1, tzinfo=UTC), score_total=Decimal("80.00")
            )

    def test_zhouwei_sees_unit_as_report_with_its_frozen_figures(self):
        response = self.summary()
        self.assertEqual(response.status_code, 200)
        [row] = response.context["rows"]
        self.assertEqual((row.unit, row.evaluation), (self.unit_a, self.evaluation))
        self.assertEqual(
            (row.total_spending, row.execution_rate, row.score, row.grade), ("474.50", "96.12%", "92.50", "优")
        )
        self.assertContains(response, "2025-03-14")
        self.assertContains(response, reverse("evaluation_detail", args=[self.evaluation.pk]))

    def test_a_report_without_key_figures_shows_dashes(self):
        KeyFigures.objects.all().delete()
        [row] = self.summary().context["rows"]
        self.assertEqual((row.submitted_at, row.total_spending, row.score, row.grade), (None, "—", "—", "—"))

    def test_a_units_draft_is_shown_as_not_submitted_and_another_departments_units_not_at_all(self):
        Evaluation.objects.filter(pk=self.evaluation.pk).update(status=Status.DRAFT)
        Evaluation.objects.create(unit=self.unit_b, year=2024, status=Status.SUBMITTED)
        response = self.summary()
        [row] = response.context["rows"]
        self.assertIsNone(row.evaluation)
        self.assertContains(response, "未提交")
        self.assertNotContains(response, reverse("evaluation_detail", args=[self.evaluation.pk]))
        self.assertNotContains(response, self.unit_b.name)

    def test_units_deeper_in_the_tree_are_listed_too(self):
        grandchild = Unit.objects.create(name="渌口区工业园区服务中心", parent=self.unit_a)
        names = [row.unit.name for row in self.summary().context["rows"]]
        self.assertEqual(set(names), {self.unit_a.name, grandchild.name})

    def test_another_year_shows_no_report(self):
        [row] = self.summary(year=2023).context["rows"]
        self.assertIsNone(row.evaluation)

    def test_the_same_number_of_queries_for_2_units_as_for_40(self):
        # Queries: session, user, membership, the head's unit if it has units under it, the paginator's count,
        # the page of units (recursive subquery), their reports of the year with the key figures joined, and the
        # person's unit for the page header (base_app.html).
        self.add_units(1)
        self.client.force_login(self.zhouwei)
        with self.assertNumQueries(8):
            response = self.read_summary()
        self.assertEqual(len(response.context["rows"]), 2)
        self.add_units(38)
        with self.assertNumQueries(8):
            response = self.read_summary()
        self.assertEqual(len(response.context["rows"]), 40)

    def test_the_list_is_paginated(self):
        self.add_units(60)
        response = self.summary()
        self.assertEqual(len(response.context["rows"]), 50)
        self.assertEqual(len(self.summary(page=2).context["rows"]), 11)

    def test_only_the_heads_of_departments_may_open_it(self):
        for person in (self.liqiang, self.wangfang, self.chenjing, self.admin):
            with self.subTest(person=person.username):
                self.assertEqual(self.summary(person).status_code, 403)
        # 孙丽 heads another department: she sees her own units, never unit A.
        response = self.summary(self.sunli)
        self.assertEqual([row.unit for row in response.context["rows"]], [self.unit_b])
