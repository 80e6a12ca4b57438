"""The administrator sees the demo unit's complete evaluation in the admin, and cannot edit it after submission."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.urls import reverse

from achievements.models import Theme
from budgets.models import FundSource, ProjectItem
from budgets.services import save_project_spending
from evaluations.admin import OTHER_EVALUATION
from evaluations.models import Evaluation, SectionRevision
from evaluations.money import AMOUNT_NOT_A_NUMBER, AMOUNT_SPECIAL
from tests.base import SeedTestCase


class AdminTests(SeedTestCase):
    def setUp(self):
        self.client.force_login(self.admin)

    def test_it_lists_evaluations_with_filters_and_search(self):
        response = self.client.get(reverse("admin:evaluations_evaluation_changelist"), {"q": "科技"})
        self.assertContains(response, "株洲市渌口区科技和工业信息化局")

    def test_it_shows_the_whole_evaluation_with_its_inlines(self):
        response = self.client.get(reverse("admin:evaluations_evaluation_change", args=[self.evaluation.pk]))
        self.assertContains(response, "主要职能")
        self.assertContains(response, "高分子新材料论坛资金")
        self.assertContains(response, "技术合同成交额")
        self.assertContains(response, "工业运行稳中有进")

    def test_every_model_has_a_changelist(self):
        for name in [
            "evaluations_unit",
            "evaluations_membership",
            "evaluations_statuschange",
            "evaluations_sectionrevision",
            "evaluations_campaign",
            "evaluations_reminder",
            "budgets_basicspending",
            "budgets_fundsource",
            "budgets_projectitem",
            "budgets_budgetexecution",
            "achievements_theme",
            "achievements_indicator",
        ]:
            response = self.client.get(reverse(f"admin:{name}_changelist"))
            self.assertEqual(response.status_code, 200, name)

    def test_a_submitted_evaluation_is_read_only_in_the_admin(self):
        self.set_status("submitted")
        url = reverse("admin:evaluations_evaluation_change", args=[self.evaluation.pk])
        response = self.client.get(url)
        self.assertNotContains(response, 'name="_save"')
        response = self.client.post(url, {"mandate": "改过的职能"})
        self.assertEqual(response.status_code, 403)
        self.evaluation.refresh_from_db()
        self.assertEqual(self.evaluation.mandate, "主管全区科技、工业和信息化")

    def test_a_project_item_of_a_submitted_evaluation_cannot_be_changed_in_the_admin(self):
        self.set_status("approved")
        item = self.evaluation.project_items.first()
        url = reverse("admin:budgets_projectitem_change", args=[item.pk])
        response = self.client.post(url, {"name": "x", "amount": "1"})
        self.assertEqual(response.status_code, 403)
        response = self.client.post(reverse("admin:budgets_projectitem_delete", args=[item.pk]), {"post": "yes"})
        self.assertEqual(response.status_code, 403)

    def test_the_admin_refuses_a_shortfall_without_a_reason(self):
        loans = self.evaluation.indicators.get(name="知识价值信用贷款")
        url = reverse("admin:achievements_indicator_change", args=[loans.pk])
        data = {
            "evaluation": self.evaluation.pk,
            "order": loans.order,
            "level1": loans.level1,
            "level2": loans.level2,
            "name": loans.name,
            "measure_unit": loans.measure_unit,
            "direction": loans.direction,
            "target": "20000",
            "actual": "11400",
            "deviation_reason": "",
        }
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "请填写偏差原因分析及改进措施")
        response = self.client.post(url, {**data, "deviation_reason": "银行授信收紧，下一年提前对接。"})
        self.assertEqual(response.status_code, 302)
        loans.refresh_from_db()
        self.assertEqual(loans.deviation_reason, "银行授信收紧，下一年提前对接。")


class AdminBehindTheWorkflowTests(SeedTestCase):
    """The admin's list actions and add forms obey the workflow too, and admin edits make open editor pages stale."""

    def setUp(self):
        self.client.force_login(self.admin)

    def test_the_admin_reads_amounts_and_indicator_values_as_the_editor_does(self):
        item = self.evaluation.project_items.get(name="维稳救助经费")
        url = reverse("admin:budgets_projectitem_change", args=[item.pk])
        data = {
            "evaluation": self.evaluation.pk,
            "source": item.source_id,
            "order": item.order,
            "name": item.name,
            "description": item.description,
        }
        for typed, message in [
            ("①②３", AMOUNT_NOT_A_NUMBER),
            ("١٢٣", AMOUNT_NOT_A_NUMBER),  # Django's DecimalField would have stored 123
            ("1e3", AMOUNT_SPECIAL),
        ]:
            with self.subTest(typed=typed):
                response = self.client.post(url, {**data, "amount": typed})
                self.assertEqual(response.status_code, 200)
                self.assertFormError(response.context["adminform"].form, "amount", [message])
        response = self.client.post(url, {**data, "amount": "１６１，８００．５０"})
        self.assertEqual(response.status_code, 302)
        item.refresh_from_db()
        self.assertEqual(item.amount, Decimal("161800.50"))

        loans = self.evaluation.indicators.get(name="知识价值信用贷款")
        url = reverse("admin:achievements_indicator_change", args=[loans.pk])
        response = self.client.post(
            url,
            {
                "evaluation": self.evaluation.pk,
                "order": loans.order,
                "level1": loans.level1,
                "level2": loans.level2,
                "name": loans.name,
                "direction": loans.direction,
                "target": "２００００",
                "actual": "١١٤٠٠",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertFormError(response.context["adminform"].form, "actual", ["请填写数字，例如 12.55。"])

    def test_bulk_deleting_rows_of_a_submitted_evaluation_is_refused(self):
        self.set_status("submitted")
        ids = list(self.evaluation.project_items.values_list("pk", flat=True))
        response = self.client.post(
            reverse("admin:budgets_projectitem_changelist"),
            {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
        )
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.evaluation.project_items.count(), 10)

    def test_a_submitted_evaluation_cannot_be_deleted_from_its_list(self):
        self.set_status("approved")
        response = self.client.post(
            reverse("admin:evaluations_evaluation_changelist"),
            {"action": "delete_selected", "_selected_action": [self.evaluation.pk], "post": "yes"},
        )
        # Refused either by the workflow guard (403) or, once it has history, by the protected rows (200, a page
        # that names them); never deleted.
        self.assertIn(response.status_code, {200, 403})
        self.assertTrue(Evaluation.objects.filter(pk=self.evaluation.pk).exists())

    def test_new_rows_can_only_go_to_evaluations_that_may_change(self):
        self.set_status("submitted")
        draft_b = Evaluation.objects.create(unit=self.unit_b, year=2024)
        response = self.client.get(reverse("admin:budgets_projectitem_add"))
        choices = [value for value, _label in response.context["adminform"].form.fields["evaluation"].choices]
        self.assertIn(draft_b.pk, [getattr(value, "value", value) for value in choices])
        self.assertNotIn(self.evaluation.pk, [getattr(value, "value", value) for value in choices])

    def test_an_admin_edit_makes_an_open_editor_page_stale(self):
        revision_before = section_revision_number(self.evaluation, "project")
        item = self.evaluation.project_items.get(name="维稳救助经费")
        url = reverse("admin:budgets_projectitem_change", args=[item.pk])
        response = self.client.post(
            url,
            {
                "evaluation": self.evaluation.pk,
                "source": item.source_id,
                "order": item.order,
                "name": item.name,
                "description": item.description,
                "amount": "161800.00",
            },
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(section_revision_number(self.evaluation, "project"), revision_before + 1)
        with self.assertRaisesMessage(ValidationError, "您打开的页面已过期"):
            save_basic_or_project_with_old_revision(self.evaluation, self.wangfang, revision_before)
        item.refresh_from_db()
        self.assertEqual(item.amount, Decimal("161800.00"))


def section_revision_number(evaluation, section: str) -> int:
    record = SectionRevision.objects.filter(evaluation=evaluation, section=section).first()
    return record.revision if record else 0


def save_basic_or_project_with_old_revision(evaluation, actor, revision: int) -> None:
    sources = [{"id": s.pk, "name": s.name, "description": s.description} for s in evaluation.fund_sources.all()]
    save_project_spending(evaluation=evaluation, actor=actor, revision=revision, sources=sources, items=[])


class AdminScopingTests(SeedTestCase):
    """An item's 资金来源 and an indicator's 主题 come from the item's own evaluation, on the standalone admin pages as
    on the evaluation's page: unit B's source linked to unit A's item would print B's name in A's report."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.other = Evaluation.objects.create(unit=cls.unit_b, year=2024)
        cls.other_source = FundSource.objects.create(evaluation=cls.other, order=1, name="区农业农村局的来源")
        cls.other_theme = Theme.objects.create(evaluation=cls.other, order=1, title="区农业农村局的主题")

    def setUp(self):
        self.client.force_login(self.admin)

    def test_a_project_items_page_offers_and_accepts_only_its_own_evaluations_sources(self):
        item = self.evaluation.project_items.get(name="维稳救助经费")
        url = reverse("admin:budgets_projectitem_change", args=[item.pk])
        choices = self.client.get(url).context["adminform"].form.fields["source"].queryset
        self.assertEqual(set(choices), set(self.evaluation.fund_sources.all()))
        data = {
            "evaluation": self.evaluation.pk,
            "source": self.other_source.pk,
            "order": item.order,
            "name": item.name,
            "description": item.description,
            "amount": "161800.00",
        }
        # Posted anyway (a crafted request): not among the choices, refused, nothing saved.
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 200)
        self.assertIn("source", response.context["adminform"].form.errors)
        item.refresh_from_db()
        self.assertNotEqual(item.source_id, self.other_source.pk)

    def test_a_new_item_cannot_take_another_evaluations_source(self):
        response = self.client.post(
            reverse("admin:budgets_projectitem_add"),
            {"evaluation": self.evaluation.pk, "source": self.other_source.pk, "order": 99, "name": "新项目"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertFormError(response.context["adminform"].form, "source", [str(OTHER_EVALUATION)])
        self.assertFalse(ProjectItem.objects.filter(name="新项目").exists())

    def test_an_indicators_page_refuses_another_evaluations_theme(self):
        loans = self.evaluation.indicators.get(name="知识价值信用贷款")
        theme_before = loans.theme_id
        url = reverse("admin:achievements_indicator_change", args=[loans.pk])
        choices = self.client.get(url).context["adminform"].form.fields["theme"].queryset
        self.assertNotIn(self.other_theme, set(choices))
        response = self.client.post(
            url,
            {
                "evaluation": self.evaluation.pk,
                "order": loans.order,
                "level1": loans.level1,
                "level2": loans.level2,
                "name": loans.name,
                "direction": loans.direction,
                "target": "20000",
                "actual": "11400",
                "deviation_reason": "放贷规模不及预期。",
                "theme": self.other_theme.pk,
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("theme", response.context["adminform"].form.errors)
        loans.refresh_from_db()
        self.assertEqual(loans.theme_id, theme_before)

    def test_moving_an_item_to_another_evaluation_needs_a_source_of_that_evaluation(self):
        item = self.evaluation.project_items.get(name="维稳救助经费")
        response = self.client.post(
            reverse("admin:budgets_projectitem_change", args=[item.pk]),
            {
                "evaluation": self.other.pk,
                "source": item.source_id,
                "order": item.order,
                "name": item.name,
                "amount": "161800.00",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertFormError(response.context["adminform"].form, "source", [str(OTHER_EVALUATION)])

    def test_the_evaluations_page_offers_only_its_own_sources_to_its_items(self):
        response = self.client.get(reverse("admin:evaluations_evaluation_change", args=[self.evaluation.pk]))
        formset = next(f for f in response.context["inline_admin_formsets"] if f.formset.model is ProjectItem)
        choices = formset.formset.forms[0].fields["source"].queryset
        self.assertEqual(set(choices), set(self.evaluation.fund_sources.all()))
