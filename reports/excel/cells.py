"""One cell's value → a Decimal, a text, an ID, a choice or an answer, or a :class:`CellError` with a Chinese message.

Decisions (documented in README.md, tested in tests/reports/test_excel_cells.py):
- A number typed as text is read by the editor's own rule, :func:`evaluations.money.parse_amount` (or
  ``parse_quantity``), so that a cell accepts and refuses exactly what the web form does, with the same message
  (tests/evaluations/test_parse_amount.py runs one table of inputs through both).
- Numbers typed as numbers arrive from openpyxl as int or float; a float is read through ``Decimal(str(v))`` (the
  shortest repr, i.e. what was typed), never through binary arithmetic, and then meets the same bounds.
- Refused here, before that rule: dates, TRUE/FALSE, and formulas (openpyxl never calculates them, so the value we
  would store is unknown).
"""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Callable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from evaluations.money import format_quantity
from evaluations.money import parse_amount as read_amount
from evaluations.money import parse_quantity as read_quantity

# The national form's weights add up to 100; a single weight above that is a typing slip.
MAX_WEIGHT = Decimal("100")
# Our IDs are 64-bit: a longer number cannot be one of ours, and the database could not even compare it.
MAX_ID = 2**63 - 1


class CellError(ValueError):
    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        # The code of the rule that refused the cell (evaluations.money), so that tests can compare it with the form's.
        self.code = code


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def parse_amount(value: object) -> Decimal | None:
    """An amount in 元 to the fen; ``None`` when blank."""
    return _number(value, read_amount)


def parse_value(value: object) -> Decimal | None:
    """An indicator's target or actual value; ``None`` when blank."""
    return _number(value, read_quantity)


def parse_weight(value: object) -> Decimal | None:
    return _number(value, lambda number: read_quantity(number, max_value=MAX_WEIGHT, decimal_places=2))


def _number(value: object, read: Callable[[str | Decimal], Decimal]) -> Decimal | None:
    if is_blank(value):
        return None
    try:
        return read(_cell_number(value))
    except ValidationError as error:
        raise CellError(error.messages[0], code=error.code) from None


def _cell_number(value: object) -> str | Decimal:
    """What a number cell holds, as evaluations.money reads it: text as typed, a number as the exact Decimal."""
    # bool is an int subclass: TRUE in a number column is a slip, not 1.
    if isinstance(value, bool):
        raise CellError(_("应填写数字，不能是逻辑值（TRUE/FALSE）。"), code="boolean")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # NaN and infinity become Decimal("NaN") and Decimal("Infinity"), which the rule refuses.
        return Decimal(str(value))
    if isinstance(value, Decimal | str):
        return value
    if isinstance(value, datetime.date | datetime.time | datetime.timedelta):
        raise CellError(
            _("应填写数字，该单元格却是日期或时间；请将单元格格式设为“常规”或“数值”后重新填写。"), code="date"
        )
    raise CellError(_("不是有效的数字。"), code="invalid")


def parse_text(value: object, *, max_length: int | None = None) -> str:
    """Text as typed, trimmed; a number in a text column is kept as the number it shows (12.0 → "12")."""
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "TRUE" if value else "FALSE"
    elif isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
        text = format_quantity(number) if number.is_finite() else str(value)
    elif isinstance(value, datetime.datetime | datetime.date):
        text = value.strftime("%Y-%m-%d")
    else:
        text = str(value)
    text = text.strip()
    if max_length is not None and len(text) > max_length:
        raise CellError(_("最多%(max)d个字，现有%(count)d个字。") % {"max": max_length, "count": len(text)})
    return text


def parse_choice(value: object, choices: dict[str, str], aliases: dict[str, str] | None = None) -> str | None:
    """The stored value for a label from a fixed list; ``None`` when blank."""
    if is_blank(value):
        return None
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if text in choices:
        return choices[text]
    if aliases and text in aliases:
        return aliases[text]
    allowed = "、".join(choices)
    raise CellError(
        _("“%(text)s”不在可选范围内，请从下拉列表中选择：%(allowed)s。") % {"text": text, "allowed": allowed}
    )


def parse_answer(value: object, answers: dict[str, bool | None]) -> bool | None:
    """A yes or no that may be unknown (未填写 / 无 / 有); a blank cell is unknown, like 未填写."""
    if is_blank(value):
        return None
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if text in answers:
        return answers[text]
    raise CellError(
        _("“%(text)s”不在可选范围内，请从下拉列表中选择：%(allowed)s。") % {"text": text, "allowed": "、".join(answers)}
    )


def parse_id(value: object) -> int | None:
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError(_("ID 无效，请勿修改 ID 列；新增的行请将 ID 留空。"))
    whole_float = isinstance(value, float) and value.is_integer()
    digits = isinstance(value, str) and value.strip().isascii() and value.strip().isdigit()
    if whole_float or digits:
        value = int(value)
    if isinstance(value, int) and 0 < value <= MAX_ID:
        return value
    raise CellError(_("ID 无效，请勿修改 ID 列；新增的行请将 ID 留空。"))
