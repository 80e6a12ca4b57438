"""Money and percentages: exact ``Decimal`` amounts in 元, shown in 万元 and as percentages rounded half-up.

Every displayed money figure and percentage goes through this module, so a figure is rounded once, at the end, from
exact amounts. That is what makes the seed's 17.96% come out right (domain.md §2).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

FEN = Decimal("0.01")
TEN_THOUSAND = Decimal("10000")
HUNDRED = Decimal("100")
# One trillion 元 is far above any unit's budget; anything larger is a typing slip.
MAX_AMOUNT = Decimal("999999999999.99")


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
