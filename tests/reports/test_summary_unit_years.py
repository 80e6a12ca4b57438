"""陈静 compares one unit's years side by side: its figures and scores as frozen at each submission."""

from __future__ import annotations

from django.urls import reverse

from evaluations.models import Evaluation
from tests.base import BaseTestCase
from tests.reports.summary_support import handed_over, reviewed

Status = Evaluation.Status


class UnitYearsTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.y2023 = handed_over(
            cls.unit_a,
            year=2023,
            status=Status.PUBLISHED,
            score="85.00",
            grade="良",
            total="15000000",
            budget="16000000",
            rate="0.9375",
        )
        cls.y2024 = handed_over(cls.unit_a, year=2024, score="91.50", grade="优", total="17057400.00", shortfalls=2)
        reviewed(cls.y2024, cls.chenjing, "89.00")
        Evaluation.objects.create(unit=cls.unit_a, year=2025)  # a draft: its figures are not the bureau's yet

    def open(self):
        self.client.force_login(self.chenjing)
        return self.client.get(reverse("summary_unit_years", args=[self.unit_a.pk]))

    def test_the_years_stand_side_by_side(self):
        response = self.open()
        lines = {str(line["label"]): line["values"] for line in response.context["lines"]}
        self.assertEqual([row["year"] for row in response.context["years"]], [2023, 2024, 2025])
        self.assertEqual([str(value) for value in lines["状态"]], ["已公开", "已提交", "草稿"])
        self.assertEqual(lines["实际支出合计（万元）"], ["1500.00", "1705.74", "—"])
        self.assertEqual(lines["预算数（万元）"], ["1600.00", "—", "—"])
        self.assertEqual(lines["预算执行率"], ["93.75%", "—", "—"])
        self.assertEqual(lines["自评得分"], ["85.00", "91.50", "—"])
        self.assertEqual(lines["自评等级"], ["良", "优", "—"])
        self.assertEqual(lines["复核得分"], ["—", "89.00", "—"])
        self.assertEqual(lines["未说明原因的未达标指标"], [0, 2, "—"])
        self.assertEqual(lines["提交日期"], ["2024-05-01", "2025-05-01", "—"])
        self.assertContains(response, reverse("summary", args=[2023]))

    def test_it_costs_the_same_queries_for_any_number_of_years(self):
        # The session, the user and their membership, the unit, its years.
        self.client.force_login(self.chenjing)
        url = reverse("summary_unit_years", args=[self.unit_a.pk])
        with self.assertNumQueries(5):
            self.client.get(url)
        for year in range(2015, 2023):
            handed_over(self.unit_a, year=year, score="80")
        with self.assertNumQueries(5):
            response = self.client.get(url)
        self.assertEqual(len(response.context["years"]), 11)

    def test_a_unit_without_reports_says_so(self):
        self.client.force_login(self.chenjing)
        response = self.client.get(reverse("summary_unit_years", args=[self.unit_b.pk]))
        self.assertContains(response, "该单位还没有绩效自评报告。")
