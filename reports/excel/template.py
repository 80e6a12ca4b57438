"""The fill-in template: one sheet per kind of data, Chinese headers with their units, drop-down lists for the
fixed choices, prefilled with the evaluation's current data. The export reuses these sheets, so an exported
workbook can be uploaded again.

Rows are matched on re-import by the hidden ID column: a row with an ID updates that row, a row without one is new,
and a row of ours that is missing from the sheet is deleted (the preview lists every deletion first).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from achievements.models import Indicator
from budgets.figures import project_spending_figures
from budgets.models import BasicSpending, BudgetExecution, FundSource, FundTypeSpending, ProjectItem, SpendingSummary
from evaluations.models import Evaluation
from evaluations.money import plain_quantity

from . import sheets
from .safe_writer import write, write_row
from .sheets import Column, Kind

AMOUNT_FORMAT = "#,##0.00"
VALUE_FORMAT = "General"
WEIGHT_FORMAT = "0.00"
NUMBER_FORMATS = {Kind.AMOUNT: AMOUNT_FORMAT, Kind.VALUE: VALUE_FORMAT, Kind.WEIGHT: WEIGHT_FORMAT}

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="E8E8E3")
REQUIRED_FILL = PatternFill("solid", fgColor="F6E3C8")
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="center")


@dataclass(frozen=True)
class EvaluationRows:
    """Everything the workbook shows, fetched once: seven queries whatever the number of rows."""

    evaluation: Evaluation
    summary: SpendingSummary | None
    basic: list[BasicSpending]
    sources: list[FundSource]
    items: list[ProjectItem]
    fund_types: list[FundTypeSpending]
    execution: list[BudgetExecution]
    indicators: list[Indicator]


def fetch_rows(evaluation: Evaluation) -> EvaluationRows:
    return EvaluationRows(
        evaluation=evaluation,
        # filter().first() rather than evaluation.spending_summary: most evaluations have none, and the reverse
        # one-to-one accessor would raise instead of answering None.
        summary=SpendingSummary.objects.filter(evaluation=evaluation).first(),
        basic=list(evaluation.basic_spending.all()),
        sources=list(evaluation.fund_sources.all()),
        items=list(evaluation.project_items.all()),
        fund_types=list(evaluation.fund_type_spending.all()),
        execution=list(evaluation.budget_execution.all()),
        indicators=list(evaluation.indicators.order_by("order", "id")),
    )


def fetch_rows_for(evaluations: Sequence[Evaluation]) -> dict[int, EvaluationRows]:
    """:func:`fetch_rows` of many evaluations, by primary key: the same seven queries whatever their number, one per
    kind of row, grouped here (each list in the order its own accessor gives)."""
    ids = [evaluation.pk for evaluation in evaluations]
    if not ids:
        return {}

    def grouped(queryset: QuerySet[Any]) -> dict[int, list[Any]]:
        found: dict[int, list[Any]] = defaultdict(list)
        for row in queryset.filter(evaluation_id__in=ids):
            found[row.evaluation_id].append(row)
        return found

    summaries = {row.evaluation_id: row for row in SpendingSummary.objects.filter(evaluation_id__in=ids)}
    basic = grouped(BasicSpending.objects.all())
    sources = grouped(FundSource.objects.all())
    items = grouped(ProjectItem.objects.all())
    fund_types = grouped(FundTypeSpending.objects.all())
    execution = grouped(BudgetExecution.objects.all())
    indicators = grouped(Indicator.objects.order_by("order", "id"))
    return {
        pk: EvaluationRows(
            evaluation=evaluation,
            summary=summaries.get(pk),
            basic=basic.get(pk, []),
            sources=sources.get(pk, []),
            items=items.get(pk, []),
            fund_types=fund_types.get(pk, []),
            execution=execution.get(pk, []),
            indicators=indicators.get(pk, []),
        )
        for evaluation in evaluations
        for pk in [evaluation.pk]
    }


def build_template(evaluation: Evaluation) -> Workbook:
    """The fill-in template: the guide first, then the data sheets. In Chinese (sheets.WORKBOOK_LANGUAGE)."""
    rows = fetch_rows(evaluation)
    wb = Workbook()
    with translation.override(sheets.WORKBOOK_LANGUAGE):
        add_guide_sheet(wb.active, rows)
        add_data_sheets(wb, rows)
    return wb


def add_data_sheets(wb: Workbook, rows: EvaluationRows) -> None:
    lists = _add_lists_sheet(wb, rows)
    _add_summary_sheet(wb.create_sheet(sheets.SHEET_SUMMARY), rows)
    _add_basic_sheet(wb.create_sheet(sheets.SHEET_BASIC), rows)
    _add_projects_sheet(wb.create_sheet(sheets.SHEET_PROJECTS), rows, lists)
    _add_fund_types_sheet(wb.create_sheet(sheets.SHEET_FUND_TYPES), rows)
    _add_execution_sheet(wb.create_sheet(sheets.SHEET_EXECUTION), rows)
    _add_indicators_sheet(wb.create_sheet(sheets.SHEET_INDICATORS), rows)
    # The lists sheet must exist before the validations that point at it; it goes last so people land on data.
    wb.move_sheet(lists, offset=len(wb.sheetnames) - 1 - wb.sheetnames.index(lists.title))


def add_guide_sheet(ws: Worksheet, rows: EvaluationRows) -> None:
    ws.title = sheets.SHEET_GUIDE
    evaluation = rows.evaluation
    # Numbered here, not in the messages, so that adding a point does not change every translation.
    points = [
        _("金额一律以“元”为单位，保留到分（最多两位小数），不能为负数；")
        + _("请直接填写数字，不要带“元”“万元”或货币符号。"),
        _("网页上可以选择按万元填写；本工作簿一律按元，与系统保存的数字完全一致，导入导出都不做四舍五入。"),
        _("不知道或报告中没有的数字请留空，不要填 0：留空表示未填写，报告不会写出它；填 0 表示确实为零。"),
        _("请勿修改表头和“ID”列（已隐藏）。带 ID 的行会更新原有数据；新增的行请将 ID 留空；")
        + _("从表中删掉的行会在导入时删除。"),
        _("资金来源和指标性质请从下拉列表中选择；资金来源只能是本自评已有的来源，新的来源请先在网页上添加；")
        + _("项目不分资金来源时，资金来源留空。"),
        _("“支出总体情况”只填一行：报告只给出合计数时，可以只填这张表，基本支出和项目支出的明细留空。"),
        _("“其他预算类型支出”每类一行：有此项支出选“有”，并填写金额和说明；选“无”时报告写“本单位无此项支出”，")
        + _("不填金额；选“未填写”时金额和说明都留空。"),
        _("“预算执行”每类一行：基本支出和项目支出必填；财政拨款、上年结转资金和其他资金是同一笔年度资金按来源的")
        + _("划分，可以留空，三项都填了的，其合计须与基本支出加项目支出一致。"),
        _("指标性质为≥、≤或=时，年度指标值和实际完成值填写数字；定性指标请填写“定性”两栏，不填数值。"),
        _("实际完成值未达到年度指标值时，必须填写偏差原因分析及改进措施。"),
        _("请不要使用公式，直接填写数值。上传后系统会先检查整个工作簿并列出全部问题，确认后才一次性写入。"),
        _("只有草稿和已退回的绩效自评可以导入。文件不超过 5 MB，每张表不超过 %(rows)d 行。")
        % {"rows": sheets.MAX_ROWS_PER_SHEET},
    ]
    title = _("%(unit)s%(year)s年度部门整体支出绩效自评 · 数据填报模板") % {
        "unit": evaluation.unit.name,
        "year": evaluation.year,
    }
    lines = [title, "", *(f"{number}. {point}" for number, point in enumerate(points, start=1))]
    for number, line in enumerate(lines, start=1):
        write(ws, number, 1, line)
    ws["A1"].font = Font(bold=True, size=14)
    ws.column_dimensions["A"].width = 120


def _add_lists_sheet(wb: Workbook, rows: EvaluationRows) -> Worksheet:
    ws = wb.create_sheet(sheets.SHEET_LISTS)
    ws.sheet_state = "hidden"
    write(ws, 1, 1, sheets.PROJECT_COLUMNS[1].header)
    for number, source in enumerate(sorted(rows.sources, key=lambda s: (s.order, s.pk)), start=2):
        write(ws, number, 1, source.name)
    return ws


def _header(ws: Worksheet, columns: tuple[Column, ...]) -> None:
    write_row(ws, 1, [column.header for column in columns])
    for index, column in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=index)
        cell.font = HEADER_FONT
        cell.fill = REQUIRED_FILL if column.required else HEADER_FILL
        cell.alignment = WRAP
        cell.border = BORDER
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = column.width
        if column.kind is Kind.ID:
            ws.column_dimensions[letter].hidden = True
    ws.freeze_panes = "B2" if columns[0].kind is Kind.ID else "A2"
    ws.row_dimensions[1].height = 32


def _write_record(ws: Worksheet, row: int, columns: tuple[Column, ...], record: dict[str, object]) -> None:
    for index, column in enumerate(columns, start=1):
        number_format = NUMBER_FORMATS.get(column.kind)
        cell = write(ws, row, index, record.get(column.key), number_format=number_format)
        if number_format:
            # A blank amount stays blank; the format is set anyway, so that a figure typed into it shows as 元.
            cell.number_format = number_format


def _list_validation(ws: Worksheet, formula: str, column: int, prompt: str) -> None:
    validation = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True)
    validation.error = prompt
    validation.errorTitle = _("请从列表中选择")
    letter = get_column_letter(column)
    validation.add(f"{letter}2:{letter}{sheets.MAX_ROWS_PER_SHEET + 1}")
    ws.add_data_validation(validation)


def _inline_list(labels: list[str]) -> str:
    return '"' + ",".join(labels) + '"'


def _add_summary_sheet(ws: Worksheet, rows: EvaluationRows) -> None:
    columns = sheets.SUMMARY_COLUMNS
    _header(ws, columns)
    summary = rows.summary
    _write_record(ws, 2, columns, {column.key: getattr(summary, column.key, None) for column in columns})


def _add_fund_types_sheet(ws: Worksheet, rows: EvaluationRows) -> None:
    columns = sheets.FUND_TYPE_COLUMNS
    _header(ws, columns)
    by_type = {row.fund_type: row for row in rows.fund_types}
    for number, (label, fund_type) in enumerate(sheets.fund_types().items(), start=2):
        line = by_type.get(fund_type)
        _write_record(
            ws,
            number,
            columns,
            {
                "fund_type": label,
                "has_spending": sheets.answer_label(line.has_spending if line else None),
                "amount": line.amount if line else None,
                "narrative": line.narrative if line else "",
            },
        )
    _list_validation(ws, _inline_list(list(sheets.fund_types())), 1, _("预算类型只能是这三类之一，请勿修改。"))
    _list_validation(ws, _inline_list(list(sheets.ANSWERS)), 2, _("请选择“有”“无”或“未填写”。"))


def _add_basic_sheet(ws: Worksheet, rows: EvaluationRows) -> None:
    columns = sheets.BASIC_COLUMNS
    _header(ws, columns)
    by_category = {row.category: row for row in rows.basic}
    for number, (label, category) in enumerate(sheets.basic_categories().items(), start=2):
        line = by_category.get(category)
        _write_record(
            ws,
            number,
            columns,
            {
                "category": label,
                "amount": line.amount if line else None,
                "previous_amount": line.previous_amount if line else None,
                "change_reason": line.change_reason if line else "",
            },
        )
    _list_validation(ws, _inline_list(list(sheets.basic_categories())), 1, _("类别只能是人员经费或日常公用经费。"))


def _add_projects_sheet(ws: Worksheet, rows: EvaluationRows, lists: Worksheet) -> None:
    columns = sheets.PROJECT_COLUMNS
    _header(ws, columns)
    # The figures module decides the order (by source, then item), so the sheet reads like the report; items
    # without a source come last. Every item is written: one left out would be deleted by the next upload.
    grouped = [
        (group.source.name, item)
        for group in project_spending_figures(rows.sources, rows.items).groups
        for item in group.items
    ]
    listed = {item.pk for _name, item in grouped}
    unsourced = [(None, item) for item in sorted(rows.items, key=lambda i: (i.order, i.pk)) if item.pk not in listed]
    for number, (source_name, item) in enumerate([*grouped, *unsourced], start=2):
        _write_record(
            ws,
            number,
            columns,
            {
                "id": item.pk,
                "source": source_name,
                "name": item.name,
                "description": item.description,
                "amount": item.amount,
            },
        )
    if rows.sources:
        last = len(rows.sources) + 1
        _list_validation(
            ws,
            f"'{lists.title}'!$A$2:$A${last}",
            2,
            _("资金来源只能从本自评已有的来源中选择，新来源请先在网页上添加。"),
        )


def _add_execution_sheet(ws: Worksheet, rows: EvaluationRows) -> None:
    columns = sheets.EXECUTION_COLUMNS
    _header(ws, columns)
    by_kind = {row.kind: row for row in rows.execution}
    for number, (label, kind) in enumerate(sheets.execution_kinds().items(), start=2):
        line = by_kind.get(kind)
        _write_record(
            ws,
            number,
            columns,
            {
                "kind": label,
                "initial_budget": line.initial_budget if line else None,
                "full_year_budget": line.full_year_budget if line else None,
                "executed": line.executed if line else None,
            },
        )
    _list_validation(
        ws,
        _inline_list(list(sheets.execution_kinds())),
        1,
        _("只能是基本支出、项目支出、财政拨款、上年结转资金或其他资金，请勿修改。"),
    )


def direction_label(direction: str) -> str:
    return {value: label for label, value in sheets.directions().items()}.get(direction, direction)


def _add_indicators_sheet(ws: Worksheet, rows: EvaluationRows) -> None:
    columns = sheets.INDICATOR_COLUMNS
    _header(ws, columns)
    for number, indicator in enumerate(rows.indicators, start=2):
        record = {column.key: getattr(indicator, column.key, None) for column in columns}
        record["id"] = indicator.pk
        record["direction"] = direction_label(indicator.direction)
        # Stored with four decimals (10.0000); written normalised so that the cell shows 10, as typed.
        for key in ("target", "actual"):
            if record[key] is not None:
                record[key] = plain_quantity(record[key])
        _write_record(ws, number, columns, record)
    direction_column = next(i for i, c in enumerate(columns, start=1) if c.key == "direction")
    _list_validation(ws, _inline_list(list(sheets.directions())), direction_column, _("指标性质只能是≥、≤、=或定性。"))
