"""王芳 enters the year's funds by source (财政拨款, 上年结转资金, 其他资金) beside 基本支出 and 项目支出 on the
预算执行 page (issue 10): two labelled groups, blank stays unknown and 0 is zero, 万元 are stored exactly, the live
panel shows both breakdowns, the total and any disagreement, and a disagreement keeps the report from being
submitted. The page's query count does not grow with the lines."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.urls import reverse

from budgets.models import BudgetExecution, SpendingSummary
from budgets.rules import ADJUSTMENTS_ON_A_SOURCE
from budgets.services import save_execution
from evaluations.models import Evaluation, SectionRevision, StaffingLine
from reports import workflow
from reports.diff import changes_between, snapshot
from reports.history import content_history
from tests.reports.test_editor import EditorTestCase

# The seed's 474.50 + 1231.24 = 1705.74万元 executed of 490.00 + 1250.00 = 1740.00万元, and the same money by source:
# 财政拨款 1560.00 of 1590.00, 上年结转资金 75.74 of 80.00, 其他资金 70.00 of 70.00 (年初预算数 0: none planned).
SPENDING = {
    "execution-basic-full_year_budget": "4900000",
    "execution-basic-executed": "4745000",
    "execution-project-full_year_budget": "12500000",
    "execution-project-executed": "12312400",
}
SOURCES = {
    "execution-fiscal-initial_budget": "15000000",
    "execution-fiscal-full_year_budget": "15900000",
    "execution-fiscal-executed": "15600000",
    "execution-carryover-full_year_budget": "800000",
    "execution-carryover-executed": "757400",
    "execution-other-initial_budget": "0",
    "execution-other-full_year_budget": "700000",
    "execution-other-executed": "700000",
}
MISMATCH = (
    "基本支出与项目支出的全年执行数之和 17057400.00 元（1705.74 万元）与财政拨款、上年结转资金与其他资金的"
    "全年执行数之和 17047400.00 元（1704.74 万元）不一致，相差 10000.00 元（1.00 万元）。"
)


class FundsBySourcePageTests(EditorTestCase):
    def line(self, kind: str) -> BudgetExecution:
        return BudgetExecution.objects.get(evaluation=self.evaluation, kind=kind)

    def figures_url(self) -> str:
        return reverse("evaluation_section_figures", args=[self.evaluation.pk, "execution"])

    def test_the_page_has_two_labelled_groups_and_the_sources_take_three_columns(self):
        self.open("execution")
        response = self.client.get(self.url("execution"))
        self.assertContains(response, '<legend class="h5 float-none w-auto">按资金来源</legend>', html=False)
        self.assertContains(response, '<legend class="h5 float-none w-auto">按支出类型</legend>', html=False)
        self.assertContains(response, '<legend class="h6 float-none w-auto">其中：财政拨款</legend>', html=False)
        self.assertContains(response, '<legend class="h6 float-none w-auto">上年结转资金</legend>', html=False)
        for kind in ("fiscal", "carryover", "other"):
            for name in ("initial_budget", "full_year_budget", "executed"):
                # Each input has its own label, read with its group's legend.
                self.assertContains(response, f'for="id_execution-{kind}-{name}"')
            self.assertNotContains(response, f'name="execution-{kind}-additions"')
            self.assertNotContains(response, f'name="execution-{kind}-year_end_carryover"')
        self.assertContains(response, 'name="execution-basic-year_end_carryover"')
        content = response.content.decode()
        # 按资金来源 first, as the brief's order; then 基本支出 and 项目支出 with their adjustment columns.
        self.assertLess(
            content.index("execution-fiscal-initial_budget"), content.index("execution-basic-initial_budget")
        )

    def test_wangfang_saves_both_breakdowns_blank_stays_unknown_and_zero_is_zero(self):
        data = {**self.open("execution"), **SPENDING, **SOURCES}
        self.assertEqual(self.client.post(self.url("execution"), data).status_code, 302)
        fiscal, carryover, other = self.line("fiscal"), self.line("carryover"), self.line("other")
        self.assertEqual(
            (fiscal.initial_budget, fiscal.full_year_budget, fiscal.executed),
            (Decimal("15000000.00"), Decimal("15900000.00"), Decimal("15600000.00")),
        )
        # 上年结转资金's 年初预算数 was left blank: unknown, not 0; 其他资金's was 0.
        self.assertIsNone(carryover.initial_budget)
        self.assertEqual(other.initial_budget, Decimal("0"))
        self.assertIsNone(fiscal.additions)
        # Cleared again, the figure is unknown again.
        data = {**self.open("execution"), "execution-other-initial_budget": ""}
        self.assertEqual(self.client.post(self.url("execution"), data).status_code, 302)
        self.assertIsNone(self.line("other").initial_budget)

    def test_in_wan_the_figures_are_stored_exactly(self):
        Evaluation.objects.filter(pk=self.evaluation.pk).update(amount_unit="wan")
        data = self.open("execution")
        data.update(
            {
                "execution-fiscal-full_year_budget": "1590",
                "execution-carryover-full_year_budget": "80",
                "execution-carryover-executed": "75.7449",
            }
        )
        self.assertEqual(self.client.post(self.url("execution"), data).status_code, 302)
        self.assertEqual(self.line("fiscal").full_year_budget, Decimal("15900000.00"))
        self.assertEqual(self.line("carryover").executed, Decimal("757449.00"))
        self.assertContains(self.client.get(self.url("execution")), 'value="75.7449"')

    def test_a_source_executed_without_its_budget_is_refused_beside_the_field(self):
        data = {**self.open("execution"), "execution-other-executed": "700000"}
        response = self.client.post(self.url("execution"), data)
        self.assertEqual(
            response.context["page"].forms["other"].errors["full_year_budget"],
            ["填写了全年执行数，也请填写全年预算数，才能计算执行率。"],
        )
        self.assertIsNone(self.line("other").executed)

    def test_the_live_panel_shows_both_breakdowns_and_the_total(self):
        data = {**self.open("execution"), **SPENDING, **SOURCES}
        response = self.client.post(self.figures_url(), data)
        figures = response.context["page"].figures()
        self.assertEqual([str(line.label) for line in figures.sources], ["财政拨款", "上年结转资金", "其他资金"])
        self.assertContains(response, '<tr data-figure="fiscal"><th scope="row" class="ps-3">其中：财政拨款</th>')
        self.assertContains(response, '<tr data-figure="carryover"><th scope="row" class="ps-3">上年结转资金</th>')
        # 年度资金总额: 1740.00 of budget, 1705.74 executed, 98.03%
        self.assertContains(response, "1705.74")
        self.assertContains(response, "98.03%")
        self.assertContains(response, "94.68%")  # 上年结转资金 75.74 ÷ 80.00
        self.assertNotContains(response, 'data-figure="mismatch"')
        self.assertFalse(BudgetExecution.objects.filter(evaluation=self.evaluation, executed__isnull=False).exists())

    def test_only_the_sources_give_the_total(self):
        data = {**self.open("execution"), **SOURCES}
        response = self.client.post(self.figures_url(), data)
        total = response.context["page"].figures().total
        self.assertEqual((total.full_year_budget, total.executed), (Decimal("17400000"), Decimal("17057400")))

    def test_breakdowns_that_disagree_are_shown_live_saved_and_refused_at_submission(self):
        data = {**self.open("execution"), **SPENDING, **SOURCES, "execution-other-executed": "690000"}
        response = self.client.post(self.figures_url(), data)
        self.assertContains(response, f'<p class="small text-danger" data-figure="mismatch">{MISMATCH}</p>')
        # Saved like any other figure (the page says what is wrong); the submission is what is refused.
        self.assertEqual(self.client.post(self.url("execution"), data).status_code, 302)
        self.assertContains(self.client.get(self.url("execution")), MISMATCH)
        with self.assertRaises(workflow.Blocked) as refused:
            workflow.submit(evaluation=self.evaluation, actor=self.wangfang)
        self.assertIn(MISMATCH, refused.exception.messages)
        self.evaluation.refresh_from_db()
        self.assertEqual(self.evaluation.status, Evaluation.Status.DRAFT)

    def test_the_history_and_the_diff_name_the_source_lines(self):
        before = snapshot(self.evaluation)
        data = {**self.open("execution"), "execution-carryover-full_year_budget": "800000"}
        self.assertEqual(self.client.post(self.url("execution"), data).status_code, 302)
        entry = content_history(self.evaluation)[0]
        self.assertEqual(
            (entry.what, entry.row, entry.who, entry.via), ("预算执行", "上年结转资金", "王芳", "编辑页面")
        )
        self.assertEqual([(e.label, e.after) for e in entry.edits], [("全年预算数（元）", "800000.00")])
        changes = changes_between(before, snapshot(self.evaluation))
        self.assertEqual(
            [(c.section, c.label, c.new_display) for c in changes],
            [("预算执行", "上年结转资金·全年预算数", "80.00万元")],
        )


class FundsBySourceServiceTests(EditorTestCase):
    def test_an_adjustment_column_on_a_source_line_is_refused_with_nothing_written(self):
        lines = {"carryover": {"full_year_budget": Decimal("800000"), "year_end_carryover": Decimal("42600")}}
        with self.assertRaisesMessage(ValidationError, str(ADJUSTMENTS_ON_A_SOURCE)):
            save_execution(evaluation=self.evaluation, actor=self.wangfang, revision=0, lines=lines)
        self.assertFalse(BudgetExecution.history.filter(history_type="~").exists())
        self.assertIsNone(BudgetExecution.objects.get(evaluation=self.evaluation, kind="carryover").full_year_budget)
        self.assertFalse(SectionRevision.objects.filter(evaluation=self.evaluation).exists())

    def test_the_source_lines_are_saved_from_code_too(self):
        lines = {"fiscal": {"initial_budget": Decimal("15000000"), "executed": None}}
        save_execution(evaluation=self.evaluation, actor=self.wangfang, revision=0, lines=lines)
        fiscal = BudgetExecution.objects.get(evaluation=self.evaluation, kind="fiscal")
        self.assertEqual((fiscal.initial_budget, fiscal.executed), (Decimal("15000000.00"), None))

    def test_a_line_of_an_unknown_kind_is_refused(self):
        with self.assertRaises(ValidationError):
            save_execution(evaluation=self.evaluation, actor=self.wangfang, revision=0, lines={"loan": {}})


class FundsBySourceQueryCountTests(EditorTestCase):
    """Five funds lines cost what two did: the lines are read in one query, whether none, two or five exist, and
    whatever the number of project items and staffing lines."""

    # session, user, membership, evaluation with its unit, the section's last save, execution lines, common
    # figures, the header's unit; then for the indicators: 日常公用经费, the stated totals, the project items, the
    # staffing lines
    PAGE = 12
    # session, user, membership, evaluation with its unit, execution lines, common figures; 日常公用经费, the stated
    # totals, the project items, the staffing lines
    FIGURES = 10

    def test_the_query_count_stays_fixed_as_lines_and_rows_grow(self):
        data = {**self.open("execution"), **SPENDING, **SOURCES}
        figures_url = reverse("evaluation_section_figures", args=[self.evaluation.pk, "execution"])
        for lines, rows in ((0, 0), (5, 0), (5, 40)):
            BudgetExecution.objects.filter(evaluation=self.evaluation).delete()
            if lines:
                self.client.post(self.url("execution"), {**self.open("execution"), **SPENDING, **SOURCES})
                self.assertEqual(BudgetExecution.objects.filter(evaluation=self.evaluation).count(), 5)
            StaffingLine.objects.bulk_create(
                StaffingLine(evaluation=self.evaluation, order=10 + i, establishment_type=f"编制{i}", approved=2)
                for i in range(rows)
            )
            SpendingSummary.objects.filter(evaluation=self.evaluation).delete()
            with self.subTest(lines=lines, rows=rows):
                with self.assertNumQueries(self.PAGE):
                    self.client.get(self.url("execution"))
                with self.assertNumQueries(self.FIGURES):
                    self.client.post(figures_url, data)


class FundsBySourceAdminTests(EditorTestCase):
    def test_the_administrator_cannot_put_an_adjustment_on_a_source_line_either(self):
        self.client.force_login(self.admin)
        line = BudgetExecution.objects.get(evaluation=self.evaluation, kind="carryover")
        url = reverse("admin:budgets_budgetexecution_change", args=[line.pk])
        data = {"evaluation": self.evaluation.pk, "kind": "carryover", "full_year_budget": "800000"}
        response = self.client.post(url, {**data, "year_end_carryover": "42600"})
        self.assertEqual(response.status_code, 200)
        self.assertFormError(response.context["adminform"].form, "year_end_carryover", [str(ADJUSTMENTS_ON_A_SOURCE)])
        line.refresh_from_db()
        self.assertIsNone(line.full_year_budget)
        self.assertEqual(self.client.post(url, data).status_code, 302)
        line.refresh_from_db()
        self.assertEqual(line.full_year_budget, Decimal("800000.00"))
