"""Scores and weights in templates, shown the one way the scoring engine shows them."""

from __future__ import annotations

from decimal import Decimal

from django import template

from evaluations.scoring_rules import format_score, format_weight

register = template.Library()


@register.filter
def points(value: Decimal | None) -> str:
    """A computed score: two decimals, half-up (7.6 → "7.60"); none as ""."""
    return format_score(value)


@register.filter
def weight(value: Decimal | None) -> str:
    """A configured weight as people write it (10 → "10", 0.50 → "0.5")."""
    return "" if value is None else format_weight(value)
