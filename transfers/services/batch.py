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
from typing import NamedTuple

from django.utils import timezone

from accounts.errors import InvalidIdNumber
from accounts.models import InsuredPerson
from accounts.selectors import id_number_given, persons_by_id_number
from core.errors import DomainError
from transfers.errors import NoAgreementInForce, SettlementConflict
from transfers.models import SharingPayment, WalletSpending

from .checks import (
    CheckedRow,
    agreements_in_force,
    aware,
    require_available,
    settlement_known,
    settlements_found,
)
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


def batch_found(rows: list[dict], regions: dict | None = None) -> Found:
    """Persons, earlier settlements and agreements of ``rows`` (settlement keyword
    arguments, as ``settlement_receive`` takes them): four queries, plus one per
    further settlement date and per kind of settlement received before.
    ``regions``: a file's cache of regions (``persons_by_id_number``).

    A row whose cells would be refused finds nothing here; its check refuses it."""
    numbers = {}
    for row in rows:
        for name in ("grantor_id_number", "beneficiary_id_number"):
            try:
                numbers[row.get(name) or ""] = id_number_given(row.get(name) or "")
            except InvalidIdNumber:
                pass
    persons = persons_by_id_number(numbers.values(), regions)
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


def checked_kept(checked: CheckedRow) -> tuple:
    """What the write of a file's chunk needs of a row its check pass accepted, as
    plain data (``batch_rechecked`` reads it back): ids, not model instances, so a
    file's checked rows can wait on disk for the write, one chunk in memory."""
    if checked.account is None:
        # Paid from a wallet (``wallet_spend`` checks it again; its patient and day
        # kept for the hold rule's day counts), or received before.
        if isinstance(checked.existing, SharingPayment):
            return (checked.key, checked.values, False)
        if checked.existing is not None:
            return (checked.key, checked.values, True)
        return (checked.key, checked.values, True, checked.beneficiary.pk, checked.on_date)
    return (
        checked.key,
        checked.values,
        False,
        checked.account.pk,
        checked.account.person.name,
        checked.beneficiary.name,
        checked.scope,
        checked.on_date,
        checked.grantor_region.pk,
    )


def batch_rechecked(kept: list[tuple], regions: dict) -> list:
    """The ``CheckedRow``s of a chunk that a file's check pass accepted
    (``checked_kept``), checked again for what can change before the write: the
    结算IDs received meanwhile (a replay, or ``SettlementConflict``) and the
    agreements still in force (``NoAgreementInForce``); two queries, plus one per
    further date. Balances and holds are then decided under the accounts' locks,
    as for any batch (``settlement_decide``). The persons' histories and the
    policies are not read again: the check pass judged them by the settlement's
    date, which the write does not move. ``regions``: the file's cache, which
    its check pass filled (``persons_by_id_number``)."""
    known = settlements_found(key for key, *_rest in kept)
    triples = [
        (row[1]["grantor_id"], row[1]["beneficiary_id"], row[7]) for row in kept if len(row) > 5
    ]
    agreements = agreements_in_force(triples)
    return each_checked(kept, lambda row: _rechecked(row, known, agreements, regions))


def _rechecked(row: tuple, known: dict, agreements: dict, regions: dict) -> CheckedRow:
    key, values, wallet = row[:3]
    if wallet:
        if len(row) == 3:
            return CheckedRow(key, values)
        patient_id, on_date = row[3:]
        return CheckedRow(key, values, on_date=on_date, beneficiary=InsuredPerson(pk=patient_id))
    conflict = SettlementConflict(settlement_id=key)
    existing = settlement_known(SharingPayment, WalletSpending, key, values, conflict, found=known)
    if existing is not None:
        return CheckedRow(key, values, existing)
    account_id, grantor, beneficiary, scope, on_date, region_id = row[3:]
    agreement = agreements.get((values["grantor_id"], values["beneficiary_id"], on_date))
    if agreement is None:
        raise NoAgreementInForce(
            grantor=grantor, beneficiary=beneficiary, on_date=on_date.isoformat()
        )
    # The account by id only: the write locks and reads it itself (building model
    # instances was a third of the write); the region from the file's cache.
    return CheckedRow(
        key,
        values,
        None,
        Ref(account_id),
        agreement,
        scope,
        on_date,
        InsuredPerson(pk=values["beneficiary_id"], name=beneficiary),
        regions[region_id],
    )


class Ref(NamedTuple):
    """A row by its id, where only the id is read (``batch_rechecked``)."""

    pk: int


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
