"""A shortfall needs a reason: one rule (achievements.rules), one message naming the indicator, on every path that
writes an indicator — the editor's row, the admin, the spreadsheet import and the service behind them."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.test import SimpleTestCase

from achievements.forms import IndicatorAdminForm, IndicatorRowForm
from achievements.models import Indicator
from achievements.rules import shortfall_reason_error
from achievements.services import INDICATOR_FIELDS, save_achievements
from evaluations.scoring_rules import THREE_TIERS
from reports.excel.importer import read_workbook
from reports.excel.safe_writer import workbook_bytes
from reports.excel.template import build_template
from tests.base import SeedTestCase

LOANS_UNEXPLAINED = (
    "指标“知识价值信用贷款”的实际完成值 11400 未达到年度指标值 20000（≥），请填写偏差原因分析及改进措施。"
)


def loans(**changes: object) -> dict[str, object]:
    figures = {"direction": "ge", "target": Decimal("20000.0000"), "actual": Decimal("11400.0000"), "reason": ""}
    return {"name": "知识价值信用贷款", **figures, **changes}


class ShortfallReasonTests(SimpleTestCase):
    def test_it_names_the_indicator_and_its_figures_as_people_write_them(self):
        error = shortfall_reason_error(**loans())
        self.assertEqual(error.code, "shortfall")
        self.assertEqual(error.messages, [LOANS_UNEXPLAINED])

    def test_a_reason_of_only_spaces_is_no_reason(self):
        self.assertIsNotNone(shortfall_reason_error(**loans(reason=" \u3000")))
        self.assertIsNone(shortfall_reason_error(**loans(reason="授信审批周期长")))

    def test_it_follows_the_indicators_direction(self):
        cases = [("ge", "11400", True), ("ge", "25000", False), ("le", "25000", True), ("le", "11400", False)]
        for direction, actual, short in cases:
            with self.subTest(direction=direction, actual=actual):
                error = shortfall_reason_error(**loans(direction=direction, actual=Decimal(actual)))
                self.assertEqual(error is not None, short)

    def test_qualitative_and_incomplete_indicators_are_never_short(self):
        self.assertIsNone(shortfall_reason_error(**loans(direction="qualitative")))
        self.assertIsNone(shortfall_reason_error(**loans(actual=None)))


class EveryPathTests(SeedTestCase):
    def setUp(self):
        self.indicator = Indicator.objects.get(evaluation=self.evaluation, name="知识价值信用贷款")
        Indicator.objects.filter(pk=self.indicator.pk).update(deviation_reason="")

    def form_data(self) -> dict[str, object]:
        indicator = self.indicator
        return {
            "evaluation": self.evaluation.pk,
            "order": indicator.order,
            "level1": indicator.level1,
            "level2": indicator.level2,
            "name": indicator.name,
            "direction": indicator.direction,
            "target": "20000",
            "actual": "11400",
            "deviation_reason": "",
        }

    def test_the_editor_the_admin_the_import_and_the_service_refuse_with_one_message(self):
        row = IndicatorRowForm(tiers=THREE_TIERS, data=self.form_data())
        self.assertEqual(row.errors["deviation_reason"], [LOANS_UNEXPLAINED])

        admin = IndicatorAdminForm(self.form_data(), instance=self.indicator)
        self.assertEqual(admin.errors["deviation_reason"], [LOANS_UNEXPLAINED])

        _data, problems = read_workbook(workbook_bytes(build_template(self.evaluation)))
        self.assertIn(LOANS_UNEXPLAINED, [problem.message for problem in problems])

        indicator = {name: getattr(self.indicator, name) for name in INDICATOR_FIELDS}
        indicator.update({"id": self.indicator.pk, "deviation_reason": ""})
        with self.assertRaises(ValidationError) as caught:
            save_achievements(
                evaluation=self.evaluation, actor=self.wangfang, revision=0, themes=[], indicators=[indicator]
            )
        self.assertEqual(caught.exception.messages, [LOANS_UNEXPLAINED])
