"""Template filters that display exact amounts; they format, they never compute."""

from decimal import Decimal

from django import template

from evaluations import money

register = template.Library()


@register.filter
def wan(amount_yuan: Decimal | None) -> str:
    """An amount in 元 shown in 万元 with two decimals."""
    return money.format_wan(amount_yuan)


@register.filter
def pct(value: Decimal | None) -> str:
    """A ratio shown as a percentage with two decimals."""
    return money.format_percent(value)


@register.filter
def wan_signed(amount_yuan: Decimal | None) -> str:
    """A change in 万元 with an explicit sign: +1.94, −84.63 (the minus is U+2212, as in the report)."""
    return money.format_wan_signed(amount_yuan)


@register.filter
def pct_signed(value: Decimal | None) -> str:
    """A rate of change with an explicit sign, like ``wan_signed``: +2.25%, −17.96%."""
    return money.format_percent_signed(value)
