"""The bureau of 渌口区 scores with its own copy of the national scheme whose 部分达成 tier runs from 50% to 80% of
the weight (THREE_TIERS_80_50, as some provinces use). 王芳's qualitative indicators are then checked against those
ranges, not the shipped 60%–80%: on the editor page, by the service and in the admin alike."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.urls import reverse

from achievements.models import Indicator
from achievements.services import INDICATOR_FIELDS, save_achievements
from evaluations.models import Evaluation
from evaluations.schemes import NATIONAL_SCHEME
from evaluations.scoring_rules import THREE_TIERS_80_50
from tests.scoring_support import score_unit_with

from .test_editor import EditorTestCase

D = Decimal
# 预决算信息公开, 分值 10: 部分达成 is 5 to 8 points under the bureau's tiers, 6 to 8 under the shipped ones.
BUREAU_OUT_OF_RANGE = "“部分达成”档的得分须在5.00至8.00分之间。"


def openness(**values: str) -> dict[str, str]:
    row = {
        "level1": "效益指标",
        "level2": "社会效益指标",
        "name": "预决算信息公开",
        "direction": "qualitative",
        "target_text": "按时公开",
        "actual_text": "按时公开，个别表格迟报",
        "weight": "10",
        "qualitative_tier": "partly",
        "score_reason": "个别表格迟报",
    }
    return {**row, **values}


class BureauTiersTests(EditorTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # The seed's two shortfalls get their reasons, so that only the judgement decides.
        Indicator.objects.filter(evaluation=cls.evaluation, deviation_reason="").update(deviation_reason="原因")

    def use_bureau_tiers(self) -> None:
        spec = dataclasses.replace(NATIONAL_SCHEME, name="渌口区评分方案（部分达成50%–80%）", tiers=THREE_TIERS_80_50)
        score_unit_with(self.unit_a, spec)

    def post_row(self, **values: str):
        data = self.open("achievements")
        data.update({f"indicators-9-{name}": value for name, value in openness(**values).items()})
        return self.client.post(self.url("achievements"), data)

    def test_the_editor_checks_the_score_against_the_schemes_tiers(self):
        # Under the shipped tiers 5.5 is below 部分达成.
        response = self.post_row(self_score="5.5")
        self.assertContains(response, "“部分达成”档的得分须在6.00至8.00分之间。", status_code=422)
        self.use_bureau_tiers()
        self.assertEqual(self.post_row(self_score="5.5").status_code, 302)
        saved = Indicator.objects.get(evaluation=self.evaluation, name="预决算信息公开")
        self.assertEqual((saved.qualitative_tier, saved.self_score), ("partly", D("5.50")))

    def test_the_editor_refuses_what_the_bureaus_tiers_refuse(self):
        self.use_bureau_tiers()
        response = self.post_row(self_score="4.5")
        self.assertContains(response, BUREAU_OUT_OF_RANGE, status_code=422)
        self.assertContains(response, 'id="id_indicators-9-self_score_error"', status_code=422)

    def test_the_service_checks_against_the_schemes_tiers(self):
        self.use_bureau_tiers()
        evaluation = Evaluation.objects.select_related("unit").get(pk=self.evaluation.pk)
        themes = [{"id": theme.pk, "title": theme.title, "body": theme.body} for theme in evaluation.themes.all()]
        rows = [
            {"id": indicator.pk, **{name: getattr(indicator, name) for name in INDICATOR_FIELDS}}
            for indicator in Indicator.objects.filter(evaluation=evaluation)
        ]
        rows[0].update(
            direction="qualitative",
            target=None,
            actual=None,
            weight=D("10"),
            qualitative_tier="partly",
            self_score=D("4.5"),
            score_reason="迟报",
        )
        with self.assertRaisesMessage(ValidationError, BUREAU_OUT_OF_RANGE):
            save_achievements(evaluation=evaluation, actor=self.wangfang, revision=0, themes=themes, indicators=rows)
        rows[0]["self_score"] = D("5.5")
        save_achievements(evaluation=evaluation, actor=self.wangfang, revision=0, themes=themes, indicators=rows)
        self.assertEqual(Indicator.objects.get(pk=rows[0]["id"]).self_score, D("5.50"))

    def test_the_admin_checks_against_the_schemes_tiers(self):
        from achievements.forms import IndicatorAdminForm

        self.use_bureau_tiers()
        base = openness(evaluation=str(self.evaluation.pk), order="1")
        self.assertTrue(IndicatorAdminForm({**base, "self_score": "5.5"}).is_valid())
        self.assertEqual(IndicatorAdminForm({**base, "self_score": "4.5"}).errors["self_score"], [BUREAU_OUT_OF_RANGE])

    def test_the_live_score_reads_the_judgement_with_the_schemes_tiers(self):
        self.use_bureau_tiers()
        data = self.open("achievements")
        data.update({f"indicators-9-{name}": value for name, value in openness(self_score="5.5").items()})
        response = self.client.post(
            reverse("evaluation_section_figures", args=[self.evaluation.pk, "achievements"]), data
        )
        self.assertContains(response, "自评为“部分达成”（该档5.00至8.00分），得5.50分：个别表格迟报")
