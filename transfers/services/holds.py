"""The hold rule: which settlements wait for a reviewer instead of posting, and the
supervisor's page of its settings (``HoldRules``, one row, history kept).

``hold_reasons`` is the one statement of the rule: ``settlement_receive`` asks it
before posting, and the settlement import's preview asks it for each row, so the
preview lists exactly the holds the write makes.
"""

import datetime as dt
from decimal import Decimal

from django.db import transaction

from accounts.models import Scope
from core.dates import local_days
from core.settings_update import settings_check, settings_save
from transfers.models import HoldReason, HoldRules, PaymentStatus, SharingPayment

HOLD_RULES_CHANGEABLE = (
    "amount_threshold",
    "daily_payments_per_beneficiary",
    "hold_cross_province",
    "manual_amount_threshold",
)


def hold_reasons(
    *,
    amount: Decimal,
    beneficiary_id: int,
    scope: str,
    on_date: dt.date,
    earlier: int = 0,
    manual: bool = False,
) -> list[str]:
    """Why a sharing payment of ``amount`` to the beneficiary, of ``scope``, settled
    on ``on_date``, is held (``HoldReason`` codes; empty: it posts at once).

    Held: an amount at or above the threshold; more payments that day for the
    beneficiary than the daily number (those received, rejected ones aside, plus
    ``earlier`` ones not yet written — the rows before it in a file); a
    cross-province payment when the rules say so; a ``manual`` entry (typed by a
    clerk, not read from the national platform's file) at or above the manual
    threshold, by default every one: one person alone moves no money.
    """
    rules = HoldRules.current()
    reasons = []
    if amount >= rules.amount_threshold:
        reasons.append(HoldReason.AMOUNT)
    start, end = local_days(on_date)
    same_day = SharingPayment.objects.filter(
        beneficiary=beneficiary_id, settled_at__gte=start, settled_at__lt=end
    ).exclude(status=PaymentStatus.REJECTED)
    if same_day.count() + earlier >= rules.daily_payments_per_beneficiary:
        reasons.append(HoldReason.DAILY_COUNT)
    if rules.hold_cross_province and scope == Scope.CROSS_PROVINCE:
        reasons.append(HoldReason.CROSS_PROVINCE)
    if manual and amount >= rules.manual_amount_threshold:
        reasons.append(HoldReason.MANUAL)
    return reasons


def hold_rules_check(**fields) -> None:
    """The refusal of ``hold_rules_update`` for these values (the settings form asks it)."""
    settings_check(
        HoldRules, changeable=HOLD_RULES_CHANGEABLE, positive=("amount_threshold",), **fields
    )


def hold_rules_update(*, operator, **fields) -> HoldRules:
    """Change the hold rules; they apply to every settlement received from then on.

    Raises ``SettingNotPositive`` for a threshold that is not above zero.
    """
    hold_rules_check(**fields)
    with transaction.atomic():
        HoldRules.current()
        locked = HoldRules.objects.select_for_update().get(pk=1)
        locked.updated_by = operator
        return settings_save(locked, operator=operator, **fields)
