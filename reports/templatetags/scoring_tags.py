"""Scores and weights in templates, shown the one way the scoring engine shows them."""

from __future__ import annotations

from decimal import Decimal

from django import template

from evaluations.models import Publication
from evaluations.scoring_rules import format_score, format_weight

from ..publication import shown_score

register = template.Library()


@register.filter
def points(value: Decimal | None) -> str:
    """A computed score: two decimals, half-up (7.6 → "7.60"); none as ""."""
    return format_score(value)


@register.filter
def weight(value: Decimal | None) -> str:
    """A configured weight as people write it (10 → "10", 0.50 → "0.5")."""
    return "" if value is None else format_weight(value)


@register.filter
def published_score(publication: Publication) -> str:
    """A publication's total as it was shown when published ("" when it was published without a score)."""
    return shown_score(publication)
