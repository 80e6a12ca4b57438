"""A computed common indicator (the measures the scoring engine reads by key, :data:`evaluations.schemes.
COMMON_INDICATORS`), and the one of them computed from the profile: 在职人员控制率.

The result says what it is (name and formula from the catalogue), its value, and when there is none, why: the inputs
nobody entered, or a denominator of zero. Blank is not zero: a missing input never becomes a value of 0.

The other measures come from budget data and are computed in :mod:`budgets.figures`; this one is here because the
staffing lives here and budgets reads it from below (tests/test_layers.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from .models import StaffingLine
from .money import format_percent, format_percent_signed, format_wan
from .schemes import COMMON_INDICATORS

RATIO = "ratio"
# A rate of change, shown with its sign: "−9.30%", "+2.25%".
CHANGE = "change"
AMOUNT = "amount"
COUNT = "count"

STAFF_CONTROL_RATE = "staff_control_rate"


@dataclass(frozen=True)
class Measure:
    """One common indicator's value (a ratio, an amount in 元 or a count), or ``None`` with the reason: ``missing``
    names the inputs nobody entered, ``zero`` the denominator that is 0."""

    key: str
    value: Decimal | None
    missing: tuple[str, ...] = ()
    zero: str = ""
    kind: str = RATIO

    @property
    def name(self) -> str:
        return COMMON_INDICATORS[self.key].name

    @property
    def formula(self) -> str:
        return COMMON_INDICATORS[self.key].formula

    @property
    def is_known(self) -> bool:
        return self.value is not None

    @property
    def shown(self) -> str:
        """The value as the editor and the report show it: "92.30%", "12.00万元", "2项"; or why there is none:
        "无法计算（缺少…）" or "无法计算（…为0）"."""
        if self.value is None:
            if self.missing:
                return f"无法计算（缺少{'、'.join(self.missing)}）"
            return f"无法计算（{self.zero}为0）"
        if self.kind == AMOUNT:
            return f"{format_wan(self.value)}万元"
        if self.kind == COUNT:
            return f"{self.value}"
        if self.kind == CHANGE:
            return format_percent_signed(self.value)
        return format_percent(self.value)


def known(key: str, value: Decimal | None, name: str, *, kind: str = RATIO) -> Measure:
    """A measure that is an entered figure itself (an amount, a count)."""
    return Measure(key, value, () if value is not None else (name,), kind=kind)


def rate(key: str, numerator: tuple[str, Decimal | None], denominator: tuple[str, Decimal | None]) -> Measure:
    """numerator ÷ denominator, each given as (its name, its value); ``None`` with the names of the missing inputs,
    or with the denominator's name when it is 0."""
    missing = tuple(name for name, value in (numerator, denominator) if value is None)
    if missing:
        return Measure(key, None, missing)
    if denominator[1] == 0:
        return Measure(key, None, zero=denominator[0])
    return Measure(key, Decimal(numerator[1]) / Decimal(denominator[1]))


@dataclass(frozen=True)
class Staffing:
    """编制数 and 在职人数 as the profile states them (``None`` when unknown)."""

    approved: int | None
    on_duty: int | None


def staffing_counts(lines: Iterable[StaffingLine], staff_on_roll: int | None) -> Staffing:
    """编制数: the sum of the staffing lines' 编制数, when every line states one. 在职人数: the sum of their 实有人数
    when every line states one, else the unit's 在编人数 (a profile may give only that). A partial sum is never
    passed off as a total; no lines is unknown, not 0."""
    lines = list(lines)
    approved = [line.approved for line in lines]
    actual = [line.actual for line in lines]
    total_approved = sum(approved) if approved and None not in approved else None
    on_duty = sum(actual) if actual and None not in actual else staff_on_roll
    return Staffing(approved=total_approved, on_duty=on_duty)


def staff_control_rate(lines: Iterable[StaffingLine], staff_on_roll: int | None) -> Measure:
    """在职人员控制率 = 在职人员数 ÷ 编制数 (财预〔2013〕53号). Over 100% is possible (实有 above 编制) and shown as
    it is."""
    counts = staffing_counts(lines, staff_on_roll)
    return rate(
        STAFF_CONTROL_RATE,
        ("在职人员数", None if counts.on_duty is None else Decimal(counts.on_duty)),
        ("编制数", None if counts.approved is None else Decimal(counts.approved)),
    )
