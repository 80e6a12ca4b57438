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
    """A change in 万元 with an explicit sign: +1.94, −84.63."""
    if amount_yuan is None:
        return ""
    text = money.format_wan(abs(amount_yuan))
    if amount_yuan > 0:
        return f"+{text}"
    if amount_yuan < 0:
        return f"−{text}"
    return text
