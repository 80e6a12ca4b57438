"""One cell's value → a Decimal, a text, an ID or a choice, or a :class:`CellError` with a Chinese message.

Decisions (documented in README.md, tested in tests/evaluations/test_excel_cells.py):
- Numbers typed as numbers arrive from openpyxl as int or float; a float is read through ``Decimal(str(v))`` (the
  shortest repr, i.e. what was typed), never through binary arithmetic.
- Numbers typed as text are accepted when they are plain decimals. Full-width digits and points (１２．５) are
  normalised on purpose (NFKC): they are a common IME slip, and the value is unambiguous. Thousands separators are
  accepted only in correct groups of three (1,234,567.89).
- Rejected with a message: negatives, NaN, Infinity, exponents (1e5: nobody types budgets that way, and it hides
  slips), currency signs or units in the cell, more decimals than the field holds, values above the field's bound,
  dates, TRUE/FALSE, and formulas (openpyxl never calculates them, so the value we would store is unknown).
"""

from __future__ import annotations

import datetime
import math
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from evaluations.money import MAX_AMOUNT

_PLAIN = re.compile(r"[0-9]+(\.[0-9]+)?")
_GROUPED = re.compile(r"[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?")
_EXPONENT = re.compile(r"[0-9.]+[eE][+-]?[0-9]+")

AMOUNT_PLACES = 2
VALUE_PLACES = 4
# Indicator values are DecimalField(max_digits=18, decimal_places=4).
MAX_VALUE = Decimal("99999999999999.9999")
# The national form's weights add up to 100; a single weight above that is a typing slip.
MAX_WEIGHT = Decimal("100")


class CellError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def parse_decimal(value: object, *, places: int, maximum: Decimal) -> Decimal | None:
    """A non-negative number with at most ``places`` decimals and at most ``maximum``; ``None`` when blank."""
    if is_blank(value):
        return None
    number = _to_decimal(value)
    if number < 0:
        raise CellError(_("不能为负数。"))
    if number != number.quantize(Decimal(1).scaleb(-places)):
        raise CellError(_("最多保留%(places)d位小数。") % {"places": places})
    if number > maximum:
        raise CellError(_("数值过大（上限为%(maximum)s），请检查是否多输入了数字。") % {"maximum": f"{maximum:f}"})
    return number.quantize(Decimal(1).scaleb(-places))


def parse_amount(value: object) -> Decimal | None:
    """An amount in 元 to the fen."""
    return parse_decimal(value, places=AMOUNT_PLACES, maximum=MAX_AMOUNT)


def parse_value(value: object) -> Decimal | None:
    """An indicator's target or actual value."""
    return parse_decimal(value, places=VALUE_PLACES, maximum=MAX_VALUE)


def parse_weight(value: object) -> Decimal | None:
    return parse_decimal(value, places=AMOUNT_PLACES, maximum=MAX_WEIGHT)


def _to_decimal(value: object) -> Decimal:
    # bool is an int subclass: TRUE in a number column is a slip, not 1.
    if isinstance(value, bool):
        raise CellError(_("应填写数字，不能是逻辑值（TRUE/FALSE）。"))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise CellError(_("不是有效的数字。"))
        return Decimal(str(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise CellError(_("不是有效的数字。"))
        return value
    if isinstance(value, datetime.date | datetime.time | datetime.timedelta):
        raise CellError(_("应填写数字，该单元格却是日期或时间；请将单元格格式设为“常规”或“数值”后重新填写。"))
    if isinstance(value, str):
        return _text_to_decimal(value)
    raise CellError(_("不是有效的数字。"))


def _text_to_decimal(raw: str) -> Decimal:
    text = unicodedata.normalize("NFKC", raw).strip()
    if text.startswith("-") or text.startswith("−"):
        raise CellError(_("不能为负数。"))
    if _EXPONENT.fullmatch(text):
        raise CellError(_("不接受科学计数法（如 1e5），请填写完整的数字。"))
    if _GROUPED.fullmatch(text):
        text = text.replace(",", "")
    if not _PLAIN.fullmatch(text):
        raise CellError(_("“%(text)s”不是有效的数字；只填数字，不要带单位、货币符号或空格。") % {"text": raw.strip()})
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern above admits only valid decimals
        raise CellError(_("不是有效的数字。")) from None


def parse_text(value: object, *, max_length: int | None = None) -> str:
    """Text as typed, trimmed; a number in a text column is kept as the number it shows (12.0 → "12")."""
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "TRUE" if value else "FALSE"
    elif isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
        text = f"{number.normalize():f}" if number.is_finite() else str(value)
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


def parse_id(value: object) -> int | None:
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError(_("ID 无效，请勿修改 ID 列；新增的行请将 ID 留空。"))
    if isinstance(value, int) and value > 0:
        return value
    if isinstance(value, float) and value.is_integer() and value > 0:
        return int(value)
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit() and int(value) > 0:
        return int(value)
    raise CellError(_("ID 无效，请勿修改 ID 列；新增的行请将 ID 留空。"))
