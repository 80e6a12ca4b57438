"""The score in the report: the 自评得分情况 paragraphs and the 自评得分表, from the evaluation's score sheet
(:func:`reports.scoring.score_of`), for the web page, the PDF and the portal snapshot alike.

Blank is not zero: while the sheet has no total, a draft preview says what is missing (a note, under the 草稿
watermark) and a submitted, approved or published report says nothing about the score at all, so a partial sum is
never printed as if it were the total. Every figure and explanation is the engine's (:mod:`evaluations.scoring`);
this module only words and places them.
"""

from __future__ import annotations

from decimal import Decimal

from evaluations.scoring import (
    DEVIATION,
    EXECUTION_CAP,
    RESCALE,
    Adjustment,
    LeafScore,
    Level1Score,
    ScoreSheet,
)
from evaluations.scoring_rules import IndicatorScore, format_score, format_weight

from .document import Cell, Column, Paragraph, Row, Table, clause
from .scoring import ScoredEvaluation

# At most this many leaves are named as the main deductions, largest loss first.
MAIN_DEDUCTIONS = 5
# At most this many of a placeholder leaf's own indicators are named as where its points were lost.
MAIN_INDICATORS = 3
UNSCORABLE = "无法计算"
# A draft whose scheme cannot score (a bureau's copy that does not validate): said, never guessed.
NO_SCHEME = "尚不能计算总分：适用的评分方案有误（分值合计或评分规则不符合要求），请联系财政局。"
ADJUSTMENT_LABELS = {RESCALE: "不适用指标折算", DEVIATION: "偏差扣分", EXECUTION_CAP: "执行率封顶"}


def missing_sentence(sheet: ScoreSheet) -> str:
    """尚不能计算总分：缺少预算执行率（全年预算数、全年执行数）；产出指标（“指标1”的实际完成值）。"""
    wanted: dict[str, list[str]] = {}
    for item in sheet.missing:
        whats = wanted.setdefault(item.name, [])
        if item.what not in whats:
            whats.append(item.what)
    parts = [f"{name}（{'、'.join(whats)}）" for name, whats in wanted.items()]
    return f"尚不能计算总分：缺少{'；'.join(parts)}。"


def _level1_clause(level1: Level1Score) -> str:
    if level1.not_applicable:
        return f"{level1.name}不适用（分值{format_weight(level1.weight)}分）"
    return f"{level1.name}{format_score(level1.points)}分（分值{format_weight(level1.weight)}分）"


def total_sentence(scored: ScoredEvaluation, year: int) -> str:
    """根据评分方案“…”，2024年度部门整体支出绩效自评综合评分为93.00分，评价等级为“优”。其中，预算执行9.80分（分值
    10分），…。 The total with the scheme's precision; each 一级指标's points of its weight; the adjustments with
    their reasons. Only for a complete sheet."""
    sheet = scored.sheet
    text = (
        f"根据评分方案“{scored.scheme.name}”，{year}年度部门整体支出绩效自评综合评分为{sheet.shown_total}分，"
        f"评价等级为“{sheet.grade}”。"
    )
    text += f"其中，{'，'.join(_level1_clause(level1) for level1 in sheet.sections)}。"
    if sheet.adjustments:
        text += f"总分调整：{'；'.join(clause(adjustment.reason) for adjustment in sheet.adjustments)}。"
    return text


def _loss(weight: Decimal | None, points: Decimal | None) -> Decimal:
    if weight is None or points is None:
        return Decimal(0)
    return weight - points


def _lost_rows(leaf: LeafScore) -> list[IndicatorScore]:
    rows = [row for row in leaf.indicators if not row.not_applicable and _loss(row.indicator.weight, row.points) > 0]
    rows.sort(key=lambda row: _loss(row.indicator.weight, row.points), reverse=True)
    return rows[:MAIN_INDICATORS]


def main_deductions(sheet: ScoreSheet) -> list[LeafScore]:
    """The leaves that lost points, largest loss first (the scheme's order among equals), at most five."""
    lost = [leaf for leaf in sheet.leaves() if not leaf.not_applicable and _loss(leaf.weight, leaf.points) > 0]
    return sorted(lost, key=lambda leaf: _loss(leaf.weight, leaf.points), reverse=True)[:MAIN_DEDUCTIONS]


def _deduction_clause(leaf: LeafScore) -> str:
    # The scheme's names go unquoted: some carry quotes of their own (“三公经费”控制率); the unit's indicators are
    # quoted, as their names are free text.
    text = (
        f"{leaf.name}失{format_score(_loss(leaf.weight, leaf.points))}分（分值{format_weight(leaf.weight)}分）："
        f"{clause(leaf.explanation)}"
    )
    rows = _lost_rows(leaf)
    if rows:
        text += f"，其中{'，'.join(f'“{row.indicator.name}”{clause(row.explanation)}' for row in rows)}"
    return text


def deductions_sentence(sheet: ScoreSheet) -> str:
    """主要失分情况：预算执行率失1.00分（分值10分）：预算执行率 = 90.00%，…；…。 Or, with no point lost,
    各项指标均得满分。"""
    leaves = main_deductions(sheet)
    if not leaves:
        return "各项指标均得满分。" if not sheet.deductions else ""
    return f"主要失分情况：{'；'.join(_deduction_clause(leaf) for leaf in leaves)}。"


def score_paragraphs(scored: ScoredEvaluation | None, *, year: int, draft: bool) -> list[Paragraph]:
    """The 自评得分情况 paragraphs: the total, the grade and its parts, then the main deductions. An incomplete
    sheet: what is missing in a draft preview, nothing otherwise (blank is not zero). ``None`` is a scheme that
    cannot score."""
    if scored is None:
        return [Paragraph(NO_SCHEME, variant="note")] if draft else []
    sheet = scored.sheet
    if not sheet.is_complete:
        return [Paragraph(missing_sentence(sheet), variant="note")] if draft else []
    paragraphs = [Paragraph(total_sentence(scored, year))]
    if deductions := deductions_sentence(sheet):
        paragraphs.append(Paragraph(deductions))
    return paragraphs


# ---------------------------------------------------------------------------
# The 自评得分表
# ---------------------------------------------------------------------------
def _points(points: Decimal | None, *, not_applicable: bool = False) -> str:
    if not_applicable:
        return "不适用"
    return UNSCORABLE if points is None else format_score(points)


def _signed(points: Decimal) -> str:
    shown = format_score(points)
    return shown if points < 0 else f"+{shown}"


def adjustment_label(adjustment: Adjustment) -> str:
    return ADJUSTMENT_LABELS.get(adjustment.kind, "总分调整")


def score_notes(scored: ScoredEvaluation) -> list[str]:
    """Under the table: the formula of each measured leaf, then the grade bands."""
    formulas = [f"{leaf.name} = {leaf.formula}" for leaf in scored.scheme.leaves() if leaf.formula]
    notes = [f"计算公式：{'；'.join(formulas)}。"] if formulas else []
    notes.append(f"评价等级：{scored.scheme.grades.describe()}。")
    return notes


def score_table(scored: ScoredEvaluation | None, *, draft: bool) -> Table | None:
    """自评得分表: every 一级/二级/三级 leaf of the scheme with 分值, 得分 and 评分说明, each 一级's subtotal, the
    adjustments, 总分 and 等级, with the formulas and grade bands in a note. A non-draft report whose sheet is
    incomplete has none; a draft shows what is there, "无法计算" where nothing can be."""
    if scored is None or not (draft or scored.sheet.is_complete):
        return None
    sheet = scored.sheet
    rows: list[Row] = []
    for level1 in sheet.sections:
        first_of_level1 = True
        for group in level1.groups:
            for n, leaf in enumerate(group.leaves):
                rows.append(
                    Row(
                        [
                            Cell(level1.name if first_of_level1 else ""),
                            Cell(group.name if n == 0 else ""),
                            Cell(leaf.name),
                            Cell(format_weight(leaf.weight), numeric=True),
                            Cell(_points(leaf.points, not_applicable=leaf.not_applicable), numeric=True),
                            Cell(leaf.explanation),
                        ]
                    )
                )
                first_of_level1 = False
        subtotal = _points(level1.points, not_applicable=level1.not_applicable)
        rows.append(
            Row(
                [
                    Cell(f"{level1.name}小计", colspan=3),
                    Cell(format_weight(level1.weight), numeric=True),
                    Cell(subtotal, numeric=True),
                    Cell(""),
                ],
                variant="group",
            )
        )
    for adjustment in sheet.adjustments:
        rows.append(
            Row(
                [
                    Cell(adjustment_label(adjustment), colspan=3),
                    Cell("", numeric=True),
                    Cell(_signed(adjustment.points), numeric=True),
                    Cell(adjustment.reason),
                ]
            )
        )
    full = sum((level1.weight for level1 in sheet.sections), Decimal(0))
    total = sheet.shown_total or UNSCORABLE
    rows.append(
        Row(
            [Cell("总分", colspan=3), Cell(format_weight(full), numeric=True), Cell(total, numeric=True), Cell("")],
            variant="total",
        )
    )
    rows.append(Row([Cell("等级", colspan=3), Cell(sheet.grade or UNSCORABLE, colspan=2), Cell("")], variant="total"))
    return Table(
        caption="自评得分表",
        unit_note=f"评分方案：{scored.scheme.name}",
        columns=[
            # 一级 and 二级 wide enough for five characters on a line in the PDF (满意度指标, 预算执行).
            Column("一级指标", width=13),
            Column("二级指标", width=13),
            Column("三级指标", width=16),
            Column("分值", numeric=True, width=7),
            Column("得分", numeric=True, width=9),
            Column("评分说明", width=42),
        ],
        rows=rows,
        notes=score_notes(scored),
    )
