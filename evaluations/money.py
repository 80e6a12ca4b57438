"""Money and percentages: exact ``Decimal`` amounts in 元, shown in 万元 and as percentages rounded half-up.

Every displayed money figure and percentage goes through this module, so a figure is rounded once, at the end, from
exact amounts. That is what makes the seed's 17.96% come out right (domain.md §2).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

FEN = Decimal("0.01")
TEN_THOUSAND = Decimal("10000")
HUNDRED = Decimal("100")
# One trillion 元 is far above any unit's budget; anything larger is a typing slip.
MAX_AMOUNT = Decimal("999999999999.99")
# An indicator's target and actual are DecimalField(max_digits=18, decimal_places=4): the largest value they hold.
MAX_QUANTITY = Decimal("99999999999999.9999")


class MoneyField(models.DecimalField):
    """An amount in 元, to the fen, never negative."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault(
            "validators",
            [MinValueValidator(Decimal("0"), _("金额不能为负数。")), MaxValueValidator(MAX_AMOUNT)],
        )
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("validators", None)
        return name, path, args, kwargs


# ---------------------------------------------------------------------------
# Reading a typed number: the one rule for the editor, the admin and the spreadsheet import
# ---------------------------------------------------------------------------

# What Chinese input methods produce and what is copied out of Word means the same as its ASCII form: full-width
# digits and ．，－＋, the ideographic space. Nothing else is read as a digit: circled ①, superscripts, Arabic-Indic
# digits and the like are not something anyone types into a 决算 figure, although NFKC or Python's Decimal would
# read some of them. The full-width Ｅ and the typographic minus (U+2212, as the report prints changes) are mapped
# only so that their refusal names the real problem (an exponent, a negative number).
_TYPED = str.maketrans("０１２３４５６７８９．，－＋　ｅＥ\u2212", "0123456789.,-+ eE-")
_PLAIN = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_GROUPED = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?")
_SPECIAL = re.compile(r"(?i)^[+-]?(?:nan|s?nan|inf|infinity)$")
_EXPONENT = re.compile(r"[0-9.,+-]*[eE][0-9+-]*")
# Digits with commas that are not in groups of three ("4,1235.6", "38,64,449"): a slip in the grouping, told apart
# from text that is not a number at all.
_MISGROUPED = re.compile(r"[0-9]+(?:,[0-9]+)+(?:\.[0-9]+)?")
# A number with a unit or a currency sign typed around it ("92万", "386.44万元", "¥100"): the column names the unit.
_WITH_UNIT = re.compile(r"(?P<sign>[¥￥])?\s*(?P<number>[0-9][0-9,]*(?:\.[0-9]+)?)\s*(?P<unit>[千万亿]?元|[千万亿])?")

AMOUNT_NOT_A_NUMBER = _("请填写金额数字（单位：元），例如 3864449.00。")
AMOUNT_SPECIAL = _("不接受 NaN、Infinity 或科学计数法，请填写普通数字。")
AMOUNT_NEGATIVE = _("金额不能为负数。")
AMOUNT_TOO_PRECISE = _("金额最多保留两位小数（到分）。")
AMOUNT_TOO_LARGE = _("金额不能超过 %(max)s 元，请检查是否多输了位数。")
AMOUNT_GROUPING = _("千分位分隔符位置不对：逗号应每三位数字一个（如 1,234,567.89），也可以不写逗号。")
AMOUNT_UNIT_TYPED = _("请只填数字，单位已在列名中（元）。")

# An indicator's figures are read by the same rule; the money wording would confuse, as they are not always amounts.
QUANTITY_NOT_A_NUMBER = _("请填写数字，例如 12.55。")
QUANTITY_NEGATIVE = _("不能为负数。")
QUANTITY_TOO_PRECISE = _("最多保留 %(places)s 位小数。")
QUANTITY_TOO_LARGE = _("数值过大（上限为%(max)s），请检查是否多输入了数字。")
QUANTITY_UNIT_TYPED = _("请只填数字，不要带单位。")
_QUANTITY_MESSAGES = {
    "invalid": QUANTITY_NOT_A_NUMBER,
    "unit": QUANTITY_UNIT_TYPED,
    "negative": QUANTITY_NEGATIVE,
    "precision": QUANTITY_TOO_PRECISE,
    "too_large": QUANTITY_TOO_LARGE,
}


def parse_amount(raw: str | Decimal, *, max_value: Decimal = MAX_AMOUNT, decimal_places: int = 2) -> Decimal:
    """What was typed as an exact Decimal with ``decimal_places`` decimals, or ValidationError with a Chinese
    message and a code (``invalid``, ``special``, ``negative``, ``grouping``, ``unit``, ``precision``,
    ``too_large``), one for each kind of mistake so that the message says what to change.

    Accepted on purpose: surrounding spaces, full-width digits and ．，, and thousands separators in the usual groups
    of three ("3,864,449.00"). Refused: signs, exponents, NaN/Infinity, commas elsewhere ("4,1235.6"), more decimals
    than ``decimal_places`` (zeros after them are no extra precision: "1.500" is 1.50), values above ``max_value``,
    units or currency signs typed with the number ("92万": even where the unit matches the column, so that one rule
    reads the editor, the admin and the spreadsheet alike, and a slip between 元 and 万元 is never guessed at),
    anything else. Nothing is rounded. The same rule is mirrored for live feedback in static/js/editor.js.

    A Decimal (a spreadsheet's numeric cell, already read exactly) skips the reading of text and meets the same
    bounds.
    """
    if isinstance(raw, Decimal):
        return _within_bounds(raw, max_value=max_value, decimal_places=decimal_places)
    text = raw.translate(_TYPED).strip()
    if _SPECIAL.match(text) or _EXPONENT.fullmatch(text):
        raise ValidationError(AMOUNT_SPECIAL, code="special")
    if text.startswith("-") and _PLAIN.fullmatch(text[1:].replace(",", "")):
        raise ValidationError(AMOUNT_NEGATIVE, code="negative")
    with_unit = _WITH_UNIT.fullmatch(text)
    if with_unit and (with_unit["sign"] or with_unit["unit"]):
        raise ValidationError(AMOUNT_UNIT_TYPED, code="unit", params={"typed": with_unit["unit"] or with_unit["sign"]})
    if _GROUPED.fullmatch(text):
        text = text.replace(",", "")
    elif _MISGROUPED.fullmatch(text):
        raise ValidationError(AMOUNT_GROUPING, code="grouping")
    if not _PLAIN.fullmatch(text):
        raise ValidationError(AMOUNT_NOT_A_NUMBER, code="invalid")
    return _within_bounds(Decimal(text), max_value=max_value, decimal_places=decimal_places)


def _within_bounds(value: Decimal, *, max_value: Decimal, decimal_places: int) -> Decimal:
    if not value.is_finite():
        raise ValidationError(AMOUNT_SPECIAL, code="special")
    # is_signed, not < 0: "-0" is refused like any other negative, as typed text is.
    if value.is_signed():
        raise ValidationError(AMOUNT_NEGATIVE, code="negative")
    # The bound first: below it, quantize cannot overflow the context's 28 digits.
    if value > max_value:
        raise ValidationError(AMOUNT_TOO_LARGE, code="too_large", params={"max": f"{max_value:f}"})
    step = Decimal(1).scaleb(-decimal_places)
    if value != value.quantize(step):
        raise ValidationError(AMOUNT_TOO_PRECISE, code="precision", params={"places": decimal_places})
    return value.quantize(step)


def parse_quantity(raw: str | Decimal, *, max_value: Decimal = MAX_QUANTITY, decimal_places: int = 4) -> Decimal:
    """An indicator's figure (target, actual, weight): :func:`parse_amount`, with messages that do not speak of
    money."""
    try:
        return parse_amount(raw, max_value=max_value, decimal_places=decimal_places)
    except ValidationError as error:
        message = _QUANTITY_MESSAGES.get(error.code)
        if message is None:
            raise
        raise ValidationError(message, code=error.code, params=error.params) from None


def plain_quantity(value: Decimal) -> Decimal:
    """A stored quantity without the zeros its four decimal places add: 12.5500 → 12.55, 100.0000 → 100 (not
    1E+2, which normalize() would give)."""
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return Decimal(text)


def format_quantity(value: Decimal | None) -> str:
    """A quantity as people write it: 10.0000 → "10", 12.5500 → "12.55"; none as ""."""
    if value is None:
        return ""
    return f"{plain_quantity(value):f}"


def quantize_half_up(value: Decimal, exponent: Decimal = FEN) -> Decimal:
    return value.quantize(exponent, rounding=ROUND_HALF_UP)


def to_wan(amount_yuan: Decimal) -> Decimal:
    """元 → 万元 with two decimals, rounded half-up."""
    return quantize_half_up(Decimal(amount_yuan) / TEN_THOUSAND)


def ratio(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    """The exact ratio, or ``None`` where it is undefined (a missing figure or a zero denominator)."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return Decimal(numerator) / Decimal(denominator)


def as_percent(value: Decimal | None) -> Decimal | None:
    """A ratio as a percentage with two decimals, rounded half-up: 0.1796445 → 17.96."""
    if value is None:
        return None
    return quantize_half_up(value * HUNDRED)


def format_wan(amount_yuan: Decimal | None) -> str:
    """``3864449`` → ``"386.44"``; thousands are not separated, as in the official reports."""
    if amount_yuan is None:
        return ""
    return f"{to_wan(amount_yuan):.2f}"


def format_percent(value: Decimal | None) -> str:
    """A ratio as ``"17.96%"``; an undefined ratio as ``"—"``."""
    percent = as_percent(value)
    if percent is None:
        return "—"
    return f"{percent:.2f}%"


# Changes carry an explicit sign, the minus being the typographic one (U+2212) that the report prints: the same
# width as the plus, and not taken for a hyphen.
MINUS = "\u2212"


def _signed(shown: Decimal, text: str) -> str:
    # The sign follows the figure as shown, so that a change rounded to nothing is not "−0.00".
    if shown > 0:
        return f"+{text}"
    if shown < 0:
        return f"{MINUS}{text}"
    return text


def format_wan_signed(amount_yuan: Decimal | None) -> str:
    """A change in 万元 with its sign: ``"+1.94"``, ``"−84.63"``, ``"0.00"``; none as ``""``."""
    if amount_yuan is None:
        return ""
    shown = to_wan(amount_yuan)
    return _signed(shown, f"{abs(shown):.2f}")


def format_percent_signed(value: Decimal | None) -> str:
    """A rate of change with its sign: ``"+2.25%"``, ``"−17.96%"``; an undefined rate as ``"—"``."""
    percent = as_percent(value)
    if percent is None:
        return "—"
    return _signed(percent, f"{abs(percent):.2f}%")
