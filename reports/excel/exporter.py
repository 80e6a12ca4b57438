"""The export: the 部门整体支出绩效自评表 laid out like the national form (财预〔2020〕10号 annex), followed by the
data sheets of the template, so that an exported workbook can be edited and uploaded again.

Beside the national form's funds block, the sheet shows the totals a report may state without their parts (支出总体
情况) and the other budget types (其他预算类型支出); a figure nobody entered stays an empty cell, never 0.

The 分值 and 得分 are the score sheet's (:func:`reports.scoring.score_of`, under the evaluation's scheme): the
scheme's execution-rate leaf on the 年度资金总额 row, each indicator on its own 分值, the 总分 and 等级 under the grid,
and the whole sheet on a second sheet, 自评得分表. Every cell holds a value, never a formula: a workbook forwarded
by mail shows what the report printed, whatever the reader's spreadsheet recalculates. A score that cannot be
computed yet is an empty cell, never 0.

Every other figure comes from budgets.figures and achievements.figures; this module only places them. The whole
workbook costs the seven queries of :func:`~.template.fetch_rows` and the score's ten, whatever the number of
rows.
"""

from __future__ import annotations

from copy import copy
from decimal import Decimal
from weakref import WeakKeyDictionary

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.styles import Alignment, Border, Font
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.worksheet import Worksheet

from budgets.figures import execution_figures, execution_rate
from evaluations.models import Evaluation
from evaluations.money import HUNDRED, as_percent, plain_quantity, quantize_half_up, to_wan
from evaluations.scoring import InvalidScheme, LeafScore, ScoreSheet
from evaluations.scoring_rules import EXECUTION_RATE, ONE

from ..score_blocks import adjustment_label, score_notes
from ..scoring import ScoredEvaluation, score_of
from . import sheets
from .safe_writer import write
from .template import BORDER, HEADER_FILL, EvaluationRows, add_data_sheets, add_guide_sheet, fetch_rows

WAN_FORMAT = "0.00"
PERCENT_FORMAT = "0.00%"
SCORE_FORMAT = "0.00"
LAST_COLUMN = 10  # A..J: the indicator grid is the widest part of the form

CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
BOLD = Font(bold=True)
WIDTHS = {"A": 10, "B": 12, "C": 24, "D": 9, "E": 9, "F": 12, "G": 12, "H": 8, "I": 8, "J": 32}


def build_export(evaluation: Evaluation) -> Workbook:
    rows = fetch_rows(evaluation)
    scored = _scored(evaluation)
    wb = Workbook()
    # Like the template, the export is in Chinese whatever the interface language (sheets.WORKBOOK_LANGUAGE).
    with translation.override(sheets.WORKBOOK_LANGUAGE):
        add_self_evaluation_sheet(wb.active, rows, scored)
        if scored is not None:
            add_score_sheet(wb.create_sheet(), rows, scored)
        add_data_sheets(wb, rows)
        add_guide_sheet(wb.create_sheet(), rows)
    return wb


def _box(
    ws: Worksheet,
    top: int,
    left: int,
    value: object = None,
    *,
    bottom: int | None = None,
    right: int | None = None,
    number_format: str | None = None,
    align: Alignment = CENTER,
    bold: bool = False,
    header: bool = False,
) -> None:
    """One cell of the form, possibly merged over several grid cells, with its border."""
    bottom = bottom or top
    right = right or left
    style = _box_style(ws, align, header=header, bold=bold or header)
    for row in range(top, bottom + 1):
        for column in range(left, right + 1):
            ws.cell(row=row, column=column)._style = copy(style)
    write(ws, top, left, value, number_format=number_format)
    if (bottom, right) != (top, left):
        _merge(ws, top, left, bottom, right)


# A box's border, alignment, fill and font by workbook: openpyxl looks every style object up in the workbook's lists
# by its hash, which costs most of a sheet's time when done for each cell; the form has a handful of kinds of box, so
# each is styled once and its indexes copied to the other cells (as openpyxl's own worksheet copier does).
_BOX_STYLES: WeakKeyDictionary[Workbook, dict[tuple[int, bool, bool], StyleArray]] = WeakKeyDictionary()


def _box_style(ws: Worksheet, align: Alignment, *, header: bool, bold: bool) -> StyleArray:
    styles = _BOX_STYLES.setdefault(ws.parent, {})
    key = (id(align), header, bold)
    if key not in styles:
        cell = Cell(ws)
        cell.border = BORDER
        cell.alignment = align
        if header:
            cell.fill = HEADER_FILL
        if bold:
            cell.font = BOLD
        styles[key] = copy(cell._style)
    return styles[key]


class _BoxRange(MergedCellRange):
    """A merged box whose cells all carry the same border already: the top-left cell's border needs nothing from the
    bottom-right one, and the covered cells are styled by :func:`_merge`."""

    def _get_borders(self) -> None:
        self.start_cell = self.ws.cell(row=self.min_row, column=self.min_col)

    def format(self) -> None:
        pass


def _merge(ws: Worksheet, top: int, left: int, bottom: int, right: int) -> None:
    """``ws.merge_cells`` for a box, with the result openpyxl gives it (each covered cell on the box's edge keeps
    the border of the sides it lies on), reached without openpyxl re-deriving and looking up a border for every
    covered cell, which costs most of a sheet's time."""
    box = _BoxRange(ws, f"{get_column_letter(left)}{top}:{get_column_letter(right)}{bottom}")
    ws.merged_cells.add(box)
    for row in range(top, bottom + 1):
        for column in range(left, right + 1):
            if (row, column) == (top, left):
                continue
            edges = (row == top, column == left, column == right, row == bottom)
            cell = MergedCell(ws, row=row, column=column)
            cell._style = copy(_covered_style(ws, edges))
            ws._cells[row, column] = cell


_COVERED_STYLES: WeakKeyDictionary[Workbook, dict[tuple[bool, ...], StyleArray]] = WeakKeyDictionary()


def _covered_style(ws: Worksheet, edges: tuple[bool, bool, bool, bool]) -> StyleArray:
    styles = _COVERED_STYLES.setdefault(ws.parent, {})
    if edges not in styles:
        # What openpyxl's MergedCellRange.format does to a covered cell, once per kind of edge.
        cell = MergedCell(ws)
        for name, on_edge in zip(("top", "left", "right", "bottom"), edges, strict=True):
            if on_edge:
                cell.border += Border(**{name: getattr(BORDER, name)})
        cell.protection = copy(Cell(ws).protection)
        styles[edges] = copy(cell._style)
    return styles[edges]


def _percent(rate: Decimal | None) -> Decimal | None:
    """The exact ratio rounded half-up to a percentage with two decimals, as a fraction for a "0.00%" cell."""
    percent = as_percent(rate)
    return None if percent is None else percent / HUNDRED


def _wan(amount: Decimal | None) -> Decimal | None:
    return None if amount is None else to_wan(amount)


def _scored(evaluation: Evaluation) -> ScoredEvaluation | None:
    """The score the report prints; ``None`` when the evaluation's scheme cannot score (it does not validate)."""
    try:
        return score_of(evaluation)
    except InvalidScheme:
        return None


def _points(points: Decimal | None) -> Decimal | None:
    """Points rounded half-up to the two decimals the form shows; unknown stays unknown."""
    return None if points is None else quantize_half_up(points)


def _total_format(sheet: ScoreSheet) -> str:
    # The total as the scheme shows it: whole points under whole-point grades, else two decimals.
    return "0" if sheet.scheme.grades.precision == ONE else SCORE_FORMAT


def add_self_evaluation_sheet(ws: Worksheet, rows: EvaluationRows, scored: ScoredEvaluation | None = None) -> None:
    evaluation = rows.evaluation
    ws.title = sheets.SHEET_SELF_EVALUATION
    for letter, width in WIDTHS.items():
        ws.column_dimensions[letter].width = width

    _box(ws, 1, 1, _("部门整体支出绩效自评表"), right=LAST_COLUMN, bold=True)
    ws["A1"].font = Font(bold=True, size=16)
    ws.row_dimensions[1].height = 30
    _box(ws, 2, 1, _("（%(year)s年度）") % {"year": evaluation.year}, right=LAST_COLUMN)
    _box(ws, 3, 1, _("部门（单位）名称"), right=2, header=True)
    _box(ws, 3, 3, evaluation.unit.name, right=LAST_COLUMN, align=LEFT)

    # Funds block: the header on row 4, then 年度资金总额, "其中：" the three sources of funds, 基本支出 and 项目支出,
    # as the national form prints them (every row, blank where nobody entered the figure).
    figures = execution_figures(rows.execution)
    funds_lines = [
        (figures.total, _("年度资金总额"), True),
        *[
            (line, _("其中：%(label)s") % {"label": line.label} if n == 0 else str(line.label), False)
            for n, line in enumerate(figures.sources)
        ],
        *[(line, str(line.label), False) for line in figures.lines],
    ]
    last_funds_row = 4 + len(funds_lines)
    _box(ws, 4, 1, _("年度预算资金（万元）"), bottom=last_funds_row, header=True)
    _box(ws, 4, 2, "", right=3, header=True)
    funds_titles = [_("年初预算数"), _("全年预算数"), _("全年执行数"), _("分值"), _("执行率")]
    for column, title in enumerate(funds_titles, start=4):
        _box(ws, 4, column, title, header=True)
    _box(ws, 4, 9, _("得分"), right=LAST_COLUMN, header=True)
    sheet = scored.sheet if scored is not None else None
    # The scheme's execution-rate leaf scores the 年度资金总额 row; a scheme without one (Hunan's) leaves it empty.
    funds: LeafScore | None = sheet.leaf(EXECUTION_RATE) if sheet is not None else None
    for row, (line, label, is_total) in enumerate(funds_lines, start=5):
        _box(ws, row, 2, label, right=3, align=LEFT, bold=is_total)
        _box(ws, row, 4, _wan(line.initial_budget), number_format=WAN_FORMAT)
        _box(ws, row, 5, _wan(line.full_year_budget), number_format=WAN_FORMAT)
        _box(ws, row, 6, _wan(line.executed), number_format=WAN_FORMAT)
        weight = (funds.weight if funds else None) if is_total else "—"
        points = (_points(funds.points) if funds else None) if is_total else "—"
        _box(ws, row, 7, weight, number_format=SCORE_FORMAT)
        _box(ws, row, 8, _percent(line.rate), number_format=PERCENT_FORMAT)
        _box(ws, row, 9, points, right=LAST_COLUMN, number_format=SCORE_FORMAT)

    goal_row = _fund_types_block(ws, rows, first_row=_summary_block(ws, rows, first_row=last_funds_row + 1))

    # 年度总体目标: two rows.
    _box(ws, goal_row, 1, _("年度总体目标"), bottom=goal_row + 1, header=True)
    _box(ws, goal_row, 2, _("预期目标"), right=6, header=True)
    _box(ws, goal_row, 7, _("实际完成情况"), right=LAST_COLUMN, header=True)
    _box(ws, goal_row + 1, 2, evaluation.overall_goal, right=6, align=LEFT)
    _box(ws, goal_row + 1, 7, evaluation.overall_goal_result, right=LAST_COLUMN, align=LEFT)
    longest = max(len(evaluation.overall_goal), len(evaluation.overall_goal_result))
    # About 30 characters fit on a line of the merged cell; Excel does not grow merged rows by itself.
    ws.row_dimensions[goal_row + 1].height = max(40, 15 * (longest // 30 + 1))

    grid_row = goal_row + 2
    end = _indicator_grid(ws, rows, sheet, first_row=grid_row)
    ws.freeze_panes = "A5"
    ws.print_title_rows = f"{grid_row}:{grid_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_area = f"A1:{get_column_letter(LAST_COLUMN)}{end}"


def _summary_block(ws: Worksheet, rows: EvaluationRows, *, first_row: int) -> int:
    """支出总体情况 (万元): the totals as entered, and the execution rate when both of its figures are known.
    Returns the next free row."""
    summary = rows.summary
    figures = {
        key: getattr(summary, key, None) for key in ("total_budget", "total_spending", "basic_total", "project_total")
    }
    rate = execution_rate(figures["total_spending"], figures["total_budget"])
    boxes = [
        (2, 3, _("预算安排"), _wan(figures["total_budget"]), WAN_FORMAT),
        (4, 5, _("实际支出合计"), _wan(figures["total_spending"]), WAN_FORMAT),
        (6, 6, _("执行率"), _percent(rate), PERCENT_FORMAT),
        (7, 8, _("基本支出合计"), _wan(figures["basic_total"]), WAN_FORMAT),
        (9, LAST_COLUMN, _("项目支出合计"), _wan(figures["project_total"]), WAN_FORMAT),
    ]
    _box(ws, first_row, 1, _("支出总体情况（万元）"), bottom=first_row + 1, header=True)
    for left, right, title, value, number_format in boxes:
        _box(ws, first_row, left, title, right=right, header=True)
        _box(ws, first_row + 1, left, value, right=right, number_format=number_format)
    return first_row + 2


def _fund_types_block(ws: Worksheet, rows: EvaluationRows, *, first_row: int) -> int:
    """其他预算类型支出 (万元): one row per budget type; a question nobody answered stays blank.
    Returns the next free row."""
    by_type = {line.fund_type: line for line in rows.fund_types}
    types = list(sheets.fund_types().items())
    last_row = first_row + len(types)
    _box(ws, first_row, 1, _("其他预算类型支出（万元）"), bottom=last_row, header=True)
    _box(ws, first_row, 2, _("预算类型"), right=3, header=True)
    _box(ws, first_row, 4, _("是否有此项支出"), right=5, header=True)
    _box(ws, first_row, 6, _("支出金额"), header=True)
    _box(ws, first_row, 7, _("支出情况说明"), right=LAST_COLUMN, header=True)
    for row, (label, fund_type) in enumerate(types, start=first_row + 1):
        line = by_type.get(fund_type)
        answer = None if line is None or line.has_spending is None else sheets.answer_label(line.has_spending)
        _box(ws, row, 2, label, right=3, align=LEFT)
        _box(ws, row, 4, answer, right=5)
        _box(ws, row, 6, _wan(line.amount) if line else None, number_format=WAN_FORMAT)
        _box(ws, row, 7, line.narrative if line else None, right=LAST_COLUMN, align=LEFT)
    return last_row + 1


def _indicator_grid(ws: Worksheet, rows: EvaluationRows, sheet: ScoreSheet | None, *, first_row: int) -> int:
    """The indicator grid from ``first_row``, each indicator's 得分 from ``sheet`` (by its pk): "不适用", or empty
    while it cannot be computed; then 总分 and 等级. Returns the last row written (the 等级 row)."""
    titles = [
        _("一级指标"),
        _("二级指标"),
        _("三级指标"),
        _("指标性质"),
        _("度量单位"),
        _("年度指标值"),
        _("实际完成值"),
        _("分值"),
        _("得分"),
        _("偏差原因分析及改进措施"),
    ]
    for column, title in enumerate(titles, start=1):
        _box(ws, first_row, column, title, header=True)

    scored = {row.indicator.ref: row for leaf in sheet.leaves() for row in leaf.indicators} if sheet else {}
    row = first_row
    for row, indicator in enumerate(rows.indicators, start=first_row + 1):
        line = scored.get(indicator.pk)
        score = None if line is None else (_("不适用") if line.not_applicable else _points(line.points))
        _box(ws, row, 3, indicator.name, align=LEFT)
        _box(ws, row, 4, indicator.get_direction_display())
        _box(ws, row, 5, indicator.measure_unit)
        _box(ws, row, 6, _shown_value(indicator.target, indicator.target_text, indicator.is_qualitative))
        _box(ws, row, 7, _shown_value(indicator.actual, indicator.actual_text, indicator.is_qualitative))
        _box(ws, row, 8, indicator.weight, number_format=SCORE_FORMAT)
        _box(ws, row, 9, score, number_format=SCORE_FORMAT)
        _box(ws, row, 10, indicator.deviation_reason, align=LEFT)
    _merge_runs(ws, rows, first_row + 1)

    total_row = row + 1
    _box(ws, total_row, 1, _("总分"), right=7, header=True)
    # The score sheet's total, as the report shows it; while anything is missing the cell stays blank (never a
    # partial sum).
    full = sum((level1.weight for level1 in sheet.sections), Decimal(0)) if sheet else None
    total = sheet.scheme.grades.shown(sheet.total) if sheet and sheet.total is not None else None
    _box(ws, total_row, 8, full, number_format=SCORE_FORMAT, bold=True)
    _box(ws, total_row, 9, total, number_format=_total_format(sheet) if sheet else SCORE_FORMAT, bold=True)
    _box(ws, total_row, 10, "")
    grade_row = total_row + 1
    _box(ws, grade_row, 1, _("等级"), right=7, header=True)
    _box(ws, grade_row, 8, sheet.grade if sheet else None, right=9, bold=True)
    _box(ws, grade_row, 10, "")
    return grade_row


def _shown_value(number: Decimal | None, text: str, qualitative: bool) -> object:
    if qualitative or number is None:
        return text
    return plain_quantity(number)


def _merge_runs(ws: Worksheet, rows: EvaluationRows, first_row: int) -> None:
    """一级 and 二级 cells span the consecutive indicators that share them, as on the printed form."""
    for column, key in ((1, lambda i: (i.level1,)), (2, lambda i: (i.level1, i.level2))):
        start = 0
        indicators = rows.indicators
        for index in range(1, len(indicators) + 1):
            if index == len(indicators) or key(indicators[index]) != key(indicators[start]):
                label = indicators[start].level1 if column == 1 else indicators[start].level2
                _box(ws, first_row + start, column, label, bottom=first_row + index - 1)
                start = index


# ---------------------------------------------------------------------------
# 自评得分表: the whole score sheet
# ---------------------------------------------------------------------------
SCORE_WIDTHS = {"A": 12, "B": 12, "C": 22, "D": 8, "E": 8, "F": 64}
SCORE_LAST_COLUMN = 6


def add_score_sheet(ws: Worksheet, rows: EvaluationRows, scored: ScoredEvaluation) -> None:
    """Every 一级/二级/三级 leaf of the scheme with 分值, 得分 and 评分说明 (一级 and 二级 merged over their leaves),
    each 一级's subtotal, the adjustments, 总分 and 等级, then the formulas and grade bands. Values only."""
    sheet, evaluation = scored.sheet, rows.evaluation
    ws.title = sheets.SHEET_SCORE
    for letter, width in SCORE_WIDTHS.items():
        ws.column_dimensions[letter].width = width
    last = SCORE_LAST_COLUMN
    _box(ws, 1, 1, _("部门整体支出绩效自评得分表"), right=last, bold=True)
    ws["A1"].font = Font(bold=True, size=16)
    ws.row_dimensions[1].height = 30
    _box(ws, 2, 1, _("（%(year)s年度）") % {"year": evaluation.year}, right=last)
    _box(ws, 3, 1, _("部门（单位）名称"), right=2, header=True)
    _box(ws, 3, 3, evaluation.unit.name, right=last, align=LEFT)
    _box(ws, 4, 1, _("评分方案"), right=2, header=True)
    _box(ws, 4, 3, scored.scheme.name, right=last, align=LEFT)
    titles = [_("一级指标"), _("二级指标"), _("三级指标"), _("分值"), _("得分"), _("评分说明")]
    for column, title in enumerate(titles, start=1):
        _box(ws, 5, column, title, header=True)

    row = 6
    for level1 in sheet.sections:
        level1_top = row
        for group in level1.groups:
            group_top = row
            for leaf in group.leaves:
                _box(ws, row, 3, leaf.name, align=LEFT)
                _box(ws, row, 4, leaf.weight, number_format=SCORE_FORMAT)
                points = _("不适用") if leaf.not_applicable else _points(leaf.points)
                _box(ws, row, 5, points, number_format=SCORE_FORMAT)
                _box(ws, row, 6, leaf.explanation, align=LEFT)
                row += 1
            _box(ws, group_top, 2, group.name, bottom=row - 1)
        _box(ws, level1_top, 1, level1.name, bottom=row - 1)
        _box(ws, row, 1, _("%(name)s小计") % {"name": level1.name}, right=3, header=True)
        _box(ws, row, 4, level1.weight, number_format=SCORE_FORMAT, bold=True)
        subtotal = _("不适用") if level1.not_applicable else _points(level1.points)
        _box(ws, row, 5, subtotal, number_format=SCORE_FORMAT, bold=True)
        _box(ws, row, 6, "")
        row += 1
    for adjustment in sheet.adjustments:
        _box(ws, row, 1, adjustment_label(adjustment), right=3, header=True)
        _box(ws, row, 4, None)
        _box(ws, row, 5, _points(adjustment.points), number_format=SCORE_FORMAT)
        _box(ws, row, 6, adjustment.reason, align=LEFT)
        row += 1
    full = sum((level1.weight for level1 in sheet.sections), Decimal(0))
    total = sheet.scheme.grades.shown(sheet.total) if sheet.total is not None else None
    missing = "；".join(item.message for item in sheet.missing)
    _box(ws, row, 1, _("总分"), right=3, header=True)
    _box(ws, row, 4, full, number_format=SCORE_FORMAT, bold=True)
    _box(ws, row, 5, total, number_format=_total_format(sheet), bold=True)
    _box(ws, row, 6, missing, align=LEFT)
    _box(ws, row + 1, 1, _("等级"), right=3, header=True)
    _box(ws, row + 1, 4, sheet.grade, right=5, bold=True)
    _box(ws, row + 1, 6, "")
    end = row + 1
    for note in score_notes(scored):
        end += 1
        _box(ws, end, 1, note, right=last, align=LEFT)
        # About 70 characters fit on a line of the merged row; Excel does not grow merged rows by itself.
        ws.row_dimensions[end].height = max(20, 15 * (len(note) // 70 + 1))
    ws.freeze_panes = "A6"
    ws.print_title_rows = "5:5"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_area = f"A1:{get_column_letter(last)}{end}"
