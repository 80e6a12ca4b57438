"""The review (复核) pages: 陈静 of the finance bureau reviews 赵敏's report (区农业农村局, national scheme, self-score
92.50 优; see tests.reports.test_review for the hand-computed review 85.50 良), releases it, and 赵敏 reads it."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from achievements.models import Indicator
from evaluations.models import Evaluation, Submission
from reports import review as reviews
from reports import workflow
from reports.models import Review
from tests.base import BaseTestCase

from .test_report_score import scoreable
from .test_review import submitted

D = Decimal
Status = Evaluation.Status


class ReviewPageTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.evaluation = scoreable(cls.unit_b)
        Submission.objects.create(evaluation=cls.evaluation, number=1, submitted_by=cls.zhaomin, content={})
        submitted(cls.evaluation)
        cls.training = Indicator.objects.get(evaluation=cls.evaluation, name="培训企业")
        cls.training_key = f"indicator:{cls.training.pk}"

    def url(self, name: str = "bureau_review", evaluation: Evaluation | None = None) -> str:
        return reverse(name, args=[(evaluation or self.evaluation).pk])

    def chenjings_review(self) -> Review:
        return reviews.record_review(
            evaluation=self.evaluation,
            actor=self.chenjing,
            lines={
                "budget_execution_rate": reviews.LineInput("8", "结转资金未及时使用。"),
                self.training_key: reviews.LineInput("18", "培训记录不全。"),
            },
            comment="总体较好，个别指标依据不足。",
        )

    def release(self) -> None:
        reviews.release_review(evaluation=self.evaluation, actor=self.chenjing)


class BureauPageTests(ReviewPageTestCase):
    def test_it_shows_every_line_with_the_self_score_an_input_and_a_label(self):
        self.client.force_login(self.chenjing)
        response = self.client.get(self.url())
        self.assertContains(response, '<label for="score-1">预算执行率</label>', html=True)
        self.assertContains(response, f'name="score-{self.training_key}"')
        for name in ("产出指标", "培训企业", "验收合格率", "效益指标", "带动就业", "满意度指标", "企业满意度"):
            self.assertContains(response, name)
        # Every input has its label: one score and one comment label per line, and the overall comment's.
        lines = len(reviews.review_sheet(self.evaluation, None).lines)
        self.assertContains(response, '<label for="score-', count=lines)
        self.assertContains(response, '<label for="comment-', count=lines)
        self.assertContains(response, '<label for="review-comment"', count=1)
        self.assertContains(response, '<td class="text-end" id="own-total">92.50（优）</td>', html=True)

    def test_saving_shows_the_total_grade_and_differences(self):
        self.client.force_login(self.chenjing)
        data = {
            "score-budget_execution_rate": "8",
            "comment-budget_execution_rate": "结转资金未及时使用。",
            f"score-{self.training_key}": "18",
            f"comment-{self.training_key}": "",
            "score-unit_outcome": "",
            "comment": "总体较好。",
        }
        response = self.client.post(self.url(), data)
        self.assertRedirects(response, self.url(), fetch_redirect_response=False)
        response = self.client.get(self.url())
        self.assertContains(response, "复核得分已保存。")
        self.assertContains(response, '<td id="review-total">85.50（良）</td>', html=True)
        self.assertContains(response, '<td class="text-end" id="total-difference">−7.00</td>', html=True)
        self.assertContains(response, "−6.00")
        self.assertContains(response, "按复核的绩效指标折算为38.00分")
        self.assertContains(response, "尚未发布，单位看不到")
        self.assertEqual(Review.objects.get().comment, "总体较好。")

    def test_a_score_over_the_weight_is_shown_beside_its_field_and_nothing_is_saved(self):
        self.client.force_login(self.chenjing)
        response = self.client.post(self.url(), {"score-budget_execution_rate": "12", "comment": "x"})
        self.assertEqual(response.status_code, 422)
        self.assertContains(response, "复核得分须在0至10分之间。", status_code=422)
        self.assertContains(response, 'value="12"', status_code=422)
        self.assertContains(response, "is-invalid", count=1, status_code=422)
        self.assertFalse(Review.objects.exists())

    def test_the_query_count_does_not_grow_with_the_indicators(self):
        self.client.force_login(self.chenjing)
        for year, size in ((2021, 5), (2022, 40)):
            evaluation = submitted(scoreable(self.unit_b, year))
            Indicator.objects.bulk_create(
                Indicator(evaluation=evaluation, order=100 + n, level1="产出指标", level2="数量指标", name=f"补充{n}",
                          target=D("10"), actual=D("10"), weight=D("1"))
                for n in range(size)
            )  # fmt: skip
            reviews.record_review(
                evaluation=evaluation,
                actor=self.chenjing,
                lines={"unit_outcome": reviews.LineInput("25")},
            )
            # session, user, membership, the evaluation with its unit, the review with its reviewer and releaser,
            # its items; the score's eleven (the campaign of the year, the scheme assignment, the national scheme,
            # the six of budgets.selectors.common_indicators_of, the indicators, the unit's judgements of the
            # leaves); the submission the review is based on
            with self.subTest(size=size), self.assertNumQueries(18):
                response = self.client.get(self.url(evaluation=evaluation))
            self.assertContains(response, f"补充{size - 1}")

    def test_the_release_is_confirmed_then_released(self):
        self.chenjings_review()
        self.client.force_login(self.chenjing)
        self.assertContains(self.client.get(self.url()), "发布复核结果…")
        response = self.client.get(self.url("bureau_review_release"))
        self.assertContains(response, "复核得分 85.50 分，等级 良。")
        self.assertContains(response, "确认发布")
        self.assertIsNone(reviews.released_review(self.evaluation))
        response = self.client.post(self.url("bureau_review_release"))
        self.assertRedirects(response, self.url())
        self.assertIsNotNone(reviews.released_review(self.evaluation))
        response = self.client.get(self.url())
        self.assertContains(response, "已由陈静于")
        self.assertContains(response, "复核结果已发布，不能修改；如需修改，请先撤回发布。")
        self.assertContains(response, "撤回发布以修改")
        self.assertNotContains(response, "保存复核得分")

    def test_withdrawing_the_release_needs_a_reason(self):
        self.chenjings_review()
        self.release()
        self.client.force_login(self.chenjing)
        response = self.client.post(self.url("bureau_review_withdraw"), {"reason": ""}, follow=True)
        self.assertContains(response, "请填写撤回原因。")
        response = self.client.post(self.url("bureau_review_withdraw"), {"reason": "复核有误。"}, follow=True)
        self.assertContains(response, "已撤回发布，单位暂时看不到复核结果。")
        self.assertIsNone(reviews.released_review(self.evaluation))

    def test_unit_staff_get_404_on_every_review_url(self):
        self.chenjings_review()
        self.release()
        self.client.force_login(self.zhaomin)
        for name in ("bureau_review", "bureau_review_release"):
            with self.subTest(name=name):
                self.assertEqual(self.client.get(self.url(name)).status_code, 404)
        for name in ("bureau_review", "bureau_review_release", "bureau_review_withdraw"):
            with self.subTest(name=name):
                self.assertEqual(self.client.post(self.url(name), {"reason": "x"}).status_code, 404)
        self.assertIsNotNone(reviews.released_review(self.evaluation))

    def test_a_returned_report_keeps_its_review_based_on_the_submitted_version(self):
        self.chenjings_review()
        workflow.return_for_revision(evaluation=self.evaluation, actor=self.chenjing, reason="请补充。")
        self.client.force_login(self.chenjing)
        response = self.client.get(self.url())
        self.assertContains(response, "复核基于第1次提交的版本")
        self.assertContains(response, "报告已退回单位修改")
        self.assertContains(response, "只有已提交、已审核（含主管部门已审核）或已公开的报告可以复核。")
        self.assertContains(response, '<td id="review-total">85.50（良）</td>', html=True)

    def test_after_a_resubmission_with_other_figures_the_page_says_the_total_will_move(self):
        self.chenjings_review()
        workflow.return_for_revision(evaluation=self.evaluation, actor=self.chenjing, reason="请核实满意度。")
        Indicator.objects.filter(evaluation=self.evaluation, name="企业满意度").update(actual=D("90"))
        submitted(self.evaluation)
        self.client.force_login(self.chenjing)
        response = self.client.get(self.url())
        self.assertContains(response, "已保存的复核得分为85.50分，按当前数据为86.00分，保存或发布时更新。")

    def test_the_bureau_finds_the_review_from_its_start_page_and_the_detail_page(self):
        self.client.force_login(self.chenjing)
        self.assertContains(self.client.get(reverse("home")), f'href="{self.url()}"')
        self.assertContains(self.client.get(self.url("evaluation_detail")), f'href="{self.url()}"')


class UnitSideTests(ReviewPageTestCase):
    def test_before_release_the_unit_sees_nothing_of_the_review(self):
        self.chenjings_review()
        self.client.force_login(self.zhaomin)
        for name in ("evaluation_detail", "evaluation_report"):
            with self.subTest(name=name):
                response = self.client.get(self.url(name))
                self.assertNotContains(response, "财政复核")
                self.assertNotContains(response, "培训记录不全。")
                self.assertNotContains(response, "85.50")
                self.assertNotContains(response, self.url())

    def test_after_release_the_unit_sees_the_score_grade_comments_and_differences(self):
        self.chenjings_review()
        self.release()
        self.client.force_login(self.zhaomin)
        response = self.client.get(self.url("evaluation_detail"))
        self.assertContains(response, "复核得分：85.50分，等级：良（与自评得分相差 −7.00）")
        self.assertContains(response, "总体较好，个别指标依据不足。")
        self.assertContains(response, "培训记录不全。")
        self.assertContains(response, "复核基于第1次提交的版本")
        self.assertContains(
            response,
            '<tr class="table-light"><th scope="row" class="fw-normal ps-4">培训企业</th><td class="text-end">30</td>'
            '<td class="text-end">24.00</td><td class="text-end">18.00</td><td class="text-end">−6.00</td>'
            "<td>培训记录不全。</td></tr>",
            html=True,
        )
        # The report page for the unit's staff carries it too.
        self.assertContains(self.client.get(self.url("evaluation_report")), "复核得分：85.50分，等级：良")

    def test_the_report_pages_query_count_with_a_released_review_does_not_grow_with_the_indicators(self):
        self.client.force_login(self.zhaomin)
        for year, size in ((2021, 5), (2022, 40)):
            evaluation = submitted(scoreable(self.unit_b, year, indicators=size))
            reviews.record_review(
                evaluation=evaluation, actor=self.chenjing, lines={"unit_outcome": reviews.LineInput("25")}
            )
            reviews.release_review(evaluation=evaluation, actor=self.chenjing)
            # The report page's 29 (tests.reports.test_report_views, the released review's lookup included), then
            # the review's items, the score's inputs gathered again for the side-by-side sheet (the score the report
            # built is not handed over: a known cost, constant) and the submission the review is based on
            with self.subTest(size=size), self.assertNumQueries(39):
                response = self.client.get(reverse("evaluation_report", args=[evaluation.pk]))
            self.assertContains(response, "复核得分：")
