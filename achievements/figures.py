"""Derived indicator figures: completion against target, shortfalls, and scores.

Direction-aware: a "≥" indicator is complete when the actual reaches the target, a "≤" one when it stays below it.
"""

from __future__ import annotations

from decimal import Decimal

from evaluations.scoring_rules import Assessment, UnitIndicator, completion_ratio, falls_short, score_indicator

from .models import Indicator


def as_unit_indicator(indicator: Indicator) -> UnitIndicator:
    """The indicator as the scoring engine reads it (plain values; ``ref`` is its pk)."""
    return UnitIndicator(
        name=indicator.name,
        level1=indicator.level1,
        level2=indicator.level2,
        direction=indicator.direction,
        target=indicator.target,
        actual=indicator.actual,
        weight=indicator.weight,
        assessment=assessment_of(indicator),
        not_applicable=indicator.not_applicable,
        deviation_reason=indicator.deviation_reason,
        ref=indicator.pk,
    )


def assessment_of(indicator: Indicator) -> Assessment | None:
    """The unit's judgement of a qualitative indicator, once it has picked a tier; ``None`` otherwise."""
    if not indicator.is_qualitative or not indicator.qualitative_tier:
        return None
    return Assessment(indicator.qualitative_tier, indicator.self_score, indicator.score_reason)


def completion_rate(indicator: Indicator) -> Decimal | None:
    """Actual against target as a ratio (1.255 for 125.5%); ``None`` for qualitative or incomplete indicators.

    ≥: actual ÷ target. ≤: target ÷ actual (staying under the ceiling counts as over-fulfilment).
    =: 1 when the actual hits the target, otherwise the smaller over the larger. The rule lives in the scoring
    engine (:func:`evaluations.scoring_rules.completion_ratio`), the one home of every scoring rule.
    """
    return completion_ratio(indicator.direction, indicator.target, indicator.actual)


def is_shortfall(indicator: Indicator) -> bool:
    """Whether the actual falls short of the target in the indicator's direction (a deviation reason is due)."""
    return falls_short(indicator.direction, indicator.target, indicator.actual)


def indicator_score(indicator: Indicator) -> Decimal | None:
    """分值 × completion, never above the weight (财预〔2020〕10号), by the engine's proportional rule. A qualitative
    indicator has no computed score here: the unit's judgement of it is scored on the scheme's score sheet."""
    if indicator.is_qualitative:
        return None
    return score_indicator(as_unit_indicator(indicator)).points
