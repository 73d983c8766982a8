"""Amounts as documents print them: two places and thousands separators (12,345.60).

The hall's locale (zh-hans) groups no digits, and a six-figure balance must be
readable at a glance on a statement, so amounts are formatted here, the same
way whatever the locale.
"""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def yuan(amount) -> str:
    """``Decimal("-12345.6")`` → ``-12,345.60``; nothing for no amount."""
    if amount is None or amount == "":
        return ""
    return f"{Decimal(amount):,.2f}"
