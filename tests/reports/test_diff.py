"""What changed since the last submission: the head sees which figures and which texts the preparer changed."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.urls import reverse

from budgets.models import BasicSpending, FundTypeSpending, SpendingSummary
from evaluations.models import Duty, Evaluation, OutlineAssignment, ReportOutline, WrittenText
from reports import workflow
from reports.diff import changes_between, snapshot, text_pieces
from reports.rendering import render_report_body
from tests.base import SeedTestCase


class SnapshotTests(SeedTestCase):
    def test_an_unchanged_report_has_no_changes(self):
        # Queries: duties, offices, staffing, the spending summary, basic spending, sources, project items, the
        # other budget types, execution, themes, indicators, the unit's own texts.
        with self.assertNumQueries(12):
            content = snapshot(self.evaluation)
        self.assertEqual(changes_between(content, snapshot(self.evaluation)), [])

    def test_it_names_a_changed_figure_in_wan_and_a_changed_text_in_place(self):
        before = snapshot(self.evaluation)
        BasicSpending.objects.filter(evaluation=self.evaluation, category="personnel").update(amount=Decimal("3900000"))
        theme = self.evaluation.themes.get(order=4)
        theme.body = theme.body.replace("评估诊", "评估诊断")
        theme.save()
        self.evaluation.offices.filter(order=1).delete()
        changes = changes_between(before, snapshot(self.evaluation))
        self.assertEqual(
            [(c.section, c.label, c.old_display, c.new_display) for c in changes if c.is_figure],
            [("基本支出", "人员经费·本年决算数", "386.44万元", "390.00万元")],
        )
        texts = {c.label: c for c in changes if not c.is_figure}
        self.assertEqual(set(texts), {"内设机构", "数字转型步伐加快"})
        self.assertIn(("insert", "断"), texts["数字转型步伐加快"].pieces)

    def test_the_totals_the_other_budgets_staffing_and_the_units_own_texts_are_compared_too(self):
        before = snapshot(self.evaluation)
        SpendingSummary.objects.create(
            evaluation=self.evaluation, total_budget=Decimal("18000000.00"), total_spending=Decimal("17057400.00")
        )
        FundTypeSpending.objects.create(evaluation=self.evaluation, fund_type="government_fund", has_spending=False)
        FundTypeSpending.objects.create(
            evaluation=self.evaluation,
            fund_type="state_capital",
            has_spending=True,
            amount=Decimal("50000.00"),
            narrative="用于企业技改。",
        )
        Evaluation.objects.filter(pk=self.evaluation.pk).update(
            staff_on_roll=21, staffing_authority="区编委", staffing_date=datetime.date(2024, 12, 31)
        )
        self.evaluation.refresh_from_db()
        WrittenText.objects.create(evaluation=self.evaluation, key="para:staffing", text="我局核定编制21名。")
        changes = changes_between(before, snapshot(self.evaluation))
        self.assertEqual(
            [(c.section, c.label, c.old_display, c.new_display) for c in changes],
            [
                ("单位基本情况", "在编人数", "—", "21"),
                ("单位基本情况", "编制核定机关", "—", "区编委"),
                ("单位基本情况", "人员情况截止日期", "—", "2024-12-31"),
                ("支出总体情况", "预算安排", "—", "1800.00万元"),
                ("支出总体情况", "实际支出合计", "—", "1705.74万元"),
                ("其他预算类型支出", "政府性基金预算·是否有此项支出", "—", "无此项支出"),
                ("其他预算类型支出", "国有资本经营预算·是否有此项支出", "—", "有此项支出"),
                ("其他预算类型支出", "国有资本经营预算·支出金额", "—", "5.00万元"),
                ("其他预算类型支出", "国有资本经营预算·支出情况说明", "—", "用于企业技改。"),
                ("单位自撰内容", "人员编制·自撰段落", "—", "我局核定编制21名。"),
            ],
        )

    def test_a_free_section_is_named_by_its_heading(self):
        OutlineAssignment.objects.create(region="", outline=ReportOutline.objects.get(builtin="hunan"))
        WrittenText.objects.create(evaluation=self.evaluation, key="node:other", text="无。")
        entry = next(e for e in snapshot(self.evaluation) if e["key"] == "written.node:other")
        self.assertEqual((entry["section"], entry["label"]), ("单位自撰内容", "其他需要说明的情况"))

    def test_text_pieces_mark_what_was_deleted_and_inserted(self):
        # The kept "战" between two one-character edits is folded into them: one phrase replaced, not three pieces.
        self.assertEqual(
            text_pieces("签定战备合作协议", "签订战略合作协议"),
            [("equal", "签"), ("delete", "定战备"), ("insert", "订战略"), ("equal", "合作协议")],
        )

    def test_text_pieces_keep_a_number_whole(self):
        self.assertEqual(
            text_pieces("完成投资3864449元", "完成投资3900000元"),
            [("equal", "完成投资"), ("delete", "3864449"), ("insert", "3900000"), ("equal", "元")],
        )

    def test_a_changed_duty_of_sixteen_is_one_changed_item(self):
        self.evaluation.duties.all().delete()
        Duty.objects.bulk_create(
            Duty(evaluation=self.evaluation, order=n, text=f"负责第{n}项经济发展工作的统筹协调。") for n in range(1, 17)
        )
        before = snapshot(self.evaluation)
        Duty.objects.filter(evaluation=self.evaluation, order=9).update(text="负责第9项产业发展工作的统筹协调。")
        (change,) = changes_between(before, snapshot(self.evaluation))
        self.assertEqual(change.label, "主要职能")
        self.assertEqual(change.pieces, [])
        (item,) = change.items
        self.assertEqual((item.status, item.number), ("changed", 9))
        self.assertEqual(
            item.pieces,
            [("equal", "负责第9项"), ("delete", "经济"), ("insert", "产业"), ("equal", "发展工作的统筹协调。")],
        )

    def test_added_and_removed_duties_and_offices_are_named_as_such(self):
        before = snapshot(self.evaluation)
        duties = list(self.evaluation.duties.all())
        duties[0].delete()
        Duty.objects.create(evaluation=self.evaluation, order=99, text="新增的职能。")
        office = self.evaluation.offices.order_by("order").first()
        office.name = office.name + "（新）"
        office.save()
        changes = {c.label: c for c in changes_between(before, snapshot(self.evaluation))}
        duty_items = [(i.status, i.number, i.old or i.new) for i in changes["主要职能"].items]
        self.assertIn(("removed", 1, duties[0].text), duty_items)
        self.assertIn(("added", len(duties), "新增的职能。"), duty_items)
        self.assertEqual(len(duty_items), 2)
        (office_item,) = changes["内设机构"].items
        self.assertEqual((office_item.status, office_item.number), ("changed", 1))
        self.assertIn(("insert", "（新）"), office_item.pieces)


class ReviewPageTests(SeedTestCase):
    scoreable = True

    def test_liqiang_sees_what_wangfang_changed_after_his_return(self):
        workflow.submit(evaluation=self.evaluation, actor=self.wangfang)
        workflow.return_for_revision(evaluation=self.evaluation, actor=self.liqiang, reason="请核对人员经费")
        BasicSpending.objects.filter(evaluation=self.evaluation, category="personnel").update(amount=Decimal("3900000"))
        # Moved from 日常公用经费: 基本支出 still agrees with its 全年执行数, as submission requires.
        BasicSpending.objects.filter(evaluation=self.evaluation, category="operating").update(amount=Decimal("845000"))
        Evaluation.objects.filter(pk=self.evaluation.pk).update(problems="新的问题分析。")
        workflow.submit(evaluation=self.evaluation, actor=self.wangfang)

        self.client.force_login(self.liqiang)
        response = self.client.get(reverse("workflow_review", args=[self.evaluation.pk]))
        self.assertContains(response, "改动的数字（2项）")
        self.assertContains(response, "人员经费·本年决算数")
        self.assertContains(response, "<del>386.44万元</del>", html=True)
        self.assertContains(response, "<ins>390.00万元</ins>", html=True)
        self.assertContains(response, "改动的文字（1处）")
        self.assertContains(response, "存在的问题及原因分析")
        self.assertContains(response, "请核对人员经费")  # the history
        self.assertContains(response, reverse("workflow_approve", args=[self.evaluation.pk]))
        self.assertContains(response, reverse("workflow_return", args=[self.evaluation.pk]))
        body = render_report_body(Evaluation.objects.get(pk=self.evaluation.pk))
        self.assertContains(response, body)  # the whole report body, as rendered

    def test_liqiang_sees_the_one_duty_wangfang_changed_as_one_item(self):
        workflow.submit(evaluation=self.evaluation, actor=self.wangfang)
        workflow.return_for_revision(evaluation=self.evaluation, actor=self.liqiang, reason="请核对职能")
        duty = self.evaluation.duties.order_by("order")[1]
        Duty.objects.filter(pk=duty.pk).update(text=duty.text + "（新增表述）")
        workflow.submit(evaluation=self.evaluation, actor=self.wangfang)

        self.client.force_login(self.liqiang)
        response = self.client.get(reverse("workflow_review", args=[self.evaluation.pk]))
        self.assertContains(response, '<li class="diff-item-changed">', count=1)
        self.assertContains(response, "修改第2项")
        self.assertContains(response, '<ins class="bg-success-subtle">（新增表述）</ins>', html=True)
        self.assertNotContains(response, "diff-item-added")

    def test_the_first_submission_has_nothing_to_compare(self):
        workflow.submit(evaluation=self.evaluation, actor=self.wangfang)
        self.client.force_login(self.liqiang)
        response = self.client.get(reverse("workflow_review", args=[self.evaluation.pk]))
        self.assertContains(response, "这是第一次提交")

    def test_liqiang_is_told_what_the_submitted_report_still_lacks(self):
        # The seed as published leaves two shortfalls unexplained (the demo's figures for the score do not explain
        # them either).
        workflow.submit(evaluation=self.evaluation, actor=self.wangfang)
        self.client.force_login(self.liqiang)
        response = self.client.get(reverse("workflow_review", args=[self.evaluation.pk]))
        self.assertContains(response, "报告尚未填写完整")
        self.assertContains(response, "知识价值信用贷款")
        self.assertContains(response, "地方财政科技支出占地方财政支出比值")

    def test_wangfang_is_warned_before_submitting_an_incomplete_report(self):
        self.client.force_login(self.wangfang)
        response = self.client.get(reverse("evaluation_detail", args=[self.evaluation.pk]))
        self.assertContains(response, "报告尚未填写完整")
        self.assertContains(response, reverse("workflow_submit", args=[self.evaluation.pk]))

    def test_wangfang_reads_the_review_page_without_decision_buttons(self):
        workflow.submit(evaluation=self.evaluation, actor=self.wangfang)
        self.client.force_login(self.wangfang)
        response = self.client.get(reverse("workflow_review", args=[self.evaluation.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, reverse("workflow_approve", args=[self.evaluation.pk]))
