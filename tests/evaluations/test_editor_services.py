"""The section-save services: one transaction each, the workflow guard inside it, a stale page refused, and nothing
written when anything is refused."""

from __future__ import annotations

import threading
import time
import unittest
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import TransactionTestCase

from achievements.models import Indicator, Theme
from achievements.services import save_achievements
from budgets.models import BasicSpending, FundSource, ProjectItem
from budgets.services import save_basic_spending, save_project_spending
from evaluations.models import Evaluation, Membership, SectionRevision, Unit
from evaluations.services import EVALUATION_LOCKED, save_narrative, save_profile
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
            lambda: save_achievements(
                evaluation=self.evaluation, actor=self.wangfang, revision=0, themes=[], indicators=[]
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


@unittest.skipUnless(connection.vendor == "postgresql", "row locks need PostgreSQL (SQLite locks the whole file)")
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
