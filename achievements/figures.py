"""Derived indicator figures: completion against target, shortfalls, and scores.

Direction-aware: a "≥" indicator is complete when the actual reaches the target, a "≤" one when it stays below it.
"""

from __future__ import annotations

from decimal import Decimal

from evaluations.money import ratio

from .models import Indicator

ONE = Decimal("1")


def completion_rate(indicator: Indicator) -> Decimal | None:
    """Actual against target as a ratio (1.255 for 125.5%); ``None`` for qualitative or incomplete indicators.

    ≥: actual ÷ target. ≤: target ÷ actual (staying under the ceiling counts as over-fulfilment).
    =: 1 when the actual hits the target, otherwise the smaller over the larger.
    """
    target, actual = indicator.target, indicator.actual
    if indicator.is_qualitative or target is None or actual is None:
        return None
    direction = indicator.direction
    if direction == Indicator.Direction.AT_LEAST:
        return ratio(actual, target)
    if direction == Indicator.Direction.AT_MOST:
        if actual == 0:
            return ONE if target >= 0 else None
        return ratio(target, actual)
    if actual == target:
        return ONE
    return ratio(min(actual, target), max(actual, target))


def is_shortfall(indicator: Indicator) -> bool:
    """Whether the actual falls short of the target in the indicator's direction (a deviation reason is due)."""
    target, actual = indicator.target, indicator.actual
    if indicator.is_qualitative or target is None or actual is None:
        return False
    direction = indicator.direction
    if direction == Indicator.Direction.AT_LEAST:
        return actual < target
    if direction == Indicator.Direction.AT_MOST:
        return actual > target
    return actual != target


def indicator_score(indicator: Indicator) -> Decimal | None:
    """分值 × completion, never above the weight (财预〔2020〕10号). Qualitative scoring arrives with the scoring
    rules; until then a qualitative indicator has no computed score."""
    rate = completion_rate(indicator)
    if rate is None or indicator.weight is None:
        return None
    return indicator.weight * min(rate, ONE)
