"""The administrator sees and corrects the unit's judgement of its scheme's leaves on the evaluation's admin page,
checked by the rule the editor applies, and cannot change it once the report is submitted."""

from __future__ import annotations

from django.contrib.admin.sites import site
from django.test import RequestFactory
from django.urls import reverse

from evaluations.models import Evaluation, LeafAssessment
from reports.admin import LeafAssessmentAdminForm, LeafAssessmentInline
from tests.base import SeedTestCase
from tests.scoring_support import MANAGEMENT_SCHEME, score_unit_with


class LeafAssessmentAdminTests(SeedTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        score_unit_with(cls.unit_a, MANAGEMENT_SCHEME)
        LeafAssessment.objects.create(
            evaluation=cls.evaluation, key="disclosure", tier="partly", score=40, reason="个别表格迟报"
        )

    def form(self, **values: str) -> LeafAssessmentAdminForm:
        data = {"key": "disclosure", "tier": "partly", "score": "40", "reason": "个别表格迟报", **values}
        return LeafAssessmentAdminForm(data, instance=LeafAssessment(evaluation_id=self.evaluation.pk))

    def test_the_evaluations_page_lists_the_judgements(self):
        self.client.force_login(self.admin)
        response = self.client.get(reverse("admin:evaluations_evaluation_change", args=[self.evaluation.pk]))
        self.assertContains(response, "评分方案指标自评")
        self.assertContains(response, "个别表格迟报")

    def test_the_admin_applies_the_editors_rule(self):
        self.assertTrue(self.form().is_valid())
        self.assertEqual(self.form(score="49").errors["score"], ["“部分达成”档的得分须在36.00至48.00分之间。"])
        self.assertIn(
            "评分方案中没有代号为“staff_control_rate”的指标", self.form(key="staff_control_rate").errors["key"][0]
        )
        self.assertEqual(
            self.form(key="fixed_asset_use_rate", tier="", score="", not_applicable="on", reason="").errors["reason"],
            ["标为不适用的指标，请在评分理由中说明不适用的原因。"],
        )

    def test_a_submitted_reports_judgements_are_read_only(self):
        inline = LeafAssessmentInline(Evaluation, site)
        request = RequestFactory().get("/")
        request.user = self.admin
        self.assertTrue(inline.has_change_permission(request, self.evaluation))
        self.set_status("submitted")
        for permission in (inline.has_change_permission, inline.has_delete_permission, inline.has_add_permission):
            self.assertFalse(permission(request, self.evaluation))
