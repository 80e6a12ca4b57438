"""The section-save services: one transaction each, the workflow guard inside it, a stale page refused, and nothing
written when anything is refused."""

from __future__ import annotations

import threading
import time
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import TransactionTestCase

from achievements.models import Indicator, Theme
from achievements.services import save_achievements
from budgets.models import BasicSpending, FundSource, FundTypeSpending, ProjectItem, SpendingSummary
from budgets.services import save_basic_spending, save_project_spending, save_totals
from evaluations.models import Evaluation, Membership, OutlineAssignment, SectionRevision, Unit, WrittenText
from evaluations.outlines import HUNAN, ensure_builtin_outlines
from evaluations.rows import ROWS_DO_NOT_MATCH
from evaluations.services import EDIT_NOT_ALLOWED, EVALUATION_LOCKED, save_narrative, save_profile, save_written_texts
from tests.base import SeedTestCase, make_user

NARRATIVE = {"problems": "问题", "measures": "措施"}


class SectionSaveTests(SeedTestCase):
    def test_a_save_counts_the_revision_up_and_records_who_saved(self):
        save_narrative(evaluation=self.evaluation, actor=self.wangfang, revision=0, fields=NARRATIVE)
        record = SectionRevision.objects.get(evaluation=self.evaluation, section="narrative")
        self.assertEqual((record.revision, record.saved_by), (1, self.wangfang))
        self.assertIsNotNone(record.saved_at)

    def test_a_stale_revision_is_refused_with_who_and_when_and_nothing_is_written(self):
        save_narrative(evaluation=self.evaluation, actor=self.wangfang, revision=0, fields=NARRATIVE)
        with self.assertRaisesMessage(ValidationError, "本栏目已由王芳于") as caught:
            save_narrative(evaluation=self.evaluation, actor=self.liqiang, revision=0, fields={"problems": "李强"})
        self.assertEqual(caught.exception.code, "stale")
        self.evaluation.refresh_from_db()
        self.assertEqual(self.evaluation.problems, "问题")
        self.assertEqual(SectionRevision.objects.get(evaluation=self.evaluation, section="narrative").revision, 1)

    def test_a_submitted_evaluation_cannot_be_saved_by_any_service(self):
        self.set_status("submitted")
        calls = [
            lambda: save_narrative(evaluation=self.evaluation, actor=self.wangfang, revision=0, fields=NARRATIVE),
            lambda: save_profile(
                evaluation=self.evaluation,
                actor=self.wangfang,
                revision=0,
                profile={"mandate": "x"},
                duties=[],
                offices=[],
                staffing=[],
            ),
            lambda: save_basic_spending(
                evaluation=self.evaluation,
                actor=self.wangfang,
                revision=0,
                lines={"personnel": {"amount": 1, "previous_amount": 1, "change_reason": ""}},
            ),
            lambda: save_project_spending(
                evaluation=self.evaluation, actor=self.wangfang, revision=0, sources=[], items=[]
            ),
            lambda: save_totals(
                evaluation=self.evaluation,
                actor=self.wangfang,
                revision=0,
                summary={"total_budget": Decimal("1")},
                fund_types={},
            ),
            lambda: save_achievements(
                evaluation=self.evaluation, actor=self.wangfang, revision=0, themes=[], indicators=[]
            ),
            lambda: save_written_texts(
                evaluation=self.evaluation, actor=self.wangfang, revision=0, texts={"para:staffing": "x"}
            ),
        ]
        for call in calls:
            with self.subTest(call=call), self.assertRaisesMessage(ValidationError, str(EVALUATION_LOCKED)):
                call()
        self.assertEqual(self.evaluation.duties.count(), 16)
        self.assertEqual(ProjectItem.objects.filter(evaluation=self.evaluation).count(), 10)
        self.assertEqual(Theme.objects.filter(evaluation=self.evaluation).count(), 5)
        self.assertFalse(SectionRevision.objects.exists())

    def test_an_error_while_writing_leaves_nothing_behind(self):
        # Two offices with one name violate the database constraint half-way through the save.
        with self.assertRaises(IntegrityError):
            save_profile(
                evaluation=self.evaluation,
                actor=self.wangfang,
                revision=0,
                profile={"mandate": "改过"},
                duties=[{"text": "唯一的职能"}],
                offices=[{"group": "内设机构", "name": "办公室"}, {"group": "内设机构", "name": "办公室"}],
                staffing=[],
            )
        self.evaluation.refresh_from_db()
        self.assertEqual(self.evaluation.mandate, "主管全区科技、工业和信息化")
        self.assertEqual(self.evaluation.duties.count(), 16)
        self.assertFalse(SectionRevision.objects.exists())


class ProjectServiceTests(SeedTestCase):
    def sources(self) -> list[dict]:
        return [{"id": s.pk, "name": s.name, "description": s.description} for s in self.evaluation.fund_sources.all()]

    def items(self) -> list[dict]:
        return [
            {"source_id": i.source_id, "name": i.name, "description": i.description, "amount": i.amount}
            for i in self.evaluation.project_items.all()
        ]

    def test_two_sources_swap_names_without_tripping_the_unique_constraint(self):
        sources = self.sources()
        sources[0]["name"], sources[1]["name"] = sources[1]["name"], sources[0]["name"]
        save_project_spending(
            evaluation=self.evaluation, actor=self.wangfang, revision=0, sources=sources, items=self.items()
        )
        names = list(FundSource.objects.filter(evaluation=self.evaluation).values_list("name", flat=True))
        self.assertEqual(names[:2], ["省市下达项目资金", "区本级专项资金"])
        self.assertEqual(ProjectItem.objects.filter(evaluation=self.evaluation).count(), 10)

    def test_a_source_of_another_evaluation_is_refused(self):
        other = Evaluation.objects.create(unit=self.unit_b, year=2024)
        foreign = FundSource.objects.create(evaluation=other, name="别人的来源")
        items = self.items()
        items[0]["source_id"] = foreign.pk
        with self.assertRaisesMessage(ValidationError, "页面上的行与当前内容不符"):
            save_project_spending(
                evaluation=self.evaluation, actor=self.wangfang, revision=0, sources=self.sources(), items=items
            )
        self.assertEqual(ProjectItem.objects.filter(evaluation=self.evaluation).count(), 10)

    def test_a_new_source_and_an_item_of_it_are_saved_together(self):
        sources = [*self.sources(), {"id": None, "name": "专项债券资金", "description": "", "key": "new:3"}]
        items = self.items()
        items[0]["source_id"] = "new:3"
        save_project_spending(evaluation=self.evaluation, actor=self.wangfang, revision=0, sources=sources, items=items)
        new = FundSource.objects.get(evaluation=self.evaluation, name="专项债券资金")
        self.assertEqual(new.order, 4)
        self.assertEqual(ProjectItem.objects.get(evaluation=self.evaluation, name=items[0]["name"]).source, new)
        self.assertEqual(new.history.count(), 1)  # created once, with its name: no placeholder in its history

    def test_an_item_naming_a_new_source_the_page_does_not_have_is_refused(self):
        items = self.items()
        items[0]["source_id"] = "new:9"
        with self.assertRaisesMessage(ValidationError, "页面上的行与当前内容不符"):
            save_project_spending(
                evaluation=self.evaluation, actor=self.wangfang, revision=0, sources=self.sources(), items=items
            )
        self.assertEqual(FundSource.objects.filter(evaluation=self.evaluation).count(), 3)
        self.assertFalse(SectionRevision.objects.filter(evaluation=self.evaluation).exists())

    def test_a_new_source_chosen_by_items_cannot_take_the_name_of_one_deleted_in_the_same_save(self):
        kept, gone = self.sources()[:2], self.sources()[2]
        items = [item for item in self.items() if item["source_id"] != gone["id"]]
        items[0]["source_id"] = "new:3"
        sources = [*kept, {"id": None, "name": gone["name"], "description": "", "key": "new:3"}]
        with self.assertRaisesMessage(ValidationError, f"新增的“{gone['name']}”与本次改名或删除的一行同名"):
            save_project_spending(
                evaluation=self.evaluation, actor=self.wangfang, revision=0, sources=sources, items=items
            )
        self.assertEqual(FundSource.objects.filter(evaluation=self.evaluation).count(), 3)
        self.assertEqual(ProjectItem.objects.filter(evaluation=self.evaluation).count(), 10)

    def test_basic_spending_is_updated_in_place(self):
        save_basic_spending(
            evaluation=self.evaluation,
            actor=self.wangfang,
            revision=0,
            lines={"personnel": {"amount": Decimal("1.01"), "previous_amount": Decimal("2"), "change_reason": "r"}},
        )
        row = BasicSpending.objects.get(evaluation=self.evaluation, category="personnel")
        self.assertEqual((row.amount, row.previous_amount, row.change_reason), (Decimal("1.01"), Decimal("2"), "r"))
        self.assertEqual(BasicSpending.objects.get(evaluation=self.evaluation, category="operating").amount, 880551)


class BlankIsUnknownServiceTests(SeedTestCase):
    """What the services store for what nobody entered: None, never a zero; an entered 0 stays 0."""

    def test_basic_spending_keeps_an_unknown_amount_unknown(self):
        save_basic_spending(
            evaluation=self.evaluation,
            actor=self.wangfang,
            revision=0,
            lines={
                "personnel": {"amount": Decimal("3864449"), "previous_amount": None, "change_reason": ""},
                "operating": {"amount": Decimal("0"), "previous_amount": None, "change_reason": ""},
            },
        )
        rows = {row.category: row for row in BasicSpending.objects.filter(evaluation=self.evaluation)}
        self.assertEqual((rows["personnel"].amount, rows["personnel"].previous_amount), (Decimal("3864449"), None))
        self.assertEqual((rows["operating"].amount, rows["operating"].previous_amount), (Decimal("0"), None))

    def test_the_profile_keeps_unknown_counts_unknown_and_offices_in_their_groups(self):
        save_profile(
            evaluation=self.evaluation,
            actor=self.wangfang,
            revision=0,
            profile={"staff_transferred_in": None, "staff_retired": 0, "staff_on_roll": None},
            duties=[],
            offices=[{"group": "内设机构", "name": "办公室"}, {"group": "下属事业单位", "name": "区科技服务中心"}],
            staffing=[{"establishment_type": "行政编制", "approved": 10, "actual": None}],
        )
        self.evaluation.refresh_from_db()
        self.assertEqual(
            (self.evaluation.staff_transferred_in, self.evaluation.staff_retired, self.evaluation.staff_on_roll),
            (None, 0, None),
        )
        self.assertEqual(
            list(self.evaluation.offices.values_list("group", "name")),
            [("内设机构", "办公室"), ("下属事业单位", "区科技服务中心")],
        )
        self.assertEqual(list(self.evaluation.staffing_lines.values_list("approved", "actual")), [(10, None)])


NOTHING_SAID = {"has_spending": None, "amount": None, "narrative": ""}


class TotalsServiceTests(SeedTestCase):
    def save(self, *, revision: int = 0, amount_unit: str | None = None, **changes) -> None:
        summary = {"total_budget": None, "total_spending": None, "basic_total": None, "project_total": None}
        fund_types = {fund_type: dict(NOTHING_SAID) for fund_type in FundTypeSpending.FundType.values}
        for name, value in changes.items():
            if name in summary:
                summary[name] = value
            else:
                fund_types[name] = value
        save_totals(
            evaluation=self.evaluation,
            actor=self.wangfang,
            revision=revision,
            summary=summary,
            fund_types=fund_types,
            amount_unit=amount_unit,
        )

    def test_it_stores_the_stated_totals_and_the_answers_and_remembers_the_unit(self):
        self.save(
            total_budget=Decimal("18000000"),
            basic_total=Decimal("0"),
            government_fund={"has_spending": False, "amount": None, "narrative": ""},
            amount_unit="wan",
        )
        summary = SpendingSummary.objects.get(evaluation=self.evaluation)
        self.assertEqual(
            (summary.total_budget, summary.total_spending, summary.basic_total, summary.project_total),
            (Decimal("18000000"), None, Decimal("0"), None),
        )
        self.assertEqual(
            list(FundTypeSpending.objects.filter(evaluation=self.evaluation).values_list("fund_type", "has_spending")),
            [("government_fund", False)],
        )
        self.evaluation.refresh_from_db()
        self.assertEqual(self.evaluation.amount_unit, "wan")
        record = SectionRevision.objects.get(evaluation=self.evaluation, section="totals")
        self.assertEqual((record.revision, record.saved_by), (1, self.wangfang))

    def test_nothing_said_writes_no_row_and_no_history(self):
        self.save()
        self.assertFalse(SpendingSummary.objects.filter(evaluation=self.evaluation).exists())
        self.assertFalse(SpendingSummary.history.exists())
        self.assertFalse(FundTypeSpending.history.exists())

    def test_only_a_real_change_is_written(self):
        said = {"has_spending": True, "amount": Decimal("30000"), "narrative": "土地出让收入安排的支出。"}
        self.save(total_budget=Decimal("1"), government_fund=said)
        self.save(revision=1, total_budget=Decimal("1"), government_fund=said)
        self.assertEqual(SpendingSummary.history.count(), 1)
        self.assertEqual(FundTypeSpending.history.count(), 1)
        # Clearing an answer keeps the row, now saying nothing.
        self.save(revision=2)
        row = FundTypeSpending.objects.get(evaluation=self.evaluation, fund_type="government_fund")
        self.assertEqual((row.has_spending, row.amount, row.narrative), (None, None, ""))
        self.assertIsNone(SpendingSummary.objects.get(evaluation=self.evaluation).total_budget)

    def test_a_stale_page_a_locked_report_and_an_unknown_fund_type_are_refused_and_nothing_is_written(self):
        self.save(total_budget=Decimal("1"))
        with self.assertRaisesMessage(ValidationError, "本栏目已由王芳于"):
            self.save(revision=0, total_budget=Decimal("2"))
        with self.assertRaisesMessage(ValidationError, "页面上的行与当前内容不符"):
            save_totals(
                evaluation=self.evaluation,
                actor=self.wangfang,
                revision=1,
                summary={},
                fund_types={"lottery_fund": dict(NOTHING_SAID)},
            )
        self.set_status("submitted")
        with self.assertRaisesMessage(ValidationError, str(EVALUATION_LOCKED)):
            self.save(revision=1, total_budget=Decimal("3"))
        self.assertEqual(SpendingSummary.objects.get(evaluation=self.evaluation).total_budget, Decimal("1"))
        self.assertEqual(SpendingSummary.history.count(), 1)
        self.assertEqual(SectionRevision.objects.get(evaluation=self.evaluation, section="totals").revision, 1)

    def test_the_bureau_cannot_write_the_totals(self):
        with self.assertRaisesMessage(ValidationError, "只有本单位的填报人、单位负责人或系统管理员"):
            save_totals(
                evaluation=self.evaluation,
                actor=self.chenjing,
                revision=0,
                summary={"total_budget": Decimal("1")},
                fund_types={},
            )
        self.assertFalse(SpendingSummary.objects.exists())


class AchievementsServiceTests(SeedTestCase):
    def test_a_shortfall_without_a_reason_is_refused_on_every_path(self):
        themes = [{"id": t.pk, "title": t.title, "body": t.body} for t in self.evaluation.themes.all()]
        indicator = {
            "theme_id": None,
            "level1": "产出指标",
            "level2": "数量指标",
            "name": "知识价值信用贷款",
            "measure_unit": "万元",
            "direction": "ge",
            "target": Decimal("20000"),
            "actual": Decimal("11400"),
            "target_text": "",
            "actual_text": "",
            "weight": None,
            "deviation_reason": "  ",
            "ranking": "",
            "not_applicable": False,
            "qualitative_tier": "",
            "self_score": None,
            "score_reason": "",
        }
        with self.assertRaisesMessage(
            ValidationError,
            "指标“知识价值信用贷款”的实际完成值 11400 未达到年度指标值 20000（≥），请填写偏差原因分析及改进措施。",
        ):
            save_achievements(
                evaluation=self.evaluation, actor=self.wangfang, revision=0, themes=themes, indicators=[indicator]
            )
        self.assertEqual(Indicator.objects.filter(evaluation=self.evaluation).count(), 9)
        indicator["deviation_reason"] = "授信审批周期长"
        save_achievements(
            evaluation=self.evaluation, actor=self.wangfang, revision=0, themes=themes, indicators=[indicator]
        )
        self.assertEqual(Indicator.objects.filter(evaluation=self.evaluation).count(), 1)
        self.assertEqual(Theme.objects.filter(evaluation=self.evaluation).count(), 5)


class WrittenTextsServiceTests(SeedTestCase):
    """报告文字: only the places of the outline the evaluation follows, blank stored blank, nothing else touched."""

    def save(self, texts: dict[str, str], actor=None, revision: int | None = None) -> None:
        if revision is None:
            record = SectionRevision.objects.filter(evaluation=self.evaluation, section="texts").first()
            revision = record.revision if record else 0
        save_written_texts(evaluation=self.evaluation, actor=actor or self.wangfang, revision=revision, texts=texts)

    def written(self) -> dict[str, str]:
        return dict(WrittenText.objects.filter(evaluation=self.evaluation).values_list("key", "text"))

    def test_a_place_the_outline_does_not_have_refuses_the_whole_save(self):
        # The seed's outline has no free section and no 政府性基金 heading.
        for key in ("node:other", "para:government_fund", "para:problems", "staffing"):
            with self.subTest(key=key), self.assertRaisesMessage(ValidationError, str(ROWS_DO_NOT_MATCH)):
                self.save({"para:staffing": "我局年末在职21人。", key: "无。"})
        self.assertEqual(self.written(), {})
        self.assertEqual(WrittenText.history.count(), 0)
        self.assertFalse(SectionRevision.objects.filter(evaluation=self.evaluation, section="texts").exists())

    def test_the_places_follow_the_outline_the_evaluation_follows(self):
        OutlineAssignment.objects.create(region=self.unit_a.region, outline=ensure_builtin_outlines()[HUNAN])
        self.save({"node:other": "无其他需要说明的情况。", "para:government_fund": "本单位无政府性基金预算支出。"})
        self.assertEqual(
            self.written(),
            {"node:other": "无其他需要说明的情况。", "para:government_fund": "本单位无政府性基金预算支出。"},
        )

    def test_blank_is_stored_blank_and_a_place_never_written_gets_no_row(self):
        self.save({"para:staffing": "我局年末在职21人。", "para:basic_spending": ""})
        self.assertEqual(self.written(), {"para:staffing": "我局年末在职21人。"})
        self.save({"para:staffing": " \n　"})
        self.assertEqual(self.written(), {"para:staffing": ""})

    def test_places_left_out_are_not_touched(self):
        # Written under another outline (the Hunan one's free section): changing the outline changes no data.
        WrittenText.objects.create(evaluation=self.evaluation, key="node:other", text="无。")
        self.save({"para:staffing": "我局年末在职21人。"})
        self.assertEqual(self.written(), {"node:other": "无。", "para:staffing": "我局年末在职21人。"})

    def test_only_the_units_staff_may_write(self):
        with self.assertRaisesMessage(ValidationError, str(EDIT_NOT_ALLOWED)):
            self.save({"para:staffing": "赵敏写的。"}, actor=self.zhaomin)
        self.assertEqual(self.written(), {})


class ConcurrentSaveTests(TransactionTestCase):
    """Two people press 保存 on the same section at the same moment, both from revision 0: one wins, the other is
    refused. Without the row lock both would read revision 0 and the second would silently overwrite the first."""

    def setUp(self):
        unit = Unit.objects.create(name="株洲市渌口区科技和工业信息化局", level="正科级行政单位")
        self.wangfang = make_user("wangfang", "王芳", unit, Membership.Role.PREPARER)
        self.liqiang = make_user("liqiang", "李强", unit, Membership.Role.HEAD)
        self.evaluation = Evaluation.objects.create(unit=unit, year=2024)
        # The section was saved before: without the row lock both saves would read revision 0 and both would pass.
        SectionRevision.objects.create(evaluation=self.evaluation, section="narrative", revision=0)

    def test_the_second_of_two_simultaneous_saves_is_refused(self):
        first_has_lock = threading.Event()
        outcome: dict[str, object] = {}

        def first():
            try:
                with transaction.atomic():
                    save_narrative(
                        evaluation=self.evaluation, actor=self.wangfang, revision=0, fields={"problems": "王芳"}
                    )
                    first_has_lock.set()
                    # Keep the transaction (and the row lock) open while the second save arrives.
                    time.sleep(0.5)
                outcome["first"] = "saved"
            finally:
                connection.close()

        def second():
            first_has_lock.wait(5)
            try:
                save_narrative(evaluation=self.evaluation, actor=self.liqiang, revision=0, fields={"problems": "李强"})
                outcome["second"] = "saved"
            except ValidationError as error:
                outcome["second"] = error.code
            finally:
                connection.close()

        threads = [threading.Thread(target=first), threading.Thread(target=second)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
        self.assertEqual(outcome, {"first": "saved", "second": "stale"})
        # The second save waited for the first one's lock instead of reading a revision about to change.
        self.assertGreaterEqual(time.monotonic() - started, 0.5)
        self.evaluation.refresh_from_db()
        self.assertEqual(self.evaluation.problems, "王芳")
        self.assertEqual(SectionRevision.objects.get(evaluation=self.evaluation).revision, 1)
