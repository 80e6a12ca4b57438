"""陈静 of the finance bureau reads the year's summary table (汇总表): every unit's state and frozen figures, sorted,
filtered, ranked and charted, at the same cost for 2 units or 40."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluations.campaigns import open_campaign
from evaluations.models import Evaluation, Unit
from reports.synthetic import generate_units
from tests.base import BaseTestCase
from tests.reports.summary_support import YEAR, handed_over, reviewed
from tests.reports.workflow_support import TemporaryPublicationsStore

Status = Evaluation.Status


class SummaryTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # 区科工信局 published 91.50 优; 区农业农村局 submitted 80.25 良 with a review; 区教育局 approved, also
        # 80.25 良 (a tie); 区水利局 is a draft; 区卫健局 has not started.
        Unit.objects.filter(pk=cls.unit_a.pk).update(region="湖南省株洲市渌口区")
        cls.unit_c = Unit.objects.create(name="株洲市渌口区教育局", short_name="区教育局", region="湖南省株洲市芦淞区")
        cls.unit_d = Unit.objects.create(name="株洲市渌口区水利局", short_name="区水利局", region="湖南省株洲市渌口区")
        cls.unit_e = Unit.objects.create(name="株洲市渌口区卫生健康局", short_name="区卫健局")
        cls.a = handed_over(
            cls.unit_a,
            status=Status.PUBLISHED,
            score="91.50",
            grade="优",
            total="17057400.00",
            budget="17860000.00",
            rate="0.95506159",
            shortfalls=2,
            day=3,
        )
        cls.b = handed_over(
            cls.unit_b, score="80.25", grade="良", total="3500000.00", budget="3500000.00", rate="1", checks=1, day=1
        )
        cls.c = handed_over(cls.unit_c, status=Status.APPROVED, score="80.25", grade="良", total="1000000", day=2)
        Evaluation.objects.create(unit=cls.unit_d, year=YEAR)
        reviewed(cls.b, cls.chenjing, "78.00")

    def open(self, **params):
        self.client.force_login(self.chenjing)
        return self.client.get(reverse("summary", args=[YEAR]), params)

    def names(self, response) -> list[str]:
        return [row.name for row in response.context["page"].object_list]

    def by_name(self, *names: str) -> list[str]:
        # Names tie-break in the database's collation (code points on SQLite, the locale's on PostgreSQL).
        return list(Unit.objects.filter(name__in=names).order_by("name").values_list("name", flat=True))


class SummaryPageTests(SummaryTestCase):
    def test_chenjing_sees_every_unit_with_its_state_and_figures(self):
        response = self.open()
        self.assertEqual(response.status_code, 200)
        rows = {row.name: row for row in response.context["page"].object_list}
        self.assertEqual(len(rows), 5)
        a = rows["株洲市渌口区科技和工业信息化局"]
        self.assertEqual(
            (a.state_label, a.spending_shown, a.budget_shown, a.rate_shown, a.score_shown, a.grade, a.rank_shown),
            ("已公开", "1705.74", "1786.00", "95.51%", "91.50", "优", 1),
        )
        self.assertEqual((a.unexplained_shortfalls, a.failed_checks), (2, 0))
        b = rows["株洲市渌口区农业农村局"]
        self.assertEqual((b.review_shown, b.rate_shown, b.failed_checks), ("78.00", "100.00%", 1))
        c = rows["株洲市渌口区教育局"]
        # Blank is unknown: no budget, no rate, shown as —.
        self.assertEqual((c.budget_shown, c.rate_shown, c.review_shown), ("—", "—", "—"))
        self.assertEqual(str(rows["株洲市渌口区水利局"].state_label), "草稿")
        e = rows["株洲市渌口区卫生健康局"]
        self.assertEqual((str(e.state_label), e.spending_shown, e.score_shown, e.rank_shown), ("未开始", "—", "—", "—"))
        self.assertContains(response, "2025-05-03")
        self.assertContains(response, "未发布")  # the review is not released yet

    def test_equal_scores_share_a_rank_and_the_next_rank_is_skipped(self):
        response = self.open(sort="rank")
        ranks = [(row.name, row.rank_shown) for row in response.context["page"].object_list]
        self.assertEqual(
            ranks,
            [
                ("株洲市渌口区科技和工业信息化局", 1),
                *((name, 2) for name in self.by_name("株洲市渌口区农业农村局", "株洲市渌口区教育局")),
                *((name, "—") for name in self.by_name("株洲市渌口区卫生健康局", "株洲市渌口区水利局")),
            ],
        )

    def test_every_column_sorts_both_ways_with_blanks_last_and_names_breaking_ties(self):
        for column in ["unit", "state", "submitted", "spending", "budget", "rate", "score", "grade", "review"]:
            for direction in ["", "desc"]:
                with self.subTest(column=column, direction=direction):
                    self.assertEqual(self.open(sort=column, dir=direction).status_code, 200)
        self.assertEqual(
            self.names(self.open(sort="score", dir="desc"))[:3],
            ["株洲市渌口区科技和工业信息化局", *self.by_name("株洲市渌口区农业农村局", "株洲市渌口区教育局")],
        )
        self.assertEqual(
            self.names(self.open(sort="spending")),
            [
                "株洲市渌口区教育局",
                "株洲市渌口区农业农村局",
                "株洲市渌口区科技和工业信息化局",
                *self.by_name("株洲市渌口区卫生健康局", "株洲市渌口区水利局"),
            ],
        )
        # Submitted on 3, 2 and 1 May 2025; the draft and the unit that has not started have no date.
        self.assertEqual(
            self.names(self.open(sort="submitted", dir="desc"))[:3],
            ["株洲市渌口区科技和工业信息化局", "株洲市渌口区教育局", "株洲市渌口区农业农村局"],
        )
        self.assertEqual(self.names(self.open(sort="review", dir="desc"))[0], "株洲市渌口区农业农村局")
        # States in the workflow's order: 未开始, 草稿, 已提交, 已审核, 已公开.
        self.assertEqual(
            self.names(self.open(sort="state")),
            [
                "株洲市渌口区卫生健康局",
                "株洲市渌口区水利局",
                "株洲市渌口区农业农村局",
                "株洲市渌口区教育局",
                "株洲市渌口区科技和工业信息化局",
            ],
        )
        # The best grade first.
        self.assertEqual(self.names(self.open(sort="grade", dir="desc"))[0], "株洲市渌口区科技和工业信息化局")

    def test_the_sort_links_toggle_the_direction_and_keep_the_filters(self):
        response = self.open(sort="score", region="湖南省株洲市渌口区")
        score = next(column for column in response.context["columns"] if column["key"] == "score")
        self.assertEqual(score["sorted"], "ascending")
        self.assertIn("dir=desc", score["link"])
        self.assertIn("region=", score["link"])
        self.assertContains(response, 'aria-sort="ascending"')

    def test_filters_by_state_grade_and_region(self):
        self.assertEqual(self.names(self.open(state="not_started")), ["株洲市渌口区卫生健康局"])
        self.assertEqual(
            self.names(self.open(grade="良")), self.by_name("株洲市渌口区教育局", "株洲市渌口区农业农村局")
        )
        self.assertEqual(
            self.names(self.open(region="湖南省株洲市渌口区")),
            self.by_name("株洲市渌口区科技和工业信息化局", "株洲市渌口区水利局"),
        )
        # A filter that matches nothing says so.
        self.assertContains(self.open(state="returned"), "没有符合条件的单位。")

    def test_filters_by_department_with_every_unit_under_it(self):
        # 区教育局 is the 主管部门 of 区水利局, which is the 主管部门 of 区卫健局 (two levels down).
        Unit.objects.filter(pk=self.unit_d.pk).update(parent=self.unit_c)
        Unit.objects.filter(pk=self.unit_e.pk).update(parent=self.unit_d)
        response = self.open(department=str(self.unit_c.pk))
        self.assertEqual(
            self.names(response),
            self.by_name("株洲市渌口区教育局", "株洲市渌口区水利局", "株洲市渌口区卫生健康局"),
        )
        self.assertEqual(
            response.context["departments"],
            [(self.unit_c.pk, "株洲市渌口区教育局"), (self.unit_d.pk, "株洲市渌口区水利局")],
        )
        self.assertContains(response, f'<option value="{self.unit_c.pk}" selected>株洲市渌口区教育局</option>')
        self.assertEqual(
            self.names(self.open(department=str(self.unit_d.pk))),
            self.by_name("株洲市渌口区水利局", "株洲市渌口区卫生健康局"),
        )
        # Anything but a unit's number is ignored.
        self.assertEqual(len(self.names(self.open(department="x"))), 5)

    def test_the_charts_are_svg_with_a_title_a_description_and_text_labels(self):
        response = self.open()
        html = response.content.decode()
        self.assertEqual(html.count("<svg"), 2)
        self.assertIn('<title id="grades-title">2024年度自评等级分布</title>', html)
        self.assertIn('<desc id="grades-desc">优：1；良：2；未评分：2</desc>', html)
        self.assertIn('<title id="scores-title">2024年度自评得分分布</title>', html)
        self.assertIn("80–90：2", html)
        self.assertIn("90–100：1", html)
        self.assertIn(">90–100</text>", html)

    def test_a_year_campaign_lists_only_the_units_it_covers(self):
        open_campaign(
            actor=self.chenjing,
            year=YEAR,
            deadline=datetime.date(2025, 5, 31),
            units=[self.unit_a, self.unit_e],
            today=datetime.date(2025, 3, 1),
        )
        self.assertEqual(
            self.names(self.open()), self.by_name("株洲市渌口区科技和工业信息化局", "株洲市渌口区卫生健康局")
        )

    def test_the_start_page_links_the_summary_for_the_bureau(self):
        self.client.force_login(self.chenjing)
        self.assertContains(self.client.get(reverse("home")), reverse("summary_latest"))
        self.assertRedirects(
            self.client.get(reverse("summary_latest")), reverse("summary", args=[YEAR]), fetch_redirect_response=False
        )


class SummaryAccessTests(SummaryTestCase):
    def test_unit_staff_are_refused_and_anonymous_visitors_sent_to_sign_in(self):
        urls = [
            reverse("summary_latest"),
            reverse("summary", args=[YEAR]),
            reverse("summary_xlsx", args=[YEAR]),
            reverse("summary_sheets", args=[YEAR]),
            reverse("summary_zip", args=[YEAR]),
            reverse("summary_unit_years", args=[self.unit_a.pk]),
        ]
        for url in urls:
            for person in [self.wangfang, self.liqiang, self.zhaomin]:
                with self.subTest(url=url, person=person.username):
                    self.client.force_login(person)
                    self.assertEqual(self.client.get(url).status_code, 403)
            self.client.logout()
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302)
            self.assertIn(reverse("login"), response["Location"])
        self.client.force_login(self.admin)
        self.assertEqual(self.client.get(reverse("summary", args=[YEAR])).status_code, 200)


class SummaryScaleTests(TemporaryPublicationsStore, BaseTestCase):
    def count_queries(self, **params) -> int:
        self.client.force_login(self.chenjing)
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(reverse("summary", args=[YEAR]), params)
        self.assertEqual(response.status_code, 200)
        return len(queries)

    def test_the_page_costs_the_same_queries_for_2_units_and_40(self):
        generate_units(units=2, years=2, last_year=YEAR, prefix="甲")
        self.client.force_login(self.chenjing)
        # The session, the user, their membership (the header), the year's campaign, the count, the page, the two
        # charts, the regions, the departments and the grades to filter by.
        with self.assertNumQueries(11):
            self.client.get(reverse("summary", args=[YEAR]))
        small = self.count_queries(sort="score", dir="desc", region="湖南省株洲市渌口区")
        generate_units(units=40, years=2, last_year=YEAR, prefix="乙")
        self.assertEqual(self.count_queries(sort="score", dir="desc", region="湖南省株洲市渌口区"), small)
        self.assertEqual(self.count_queries(), self.count_queries(state="published", page="2"))

    def test_fifty_units_a_page(self):
        generate_units(units=60, years=1, last_year=YEAR, prefix="丙")
        self.client.force_login(self.chenjing)
        response = self.client.get(reverse("summary", args=[YEAR]), {"page": "2"})
        # 60 synthetic units and the two of the story.
        self.assertEqual(len(response.context["page"].object_list), 12)
        self.assertContains(response, "第 2 / 2 页")
