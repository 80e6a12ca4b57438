"""Every change to unit A's report is in its history, whichever way it came: 王芳 in the editor and by Excel, the
administrator in the admin, a script calling a service, a new year started from last year's. 李强 and the finance
bureau's 陈静 read on the review page who changed what since the previous submission."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from achievements.models import Indicator
from budgets.models import BasicSpending, BudgetExecution, ProjectItem
from budgets.services import save_execution
from evaluations.history import Via, recording
from evaluations.models import Duty, Evaluation
from evaluations.services import save_narrative, save_written_texts, section_revision
from reports import workflow
from reports.history import changes_since_previous_submission, content_history
from reports.services import create_evaluation
from tests.base import SeedTestCase, make_scoreable
from tests.reports.test_editor import page_data
from tests.reports.test_excel_import import give_seed_reasons, import_file, row_of, template_of, to_bytes


def revision(evaluation: Evaluation, section: str) -> int:
    record = section_revision(evaluation, section)
    return record.revision if record else 0


class PathsTests(SeedTestCase):
    def test_an_editor_save_is_recorded_with_who_and_the_editor(self):
        self.client.force_login(self.wangfang)
        url = reverse("evaluation_section", args=[self.evaluation.pk, "narrative"])
        data = page_data(self.client.get(url))
        data["narrative-problems"] = "指标体系不够科学。"
        start = timezone.now()
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302)

        record = Evaluation.history.filter(id=self.evaluation.pk).latest("history_date")
        self.assertEqual(
            (record.history_user, record.history_via, record.history_type, record.problems),
            (self.wangfang, Via.EDITOR, "~", "指标体系不够科学。"),
        )
        [entry] = content_history(self.evaluation, since=start)
        self.assertEqual((entry.who, entry.via, entry.what), ("王芳", "编辑页面", "绩效自评"))
        [edit] = entry.edits
        self.assertEqual(edit.label, "存在的问题及原因分析")
        self.assertTrue(edit.before.startswith("本单位绩效管理中还存在考核指标不科学"))
        self.assertEqual(edit.after, "指标体系不够科学。")

    def test_a_list_save_records_each_added_changed_and_deleted_row(self):
        self.client.force_login(self.wangfang)
        url = reverse("evaluation_section", args=[self.evaluation.pk, "profile"])
        data = page_data(self.client.get(url))
        first, second = Duty.objects.filter(evaluation=self.evaluation)[:2]
        data["duties-0-DELETE"] = "on"
        data["duties-1-text"] = "改过的职能"
        blank = int(data["duties-TOTAL_FORMS"]) - 1
        data[f"duties-{blank}-text"] = "新的职能"
        self.assertEqual(self.client.post(url, data).status_code, 302)

        entries = [e for e in content_history(self.evaluation) if e.via == "编辑页面" and e.what == "主要职能"]
        self.assertEqual(sorted(e.action for e in entries), ["+", "-", "~"])
        by_action = {e.action: e for e in entries}
        self.assertEqual(by_action["-"].edits[0].before, first.text)
        self.assertEqual((by_action["~"].edits[0].before, by_action["~"].edits[0].after), (second.text, "改过的职能"))
        self.assertEqual(by_action["+"].edits[0].after, "新的职能")
        self.assertTrue(all(e.who == "王芳" for e in entries))

    def test_an_excel_import_is_recorded_as_an_import(self):
        give_seed_reasons(self.evaluation)
        wb = template_of(self.evaluation)
        ws = wb["基本支出"]
        ws.cell(row=row_of(ws, 1, "人员经费"), column=2).value = 3900000
        import_file(self.evaluation, to_bytes(wb), actor=self.wangfang)

        record = BasicSpending.history.filter(evaluation_id=self.evaluation.pk, category="personnel").latest(
            "history_date"
        )
        self.assertEqual(
            (record.history_user, record.history_via, record.amount), (self.wangfang, Via.IMPORT, Decimal("3900000"))
        )

    def test_an_admin_edit_is_recorded_as_the_admin(self):
        self.client.force_login(self.admin)
        item = ProjectItem.objects.get(evaluation=self.evaluation, name="维稳救助经费")
        response = self.client.post(
            reverse("admin:budgets_projectitem_change", args=[item.pk]),
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
        record = item.history.latest("history_date")
        self.assertEqual(
            (record.history_user, record.history_via, record.amount), (self.admin, Via.ADMIN, Decimal("161800.00"))
        )

    def test_an_admin_delete_from_the_list_is_recorded_row_by_row(self):
        self.client.force_login(self.admin)
        indicators = list(Indicator.objects.filter(evaluation=self.evaluation)[:2])
        response = self.client.post(
            reverse("admin:achievements_indicator_changelist"),
            {"action": "delete_selected", "_selected_action": [i.pk for i in indicators], "post": "yes"},
        )
        self.assertEqual(response.status_code, 302)
        deleted = Indicator.history.filter(history_type="-", id__in=[i.pk for i in indicators])
        self.assertEqual(
            sorted((r.id, r.history_user_id, r.history_via) for r in deleted),
            sorted((i.pk, self.admin.pk, Via.ADMIN) for i in indicators),
        )

    def test_a_service_called_from_code_is_recorded_as_a_service_call_with_its_actor(self):
        lines = {
            row.kind: {"initial_budget": Decimal("1"), "full_year_budget": Decimal("2"), "executed": Decimal("2")}
            for row in BudgetExecution.objects.filter(evaluation=self.evaluation)
        }
        save_execution(
            evaluation=self.evaluation,
            actor=self.wangfang,
            revision=revision(self.evaluation, "execution"),
            lines=lines,
        )
        records = BudgetExecution.history.filter(evaluation_id=self.evaluation.pk, history_type="~")
        self.assertEqual({(r.history_user_id, r.history_via) for r in records}, {(self.wangfang.pk, Via.SERVICE)})

    def test_a_new_year_is_recorded_as_a_new_year(self):
        new = create_evaluation(unit=self.unit_a, year=2025, actor=self.wangfang)
        created = Duty.history.filter(evaluation_id=new.pk)
        self.assertEqual(created.count(), self.evaluation.duties.count())
        self.assertEqual(
            {(r.history_type, r.history_via, r.history_user_id) for r in created},
            {("+", Via.NEW_YEAR, self.wangfang.pk)},
        )

    def test_a_refused_change_leaves_no_history(self):
        before = Evaluation.history.count(), Duty.history.count()
        # 陈静 of the finance bureau reads reports; she never writes them.
        with self.assertRaisesMessage(ValidationError, "只有本单位的填报人"):
            save_narrative(
                evaluation=self.evaluation,
                actor=self.chenjing,
                revision=revision(self.evaluation, "narrative"),
                fields={"problems": "陈静改的"},
            )
        self.assertEqual((Evaluation.history.count(), Duty.history.count()), before)

    def test_the_import_checks_the_actor_itself(self):
        # Not only its page: a script that calls the import as the bureau is refused, and nothing is written.
        give_seed_reasons(self.evaluation)
        wb = template_of(self.evaluation)
        ws = wb["基本支出"]
        ws.cell(row=row_of(ws, 1, "人员经费"), column=2).value = 1
        before = BasicSpending.history.count()
        with self.assertRaisesMessage(ValidationError, "只有本单位的填报人"):
            import_file(self.evaluation, to_bytes(wb), actor=self.chenjing)
        self.assertEqual(BasicSpending.history.count(), before)
        self.assertNotEqual(BasicSpending.objects.get(evaluation=self.evaluation, category="personnel").amount, 1)

    def test_the_units_own_wording_reads_as_the_block_it_replaces(self):
        start = timezone.now()
        save_written_texts(
            evaluation=self.evaluation,
            actor=self.wangfang,
            revision=revision(self.evaluation, "texts"),
            texts={"para:staffing": "截至2024年底，我局共有在职人员21人。"},
        )
        [entry] = content_history(self.evaluation, since=start)
        self.assertEqual((entry.what, entry.row, entry.via), ("自撰内容", "人员编制（本单位表述）", "程序调用"))

    def test_a_status_change_is_not_a_content_change(self):
        make_scoreable(self.evaluation)
        before = Evaluation.history.count()
        workflow.submit(evaluation=self.evaluation, actor=self.wangfang)
        self.assertEqual(Evaluation.history.count(), before)


class ReviewTests(SeedTestCase):
    """王芳 submits, 李强 returns the report, 王芳 fixes it in the editor and by Excel and submits again."""

    scoreable = True

    def setUp(self):
        give_seed_reasons(self.evaluation)
        workflow.submit(evaluation=self.evaluation, actor=self.wangfang)
        workflow.return_for_revision(evaluation=self.evaluation, actor=self.liqiang, reason="问题分析太笼统。")
        self.evaluation.refresh_from_db()
        with recording(actor=self.wangfang, via=Via.EDITOR):
            save_narrative(
                evaluation=self.evaluation,
                actor=self.wangfang,
                revision=revision(self.evaluation, "narrative"),
                fields={"problems": "一是指标体系不够科学；二是数据采集滞后。"},
            )
        wb = template_of(self.evaluation)
        ws = wb["基本支出"]
        ws.cell(row=row_of(ws, 1, "人员经费"), column=2).value = 3900000
        # Moved from 日常公用经费, so that 基本支出 still agrees with its 全年执行数 in the funds block.
        ws.cell(row=row_of(ws, 1, "日常公用经费"), column=2).value = 845000
        import_file(self.evaluation, to_bytes(wb), actor=self.wangfang)

    def test_while_returned_the_edits_since_the_submission_are_listed(self):
        history = changes_since_previous_submission(self.evaluation)
        self.assertEqual(history.since.number, 1)
        entries = [(e.via, e.what, e.row) for e in history.entries]
        # The two lines of one import, in either order, then the editor's save.
        self.assertCountEqual(
            entries[:2], [("Excel导入", "基本支出", "人员经费"), ("Excel导入", "基本支出", "日常公用经费")]
        )
        self.assertEqual(entries[2:], [("编辑页面", "绩效自评", "单位概况和报告正文")])

    def test_the_head_sees_who_changed_what_since_the_previous_submission(self):
        workflow.submit(evaluation=self.evaluation, actor=self.wangfang)
        self.client.force_login(self.liqiang)
        response = self.client.get(reverse("workflow_review", args=[self.evaluation.pk]))
        self.assertContains(response, "谁在何时修改了什么")
        self.assertContains(response, "第1次提交")
        self.assertContains(response, "一是指标体系不够科学；二是数据采集滞后。")
        self.assertContains(response, "Excel导入")
        self.assertContains(response, "<ins>3900000.00</ins>", html=False)

    def test_the_bureau_sees_it_too(self):
        workflow.submit(evaluation=self.evaluation, actor=self.wangfang)
        self.client.force_login(self.chenjing)
        response = self.client.get(reverse("workflow_review", args=[self.evaluation.pk]))
        self.assertContains(response, "编辑页面")
        self.assertContains(response, "王芳")

    def test_reading_the_history_costs_one_query_per_content_model(self):
        for extra in (0, 30):
            Duty.objects.bulk_create(
                Duty(evaluation=self.evaluation, order=100 + n, text=f"职能{n}") for n in range(extra)
            )
            with recording(actor=self.wangfang, via=Via.EDITOR):
                for duty in Duty.objects.filter(evaluation=self.evaluation)[:extra]:
                    duty.text += "（改）"
                    duty.save()
            # the two newest submissions; the history of each of the fourteen content models with its users
            with self.subTest(extra=extra), self.assertNumQueries(15):
                changes_since_previous_submission(self.evaluation)

    def test_before_a_second_submission_there_is_nothing_to_compare_with(self):
        other = create_evaluation(unit=self.unit_a, year=2025, actor=self.wangfang)
        self.assertIsNone(changes_since_previous_submission(other).since)
