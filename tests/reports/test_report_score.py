"""The score in the report (issue 10): the 自评得分情况 paragraph, where each outline puts it, the 自评表's 分值 and
得分 with 总分 and 等级, the 自评得分表, the Excel export's values, and blank-is-not-zero for incomplete scores.

赵敏's unit (区农业农村局) is scored under the shipped national scheme (财预〔2020〕10号: 预算执行 10, 产出 50, 效益 30,
满意度 10). Hand-computed: 900,000 of 1,000,000 元 executed → 90.00% → 10 × 90% = 9.00; 培训企业 80 of 100 → 30 × 80% =
24.00, 验收合格率 95 of 95 → 20, so 产出 44.00 of 50; 带动就业 220 of 200 → capped at 30; 企业满意度 85.5 of 90 → 10 ×
95% = 9.50. Total 9 + 44 + 30 + 9.5 = 92.50, 优.
"""

from __future__ import annotations

import io
import shutil
import unittest
from dataclasses import replace
from decimal import Decimal

import pytest
from django.test import SimpleTestCase
from openpyxl import load_workbook

from achievements.models import Indicator, Theme
from budgets.models import BudgetExecution
from evaluations.models import Evaluation, ScoringScheme, Unit
from evaluations.outlines import BUILTIN, HUNAN, PLAIN, SEED
from evaluations.schemes import HUNAN_SCHEME, NATIONAL_SCHEME
from evaluations.scoring import score_evaluation
from evaluations.scoring_rules import CARRYOVER_AMOUNT, Assessment, ScoringInputs, UnitIndicator
from reports.document import Report, Table
from reports.excel.exporter import build_export
from reports.excel.safe_writer import workbook_bytes
from reports.rendering import render_report_pdf
from reports.report import build_report
from reports.score_blocks import NO_SCHEME, score_paragraphs
from reports.scoring import ScoredEvaluation
from tests.base import BaseTestCase

from .test_pdf import pdf_text
from .test_report import fresh
from .test_report_outlines import find, outline_of, texts

NATIONAL_NAME = "全国通用自评表（财预〔2020〕10号）"
NATIONAL_TOTAL = (
    f"根据评分方案“{NATIONAL_NAME}”，2024年度部门整体支出绩效自评综合评分为92.50分，评价等级为“优”。"
    "其中，预算执行9.00分（分值10分），产出指标44.00分（分值50分），效益指标30.00分（分值30分），"
    "满意度指标9.50分（分值10分）。"
)
NATIONAL_DEDUCTIONS = (
    "主要失分情况："
    "产出指标失6.00分（分值50分）：产出、成本类指标2项，得分合计44.00分（分值合计50分），得44.00分，"
    "其中“培训企业”实际完成值÷年度指标值 = 80.00%，30×80.00% = 24.00分；"
    "预算执行率失1.00分（分值10分）：预算执行率 = 90.00%，10×90.00% = 9.00分；"
    "满意度指标失0.50分（分值10分）：满意度类指标1项，得分合计9.50分（分值合计10分），得9.50分，"
    "其中“企业满意度”实际完成值÷年度指标值 = 95.00%，10×95.00% = 9.50分。"
)


def scoreable(unit: Unit, year: int = 2024, *, indicators: int = 0) -> Evaluation:
    """A small evaluation the national scheme scores completely (92.50, 优); ``indicators`` more 产出 indicators of
    no weight that are not applicable, to grow the grid without changing the score."""
    evaluation = Evaluation.objects.create(
        unit=unit, year=year, mandate="主管全区农业农村工作", problems="问题。", measures="措施。", results_use="公开。"
    )
    BudgetExecution.objects.create(
        evaluation=evaluation, kind="basic", initial_budget=600000, full_year_budget=600000, executed=540000
    )
    BudgetExecution.objects.create(
        evaluation=evaluation, kind="project", initial_budget=400000, full_year_budget=400000, executed=360000
    )
    theme = Theme.objects.create(evaluation=evaluation, order=1, title="农业生产稳定", body="粮食生产稳定。")
    rows = [
        ("产出指标", "数量指标", "培训企业", "100", "80", "30", False),
        ("产出指标", "质量指标", "验收合格率", "95", "95", "20", False),
        ("产出指标", "时效指标", "按期完成率", "100", None, None, True),
        ("效益指标", "社会效益指标", "带动就业", "200", "220", "30", False),
        ("满意度指标", "服务对象满意度指标", "企业满意度", "90", "85.5", "10", False),
    ]
    rows += [("产出指标", "数量指标", f"补充指标{n}", "10", None, None, True) for n in range(indicators)]
    Indicator.objects.bulk_create(
        Indicator(
            evaluation=evaluation,
            theme=theme,
            order=n,
            level1=level1,
            level2=level2,
            name=name,
            measure_unit="%",
            target=Decimal(target),
            actual=None if actual is None else Decimal(actual),
            weight=None if weight is None else Decimal(weight),
            not_applicable=not_applicable,
            deviation_reason="按计划调整。" if not_applicable else "",
        )
        for n, (level1, level2, name, target, actual, weight, not_applicable) in enumerate(rows)
    )
    return evaluation


def table(report: Report, caption: str) -> Table:
    return next(block for block in report.tables if block.caption == caption)


def cells(rows) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in rows]


class ScoreParagraphTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.evaluation = scoreable(cls.unit_b)

    def build(self, outline=None, draft: bool | None = None) -> Report:
        return build_report(fresh(self.evaluation), outline=outline, draft=draft)

    def test_the_paragraph_states_the_total_grade_parts_and_main_deductions(self):
        score = find(self.build(BUILTIN[HUNAN]), "（一）自评得分情况")
        self.assertEqual(texts(score), [NATIONAL_TOTAL, NATIONAL_DEDUCTIONS])

    def test_the_hunan_outline_has_it_as_the_first_subheading_of_the_performance_section(self):
        report = self.build(BUILTIN[HUNAN])
        self.assertEqual(
            outline_of(report)[5],
            (
                "六、部门整体支出绩效情况",
                [("（一）自评得分情况", []), ("（二）工作成效", []), ("（三）部门整体支出绩效自评表", [])],
            ),
        )
        # Said once: the table's section does not repeat it.
        self.assertNotIn(NATIONAL_TOTAL, texts(find(report, "（三）部门整体支出绩效自评表")))

    def test_the_seeds_outline_keeps_its_headings_and_opens_the_table_section_with_the_score(self):
        report = self.build(BUILTIN[SEED])
        self.assertEqual(
            outline_of(report)[2],
            ("三、部门整体支出绩效情况", [("（一）工作成效", []), ("（二）部门整体支出绩效自评表", [])]),
        )
        self.assertEqual(
            texts(find(report, "（二）部门整体支出绩效自评表")),
            [NATIONAL_TOTAL, NATIONAL_DEDUCTIONS, "[预算资金执行情况]", "[绩效指标完成情况]", "[自评得分表]"],
        )

    def test_the_plain_outline_has_it_as_a_heading_of_its_own_after_the_performance(self):
        report = self.build(BUILTIN[PLAIN])
        headings = [heading for heading, _children in outline_of(report)]
        self.assertEqual(headings[2:4], ["三、绩效情况", "四、自评得分情况"])
        self.assertEqual(texts(report.sections[3]), [NATIONAL_TOTAL, NATIONAL_DEDUCTIONS])

    def test_the_funds_row_carries_the_execution_leafs_weight_and_score(self):
        funds = cells(table(self.build(), "预算资金执行情况").rows)
        self.assertEqual(funds[0], ["年度资金总额", "100.00", "100.00", "90.00", "10", "90.00%", "9.00"])
        # The other rows are not scored on the national form.
        self.assertEqual([row[4:] for row in funds[1:]], [["", "90.00%", ""], ["", "90.00%", ""]])

    def test_the_indicator_grid_shows_each_score_and_the_total_and_grade_under_it(self):
        grid = cells(table(self.build(), "绩效指标完成情况").rows)
        self.assertEqual(
            [(row[2], row[6], row[7]) for row in grid[:5]],
            [
                ("培训企业", "30", "24.00"),
                ("验收合格率", "20", "20.00"),
                ("按期完成率", "", "不适用"),
                ("带动就业", "30", "30.00"),
                ("企业满意度", "10", "9.50"),
            ],
        )
        self.assertEqual(grid[5:], [["总分", "100", "92.50", ""], ["等级", "优", ""]])

    def test_the_score_table_lists_every_leaf_with_the_adjustments_total_grade_and_formulas(self):
        score = table(self.build(), "自评得分表")
        self.assertEqual(score.unit_note, f"评分方案：{NATIONAL_NAME}")
        rows = cells(score.rows)
        self.assertEqual(
            rows[0], ["预算执行", "预算执行", "预算执行率", "10", "9.00", "预算执行率 = 90.00%，10×90.00% = 9.00分"]
        )
        self.assertEqual(rows[1], ["预算执行小计", "10", "9.00", ""])
        self.assertEqual(
            [row[:5] for row in rows[2:4]],
            [["产出指标", "产出指标", "产出指标", "50", "44.00"], ["产出指标小计", "50", "44.00", ""]],
        )
        self.assertEqual(rows[-2:], [["总分", "100", "92.50", ""], ["等级", "优", ""]])
        self.assertEqual(
            score.notes,
            [
                "计算公式：预算执行率 = 全年执行数 ÷ 全年预算数。",
                "评价等级：优：90分及以上；良：80分（含）至90分（不含）；中：60分（含）至80分（不含）；差：0分（含）至60分（不含）。",
            ],
        )


class IncompleteScoreTests(BaseTestCase):
    """Blank is not zero: 验收合格率 has no actual yet, so there is no total."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.evaluation = scoreable(cls.unit_b)
        Indicator.objects.filter(evaluation=cls.evaluation, name="验收合格率").update(actual=None)

    def test_a_draft_says_what_is_missing_and_shows_what_is_there(self):
        report = build_report(fresh(self.evaluation), outline=BUILTIN[HUNAN])
        [note] = find(report, "（一）自评得分情况").blocks
        self.assertEqual(
            (note.text, note.variant), ("尚不能计算总分：缺少产出指标（“验收合格率”的实际完成值）。", "note")
        )
        grid = cells(table(report, "绩效指标完成情况").rows)
        self.assertEqual(grid[1][7], "")  # 验收合格率: unscored, never 0
        self.assertEqual(grid[-2:], [["总分", "100", "无法计算", ""], ["等级", "无法计算", ""]])
        rows = cells(table(report, "自评得分表").rows)
        self.assertIn(["产出指标小计", "50", "无法计算", ""], rows)
        self.assertEqual(rows[-2:], [["总分", "100", "无法计算", ""], ["等级", "无法计算", ""]])

    def test_a_report_past_the_draft_says_nothing_about_the_score(self):
        for outline in (BUILTIN[HUNAN], BUILTIN[SEED], BUILTIN[PLAIN]):
            with self.subTest(outline=outline.key):
                report = build_report(fresh(self.evaluation), outline=outline, draft=False)
                printed = "".join(p.text for p in report.paragraphs)
                self.assertNotIn("总分", printed)
                self.assertNotIn("自评得分情况", [entry.heading[3:] for entry in report.toc])
                self.assertNotIn("自评得分表", [t.caption for t in report.tables])
                if outline.key == PLAIN:
                    continue  # no 自评表 in the plain outline
                grid = cells(table(report, "绩效指标完成情况").rows)
                self.assertNotIn("总分", [row[0] for row in grid])
                self.assertEqual(grid[0][7], "24.00")  # an indicator's own score is a fact, shown


class UnusableSchemeTests(BaseTestCase):
    """A bureau's copy whose weights do not add up cannot score anybody: said in a draft, silent otherwise."""

    def test_a_draft_says_the_scheme_is_wrong_and_a_final_report_says_nothing(self):
        evaluation = scoreable(self.unit_b)
        data = NATIONAL_SCHEME.to_data()
        data["sections"][0]["weight"] = "20"
        self.unit_b.scoring_scheme = ScoringScheme.objects.create(name="某县评分方案", data=data)
        self.unit_b.save(update_fields=["scoring_scheme"])
        draft = build_report(fresh(evaluation), outline=BUILTIN[HUNAN])
        self.assertEqual(texts(find(draft, "（一）自评得分情况")), [NO_SCHEME])
        self.assertNotIn("自评得分表", [t.caption for t in draft.tables])
        final = build_report(fresh(evaluation), outline=BUILTIN[HUNAN], draft=False)
        self.assertEqual(outline_of(final)[5][1][0][0], "（一）工作成效")
        grid = cells(table(final, "绩效指标完成情况").rows)
        self.assertEqual([row[7] for row in grid], ["", "", "", "", ""])


class HunanParagraphTests(SimpleTestCase):
    """The Hunan scheme (投入 15, 过程 40, 产出 25, 效果 20) on inputs hand-computed leaf by leaf:
    在职人员控制率 95% → 5; 三公经费变动率 −5% → 5; 重点支出安排率 85% → 4; 预算调整率 8% → 2; 支付进度率 not
    applicable (3 dropped); no carry-over → 3; 三公经费控制率 102% → 6 − 2 = 4; 3 rules met → 3; no violation → 3;
    公开 达成 8.50; 资产安全 达成 5;
    固定资产利用率 90% → 4.50; 产出 25 of 25; 效果 18 of 20. 投入 14, 过程 33, 产出 25, 效果 18: 90 of 97 applicable,
    rescaled 90 × 100 ÷ 97 = 92.783…, shown 92.78, 优."""

    def scored(self) -> ScoredEvaluation:
        inputs = ScoringInputs(
            measures={
                "staff_control_rate": Decimal("0.95"),
                "three_public_change_rate": Decimal("-0.05"),
                "key_spending_rate": Decimal("0.85"),
                "budget_adjustment_rate": Decimal("0.08"),
                CARRYOVER_AMOUNT: Decimal("0"),
                "three_public_control_rate": Decimal("1.02"),
                "management_rules": Decimal("3"),
                "funds_compliance": Decimal("0"),
                "fixed_asset_use_rate": Decimal("0.9"),
                "budget_execution_rate": Decimal("0.95"),
            },
            indicators=(
                UnitIndicator(
                    "高标准农田建设",
                    "产出指标",
                    "数量指标",
                    target=Decimal(10),
                    actual=Decimal(10),
                    weight=Decimal(25),
                    ref=1,
                ),
                UnitIndicator(
                    "带动就业",
                    "效益指标",
                    "社会效益指标",
                    target=Decimal(100),
                    actual=Decimal(90),
                    weight=Decimal(20),
                    ref=2,
                ),
            ),
            assessments={
                "disclosure": Assessment("achieved", Decimal("8.5"), "按时公开预决算"),
                "asset_security": Assessment("achieved", Decimal("5"), "资产账实相符"),
            },
            not_applicable=frozenset({"payment_progress_rate"}),
        )
        return ScoredEvaluation(HUNAN_SCHEME, score_evaluation(HUNAN_SCHEME, inputs))

    def test_the_paragraph_under_the_hunan_scheme(self):
        total, deductions = score_paragraphs(self.scored(), year=2024, draft=False)
        self.assertEqual(
            total.text,
            "根据评分方案“湖南部门整体支出评价（财预〔2013〕53号框架）”，2024年度部门整体支出绩效自评综合评分为92.78分，"
            "评价等级为“优”。其中，投入14.00分（分值15分），过程33.00分（分值40分），产出25.00分（分值25分），"
            "效果18.00分（分值20分）。总分调整：“支付进度率”不适用，分值共3分不计；其余指标得分90.00分按100÷97折算为"
            "92.78分，增加2.78分。",
        )
        # Largest loss first, the scheme's order among equals, five at most (固定资产利用率's 0.50 is the sixth).
        self.assertEqual(
            deductions.text,
            "主要失分情况："
            "“三公经费”控制率失2.00分（分值6分）：“三公经费”控制率 = 102.00%（阈值100%），超出阈值2个百分点，"
            "每个百分点扣1分，扣2.00分，得4.00分；"
            "效果指标失2.00分（分值20分）：效益、效果、满意度类指标1项，得分合计18.00分（分值合计20分），得18.00分，"
            "其中“带动就业”实际完成值÷年度指标值 = 90.00%，20×90.00% = 18.00分；"
            "重点支出安排率失1.00分（分值5分）：重点支出安排率 = 85.00%，属于“80%（含）至90%（不含）”档，得4分；"
            "预算调整率失1.00分（分值3分）：预算调整率 = 8.00%，属于“0%（不含）至10%（含）”档，得2分；"
            "预决算信息公开性和完善性失0.50分（分值9分）：自评为“达成”（该档7.20至9.00分），得8.50分：按时公开预决算。",
        )

    def test_full_marks_everywhere_is_said_so(self):
        scored = self.scored()
        sheet = scored.sheet
        # Only the wording of a sheet without losses matters here: drop every leaf's loss by hand.
        full = replace(
            sheet,
            sections=tuple(
                replace(
                    level1,
                    groups=tuple(
                        replace(group, leaves=tuple(replace(leaf, points=leaf.weight) for leaf in group.leaves))
                        for group in level1.groups
                    ),
                )
                for level1 in sheet.sections
            ),
        )
        paragraphs = score_paragraphs(ScoredEvaluation(scored.scheme, full), year=2024, draft=False)
        self.assertEqual(paragraphs[-1].text, "各项指标均得满分。")


class ExcelScoreTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.evaluation = scoreable(cls.unit_b)

    def workbook(self):
        wb = build_export(fresh(self.evaluation))
        return load_workbook(io.BytesIO(workbook_bytes(wb)))

    def test_the_self_evaluation_sheet_carries_the_scores_total_and_grade_as_values(self):
        ws = self.workbook()["部门整体支出绩效自评表"]
        self.assertEqual((ws["G5"].value, ws["I5"].value), (10, 9))
        self.assertEqual((ws["G6"].value, ws["I6"].value), ("—", "—"))
        rows = {ws.cell(row=r, column=3).value: r for r in range(17, ws.max_row + 1)}
        self.assertEqual(
            [ws.cell(row=rows[name], column=9).value for name in ("培训企业", "按期完成率", "企业满意度")],
            [24, "不适用", 9.5],
        )
        total = ws.max_row - 1
        self.assertEqual(
            [[ws.cell(row=r, column=c).value for c in (1, 8, 9)] for r in (total, total + 1)],
            [["总分", 100, 92.5], ["等级", "优", None]],
        )
        self.assertEqual(ws.cell(row=total, column=9).number_format, "0.00")

    def test_the_score_sheet_has_every_leaf_merged_headers_and_no_formula(self):
        wb = self.workbook()
        self.assertEqual(wb.sheetnames[:2], ["部门整体支出绩效自评表", "自评得分表"])
        ws = wb["自评得分表"]
        merged = {str(r) for r in ws.merged_cells.ranges}
        self.assertTrue({"A1:F1", "A2:F2", "C3:F3", "C4:F4", "A7:C7"} <= merged)
        self.assertEqual(ws["C4"].value, NATIONAL_NAME)
        self.assertEqual(
            [ws.cell(row=5, column=c).value for c in range(1, 7)],
            ["一级指标", "二级指标", "三级指标", "分值", "得分", "评分说明"],
        )
        self.assertEqual(
            [ws.cell(row=6, column=c).value for c in range(1, 7)],
            ["预算执行", "预算执行", "预算执行率", 10, 9, "预算执行率 = 90.00%，10×90.00% = 9.00分"],
        )
        self.assertEqual((ws["A7"].value, ws["D7"].value, ws["E7"].value), ("预算执行小计", 10, 9))
        self.assertEqual(ws["E6"].number_format, "0.00")
        by_label = {ws.cell(row=r, column=1).value: r for r in range(6, ws.max_row + 1)}
        self.assertEqual(
            (ws.cell(row=by_label["总分"], column=4).value, ws.cell(row=by_label["总分"], column=5).value), (100, 92.5)
        )
        self.assertEqual(ws.cell(row=by_label["等级"], column=4).value, "优")
        self.assertTrue(ws.cell(row=ws.max_row, column=1).value.startswith("评价等级：优：90分及以上"))
        formulas = [cell.coordinate for row in ws.iter_rows() for cell in row if cell.data_type == "f"]
        self.assertEqual(formulas, [])

    def test_a_scheme_name_that_looks_like_a_formula_stays_text(self):
        ScoringScheme.objects.filter(builtin="national").update(name='=HYPERLINK("http://evil.example")')
        ws = self.workbook()["自评得分表"]
        self.assertEqual((ws["C4"].value, ws["C4"].data_type), ('=HYPERLINK("http://evil.example")', "s"))

    def test_an_incomplete_score_leaves_the_total_and_grade_blank_never_zero(self):
        Indicator.objects.filter(evaluation=self.evaluation, name="验收合格率").update(actual=None)
        wb = self.workbook()
        ws = wb["部门整体支出绩效自评表"]
        total = ws.max_row - 1
        self.assertEqual([ws.cell(row=r, column=9).value for r in (total,)], [None])
        self.assertIsNone(ws.cell(row=total + 1, column=8).value)
        score = wb["自评得分表"]
        by_label = {score.cell(row=r, column=1).value: r for r in range(6, score.max_row + 1)}
        self.assertIsNone(score.cell(row=by_label["产出指标小计"], column=5).value)
        self.assertIsNone(score.cell(row=by_label["总分"], column=5).value)
        self.assertEqual(
            score.cell(row=by_label["总分"], column=6).value, "产出指标：无法计算（缺少“验收合格率”的实际完成值）"
        )


@pytest.mark.pdf
@unittest.skipUnless(shutil.which("pdftotext"), "poppler-utils is not installed")
class ScorePdfTests(BaseTestCase):
    """The approved report as a PDF, with forty more (not applicable) indicators so the grid runs over pages."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        evaluation = scoreable(cls.unit_b, indicators=40)
        Evaluation.objects.filter(pk=evaluation.pk).update(status=Evaluation.Status.APPROVED)
        cls.text = pdf_text(render_report_pdf(fresh(evaluation)))

    def test_the_paragraph_the_grid_totals_and_the_score_table_are_printed(self):
        self.assertIn(NATIONAL_TOTAL, self.text)
        self.assertIn("总分10092.50", self.text)
        self.assertIn("等级优", self.text)
        self.assertIn("自评得分表", self.text)
        self.assertIn("计算公式：预算执行率=全年执行数÷全年预算数。", self.text)
        self.assertIn("补充指标39", self.text)
