"""Upload of a filled-in workbook, in three steps, so that nothing is ever half-written:

1. :func:`check_file` refuses what is not a sane .xlsx before openpyxl sees it (size, .xls, zip bombs, renamed files);
2. :func:`read_workbook` parses and validates every cell of every data sheet into plain, JSON-able data and lists
   every problem with its sheet, row and column — nothing is written;
3. :func:`plan_import` compares that data with the database and lists every change (additions, updates, deletions,
   new order); :func:`apply_import` writes all of it in one transaction through the gate of every content change
   (lock, workflow guard, the actor's right to edit, history), after checking that the plan is still the one
   previewed.

Row matching: the hidden ID column. A row with an ID updates our row with that ID (an ID that is not ours is an
error); a row without an ID is new; our rows missing from the sheet are deleted. An unknown 资金来源 is an error, not
a new source: a typo would otherwise split one source's subtotal in two, and sources carry report wording that a
sheet cannot supply. A blank 资金来源 is an item without a source.

Blank is not zero: a blank amount is stored as NULL (unknown) and a 0 as 0. A sheet with one row per fixed category
(支出总体情况, 基本支出, 其他预算类型支出, 预算执行) creates no row for a category left entirely blank, so that the
unchanged template of an empty evaluation writes nothing.
"""

from __future__ import annotations

import hashlib
import io
import json
import time
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from defusedxml import DefusedXmlException
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from achievements.models import Indicator
from achievements.rules import shortfall_reason_error
from budgets.models import BasicSpending, BudgetExecution, FundTypeSpending, ProjectItem, SpendingSummary
from budgets.rules import fund_type_errors
from evaluations.history import Via
from evaluations.models import Evaluation, Section
from evaluations.rows import RowWrites, write_rows
from evaluations.services import content_change

from . import cells, sheets
from .cells import CellError
from .sheets import Column, Kind

STATE_CHANGED = gettext_lazy("预览之后，该绩效自评的状态已经改变，本次导入未写入任何数据。请重新上传。")
DATA_CHANGED = gettext_lazy("预览之后，该绩效自评的数据已被修改，本次导入未写入任何数据。请重新上传并核对预览。")

OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
BROKEN = gettext_lazy("工作簿已损坏或格式不正确，无法读取。请用 Excel 打开后重新保存为 .xlsx 再上传。")
TOO_LARGE_UNPACKED = gettext_lazy("工作簿解压后过大，无法处理。请删除与模板无关的工作表和图片后再上传。")
TOO_SLOW = gettext_lazy(
    "读取工作簿超过 %(seconds)d 秒，已停止。请删除与模板无关的工作表、格式和内容，或重新下载模板填写后再上传。"
)
# What the zip and XML layers raise for a part that is corrupt or not well-formed, while a sheet is read row by row.
# Anything else is a bug of ours and must show as one (a 500 and a log entry), not as the uploader's "broken file".
_BROKEN_PART_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    SyntaxError,  # xml.etree.ElementTree.ParseError
    DefusedXmlException,
)
# Opening the workbook also reads its directory of parts: a part it names may be missing (KeyError), or the
# package may not be a spreadsheet at all (InvalidFileException). A sheet missing later is found by name instead.
_BROKEN_WORKBOOK_ERRORS = (*_BROKEN_PART_ERRORS, KeyError, InvalidFileException)
_INVALID = object()  # a cell that failed validation: its problem is already listed


class UploadRejected(Exception):
    """The file as a whole is unusable; the message says why, in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int | None
    column: str | None  # the column letter, as Excel shows it
    header: str
    message: str


class ImportRefused(Exception):
    """The workbook has problems; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


# ---------------------------------------------------------------------------
# 1. The file
# ---------------------------------------------------------------------------
def check_file(content: bytes) -> None:
    """Refuse anything that is not a reasonably sized .xlsx, before openpyxl parses a byte of it."""
    if not content:
        raise UploadRejected(_("上传的文件是空的。"))
    if len(content) > sheets.MAX_UPLOAD_BYTES:
        raise UploadRejected(
            _("文件过大（%(size).1f MB），上限为 %(limit)d MB。")
            % {"size": len(content) / 1024 / 1024, "limit": sheets.MAX_UPLOAD_BYTES // 1024 // 1024}
        )
    if content.startswith(OLE2_SIGNATURE):
        raise UploadRejected(
            _("这是旧版 Excel（.xls）文件，无法读取。请在 Excel 中“另存为”Excel 工作簿（.xlsx）后再上传。")
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, OSError):
        raise UploadRejected(_("这不是 Excel 工作簿（.xlsx）文件，请上传从本系统下载并填写的模板。")) from None
    with archive:
        entries = archive.infolist()
        if "xl/workbook.xml" not in {entry.filename for entry in entries}:
            raise UploadRejected(_("这不是 Excel 工作簿（.xlsx）文件（可能是 Word 文档或其他压缩包）。"))
        # The sizes in the zip directory bound what zipfile will inflate (it stops at the declared size), so checking
        # them stops a zip bomb and a workbook whose XML would take minutes to parse.
        unpacked = sum(entry.file_size for entry in entries)
        if len(entries) > sheets.MAX_ZIP_ENTRIES or unpacked > settings.EXCEL_MAX_UNCOMPRESSED_MB * 1024 * 1024:
            raise UploadRejected(str(TOO_LARGE_UNPACKED))
        shared_strings = next((e for e in entries if e.filename == "xl/sharedStrings.xml"), None)
        if shared_strings is not None and shared_strings.file_size > sheets.MAX_SHARED_STRINGS_BYTES:
            raise UploadRejected(str(TOO_LARGE_UNPACKED))


# ---------------------------------------------------------------------------
# 2. The workbook → plain data
# ---------------------------------------------------------------------------
def read_workbook(content: bytes) -> tuple[dict[str, Any], list[Problem]]:
    """Every data sheet as plain data (Decimals as strings, so that it can wait in the session), and every problem.
    Checks nothing that depends on the database."""
    check_file(content)
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except _BROKEN_WORKBOOK_ERRORS:
        # openpyxl raises several exceptions for broken parts; to the person uploading they are one.
        raise UploadRejected(str(BROKEN)) from None
    try:
        missing = [name for name in sheets.DATA_SHEETS if name not in wb.sheetnames]
        if missing:
            raise UploadRejected(
                _("工作簿缺少工作表：%(names)s。请使用本系统下载的模板，不要重命名或删除工作表。")
                % {"names": "、".join(f"“{name}”" for name in missing)}
            )
        reader = _Reader(deadline=time.monotonic() + settings.EXCEL_READ_SECONDS)
        data = {
            "summary": reader.summary(wb[sheets.SHEET_SUMMARY]),
            "basic": reader.basic(wb[sheets.SHEET_BASIC]),
            "projects": reader.projects(wb[sheets.SHEET_PROJECTS]),
            "fund_types": reader.fund_types(wb[sheets.SHEET_FUND_TYPES]),
            "execution": reader.execution(wb[sheets.SHEET_EXECUTION]),
            "indicators": reader.indicators(wb[sheets.SHEET_INDICATORS]),
        }
    except _BROKEN_PART_ERRORS:
        # A sheet's XML is read row by row as we go, so a broken sheet shows here rather than at load_workbook.
        raise UploadRejected(str(BROKEN)) from None
    finally:
        wb.close()
    return data, reader.problems


def _decimal_text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


class _Reader:
    """Reads the sheets cell by cell, collecting every problem instead of stopping at the first."""

    def __init__(self, deadline: float) -> None:
        self.problems: list[Problem] = []
        # time.monotonic() by which reading must be done: a workbook within the size limits can still be slow to
        # parse (thousands of styled empty rows), and a request must not hold a worker for minutes.
        self.deadline = deadline

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise UploadRejected(str(TOO_SLOW) % {"seconds": settings.EXCEL_READ_SECONDS})

    def problem(self, sheet: str, row: int | None, index: int | None, columns: tuple[Column, ...], message: str):
        header = columns[index - 1].header if index else ""
        letter = get_column_letter(index) if index else None
        self.problems.append(Problem(sheet=sheet, row=row, column=letter, header=header, message=message))

    def rows(self, ws, columns: tuple[Column, ...]) -> list[tuple[int, list[object]]]:
        """The non-empty data rows as (row number, raw values); formulas and a wrong header are problems."""
        sheet = ws.title
        width = len(columns)
        iterator = ws.iter_rows(min_row=1, max_col=width)
        header = next(iterator, ())
        header_values = [cell.value for cell in header] + [None] * (width - len(header))
        header_ok = True
        for index, column in enumerate(columns, start=1):
            found = cells.parse_text(header_values[index - 1])
            if found != column.header:
                header_ok = False
                self.problem(
                    sheet,
                    1,
                    index,
                    columns,
                    _("表头应为“%(expected)s”，实际为“%(found)s”。请使用本系统下载的模板，不要增删或移动列。")
                    % {"expected": column.header, "found": found},
                )
        if not header_ok:
            return []
        result = []
        # Read-only worksheets yield every row from min_row on, empty ones included, so counting is exact.
        for row_number, row_cells in enumerate(iterator, start=2):
            self.check_time()
            if row_number > sheets.MAX_SHEET_EXTENT:
                self.problem(
                    sheet,
                    row_number,
                    None,
                    columns,
                    _("第%(max)d行之后还有内容，超出模板的范围，其余各行未检查。") % {"max": sheets.MAX_SHEET_EXTENT},
                )
                break
            if not row_cells or all(cells.is_blank(cell.value) for cell in row_cells):
                continue
            if len(result) == sheets.MAX_ROWS_PER_SHEET:
                self.problem(
                    sheet,
                    row_number,
                    None,
                    columns,
                    _("数据行数超过上限 %(max)d 行，其余各行未检查。") % {"max": sheets.MAX_ROWS_PER_SHEET},
                )
                break
            values: list[object] = []
            for index in range(1, width + 1):
                cell = row_cells[index - 1] if index <= len(row_cells) else None
                if cell is not None and cell.data_type == "f":
                    self.problem(
                        sheet,
                        row_number,
                        index,
                        columns,
                        _("该单元格是公式（%(formula)s）。系统不计算公式，请改为直接填写数值或文字。")
                        % {"formula": str(cell.value)[:40]},
                    )
                    values.append(_INVALID)
                else:
                    values.append(None if cell is None else cell.value)
            result.append((row_number, values))
        return result

    def fields(
        self,
        sheet: str,
        row: int,
        columns: tuple[Column, ...],
        values: list[object],
        parsers: dict[Kind, Callable[[Column, object], object]],
    ) -> dict[str, object]:
        """Each cell through its column's parser; a failed cell becomes _INVALID and a problem."""
        record: dict[str, object] = {}
        for index, (column, raw) in enumerate(zip(columns, values, strict=True), start=1):
            if raw is _INVALID:
                record[column.key] = _INVALID
                continue
            try:
                value = parsers[column.kind](column, raw)
            except CellError as error:
                self.problem(sheet, row, index, columns, error.message)
                record[column.key] = _INVALID
                continue
            if column.required and (value is None or value == ""):
                self.problem(sheet, row, index, columns, _("必填，不能为空。"))
                value = _INVALID
            record[column.key] = value
        return record

    @staticmethod
    def _parsers(choices: dict[str, str] | None = None, aliases: dict[str, str] | None = None):
        return {
            Kind.ID: lambda column, raw: cells.parse_id(raw),
            Kind.TEXT: lambda column, raw: cells.parse_text(raw, max_length=column.max_length),
            Kind.AMOUNT: lambda column, raw: cells.parse_amount(raw),
            Kind.VALUE: lambda column, raw: cells.parse_value(raw),
            Kind.WEIGHT: lambda column, raw: cells.parse_weight(raw),
            Kind.ANSWER: lambda column, raw: cells.parse_answer(raw, sheets.ANSWERS),
            # Free-text choices (资金来源) are checked against the database in plan_import.
            Kind.CHOICE: (
                (lambda column, raw: cells.parse_choice(raw, choices, aliases))
                if choices is not None
                else (lambda column, raw: cells.parse_text(raw))
            ),
        }

    def _fixed_rows(
        self,
        ws,
        columns,
        choices: dict[str, str],
        key: str,
        check: Callable | None = None,
        optional: frozenset[str] = frozenset(),
    ) -> dict[str, dict[str, object]]:
        """Sheets with one row per fixed category (基本支出, 其他预算类型支出, 预算执行): each category at most once,
        and exactly once unless ``optional`` (a row left out leaves what is stored as it is)."""
        sheet = ws.title
        found: dict[str, dict[str, object]] = {}
        parsers = self._parsers(choices)
        for row, values in self.rows(ws, columns):
            record = self.fields(sheet, row, columns, values, parsers)
            if check is not None:
                check(sheet, row, columns, record)
            category = record.pop(key)
            if category is _INVALID:
                continue
            if category in found:
                self.problem(sheet, row, 1, columns, _("该类别重复出现，每个类别只填一行。"))
                continue
            record["row"] = row
            found[category] = record
        labels = {value: label for label, value in choices.items()}
        if self.rows_were_read(sheet):
            for category, label in labels.items():
                if category not in found and category not in optional:
                    self.problem(sheet, None, 1, columns, _("缺少“%(label)s”这一行。") % {"label": label})
        return {
            category: {k: (_decimal_text(v) if isinstance(v, Decimal) else v) for k, v in record.items()}
            for category, record in found.items()
            if _INVALID not in record.values()
        }

    def rows_were_read(self, sheet: str) -> bool:
        # A sheet whose header was wrong had no rows read; "missing row" problems would only add noise.
        return not any(p.sheet == sheet and p.row == 1 for p in self.problems)

    def basic(self, ws) -> dict[str, dict[str, object]]:
        return self._fixed_rows(ws, sheets.BASIC_COLUMNS, sheets.basic_categories(), "category")

    def execution(self, ws) -> dict[str, dict[str, object]]:
        # The source lines came after the first templates: a workbook without them (downloaded before, or from a
        # unit that does not split its funds) still imports, and leaves the stored source lines alone.
        return self._fixed_rows(
            ws,
            sheets.EXECUTION_COLUMNS,
            sheets.execution_kinds(),
            "kind",
            optional=frozenset(BudgetExecution.SOURCES),
        )

    def fund_types(self, ws) -> dict[str, dict[str, object]]:
        return self._fixed_rows(
            ws, sheets.FUND_TYPE_COLUMNS, sheets.fund_types(), "fund_type", check=self._check_fund_type
        )

    def _check_fund_type(self, sheet: str, row: int, columns, record: dict[str, object]) -> None:
        """The answer and the figures of one budget type must say the same thing: the report prints either
        “本单位无此项支出” or the amount and its narrative, never both, and never figures whose answer is unknown."""
        index = {column.key: number for number, column in enumerate(columns, start=1)}
        values = [record.get(name) for name in ("has_spending", "amount", "narrative")]
        if _INVALID in values:
            return
        for name, message in fund_type_errors(*values).items():
            self.problem(sheet, row, index[name], columns, message)
            record[name] = _INVALID

    def summary(self, ws) -> dict[str, object] | None:
        """The one row of totals; every cell blank when the sheet's row is blank. None when a cell is invalid."""
        sheet, columns = ws.title, sheets.SUMMARY_COLUMNS
        rows = self.rows(ws, columns)
        if not self.rows_were_read(sheet):
            return None
        for row, _values in rows[1:]:
            self.problem(sheet, row, None, columns, _("本表只填一行（第2行），请把多余的行删掉。"))
        if not rows:
            return {"row": 2, **dict.fromkeys((column.key for column in columns), None)}
        row, values = rows[0]
        record = self.fields(sheet, row, columns, values, self._parsers())
        if _INVALID in record.values() or len(rows) > 1:
            return None
        return {"row": row, **{k: _decimal_text(v) for k, v in record.items()}}

    def _listed_rows(self, ws, columns, parsers, check: Callable | None = None) -> list[dict[str, object]]:
        sheet = ws.title
        result = []
        seen_ids: dict[int, int] = {}
        for row, values in self.rows(ws, columns):
            record = self.fields(sheet, row, columns, values, parsers)
            row_id = record.get("id")
            if isinstance(row_id, int):
                if row_id in seen_ids:
                    self.problem(
                        sheet,
                        row,
                        1,
                        columns,
                        _("ID 与第%(other)d行重复。复制行新增数据时，请清空新行的 ID。") % {"other": seen_ids[row_id]},
                    )
                    record["id"] = _INVALID
                else:
                    seen_ids[row_id] = row
            if check is not None:
                check(sheet, row, columns, record)
            if _INVALID in record.values():
                continue
            record["row"] = row
            result.append({k: (_decimal_text(v) if isinstance(v, Decimal) else v) for k, v in record.items()})
        return result

    def projects(self, ws) -> list[dict[str, object]]:
        return self._listed_rows(ws, sheets.PROJECT_COLUMNS, self._parsers())

    def indicators(self, ws) -> list[dict[str, object]]:
        parsers = self._parsers(sheets.directions(), sheets.DIRECTION_ALIASES)
        return self._listed_rows(ws, sheets.INDICATOR_COLUMNS, parsers, check=self._check_indicator)

    def _check_indicator(self, sheet: str, row: int, columns, record: dict[str, object]) -> None:
        """Rules that tie cells of one indicator together."""
        index = {column.key: number for number, column in enumerate(columns, start=1)}
        direction = record.get("direction")
        if direction is _INVALID:
            return
        if direction == Indicator.Direction.QUALITATIVE:
            for key in ("target", "actual"):
                if record.get(key) not in (None, _INVALID):
                    self.problem(
                        sheet,
                        row,
                        index[key],
                        columns,
                        _("定性指标不填数值，请把内容填在“%(column)s（定性）”栏。")
                        % {"column": columns[index[key] - 1].header},
                    )
                    record[key] = _INVALID
            return
        if record.get("target") is _INVALID or record.get("actual") is _INVALID:
            return
        if record.get("deviation_reason") is _INVALID:
            return
        name = record.get("name")
        error = shortfall_reason_error(
            name=name if isinstance(name, str) else "",
            direction=direction,
            target=record.get("target"),
            actual=record.get("actual"),
            reason=record.get("deviation_reason"),
        )
        if error is not None:
            self.problem(sheet, row, index["deviation_reason"], columns, error.messages[0])
            record["deviation_reason"] = _INVALID


# ---------------------------------------------------------------------------
# 3. Plain data + database → plan of changes
# ---------------------------------------------------------------------------
ACTION_LABELS = {
    "add": gettext_lazy("新增"),
    "update": gettext_lazy("修改"),
    "delete": gettext_lazy("删除"),
    "reorder": gettext_lazy("调整顺序"),
}


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class RowChange:
    sheet: str
    action: str  # add, update, delete, reorder
    row: int | None
    label: str
    fields: tuple[FieldChange, ...] = ()

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS[self.action])


@dataclass
class _Writes:
    create: dict[type[models.Model], list[models.Model]] = field(default_factory=dict)
    update: dict[type[models.Model], dict[models.Model, set[str]]] = field(default_factory=dict)
    delete: dict[type[models.Model], list[int]] = field(default_factory=dict)

    def add(self, obj: models.Model) -> None:
        self.create.setdefault(type(obj), []).append(obj)

    def change(self, obj: models.Model, *names: str) -> None:
        self.update.setdefault(type(obj), {}).setdefault(obj, set()).update(names)

    def remove(self, obj: models.Model) -> None:
        self.delete.setdefault(type(obj), []).append(obj.pk)


@dataclass
class ImportPlan:
    problems: list[Problem] = field(default_factory=list)
    changes: list[RowChange] = field(default_factory=list)
    writes: _Writes = field(default_factory=_Writes)

    @property
    def digest(self) -> str:
        """A fingerprint of the change list: confirm writes only when it equals the one previewed."""
        listing = [
            [c.sheet, c.action, c.row, c.label, [[f.label, f.before, f.after] for f in c.fields]] for c in self.changes
        ]
        return hashlib.sha256(json.dumps(listing, ensure_ascii=False).encode()).hexdigest()

    @property
    def deletions(self) -> list[RowChange]:
        return [change for change in self.changes if change.action == "delete"]

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(ACTION_LABELS, 0)
        for change in self.changes:
            counts[change.action] += 1
        return counts


def _shown(value: object) -> str:
    if value is None or value == "":
        return _("（空）")
    if isinstance(value, bool):  # 是否有此项支出
        return sheets.answer_label(value)
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


def _compare(
    obj: models.Model, columns: tuple[Column, ...], new: dict[str, object], writes: _Writes | None, display=None
):
    """Set the changed fields on ``obj`` and return what changed, for the preview."""
    changed: list[FieldChange] = []
    names: list[str] = []
    for column in columns:
        if column.key not in new or column.kind is Kind.ID:
            continue
        before = getattr(obj, column.key)
        after = new[column.key]
        if column.kind in (Kind.AMOUNT, Kind.VALUE, Kind.WEIGHT):
            after = None if after is None else Decimal(after)
            same = (before is None and after is None) or (
                before is not None and after is not None and Decimal(before) == after
            )
        else:
            same = before == after
        if not same:
            shown = display or _generic_display
            changed.append(FieldChange(column.header, shown(column.key, before), shown(column.key, after)))
            setattr(obj, column.key, after)
            names.append(column.key)
    if names and writes is not None:  # None for a new row: it is created whole
        writes.change(obj, *names)
    return tuple(changed)


def _generic_display(key: str, value: object) -> str:
    return _shown(value)


def plan_import(evaluation: Evaluation, data: dict[str, Any]) -> ImportPlan:
    """Compare the workbook's data with the evaluation's rows: every change, and every problem that only the
    database can reveal (IDs that are not ours, unknown sources). Reads seven queries; writes nothing."""
    plan = ImportPlan()
    # In the workbook's order, so that the preview lists the changes sheet by sheet. The two sheets of issue 9 are
    # read with .get: a preview made by the previous version may still wait in someone's session.
    _plan_summary(plan, evaluation, data.get("summary"))
    _plan_fixed(
        plan,
        evaluation,
        sheets.SHEET_BASIC,
        sheets.BASIC_COLUMNS,
        data["basic"],
        list(evaluation.basic_spending.all()),
        BasicSpending,
        "category",
        sheets.basic_categories(),
    )
    _plan_projects(plan, evaluation, data["projects"])
    _plan_fixed(
        plan,
        evaluation,
        sheets.SHEET_FUND_TYPES,
        sheets.FUND_TYPE_COLUMNS,
        data.get("fund_types", {}),
        list(evaluation.fund_type_spending.all()),
        FundTypeSpending,
        "fund_type",
        sheets.fund_types(),
    )
    _plan_fixed(
        plan,
        evaluation,
        sheets.SHEET_EXECUTION,
        sheets.EXECUTION_COLUMNS,
        data["execution"],
        list(evaluation.budget_execution.all()),
        BudgetExecution,
        "kind",
        sheets.execution_kinds(),
    )
    _plan_indicators(plan, evaluation, data["indicators"])
    return plan


def _is_blank_record(columns: tuple[Column, ...], record: dict[str, Any]) -> bool:
    return all(record.get(column.key) in (None, "") for column in columns if column.kind is not Kind.CHOICE)


def _added_fields(columns: tuple[Column, ...], record: dict[str, Any]) -> tuple[FieldChange, ...]:
    return tuple(
        FieldChange(c.header, _shown(None), _shown(record[c.key]))
        for c in columns
        if c.key in record and record[c.key] not in (None, "")
    )


def _plan_summary(plan: ImportPlan, evaluation: Evaluation, record: dict[str, Any] | None) -> None:
    sheet, columns = sheets.SHEET_SUMMARY, sheets.SUMMARY_COLUMNS
    if record is None:  # a cell was refused; its problem is listed
        return
    label = str(SpendingSummary._meta.verbose_name)
    summary = SpendingSummary.objects.filter(evaluation=evaluation).first()
    if summary is None:
        if _is_blank_record(columns, record):
            return
        summary = SpendingSummary(evaluation=evaluation)
        _compare(summary, columns, record, None)
        plan.writes.add(summary)
        plan.changes.append(RowChange(sheet, "add", record["row"], label, _added_fields(columns, record)))
        return
    fields = _compare(summary, columns, record, plan.writes)
    if fields:
        plan.changes.append(RowChange(sheet, "update", record["row"], label, fields))


def _plan_fixed(plan, evaluation, sheet, columns, records, existing, model, key, choices) -> None:
    by_key = {getattr(obj, key): obj for obj in existing}
    labels = {value: label for label, value in choices.items()}
    for category, label in labels.items():
        record = records.get(category)
        if record is None:
            continue
        obj = by_key.get(category)
        if obj is None:
            if _is_blank_record(columns, record):
                # Nothing entered for a category we hold nothing for: no row, rather than a row of blanks.
                continue
            obj = model(evaluation=evaluation, **{key: category})
            _compare(obj, columns, record, None)
            plan.writes.add(obj)
            plan.changes.append(RowChange(sheet, "add", record["row"], label, _added_fields(columns, record)))
            continue
        fields = _compare(obj, columns, record, plan.writes)
        if fields:
            plan.changes.append(RowChange(sheet, "update", record["row"], label, fields))


def _id_problem(plan: ImportPlan, sheet: str, row: int, columns) -> None:
    plan.problems.append(
        Problem(
            sheet,
            row,
            "A",
            columns[0].header,
            _("该 ID 不属于本绩效自评的数据（可能已被删除，或复制自其他文件）。新增的行请将 ID 留空。"),
        )
    )


def _order(plan: ImportPlan, sheet: str, label: str, sequence: list[models.Model], original: dict[int, int]) -> None:
    """Keep the stored order when the sheet keeps it and only appends; otherwise number the rows as in the sheet.

    ``original`` maps the pk of each row that already belonged to this group to its stored order."""
    kept = [obj for obj in sequence if obj.pk in original]
    kept_in_stored_order = sorted(kept, key=lambda obj: (original[obj.pk], obj.pk))
    first_other = next((n for n, obj in enumerate(sequence) if obj.pk not in original), len(sequence))
    only_appended = all(obj.pk not in original for obj in sequence[first_other:])
    if kept == kept_in_stored_order and only_appended:
        next_order = max(original.values(), default=0) + 1
        for obj in sequence[first_other:]:
            if obj.pk is not None:
                plan.writes.change(obj, "order")
            obj.order = next_order
            next_order += 1
        return
    for number, obj in enumerate(sequence, start=1):
        if obj.order != number or obj.pk not in original:
            obj.order = number
            if obj.pk is not None:
                plan.writes.change(obj, "order")
    plan.changes.append(RowChange(sheet, "reorder", None, label))


def _plan_projects(plan: ImportPlan, evaluation: Evaluation, records: list[dict[str, Any]]) -> None:
    sheet, columns = sheets.SHEET_PROJECTS, sheets.PROJECT_COLUMNS
    sources = {source.name: source for source in evaluation.fund_sources.all()}
    sources_by_pk = {source.pk: source for source in sources.values()}
    items = {item.pk: item for item in evaluation.project_items.all()}
    original = {pk: (item.source_id, item.order) for pk, item in items.items()}

    # The source is compared by id, not through item.source, which would cost a query per row.
    other_columns = tuple(column for column in columns if column.key != "source")

    def source_name(source_id: int | None) -> str:
        return sources_by_pk[source_id].name if source_id is not None else ""

    def label(source_id: int | None, name: str) -> str:
        return f"{source_name(source_id)} · {name}" if source_id is not None else name

    seen: set[int] = set()
    # Items are numbered within their source; the items without a source (None) form a group of their own.
    groups: dict[int | None, list[ProjectItem]] = {}
    for record in records:
        source = sources.get(record["source"]) if record["source"] else None
        if record["source"] and source is None:
            plan.problems.append(
                Problem(
                    sheet,
                    record["row"],
                    "B",
                    columns[1].header,
                    _(
                        "资金来源“%(name)s”不存在。请从下拉列表中选择本自评已有的来源：%(names)s；新的来源请先在网页上添加。"
                    )
                    % {"name": record["source"], "names": "、".join(sources) or _("（尚无资金来源）")},
                )
            )
            continue
        source_id = source.pk if source else None
        if record["id"] is None:
            item = ProjectItem(evaluation=evaluation, source=source)
            _compare(item, other_columns, record, None)
            plan.writes.add(item)
            plan.changes.append(
                RowChange(
                    sheet,
                    "add",
                    record["row"],
                    label(source_id, item.name),
                    (FieldChange(columns[4].header, _shown(None), _shown(record["amount"])),),
                )
            )
        else:
            item = items.get(record["id"])
            if item is None:
                _id_problem(plan, sheet, record["row"], columns)
                continue
            seen.add(item.pk)
            before = label(item.source_id, item.name)
            fields = _compare(item, other_columns, record, plan.writes)
            if item.source_id != source_id:
                moved = FieldChange(
                    columns[1].header, _shown(source_name(item.source_id)), _shown(source_name(source_id))
                )
                fields = (moved, *fields)
                item.source = source
                plan.writes.change(item, "source")
            if fields:
                plan.changes.append(RowChange(sheet, "update", record["row"], before, fields))
        groups.setdefault(source_id, []).append(item)

    for pk, item in items.items():
        if pk not in seen:
            plan.writes.remove(item)
            plan.changes.append(
                RowChange(
                    sheet,
                    "delete",
                    None,
                    label(item.source_id, item.name),
                    (FieldChange(columns[4].header, _shown(item.amount), _shown(None)),),
                )
            )
    for source_id, sequence in groups.items():
        stored = {pk: order for pk, (stored_source, order) in original.items() if stored_source == source_id}
        group_label = source_name(source_id) or _("未注明资金来源的项目")
        _order(plan, sheet, group_label, sequence, stored)


def _plan_indicators(plan: ImportPlan, evaluation: Evaluation, records: list[dict[str, Any]]) -> None:
    sheet, columns = sheets.SHEET_INDICATORS, sheets.INDICATOR_COLUMNS
    indicators = {indicator.pk: indicator for indicator in evaluation.indicators.all()}
    original = {pk: indicator.order for pk, indicator in indicators.items()}
    labels = {value: label for label, value in sheets.directions().items()}

    def display(key: str, value: object) -> str:
        return labels.get(value, _shown(value)) if key == "direction" else _shown(value)

    seen: set[int] = set()
    sequence: list[Indicator] = []
    for record in records:
        if record["id"] is None:
            indicator = Indicator(evaluation=evaluation)
            _compare(indicator, columns, record, None)
            plan.writes.add(indicator)
            plan.changes.append(RowChange(sheet, "add", record["row"], f"{indicator.level1} · {indicator.name}"))
        else:
            indicator = indicators.get(record["id"])
            if indicator is None:
                _id_problem(plan, sheet, record["row"], columns)
                continue
            seen.add(indicator.pk)
            label = f"{indicator.level1} · {indicator.name}"
            fields = _compare(indicator, columns, record, plan.writes, display)
            if fields:
                plan.changes.append(RowChange(sheet, "update", record["row"], label, fields))
        sequence.append(indicator)
    for pk, indicator in indicators.items():
        if pk not in seen:
            plan.writes.remove(indicator)
            plan.changes.append(RowChange(sheet, "delete", None, f"{indicator.level1} · {indicator.name}"))
    _order(plan, sheet, _("全部指标"), sequence, original)


# ---------------------------------------------------------------------------
# 4. Writing
# ---------------------------------------------------------------------------
def preview_upload(evaluation: Evaluation, content: bytes) -> tuple[dict[str, Any], ImportPlan]:
    """Read and plan without writing. Problems of the cells and of the database come back together, in sheet
    order, so that the person uploading can fix everything in one go. Raises UploadRejected for unusable files."""
    data, problems = read_workbook(content)
    plan = plan_import(evaluation, data)
    order = {name: n for n, name in enumerate(sheets.DATA_SHEETS)}
    plan.problems = sorted(
        [*problems, *plan.problems], key=lambda p: (order.get(p.sheet, 99), p.row or 0, p.column or "")
    )
    return data, plan


# The editor's sections that each sheet writes: their revision is counted up, so that an editor page opened before
# the import refuses to save over it (evaluations.services.content_change).
SHEET_SECTIONS = {
    sheets.SHEET_SUMMARY: Section.TOTALS,
    sheets.SHEET_BASIC: Section.BASIC,
    sheets.SHEET_PROJECTS: Section.PROJECT,
    sheets.SHEET_FUND_TYPES: Section.TOTALS,
    sheets.SHEET_EXECUTION: Section.EXECUTION,
    sheets.SHEET_INDICATORS: Section.ACHIEVEMENTS,
}


def apply_import(
    *,
    evaluation: Evaluation,
    data: dict[str, Any],
    actor: Any,
    expected_status: str | None = None,
    expected_digest: str | None = None,
) -> ImportPlan:
    """Write the workbook's data in one transaction, or nothing, as ``actor``.

    Through the gate of every content change (:func:`evaluations.services.content_change`): the evaluation row is
    locked first, so that a submission, another import or an editor save cannot slip in between the checks and the
    writes; the workflow guard and the actor's right to edit are checked there, and every row written is recorded in
    the history as an import. Then: the state and change list seen in the preview (when given), and the
    database-dependent rules, all again."""
    changed_sections: set[str] = set()
    with content_change(evaluation=evaluation, actor=actor, via=Via.IMPORT, sections=changed_sections) as locked:
        if expected_status is not None and locked.status != expected_status:
            raise ValidationError(STATE_CHANGED, code="state_changed")
        plan = plan_import(locked, data)
        if plan.problems:
            raise ImportRefused(plan.problems)
        if expected_digest is not None and plan.digest != expected_digest:
            raise ValidationError(DATA_CHANGED, code="data_changed")
        _write(plan.writes)
        changed_sections.update(SHEET_SECTIONS[change.sheet] for change in plan.changes)
    return plan


def _write(writes: _Writes) -> None:
    """The plan's writes, through the same writer as the editor's lists (evaluations.rows): per model, deletions,
    then updates, then insertions. Nothing refers to a project item or an indicator, and the fixed rows are never
    deleted or re-keyed, so the models can be written one after the other."""
    for model in dict.fromkeys([*writes.delete, *writes.update, *writes.create]):
        changed = writes.update.get(model, {})
        write_rows(
            RowWrites(
                model=model,
                created=writes.create.get(model, []),
                updated=list(changed),
                fields=set().union(*changed.values()),
                deleted=writes.delete.get(model, []),
            )
        )
