"""王芳 judges her unit's qualitative indicators herself: a tier (达成 / 部分达成 / 未达成), a score inside the tier's
range and why, or 不适用 with a reason. The editor, the service and the scoring engine read the same rules
(evaluations.scoring_rules.Tiers.check); a refused judgement writes nothing."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.test import SimpleTestCase

from achievements.figures import as_unit_indicator
from achievements.forms import IndicatorAdminForm, IndicatorRowForm
from achievements.models import Indicator
from achievements.services import INDICATOR_FIELDS, save_achievements
from evaluations.scoring_rules import THREE_TIERS, Assessment, score_indicator
from reports.excel.importer import apply_import, preview_upload
from reports.excel.safe_writer import workbook_bytes
from reports.excel.template import build_template
from tests.reports.test_editor import EditorTestCase

OUT_OF_RANGE = "“部分达成”档的得分须在6.00至8.00分之间。"
NO_REASON = "请说明评分理由。"
NO_TIER = "请选择评价档次（达成、部分达成或未达成）。"
NO_SCORE = "请在所选档次的范围内填写得分。"
NOT_APPLICABLE_NO_REASON = "不适用的指标请在评分理由中说明不适用的原因。"
QUANTITATIVE = "定量指标按实际完成值计分，评价档次和自评得分只用于定性指标。"
NO_WEIGHT = "请先填写分值，自评得分须在所选档次的范围内。"


def openness(**values: str) -> dict[str, str]:
    """预决算信息公开: a qualitative indicator of 分值 10 (部分达成 is 6 to 8 points)."""
    row = {
        "level1": "效益指标",
        "level2": "社会效益指标",
        "name": "预决算信息公开",
        "direction": "qualitative",
        "target_text": "按时公开",
        "actual_text": "按时公开，个别表格迟报",
        "weight": "10",
    }
    return {**row, **values}


class IndicatorRowJudgementTests(SimpleTestCase):
    def test_a_judgement_inside_the_tiers_range_with_a_reason_is_accepted(self):
        form = IndicatorRowForm(
            tiers=THREE_TIERS, data=openness(qualitative_tier="partly", self_score="7.5", score_reason="个别表格迟报")
        )
        self.assertTrue(form.is_valid(), form.errors)
        self.assertEqual(form.cleaned_data["self_score"], Decimal("7.5"))

    def test_blank_stays_blank(self):
        form = IndicatorRowForm(tiers=THREE_TIERS, data=openness())
        self.assertTrue(form.is_valid(), form.errors)
        self.assertEqual(form.cleaned_data["qualitative_tier"], "")
        self.assertIsNone(form.cleaned_data["self_score"])
        self.assertFalse(form.cleaned_data["not_applicable"])

    def test_each_refusal_stands_beside_its_field_with_the_engines_message(self):
        cases = [
            ({"qualitative_tier": "partly", "self_score": "9", "score_reason": "迟报"}, "self_score", OUT_OF_RANGE),
            ({"qualitative_tier": "partly", "self_score": "7"}, "score_reason", NO_REASON),
            ({"qualitative_tier": "partly", "score_reason": "迟报"}, "self_score", NO_SCORE),
            ({"self_score": "7", "score_reason": "迟报"}, "qualitative_tier", NO_TIER),
            ({"not_applicable": "on"}, "score_reason", NOT_APPLICABLE_NO_REASON),
            (
                {"qualitative_tier": "partly", "self_score": "7", "score_reason": "迟报", "weight": ""},
                "weight",
                NO_WEIGHT,
            ),
            (
                {"direction": "ge", "target": "1", "actual": "1", "qualitative_tier": "achieved"},
                "qualitative_tier",
                QUANTITATIVE,
            ),
        ]
        for values, field, message in cases:
            with self.subTest(values=values):
                form = IndicatorRowForm(tiers=THREE_TIERS, data=openness(**values))
                self.assertFalse(form.is_valid())
                self.assertEqual(form.errors[field], [message])

    def test_a_not_applicable_indicator_with_a_reason_needs_no_tier(self):
        form = IndicatorRowForm(tiers=THREE_TIERS, data=openness(not_applicable="on", score_reason="本年度无公开任务"))
        self.assertTrue(form.is_valid(), form.errors)


class AsUnitIndicatorTests(SimpleTestCase):
    def test_it_passes_the_units_judgement_of_a_qualitative_indicator(self):
        indicator = Indicator(
            name="预决算信息公开",
            level1="效益指标",
            direction="qualitative",
            weight=Decimal("10"),
            qualitative_tier="partly",
            self_score=Decimal("7.5"),
            score_reason="个别表格迟报",
        )
        unit = as_unit_indicator(indicator)
        self.assertEqual(unit.assessment, Assessment("partly", Decimal("7.5"), "个别表格迟报"))
        self.assertFalse(unit.not_applicable)
        self.assertEqual(score_indicator(unit).points, Decimal("7.5"))

    def test_no_tier_or_a_quantitative_indicator_passes_no_judgement(self):
        self.assertIsNone(as_unit_indicator(Indicator(name="a", level1="产出", direction="qualitative")).assessment)
        quantitative = Indicator(name="b", level1="产出", direction="ge", qualitative_tier="achieved")
        self.assertIsNone(as_unit_indicator(quantitative).assessment)

    def test_it_passes_not_applicable(self):
        unit = as_unit_indicator(Indicator(name="a", level1="产出", not_applicable=True, score_reason="无此项"))
        self.assertTrue(unit.not_applicable)
        self.assertEqual(score_indicator(unit).explanation, "不适用，不计分")


class JudgementTestCase(EditorTestCase):
    def setUp(self):
        # The seed's two shortfalls get their reasons, so that only the judgement decides.
        Indicator.objects.filter(evaluation=self.evaluation, deviation_reason="").update(deviation_reason="原因")


class EditorJudgementTests(JudgementTestCase):
    def added(self, **values: str) -> dict[str, str]:
        data = self.open("achievements")
        data.update({f"indicators-9-{name}": value for name, value in openness(**values).items()})
        return data

    def test_wangfang_saves_her_judgement_and_the_engine_reads_it(self):
        data = self.added(qualitative_tier="partly", self_score="7.5", score_reason="个别表格迟报")
        self.assertEqual(self.client.post(self.url("achievements"), data).status_code, 302)
        saved = Indicator.objects.get(evaluation=self.evaluation, name="预决算信息公开")
        self.assertEqual(
            (saved.qualitative_tier, saved.self_score, saved.score_reason, saved.not_applicable),
            ("partly", Decimal("7.50"), "个别表格迟报", False),
        )
        self.assertEqual(saved.history.count(), 1)
        self.assertEqual(as_unit_indicator(saved).assessment, Assessment("partly", Decimal("7.50"), "个别表格迟报"))
        # The seed's indicators, saved again from the page, stay unjudged.
        others = Indicator.objects.filter(evaluation=self.evaluation).exclude(pk=saved.pk)
        self.assertEqual(
            set(others.values_list("qualitative_tier", "self_score", "score_reason", "not_applicable")),
            {("", None, "", False)},
        )

    def test_a_score_outside_the_tier_is_refused_beside_the_field_and_nothing_is_written(self):
        data = self.added(qualitative_tier="partly", self_score="9", score_reason="个别表格迟报")
        response = self.client.post(self.url("achievements"), data)
        self.assertContains(response, OUT_OF_RANGE, status_code=422)
        self.assertContains(response, 'id="id_indicators-9-self_score_error"', status_code=422)
        self.assertFalse(Indicator.objects.filter(evaluation=self.evaluation, name="预决算信息公开").exists())

    def test_a_not_applicable_indicator_is_saved_with_its_reason(self):
        data = self.added(not_applicable="on")
        response = self.client.post(self.url("achievements"), data)
        self.assertContains(response, NOT_APPLICABLE_NO_REASON, status_code=422)
        data["indicators-9-score_reason"] = "本年度无公开任务"
        self.assertEqual(self.client.post(self.url("achievements"), data).status_code, 302)
        saved = Indicator.objects.get(evaluation=self.evaluation, name="预决算信息公开")
        self.assertTrue(saved.not_applicable)
        self.assertTrue(as_unit_indicator(saved).not_applicable)


class AdminJudgementTests(JudgementTestCase):
    def test_the_admin_applies_the_same_rule(self):
        values = {"qualitative_tier": "partly", "self_score": "9", "score_reason": "迟报"}
        data = openness(evaluation=str(self.evaluation.pk), order="1", **values)
        self.assertEqual(IndicatorAdminForm(data).errors["self_score"], [OUT_OF_RANGE])


class ServiceJudgementTests(JudgementTestCase):
    def rows(self, **values: object) -> list[dict[str, object]]:
        rows = [
            {"id": indicator.pk, **{name: getattr(indicator, name) for name in INDICATOR_FIELDS}}
            for indicator in Indicator.objects.filter(evaluation=self.evaluation)
        ]
        rows[0].update(
            direction="qualitative",
            target=None,
            actual=None,
            target_text="按时公开",
            weight=Decimal("10"),
            deviation_reason="",
            **values,
        )
        return rows

    def save(self, rows: list[dict[str, object]]) -> None:
        themes = [{"id": theme.pk, "title": theme.title, "body": theme.body} for theme in self.evaluation.themes.all()]
        save_achievements(evaluation=self.evaluation, actor=self.wangfang, revision=0, themes=themes, indicators=rows)

    def test_the_service_saves_a_judgement(self):
        rows = self.rows(qualitative_tier="achieved", self_score=Decimal("9"), score_reason="全部按时公开")
        self.save(rows)
        saved = Indicator.objects.get(pk=rows[0]["id"])
        self.assertEqual((saved.qualitative_tier, saved.self_score), ("achieved", Decimal("9.00")))

    def test_the_service_refuses_with_the_engines_messages_and_writes_nothing(self):
        cases = [
            ({"qualitative_tier": "partly", "self_score": Decimal("9"), "score_reason": "迟报"}, OUT_OF_RANGE),
            ({"qualitative_tier": "partly", "self_score": Decimal("7"), "score_reason": " "}, NO_REASON),
            ({"not_applicable": True, "score_reason": ""}, NOT_APPLICABLE_NO_REASON),
        ]
        before = list(Indicator.objects.filter(evaluation=self.evaluation).values())
        for values, message in cases:
            with self.subTest(values=values):
                with self.assertRaises(ValidationError) as caught:
                    self.save(self.rows(**values))
                self.assertEqual(caught.exception.messages, [message])
                self.assertEqual(list(Indicator.objects.filter(evaluation=self.evaluation).values()), before)

    def test_the_spreadsheet_import_keeps_the_judgement(self):
        rows = self.rows(qualitative_tier="achieved", self_score=Decimal("9"), score_reason="全部按时公开")
        self.save(rows)
        data, plan = preview_upload(self.evaluation, workbook_bytes(build_template(self.evaluation)))
        self.assertEqual(plan.problems, [])
        apply_import(evaluation=self.evaluation, data=data, actor=self.wangfang)
        saved = Indicator.objects.get(pk=rows[0]["id"])
        self.assertEqual(
            (saved.qualitative_tier, saved.self_score, saved.score_reason),
            ("achieved", Decimal("9.00"), "全部按时公开"),
        )
