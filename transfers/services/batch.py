"""Settlements in batches: what the checks of many rows read, read once for all of
them, and what the rows decided but not yet written take, so that each row is
decided as if those before it were written.

Why: one settlement at the counter is a batch of one (``settlement_receive``), a
file's chunk a batch of a thousand (``transfers.imports``); both run the same
checks (``checks``), the same hold rule (``holds``) and post through
``ledger_post_many``, so a file row meets exactly the rules of the counter at a
few queries per chunk instead of some twenty per row.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from accounts.errors import InvalidIdNumber
from accounts.selectors import id_number_given, persons_by_id_number
from core.errors import DomainError

from .checks import CheckedRow, agreements_in_force, aware, require_available, settlements_found
from .holds import HoldContext, hold_context, hold_reasons


@dataclass
class Found:
    """What ``batch_found`` read for a batch: persons by ID number, settlements
    received before by 结算ID, agreements in force by (grantor, beneficiary, date)."""

    persons: dict
    settlements: dict
    agreements: dict


@dataclass
class Pending:
    """What rows decided and not yet written take: money per account (paid or held)
    and payments per (beneficiary, day). A preview keeps one for the whole file
    (nothing is written); a write keeps one per transaction."""

    taken: defaultdict = field(default_factory=lambda: defaultdict(Decimal))
    per_day: Counter = field(default_factory=Counter)


def batch_found(rows: list[dict]) -> Found:
    """Persons, earlier settlements and agreements of ``rows`` (settlement keyword
    arguments, as ``settlement_receive`` takes them): four queries, plus one per
    further settlement date and per kind of settlement received before.

    A row whose cells would be refused finds nothing here; its check refuses it."""
    numbers = {}
    for row in rows:
        for name in ("grantor_id_number", "beneficiary_id_number"):
            try:
                numbers[row.get(name) or ""] = id_number_given(row.get(name) or "")
            except InvalidIdNumber:
                pass
    persons = persons_by_id_number(numbers.values())
    settlements = settlements_found(str(row.get("settlement_id") or "").strip() for row in rows)
    triples = []
    for row in rows:
        grantor = persons.get(numbers.get(row.get("grantor_id_number") or ""))
        beneficiary = persons.get(numbers.get(row.get("beneficiary_id_number") or ""))
        if grantor and beneficiary and row.get("settled_at"):
            triples.append(
                (grantor.pk, beneficiary.pk, timezone.localdate(aware(row["settled_at"])))
            )
    return Found(persons, settlements, agreements_in_force(triples))


def batch_holds(checked_rows) -> HoldContext:
    """The hold rule's reads for the new settlements among ``checked_rows`` (payments
    from an account and from a wallet)."""
    return hold_context(
        (c.beneficiary.pk, c.on_date)
        for c in checked_rows
        if isinstance(c, CheckedRow) and c.existing is None and c.beneficiary is not None
    )


def settlement_decide(
    checked: CheckedRow, account, holds: HoldContext, pending: Pending, *, manual: bool = False
) -> list[str]:
    """The rules a new account payment meets against the account's state: enough
    shareable money after what ``pending`` rows take (``AmountOverAvailable``);
    then its hold reasons, counting the pending payments of the beneficiary's
    day (``manual``: typed at the counter, see ``hold_reasons``). The row is then
    pending itself."""
    amount = checked.values["amount"]
    require_available(account, amount, checked.on_date, pending.taken[account.pk])
    day = (checked.beneficiary.pk, checked.on_date)
    reasons = hold_reasons(
        amount=amount,
        beneficiary_id=checked.beneficiary.pk,
        scope=checked.scope,
        on_date=checked.on_date,
        earlier=pending.per_day[day],
        manual=manual,
        context=holds,
    )
    pending.taken[account.pk] += amount
    pending.per_day[day] += 1
    return reasons


def each_checked(rows, check) -> list:
    """``check(row)`` of each row: its result, or the ``DomainError`` refusing it."""
    results = []
    for row in rows:
        try:
            results.append(check(row))
        except DomainError as error:
            results.append(error)
    return results


def spending_decide(
    checked: CheckedRow, holds: HoldContext, pending: Pending, *, manual: bool = False
) -> list[str]:
    """The hold reasons of a new wallet spending: the rule of a payment from an
    account (``hold_reasons``; the daily number counts the beneficiary's account
    payments, those pending before it included). The wallet's money is checked
    under its lock (``wallet_spend``); a spending takes no account's money."""
    return hold_reasons(
        amount=checked.values["amount"],
        beneficiary_id=checked.beneficiary.pk,
        scope=checked.scope,  # empty: the patient's own wallet has no scope to hold
        on_date=checked.on_date,
        earlier=pending.per_day[(checked.beneficiary.pk, checked.on_date)],
        manual=manual,
        context=holds,
    )
