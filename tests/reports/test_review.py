"""The finance bureau's review (复核) as services: 陈静 of the finance bureau reviews 赵敏's report (区农业农村局),
scored under the national scheme.

Hand-computed self-score (see tests.reports.test_report_score): 预算执行 9.00, 产出 44.00 (培训企业 24 of 30,
验收合格率 20 of 20), 效益 30.00, 满意度 9.50; total 92.50, 优.

陈静's review: 预算执行率 8 (of 10); 培训企业 18 (of its 30), so 产出 = 18 + 20 = 38.00 (its indicators' 分值 add up
to the leaf's 50, so no rescaling); 效益 and 满意度 not reviewed, so they keep 30.00 and 9.50. Total 8 + 38 + 30 +
9.5 = 85.50, 良; 6.00 under the self-score on 产出, 1.00 on 预算执行, 7.00 in total.
"""

from __future__ import annotations

import json
from decimal import Decimal

from django.contrib.admin.models import LogEntry
from django.core import mail
from django.core.exceptions import ValidationError

from achievements.models import Indicator
from evaluations.models import Evaluation, LeafAssessment, Membership
from evaluations.scoring import score_evaluation
from evaluations.scoring_rules import ScoringInputs
from reports import review as reviews
from reports import workflow
from reports.models import Review, ReviewItem
from tests.base import BaseTestCase, make_user
from tests.scoring_support import MANAGEMENT_SCHEME, score_unit_with

from .test_report_score import scoreable

D = Decimal
Status = Evaluation.Status
LineInput = reviews.LineInput


def submitted(evaluation: Evaluation, status: str = Status.SUBMITTED) -> Evaluation:
    Evaluation.objects.filter(pk=evaluation.pk).update(status=status)
    evaluation.refresh_from_db()
    return evaluation


class ReviewTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.evaluation = submitted(scoreable(cls.unit_b))
        cls.training = Indicator.objects.get(evaluation=cls.evaluation, name="培训企业")
        cls.training_key = f"indicator:{cls.training.pk}"

    def record(self, actor=None, comment: str = "", **lines: LineInput) -> Review:
        return reviews.record_review(
            evaluation=self.evaluation, actor=actor or self.chenjing, lines=lines, comment=comment
        )

    def chenjings_review(self) -> Review:
        return reviews.record_review(
            evaluation=self.evaluation,
            actor=self.chenjing,
            lines={
                "budget_execution_rate": LineInput("8", "结转资金未及时使用。"),
                self.training_key: LineInput("18.00", "培训记录不全。"),
            },
            comment="总体较好，个别指标依据不足。",
        )


class RecordTests(ReviewTestCase):
    def test_it_records_the_lines_and_the_total_and_grade_by_the_schemes_rules(self):
        review = self.chenjings_review()
        review.refresh_from_db()
        self.assertEqual((review.score_total, review.grade), (D("85.50"), "良"))
        self.assertEqual(review.reviewer, self.chenjing)
        self.assertEqual(review.comment, "总体较好，个别指标依据不足。")
        self.assertEqual(
            sorted(review.items.values_list("key", "score", "comment")),
            sorted(
                [
                    ("budget_execution_rate", D("8.00"), "结转资金未及时使用。"),
                    (self.training_key, D("18.00"), "培训记录不全。"),
                ]
            ),
        )
        self.assertIsNone(review.released_at)

    def test_the_sheet_shows_each_line_with_the_self_score_and_the_signed_difference(self):
        review = self.chenjings_review()
        sheet = reviews.review_sheet(self.evaluation, review)
        rows = {
            line.name: (line.weight_shown, line.own_shown, line.reviewed_shown, line.difference) for line in sheet.lines
        }
        self.assertEqual(rows["预算执行率"], ("10", "9.00", "8.00", "−1.00"))
        self.assertEqual(rows["产出指标"], ("50", "44.00", "38.00", "−6.00"))
        self.assertEqual(rows["培训企业"], ("30", "24.00", "18.00", "−6.00"))
        self.assertEqual(rows["验收合格率"], ("20", "20.00", "20.00", "0.00"))
        self.assertEqual(rows["效益指标"], ("30", "30.00", "30.00", "0.00"))
        self.assertEqual(rows["满意度指标"], ("10", "9.50", "9.50", "0.00"))
        # The not-applicable 按期完成率 is no line: it has no 分值 to review.
        self.assertNotIn("按期完成率", rows)
        self.assertEqual(
            (sheet.own.shown_total, sheet.reviewed.shown_total, sheet.difference), ("92.50", "85.50", "−7.00")
        )

    def test_a_higher_score_shows_a_plus(self):
        self.record(unit_satisfaction=LineInput("10"))
        sheet = reviews.review_sheet(self.evaluation, Review.objects.get())
        self.assertEqual(sheet.line("unit_satisfaction").difference, "+0.50")
        self.assertEqual(sheet.difference, "+0.50")

    def test_a_second_save_changes_what_changed_and_drops_lines_left_blank(self):
        self.chenjings_review()
        review = self.record(budget_execution_rate=LineInput("9.5"), **{self.training_key: LineInput("")})
        review.refresh_from_db()
        self.assertEqual(list(review.items.values_list("key", "score")), [("budget_execution_rate", D("9.50"))])
        # 9.5 + 44 + 30 + 9.5
        self.assertEqual((review.score_total, review.grade), (D("93.00"), "优"))

    def test_every_change_is_logged_with_who_and_the_old_and_new_values(self):
        self.chenjings_review()
        self.record(budget_execution_rate=LineInput("9.5", "已核实。"), **{self.training_key: LineInput("18")})
        log = reviews.review_log(Review.objects.get())
        self.assertEqual([entry.user for entry in log], [self.chenjing, self.chenjing])
        second = json.loads(log[1].change_message)
        self.assertEqual(second["action"], "record")
        self.assertEqual(
            second["lines"],
            [{"key": "budget_execution_rate", "old": ["8.00", "结转资金未及时使用。"], "new": ["9.50", "已核实。"]},
             {"key": self.training_key, "old": ["18.00", "培训记录不全。"], "new": ["18.00", ""]}],
        )  # fmt: skip
        self.assertEqual(second["comment"], {"old": "总体较好，个别指标依据不足。", "new": ""})
        # 9.5 + 38 + 30 + 9.5
        self.assertEqual(second["total"], {"old": "85.50", "new": "87.00"})

    def test_an_administrator_may_review_too(self):
        review = self.record(actor=self.admin, unit_outcome=LineInput("25"))
        self.assertEqual(Review.objects.get().reviewer, self.admin)
        self.assertEqual(review.score_total, D("87.50"))


class ValidationTests(ReviewTestCase):
    def assertRefused(self, error: ValidationError, expected: dict[str, list[str]] | str) -> None:
        if isinstance(expected, str):
            self.assertEqual(error.messages, [expected])
        else:
            self.assertEqual(error.message_dict, expected)
        # Nothing was written.
        self.assertFalse(Review.objects.exists())
        self.assertFalse(ReviewItem.objects.exists())
        self.assertFalse(LogEntry.objects.exists())

    def test_a_score_over_the_lines_weight_is_refused_beside_the_line(self):
        with self.assertRaises(ValidationError) as caught:
            self.record(budget_execution_rate=LineInput("10.5"), **{self.training_key: LineInput("31")})
        self.assertRefused(
            caught.exception,
            {"budget_execution_rate": ["复核得分须在0至10分之间。"], self.training_key: ["复核得分须在0至30分之间。"]},
        )

    def test_a_negative_score_is_refused(self):
        with self.assertRaises(ValidationError) as caught:
            self.record(unit_outcome=LineInput("-1"))
        self.assertRefused(caught.exception, {"unit_outcome": ["复核得分须在0至30分之间。"]})

    def test_text_and_three_decimals_are_refused(self):
        with self.assertRaises(ValidationError) as caught:
            self.record(
                unit_outcome=LineInput("很好"), unit_satisfaction=LineInput("9.125"), unit_output=LineInput("1e30")
            )
        message = "请填写数字，最多两位小数。"
        self.assertRefused(
            caught.exception, {"unit_outcome": [message], "unit_satisfaction": [message], "unit_output": [message]}
        )

    def test_a_comment_without_a_score_is_refused(self):
        with self.assertRaises(ValidationError) as caught:
            self.record(unit_outcome=LineInput("", "依据不足"))
        self.assertRefused(caught.exception, {"unit_outcome": ["填写复核意见时，请同时填写复核得分。"]})

    def test_a_leaf_and_its_own_indicators_cannot_both_be_scored(self):
        with self.assertRaises(ValidationError) as caught:
            self.record(unit_output=LineInput("40"), **{self.training_key: LineInput("20")})
        self.assertRefused(
            caught.exception, {"unit_output": ["本项下的绩效指标已逐项复核，本项得分由其折算，不能另行填写。"]}
        )

    def test_a_line_not_on_the_sheet_is_refused(self):
        with self.assertRaises(ValidationError) as caught:
            self.record(**{"indicator:999999": LineInput("1")})
        self.assertRefused(caught.exception, {"indicator:999999": ["评分表中没有这一行。"]})

    def test_only_the_finance_bureau_reviews(self):
        head = make_user("sunli", "孙丽", self.unit_b, Membership.Role.HEAD)
        for person in (self.zhaomin, head, self.wangfang):
            with self.subTest(person=person.username), self.assertRaises(ValidationError) as caught:
                self.record(actor=person, unit_outcome=LineInput("25"))
            self.assertRefused(caught.exception, "只有财政部门可以复核报告。")

    def test_a_draft_or_returned_report_is_not_reviewed(self):
        for status in (Status.DRAFT, Status.RETURNED):
            submitted(self.evaluation, status)
            with self.subTest(status=status), self.assertRaises(ValidationError) as caught:
                self.record(unit_outcome=LineInput("25"))
            self.assertRefused(caught.exception, "只有已提交、已审核（含主管部门已审核）或已公开的报告可以复核。")

    def test_approved_and_published_reports_are_reviewed(self):
        for status in (Status.APPROVED, Status.PUBLISHED):
            submitted(self.evaluation, status)
            with self.subTest(status=status):
                self.assertEqual(self.record(unit_outcome=LineInput("25")).score_total, D("87.50"))


class NotApplicableLeafTests(BaseTestCase):
    """A bureau's scheme of three leaves (tests.scoring_support.MANAGEMENT_SCHEME): 预决算信息公开 60 and
    资产管理安全性 20 judged by the unit, 固定资产利用率 20 marked 不适用. Self-score: 54 + 18 = 72 of the 80 that
    apply, rescaled ×100÷80 = 90.00, 优. 陈静 gives 预决算信息公开 48: 48 + 18 = 66, ×100÷80 = 82.50, 良."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        score_unit_with(cls.unit_b, MANAGEMENT_SCHEME)
        cls.evaluation = Evaluation.objects.create(unit=cls.unit_b, year=2024, status=Status.SUBMITTED)
        judged = [
            ("disclosure", False, "achieved", 54, "按时公开。"),
            ("asset_security", False, "achieved", 18, "账实相符。"),
            ("fixed_asset_use_rate", True, "", None, "无固定资产。"),
        ]
        LeafAssessment.objects.bulk_create(
            LeafAssessment(evaluation=cls.evaluation, key=key, not_applicable=na, tier=tier, score=score, reason=why)
            for key, na, tier, score, why in judged
        )

    def test_the_review_is_rescaled_for_the_not_applicable_leaf_like_the_self_score(self):
        review = reviews.record_review(
            evaluation=self.evaluation, actor=self.chenjing, lines={"disclosure": LineInput("48", "公开不及时。")}
        )
        self.assertEqual((review.score_total, review.grade), (D("82.50"), "良"))
        sheet = reviews.review_sheet(self.evaluation, review)
        self.assertEqual((sheet.own.shown_total, sheet.own.grade), ("90.00", "优"))
        self.assertEqual(sheet.difference, "−7.50")
        # The not-applicable leaf has no line and cannot be scored.
        self.assertEqual([line.key for line in sheet.lines], ["disclosure", "asset_security"])
        with self.assertRaises(ValidationError) as caught:
            reviews.record_review(
                evaluation=self.evaluation, actor=self.chenjing, lines={"fixed_asset_use_rate": LineInput("20")}
            )
        self.assertEqual(caught.exception.message_dict, {"fixed_asset_use_rate": ["评分表中没有这一行。"]})


class EngineTests(BaseTestCase):
    def test_reviewed_indicators_are_rescaled_like_their_own_rows(self):
        """A placeholder leaf of 50 whose indicators' 分值 add up to 40: the reviewed row counts on its own 分值
        and the leaf is rescaled ×50÷40, as the rules' rows are."""
        from evaluations.schemes import NATIONAL_SCHEME
        from evaluations.scoring import Reviewed
        from evaluations.scoring_rules import UnitIndicator

        indicators = (
            UnitIndicator("甲", "产出指标", target=D("10"), actual=D("10"), weight=D("30"), ref=1),
            UnitIndicator("乙", "产出指标", target=D("10"), actual=D("10"), weight=D("10"), ref=2),
        )
        inputs = ScoringInputs(measures={"budget_execution_rate": D("1")}, indicators=indicators)
        own = score_evaluation(NATIONAL_SCHEME, inputs).leaf("unit_output")
        reviewed = score_evaluation(NATIONAL_SCHEME, inputs, reviewed=Reviewed(indicators={1: D("15")})).leaf(
            "unit_output"
        )
        self.assertEqual(own.points, D("50"))
        # (15 + 10) × 50 ÷ 40
        self.assertEqual(reviewed.points, D("31.25"))


class ReleaseTests(ReviewTestCase):
    def test_release_records_who_and_when_and_tells_the_units_people(self):
        head = make_user("sunli", "孙丽", self.unit_b, Membership.Role.HEAD)
        self.chenjings_review()
        with self.captureOnCommitCallbacks(execute=True):
            review = reviews.release_review(evaluation=self.evaluation, actor=self.chenjing)
        review.refresh_from_db()
        self.assertEqual(review.released_by, self.chenjing)
        self.assertIsNotNone(review.released_at)
        self.assertEqual(sorted(m.to[0] for m in mail.outbox), sorted([self.zhaomin.email, head.email]))
        message = mail.outbox[0]
        self.assertEqual(message.subject, f"【财政复核】{self.evaluation.title}")
        self.assertIn("复核得分：85.50分，等级：良", message.body)
        self.assertEqual(json.loads(reviews.review_log(review)[-1].change_message), {"action": "release"})

    def test_nothing_to_release_before_a_review_is_recorded(self):
        with self.assertRaises(ValidationError) as caught:
            reviews.release_review(evaluation=self.evaluation, actor=self.chenjing)
        self.assertEqual(caught.exception.messages, ["尚未录入复核得分，不能发布。"])

    def test_edits_after_release_are_refused_until_the_release_is_withdrawn(self):
        self.chenjings_review()
        reviews.release_review(evaluation=self.evaluation, actor=self.chenjing)
        with self.assertRaises(ValidationError) as caught:
            self.record(unit_outcome=LineInput("25"))
        self.assertEqual(caught.exception.messages, ["复核结果已发布，不能修改；如需修改，请先撤回发布。"])
        self.assertEqual(ReviewItem.objects.count(), 2)
        with self.assertRaises(ValidationError) as caught:
            reviews.release_review(evaluation=self.evaluation, actor=self.chenjing)
        self.assertEqual(caught.exception.messages, ["复核结果已发布，不能修改；如需修改，请先撤回发布。"])

        with self.assertRaises(ValidationError) as caught:
            reviews.withdraw_release(evaluation=self.evaluation, actor=self.chenjing, reason=" ")
        self.assertEqual(caught.exception.messages, ["请填写撤回原因。"])
        review = reviews.withdraw_release(evaluation=self.evaluation, actor=self.chenjing, reason="产出指标复核有误。")
        self.assertIsNone(review.released_at)
        self.assertIsNone(reviews.released_review(self.evaluation))
        withdrawn = json.loads(reviews.review_log(review)[-1].change_message)
        self.assertEqual((withdrawn["action"], withdrawn["reason"]), ("withdraw", "产出指标复核有误。"))
        self.assertEqual(self.record(unit_outcome=LineInput("25")).score_total, D("87.50"))

    def test_the_unit_cannot_release_or_withdraw(self):
        self.chenjings_review()
        with self.assertRaises(ValidationError) as caught:
            reviews.release_review(evaluation=self.evaluation, actor=self.zhaomin)
        self.assertEqual(caught.exception.messages, ["只有财政部门可以复核报告。"])
        self.assertIsNone(reviews.released_review(self.evaluation))


class ReturnTests(ReviewTestCase):
    def test_returning_a_report_under_review_keeps_the_review_and_it_resumes_after_resubmission(self):
        self.chenjings_review()
        workflow.return_for_revision(evaluation=self.evaluation, actor=self.chenjing, reason="请补充培训记录。")
        self.evaluation.refresh_from_db()
        self.assertEqual(self.evaluation.status, Status.RETURNED)
        review = Review.objects.get(evaluation=self.evaluation)
        self.assertEqual((review.score_total, review.items.count()), (D("85.50"), 2))
        with self.assertRaises(ValidationError) as caught:
            self.record(unit_outcome=LineInput("25"))
        self.assertEqual(caught.exception.messages, ["只有已提交、已审核（含主管部门已审核）或已公开的报告可以复核。"])
        # The unit revises and submits again; the review goes on from where it was.
        submitted(self.evaluation)
        self.assertEqual(self.record(budget_execution_rate=LineInput("8")).score_total, D("92.50") - 1)

    def test_a_resubmission_with_other_figures_moves_the_unreviewed_lines_and_the_release_stores_it(self):
        """赵敏 raises 企业满意度 to its target while the report is back with her: 满意度 was not reviewed, so it
        follows the self-score, 9.50 → 10.00, and the review total 85.50 → 86.00 once released."""
        self.chenjings_review()
        workflow.return_for_revision(evaluation=self.evaluation, actor=self.chenjing, reason="请核实满意度。")
        Indicator.objects.filter(evaluation=self.evaluation, name="企业满意度").update(actual=D("90"))
        submitted(self.evaluation)
        sheet = reviews.review_sheet(self.evaluation, Review.objects.get())
        self.assertTrue(sheet.stale)
        self.assertEqual((sheet.reviewed.shown_total, Review.objects.get().score_total), ("86.00", D("85.50")))
        review = reviews.release_review(evaluation=self.evaluation, actor=self.chenjing)
        review.refresh_from_db()
        self.assertEqual((review.score_total, review.grade), (D("86.00"), "良"))
        released = json.loads(reviews.review_log(review)[-1].change_message)
        self.assertEqual(released, {"action": "release", "total": {"old": "85.50", "new": "86.00"}})
        self.assertFalse(reviews.review_sheet(self.evaluation, review).stale)
