"""The one way this app writes a spreadsheet cell.

Two hazards, both from user text: a text that starts with ``=``, ``+``, ``-`` or ``@`` would be taken by Excel for
a formula (CSV/formula injection: ``=HYPERLINK(...)`` in a 项目名称), so such text is stored as a string cell with
the quote prefix set; and control characters that XML forbids make openpyxl raise ``IllegalCharacterError``, so
they are stripped. Numbers (Decimal, int) are written as numbers; floats are refused, because money is never a
float in this app. (After pretix's ``helpers/safe_openpyxl.py``.)
"""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell, WriteOnlyCell
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_PREFIXES = ("=", "+", "-", "@")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def clean_text(text: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def write(ws: Worksheet, row: int, column: int, value: object, *, number_format: str | None = None) -> Cell:
    """Write ``value`` into ``ws`` at (row, column) safely and return the cell."""
    if isinstance(value, float):
        raise TypeError("Money and figures are Decimal in this app; a float here is a bug.")
    cell = ws.cell(row=row, column=column)
    if value is None:
        cell.value = None
    elif isinstance(value, bool):
        cell.value = value
    elif isinstance(value, int | Decimal):
        cell.value = value
        if number_format:
            cell.number_format = number_format
    else:
        text = clean_text(str(value))
        cell.value = text
        if text.startswith(FORMULA_PREFIXES):
            # openpyxl marks any text starting with "=" as a formula; force it back to a plain string, and set
            # the quote prefix so that Excel keeps it text when the cell is edited.
            cell.data_type = "s"
            cell.quotePrefix = True
    return cell


def write_row(ws: Worksheet, row: int, values: list[object] | tuple[object, ...], *, start_column: int = 1) -> None:
    for offset, value in enumerate(values):
        write(ws, row, start_column + offset, value)


def workbook_bytes(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def write_only_cell(ws: Worksheet, value: object, *, number_format: str | None = None) -> WriteOnlyCell:
    """:func:`write` for a write-only worksheet (``Workbook(write_only=True)``, for tables of thousands of rows):
    the same rules, on a cell to append in a row."""
    if isinstance(value, float):
        raise TypeError("Money and figures are Decimal in this app; a float here is a bug.")
    if value is None or isinstance(value, bool | int | Decimal):
        cell = WriteOnlyCell(ws, value=value)
        if number_format and value is not None and not isinstance(value, bool):
            cell.number_format = number_format
        return cell
    text = clean_text(str(value))
    cell = WriteOnlyCell(ws, value=text)
    if text.startswith(FORMULA_PREFIXES):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell
