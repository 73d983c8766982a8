"""The hold rule: which settlements wait for a reviewer instead of posting, and the
supervisor's page of its settings (``HoldRules``, one row, history kept).

``hold_reasons`` is the one statement of the rule: ``settlements_receive`` (one
settlement at the counter, or a file's chunk) asks it for each row before
posting, and the settlement import's preview asks it for each row in the same
way (``transfers.services.batch``), so the preview lists exactly the holds the
write makes.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import Scope
from core.dates import local_days
from core.prepared import raw_queried
from core.settings_update import settings_check, settings_save
from transfers.models import HoldReason, HoldRules, PaymentStatus

HOLD_RULES_CHANGEABLE = (
    "amount_threshold",
    "daily_payments_per_beneficiary",
    "hold_cross_province",
    "manual_amount_threshold",
)


@dataclass
class HoldContext:
    """What the hold rule reads for a batch of settlements, read once for it: the
    rules, and the payments received so far per (beneficiary id, local day),
    rejected ones aside."""

    rules: HoldRules
    same_day: Counter


# The rules' row with the day counts of the batch's beneficiaries, in one statement
# (a counter settlement reads it once): payments per beneficiary and local day.
HOLD_CONTEXT_SQL = """
SELECT r.*, (
    SELECT COALESCE(json_agg(json_build_array(c.beneficiary_id, c.day, c.n)), '[]')
    FROM (
        SELECT beneficiary_id, (settled_at AT TIME ZONE %s)::date AS day, COUNT(*) AS n
        FROM transfers_sharingpayment
        WHERE beneficiary_id = ANY(%s) AND settled_at >= %s AND settled_at < %s
          AND status <> %s
        GROUP BY 1, 2
    ) c
) AS day_counts
FROM transfers_holdrules r WHERE r.id = 1
"""


def hold_context(days) -> HoldContext:
    """The ``HoldContext`` for these (beneficiary id, date) pairs, in one query."""
    days = set(days)
    dates = {d for _b, d in days} or {timezone.localdate()}  # asked only when none
    first, last = min(dates), max(dates)
    start, end = local_days(first, last)
    params = [
        settings.TIME_ZONE,
        sorted({b for b, _d in days}),
        start,
        end,
        PaymentStatus.REJECTED,
    ]
    rules = next(iter(raw_queried(HoldRules, HOLD_CONTEXT_SQL, params)), None)
    if rules is None:  # the deployment's first settlement: the default rules
        HoldRules.current()
        return hold_context(days)
    same_day = Counter({(b, dt.date.fromisoformat(d)): n for b, d, n in rules.day_counts})
    return HoldContext(rules, same_day)


def hold_reasons(
    *,
    amount: Decimal,
    beneficiary_id: int,
    scope: str,
    on_date: dt.date,
    earlier: int = 0,
    manual: bool = False,
    context: HoldContext | None = None,
) -> list[str]:
    """Why a sharing payment of ``amount`` to the beneficiary, of ``scope``, settled
    on ``on_date``, is held (``HoldReason`` codes; empty: it posts at once).

    Held: an amount at or above the threshold; more payments that day for the
    beneficiary than the daily number (those received, rejected ones aside, plus
    ``earlier`` ones not yet written — the rows before it in a file); a
    cross-province payment when the rules say so; a ``manual`` entry (typed by a
    clerk, not read from the national platform's file) at or above the manual
    threshold, by default every one: one person alone moves no money.
    ``context``: what a batch read for all its rows (``hold_context``); read for
    this one when not given.
    """
    if context is None:
        context = hold_context([(beneficiary_id, on_date)])
    rules = context.rules
    reasons = []
    if amount >= rules.amount_threshold:
        reasons.append(HoldReason.AMOUNT)
    same_day = context.same_day[(beneficiary_id, on_date)]
    if same_day + earlier >= rules.daily_payments_per_beneficiary:
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
