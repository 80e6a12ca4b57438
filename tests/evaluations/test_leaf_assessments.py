"""王芳 judges the leaves of her unit's scoring scheme that no figure decides: 预决算信息公开 gets a tier, a score
inside the tier's range and a reason; a leaf that does not apply is marked 不适用 with a reason. One rule
(evaluations.leaf_assessments.judgement_error, with the engine's tier check and messages), one service through
section_save: the history records each change, a refused save writes nothing, a submitted report cannot change."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError

from evaluations.history import Via, recording
from evaluations.leaf_assessments import (
    JUDGEMENT_ON_COMPUTED_LEAF,
    LEAF_NOT_APPLICABLE_WITHOUT_REASON,
    UNKNOWN_LEAF,
    LeafJudgement,
    save_leaf_assessments,
)
from evaluations.models import Evaluation, LeafAssessment, SectionRevision
from evaluations.services import EVALUATION_LOCKED
from reports.scoring import score_of, scoring_inputs
from tests.base import SeedTestCase
from tests.scoring_support import MANAGEMENT_SCHEME, score_unit_with

D = Decimal
OUT_OF_RANGE = "“部分达成”档的得分须在36.00至48.00分之间。"
NO_REASON = "请说明评分理由。"
NO_TIER = "请选择评价档次（达成、部分达成或未达成）。"


def openness(**values) -> LeafJudgement:
    """预决算信息公开 (60 points): 部分达成 is 36 to 48."""
    return LeafJudgement("disclosure", **{"tier": "partly", "score": D("42"), "reason": "个别表格迟报", **values})


class LeafJudgementTestCase(SeedTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        score_unit_with(cls.unit_a, MANAGEMENT_SCHEME)

    def setUp(self):
        self.evaluation = Evaluation.objects.select_related("unit").get(pk=self.evaluation.pk)

    def save(self, *judgements: LeafJudgement, revision: int = 0) -> Evaluation:
        return save_leaf_assessments(
            evaluation=self.evaluation, actor=self.wangfang, revision=revision, judgements=judgements
        )

    def assert_refused(self, message: str, *judgements: LeafJudgement) -> None:
        with self.assertRaisesMessage(ValidationError, message):
            self.save(*judgements)
        self.assertFalse(LeafAssessment.objects.exists())
        self.assertFalse(LeafAssessment.history.exists())
        self.assertFalse(SectionRevision.objects.filter(evaluation=self.evaluation, section="scoring").exists())


class SaveLeafAssessmentsTests(LeafJudgementTestCase):
    def test_wangfang_judges_a_qualitative_leaf_and_the_score_sheet_reads_it(self):
        self.save(openness(), LeafJudgement("fixed_asset_use_rate", not_applicable=True, reason="本单位无固定资产"))
        row = LeafAssessment.objects.get(evaluation=self.evaluation, key="disclosure")
        self.assertEqual(
            (row.tier, row.score, row.reason, row.not_applicable), ("partly", D("42"), "个别表格迟报", False)
        )
        inputs = scoring_inputs(self.evaluation)
        self.assertEqual(inputs.assessments["disclosure"].score, D("42"))
        self.assertEqual(inputs.not_applicable, frozenset({"fixed_asset_use_rate"}))
        leaf = score_of(self.evaluation).sheet.leaf("disclosure")
        self.assertEqual(leaf.points, D("42"))
        self.assertEqual(leaf.explanation, "自评为“部分达成”（该档36.00至48.00分），得42.00分：个别表格迟报")
        self.assertEqual(
            SectionRevision.objects.get(evaluation=self.evaluation, section="scoring").saved_by, self.wangfang
        )

    def test_a_score_outside_the_tiers_range_is_refused_with_the_engines_message_and_nothing_is_written(self):
        self.assert_refused(OUT_OF_RANGE, openness(score=D("48.01")))

    def test_a_judgement_without_a_reason_is_refused(self):
        self.assert_refused(NO_REASON, openness(reason="  "))
        self.assert_refused(NO_TIER, openness(tier=""))

    def test_not_applicable_needs_a_reason(self):
        self.assert_refused(
            str(LEAF_NOT_APPLICABLE_WITHOUT_REASON), LeafJudgement("fixed_asset_use_rate", not_applicable=True)
        )

    def test_a_leaf_computed_from_data_takes_only_not_applicable(self):
        self.assert_refused(
            str(JUDGEMENT_ON_COMPUTED_LEAF),
            LeafJudgement("fixed_asset_use_rate", tier="achieved", score=D("20"), reason="全部在用"),
        )

    def test_a_key_the_scheme_does_not_have_is_refused_whole(self):
        self.assert_refused(
            str(UNKNOWN_LEAF) % {"key": "staff_control_rate"},
            openness(),
            LeafJudgement("staff_control_rate", not_applicable=True, reason="无编制"),
        )

    def test_a_submitted_report_is_refused_with_nothing_written(self):
        for status in ("submitted", "approved", "published"):
            with self.subTest(status=status):
                Evaluation.objects.filter(pk=self.evaluation.pk).update(status=status)
                self.assert_refused(str(EVALUATION_LOCKED), openness())

    def test_a_page_opened_before_another_save_is_refused(self):
        self.save(openness())
        with self.assertRaisesMessage(ValidationError, "您打开的页面已过期"):
            self.save(openness(score=D("40")), revision=0)
        self.assertEqual(LeafAssessment.objects.get(key="disclosure").score, D("42"))

    def test_the_history_records_each_change_with_who_and_how(self):
        with recording(actor=self.wangfang, via=Via.EDITOR):
            self.save(openness())
            self.save(openness(tier="achieved", score=D("50"), reason="全部按时公开"), revision=1)
            # Cleared: the row is kept, blank, so the history shows when.
            self.save(LeafJudgement("disclosure"), revision=2)
        records = LeafAssessment.history.filter(key="disclosure").order_by("history_id")
        self.assertEqual(
            [(r.history_type, r.tier, r.score, r.history_user_id, r.history_via) for r in records],
            [
                ("+", "partly", D("42"), self.wangfang.pk, Via.EDITOR),
                ("~", "achieved", D("50"), self.wangfang.pk, Via.EDITOR),
                ("~", "", None, self.wangfang.pk, Via.EDITOR),
            ],
        )

    def test_a_leaf_left_blank_writes_no_row_and_an_unchanged_one_no_history(self):
        self.save(openness(), LeafJudgement("asset_security"))
        self.save(openness(), LeafJudgement("asset_security"), revision=1)
        self.assertEqual(list(LeafAssessment.objects.values_list("key", flat=True)), ["disclosure"])
        self.assertEqual(LeafAssessment.history.count(), 1)

    def test_a_judgement_of_a_leaf_the_scheme_no_longer_has_is_kept_and_ignored(self):
        # Judged under another scheme (the Hunan one has 在职人员控制率); the bureau's scheme has no such leaf.
        LeafAssessment.objects.create(
            evaluation=self.evaluation, key="staff_control_rate", not_applicable=True, reason="旧方案"
        )
        self.save(openness())
        self.assertTrue(LeafAssessment.objects.filter(key="staff_control_rate").exists())
        sheet = score_of(self.evaluation).sheet
        self.assertIsNone(sheet.leaf("staff_control_rate"))
        self.assertFalse(any(leaf.not_applicable for leaf in sheet.leaves()))

    def test_saving_costs_the_same_whatever_the_number_of_leaves(self):
        self.save(openness())
        judgements = [
            openness(score=D("40")),
            LeafJudgement("asset_security", tier="achieved", score=D("18"), reason="资产完整"),
            LeafJudgement("fixed_asset_use_rate", not_applicable=True, reason="无固定资产"),
        ]
        # savepoint; lock the evaluation; the section's revision; the scheme (the unit's own); the rows of the
        # leaves given; update the changed one (+ history); create the new ones (+ history); revision update;
        # updated_at; release savepoint
        with self.assertNumQueries(13):
            self.save(*judgements, revision=1)
        self.assertEqual(LeafAssessment.objects.count(), 3)
