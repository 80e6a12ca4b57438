"""王芳 enters the figures behind the common indicators on the 预算执行 page (issue 10): blank stays unknown, 0 is
zero, 万元 are exact, every indicator is shown live with its formula or what it lacks, an execution rate under 90%
asks for a reason, and the history records each change."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.urls import reverse

from budgets.models import BudgetExecution, CommonFigures, ProjectItem
from budgets.rules import ASSETS_IN_USE_ABOVE_TOTAL
from budgets.selectors import common_indicators_of
from budgets.services import save_execution
from evaluations.history import Via
from evaluations.models import Evaluation, SectionRevision, StaffingLine
from tests.reports.test_editor import EditorTestCase

# 项目支出 760,000 of 1,000,000: 76%.
PROJECT_AT_76 = {"execution-project-full_year_budget": "1000000", "execution-project-executed": "760000"}


class CommonFiguresPageTests(EditorTestCase):
    def common(self) -> CommonFigures:
        return CommonFigures.objects.get(evaluation=self.evaluation)

    def test_wangfang_enters_the_figures_in_wan_and_they_are_stored_exactly(self):
        Evaluation.objects.filter(pk=self.evaluation.pk).update(amount_unit="wan")
        data = self.open("execution")
        data.update(
            {
                "execution-project-carryover_from_last_year": "12.3",
                "execution-project-additions": "30",
                "execution-project-year_end_carryover": "12.641234",
                "common-vehicles_actual": "7.29",
                "common-procurement_budget": "386.4449",
                "common-payment_progress_actual": "95.5",
            }
        )
        self.assertEqual(self.client.post(self.url("execution"), data).status_code, 302)
        project = BudgetExecution.objects.get(evaluation=self.evaluation, kind="project")
        self.assertEqual(project.carryover_from_last_year, Decimal("123000.00"))
        self.assertEqual(project.additions, Decimal("300000.00"))
        self.assertEqual(project.year_end_carryover, Decimal("126412.34"))
        common = self.common()
        self.assertEqual(common.vehicles_actual, Decimal("72900.00"))
        self.assertEqual(common.procurement_budget, Decimal("3864449.00"))
        # A percentage is not money: 95.5 stays 95.5 whatever the page's unit.
        self.assertEqual(common.payment_progress_actual, Decimal("95.50"))
        page = self.client.get(self.url("execution"))
        self.assertContains(page, 'value="386.4449"')
        self.assertContains(page, 'value="12.641234"')

    def test_blank_is_saved_as_null_and_zero_as_zero(self):
        data = self.open("execution")
        data.update({"common-procurement_budget": "0", "common-abroad_actual": "0", "common-rules_met": "0"})
        self.assertEqual(self.client.post(self.url("execution"), data).status_code, 302)
        common = self.common()
        self.assertEqual((common.procurement_budget, common.abroad_actual, common.rules_met), (0, 0, 0))
        self.assertIsNone(common.procurement_actual)
        self.assertIsNone(common.abroad_budget)
        self.assertIsNone(common.violations)
        # Cleared again, the figure is unknown again, not 0.
        data = self.open("execution")
        data["common-procurement_budget"] = ""
        self.assertEqual(self.client.post(self.url("execution"), data).status_code, 302)
        self.assertIsNone(self.common().procurement_budget)

    def test_a_page_saved_without_figures_writes_no_row(self):
        self.assertEqual(self.client.post(self.url("execution"), self.open("execution")).status_code, 302)
        self.assertFalse(CommonFigures.objects.filter(evaluation=self.evaluation).exists())
        self.assertFalse(CommonFigures.history.exists())

    def test_errors_are_in_chinese_beside_the_field_and_nothing_is_saved(self):
        data = self.open("execution")
        data.update(
            {
                "common-procurement_budget": "六十万",
                "common-fixed_assets_in_use": "200",
                "common-fixed_assets_total": "100",
                "common-payment_progress_actual": "120",
                "common-rules_met": "4",
                "execution-basic-additions": "-5",
            }
        )
        response = self.client.post(self.url("execution"), data)
        self.assertEqual(response.status_code, 422)
        form = response.context["page"].forms["common"]
        self.assertEqual(form.errors["procurement_budget"], ["请填写金额数字（单位：元），例如 3864449.00。"])
        self.assertEqual(form.errors["fixed_assets_in_use"], [str(ASSETS_IN_USE_ABOVE_TOTAL)])
        self.assertEqual(form.errors["payment_progress_actual"], ["数值过大（上限为100），请检查是否多输入了数字。"])
        self.assertEqual(form.errors["rules_met"], ["确保该值小于或等于3。"])
        self.assertEqual(response.context["page"].forms["basic"].errors["additions"], ["金额不能为负数。"])
        self.assertContains(response, "在用固定资产不能大于固定资产总额。", status_code=422)
        self.assertFalse(CommonFigures.objects.filter(evaluation=self.evaluation).exists())
        self.assertFalse(SectionRevision.objects.filter(evaluation=self.evaluation, section="execution").exists())

    def test_an_execution_rate_under_ninety_percent_asks_for_a_reason(self):
        data = {**self.open("execution"), **PROJECT_AT_76}
        response = self.client.post(self.url("execution"), data)
        self.assertEqual(
            response.context["page"].forms["common"].errors["execution_reason"],
            ["预算执行率低于90%（项目支出 76.00%），请说明原因。"],
        )
        self.assertIsNone(BudgetExecution.objects.get(evaluation=self.evaluation, kind="project").executed)

        data["common-execution_reason"] = "部分项目资金于年底下达，未能在当年支付。"
        self.assertEqual(self.client.post(self.url("execution"), data).status_code, 302)
        self.assertEqual(self.common().execution_reason, "部分项目资金于年底下达，未能在当年支付。")
        self.assertContains(self.client.get(self.url("execution")), "执行率低于90%，请在左侧填写原因。")

    def test_each_indicator_is_shown_live_with_its_formula_or_what_it_lacks(self):
        data = self.open("execution")
        data.update(
            {
                "common-vehicles_budget": "80000",
                "common-vehicles_actual": "72900",
                "common-abroad_budget": "0",
                "common-abroad_actual": "0",
                "common-reception_budget": "30000",
                "common-reception_actual": "24600",
                "common-procurement_budget": "600000",
            }
        )
        response = self.client.post(reverse("evaluation_section_figures", args=[self.evaluation.pk, "execution"]), data)
        # 97,500 of 110,000 = 88.64%
        self.assertContains(
            response,
            "<strong>“三公经费”控制率</strong> = “三公经费”实际支出 ÷ “三公经费”预算数 = "
            '<span class="fw-semibold">88.64%</span>',
            html=False,
        )
        self.assertContains(response, "无法计算（缺少实际政府采购金额）")
        # The seed's 日常公用经费 is there; its 公用经费 budget is not.
        self.assertContains(response, "无法计算（缺少公用经费预算数）")
        # The seed publishes headcounts without 编制数 (domain.md §6).
        self.assertContains(response, "无法计算（缺少编制数）")
        # Nothing was saved by showing the figures.
        self.assertFalse(CommonFigures.objects.filter(evaluation=self.evaluation).exists())

    def test_the_history_records_each_change_with_who_and_the_editor(self):
        data = {**self.open("execution"), "common-procurement_budget": "600000"}
        self.assertEqual(self.client.post(self.url("execution"), data).status_code, 302)
        data = {**self.open("execution"), "common-procurement_actual": "553200", "execution-basic-reductions": "0"}
        self.assertEqual(self.client.post(self.url("execution"), data).status_code, 302)
        records = CommonFigures.history.filter(evaluation_id=self.evaluation.pk).order_by("history_id")
        self.assertEqual(
            [(r.history_type, r.procurement_budget, r.procurement_actual) for r in records],
            [("+", Decimal("600000.00"), None), ("~", Decimal("600000.00"), Decimal("553200.00"))],
        )
        self.assertEqual({(r.history_user_id, r.history_via) for r in records}, {(self.wangfang.pk, Via.EDITOR)})
        basic = BudgetExecution.history.filter(evaluation_id=self.evaluation.pk, kind="basic", history_type="~")
        self.assertEqual([r.reductions for r in basic], [Decimal("0.00")])


class CommonFiguresServiceTests(EditorTestCase):
    def lines(self, executed: str) -> dict[str, dict]:
        return {"project": {"full_year_budget": Decimal("1000000"), "executed": Decimal(executed)}}

    def test_a_rate_under_ninety_percent_without_a_reason_is_refused_with_nothing_written(self):
        with self.assertRaisesMessage(ValidationError, "预算执行率低于90%（项目支出 76.00%），请说明原因。"):
            save_execution(
                evaluation=self.evaluation, actor=self.wangfang, revision=0, lines=self.lines("760000"), common={}
            )
        self.assertFalse(BudgetExecution.history.filter(history_type="~").exists())
        self.assertFalse(CommonFigures.objects.exists())
        self.assertFalse(SectionRevision.objects.filter(evaluation=self.evaluation).exists())

    def test_assets_in_use_above_the_total_are_refused_with_nothing_written(self):
        common = {"fixed_assets_in_use": Decimal("2"), "fixed_assets_total": Decimal("1")}
        with self.assertRaisesMessage(ValidationError, str(ASSETS_IN_USE_ABOVE_TOTAL)):
            save_execution(evaluation=self.evaluation, actor=self.wangfang, revision=0, lines={}, common=common)
        self.assertFalse(CommonFigures.objects.exists())
        self.assertFalse(CommonFigures.history.exists())

    def test_with_a_reason_it_is_saved_and_the_selector_reads_it(self):
        save_execution(
            evaluation=self.evaluation,
            actor=self.wangfang,
            revision=0,
            lines=self.lines("760000"),
            common={"execution_reason": "年底下达的资金未能支付。", "key_project_spending": Decimal("1231240")},
        )
        with self.assertNumQueries(6):
            # the common figures, 日常公用经费, the stated totals, the project items, the execution lines, the
            # staffing lines
            common = common_indicators_of(self.evaluation)
        # 123.124 of the seed's 1231.24 万元 of project items
        self.assertEqual(common["key_spending_rate"].shown, "10.00%")
        self.assertEqual(common.missing["budget_execution_rate"], ("基本支出全年执行数", "基本支出全年预算数"))


class CommonFiguresQueryCountTests(EditorTestCase):
    """The page and its live figures cost the same whether the unit has two staffing lines or forty."""

    # session, user, membership, evaluation with its unit, the section's last save, execution lines, common
    # figures, the header's unit; then for the indicators: 日常公用经费, the stated totals, the project items, the
    # staffing lines
    PAGE = 12
    # session, user, membership, evaluation with its unit, execution lines, common figures; 日常公用经费, the stated
    # totals, the project items, the staffing lines
    FIGURES = 10

    def add_rows(self, n: int) -> None:
        StaffingLine.objects.bulk_create(
            StaffingLine(evaluation=self.evaluation, order=10 + i, establishment_type=f"编制{i}", approved=2, actual=1)
            for i in range(n)
        )
        ProjectItem.objects.bulk_create(
            ProjectItem(evaluation=self.evaluation, order=20 + i, name=f"项目{i}", amount=1) for i in range(n)
        )

    def test_the_query_count_stays_fixed_as_rows_grow(self):
        data = self.open("execution")
        figures_url = reverse("evaluation_section_figures", args=[self.evaluation.pk, "execution"])
        for rows in (0, 40):
            self.add_rows(rows)
            with self.subTest(rows=rows):
                with self.assertNumQueries(self.PAGE):
                    self.client.get(self.url("execution"))
                with self.assertNumQueries(self.FIGURES):
                    self.client.post(figures_url, data)
