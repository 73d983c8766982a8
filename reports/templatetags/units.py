"""The report's amounts in the chosen unit: 元, or 万元 (two places, half up)."""

from decimal import ROUND_HALF_UP, Decimal

from django import template

register = template.Library()

DIVISORS = {"yuan": Decimal(1), "wan": Decimal(10000)}


@register.filter
def in_unit(amount, unit: str) -> str:
    """``Decimal("123456.78")`` → ``123,456.78`` in 元, ``12.35`` in 万元."""
    shown = (Decimal(amount) / DIVISORS.get(unit, 1)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return f"{shown:,.2f}"
