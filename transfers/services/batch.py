"""Settlements in batches: what the checks of many rows read, read once for all of
them, and what the rows decided but not yet written take, so that each row is
decided as if those before it were written.

Why: one settlement at the counter is a batch of one (``settlement_receive``), a
file's chunk a batch of a thousand (``transfers.imports``); both run the same
checks (``checks``), the same hold rule (``holds``) and post through
``ledger_post_many``, so a file row meets exactly the rules of the counter at a
few queries per chunk instead of some twenty per row.
"""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Sum

from accounts.errors import InvalidIdNumber
from accounts.models import InsuredPerson, PersonalAccount
from accounts.selectors import (
    id_number_given,
    periods_query,
    persons_by_id_number,
    persons_query,
    persons_with_histories,
    regions_cached,
)
from core.copying import loaded
from core.dates import local_aware, local_date
from core.errors import DomainError
from core.prepared import FoundIds, queried_together
from transfers.errors import NoAgreementInForce, SettlementConflict
from transfers.models import PaymentStatus, SharingPayment, WalletSpending
from transfers.selectors import ZERO

from .checks import (
    CheckedRow,
    agreements_by_triple,
    agreements_in_force,
    agreements_query,
    require_available,
    settlement_known,
    settlements_by_key,
    settlements_found,
    settlements_query,
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
    arguments, as ``settlement_receive`` takes them): four queries (one for the
    counter's single row, ``_one_found``), plus one per further settlement date
    and per kind of settlement received before. ``regions``: a file's cache of
    regions (``persons_by_id_number``).

    A row whose cells would be refused finds nothing here; its check refuses it."""
    numbers = {}
    for row in rows:
        for name in ("grantor_id_number", "beneficiary_id_number"):
            try:
                numbers[row.get(name) or ""] = id_number_given(row.get(name) or "")
            except InvalidIdNumber:
                pass
    if regions is None and len(rows) == 1 and len(numbers) == 2 and rows[0].get("settled_at"):
        return _one_found(rows[0], numbers)
    persons = persons_by_id_number(numbers.values(), regions)
    settlements = settlements_found(str(row.get("settlement_id") or "").strip() for row in rows)
    triples = []
    for row in rows:
        grantor = persons.get(numbers.get(row.get("grantor_id_number") or ""))
        beneficiary = persons.get(numbers.get(row.get("beneficiary_id_number") or ""))
        if grantor and beneficiary and row.get("settled_at"):
            triples.append((grantor.pk, beneficiary.pk, local_date(local_aware(row["settled_at"]))))
    # A file's chunk (``regions``): its agreements with only what the checks read.
    return Found(persons, settlements, agreements_in_force(triples, light=regions is not None))


def _one_found(row: dict, numbers: dict) -> Found:
    """``batch_found`` of one settlement naming two valid ID numbers (the counter's):
    its four reads in one statement (``queried_together``), the histories and the
    agreement read for the persons that the read by ID number finds, inside it.
    The same querysets and results as the reads one by one."""
    grantor_number = numbers[row["grantor_id_number"]]
    beneficiary_number = numbers[row["beneficiary_id_number"]]
    on_date = local_date(local_aware(row["settled_at"]))
    shared = {}  # one instance per region, province and policy row, as one by one
    numbers = list(set(numbers.values()))
    persons, periods, seen, agreements = queried_together(
        (persons_query, numbers),
        (periods_query, FoundIds(persons_query, "id_number", numbers)),
        (settlements_query, {str(row.get("settlement_id") or "").strip()}),
        (
            agreements_query,
            on_date,
            FoundIds(persons_query, "id_number", [grantor_number]),
            FoundIds(persons_query, "id_number", [beneficiary_number]),
            False,
        ),
        shared=shared,
    )
    persons = persons_with_histories(persons, periods)
    found = {}
    grantor, beneficiary = persons.get(grantor_number), persons.get(beneficiary_number)
    if grantor and beneficiary:
        agreements_by_triple(found, agreements, on_date, {(grantor.pk, beneficiary.pk)})
    return Found(persons, settlements_by_key(seen), found)


def known_payment(key: str, values: dict, found: dict):
    """``settlement_known`` of an account payment against a batch's
    ``settlements_found``; the conflict it may raise is built only for a 结算ID
    found (building a domain error for every new row was a tenth of the check)."""
    if key not in found:
        return None
    conflict = SettlementConflict(settlement_id=key)
    return settlement_known(SharingPayment, WalletSpending, key, values, conflict, found=found)


def held_amounts_set(accounts) -> None:
    """Set ``held_amount`` (what ``account_shareable`` deducts) on accounts already
    read, from one query: the reservations of their held payments."""
    held = dict(
        SharingPayment.objects.filter(
            account_id__any={a.pk for a in accounts}, status=PaymentStatus.HELD
        )
        .order_by()
        .values_list("account_id")
        .annotate(total=Sum("amount"))
    )
    for account in accounts:
        account.held_amount = held.get(account.pk, ZERO)


def accounts_locked(account_ids, regions: dict) -> dict[int, PersonalAccount]:
    """The accounts of a file's chunk by id, locked in id order (as ``ledger_lock``),
    with only what the write reads of them: balance, status, number and last
    sequence for the posting, their reservations (``held_amounts_set``, read under
    the lock, so complete: a hold is made under it) and their holder's region from
    the file's cache for ``account_shareable``. Why not ``accounts_for_sharing``:
    an account with its person and region in full was three instances a row; and
    the rows are read as values, made instances by ``loaded`` (Django's were
    still a fifth of the write)."""
    accounts = []
    for row in (
        PersonalAccount.objects.select_for_update(of=("self",))
        .filter(pk__any=set(account_ids))
        .order_by("pk")
        .values_list(*_LOCKED_FIELDS, "person__region_id")
    ):
        account = loaded(PersonalAccount, _LOCKED_FIELDS, row[:-1])
        person = loaded(InsuredPerson, ("id", "region_id"), (account.person_id, row[-1]))
        _ACCOUNT_PERSON.set_cached_value(account, person)
        accounts.append(account)
    regions_cached(regions, [a.person.region_id for a in accounts])
    region = InsuredPerson._meta.get_field("region")
    for account in accounts:
        region.set_cached_value(account.person, regions[account.person.region_id])
    held_amounts_set(accounts)
    return {account.pk: account for account in accounts}


_LOCKED_FIELDS = ("id", "number", "status", "balance", "last_sequence", "person_id")
_ACCOUNT_PERSON = PersonalAccount._meta.get_field("person")


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


class Kept(NamedTuple):
    """What the write of a file's chunk needs of a row its check pass accepted
    (``checked_kept``), as plain data: ids, not model instances, so a file's
    checked rows can wait on disk for the write, one chunk in memory."""

    key: str
    values: dict
    wallet: bool  # paid from a wallet: ``wallet_spend`` checks it again
    on_date: dt.date | None = None
    patient_id: int | None = None  # a wallet's patient: the hold rule's day counts
    account_id: int | None = None
    grantor: str = ""
    beneficiary: str = ""
    scope: str = ""
    region_id: str | None = None


def checked_kept(checked: CheckedRow) -> Kept:
    """The ``Kept`` of a checked row (``batch_rechecked`` reads it back)."""
    if isinstance(checked.existing, SharingPayment):  # received before
        return Kept(checked.key, checked.values, False)
    if checked.account is None:
        if checked.existing is not None:
            return Kept(checked.key, checked.values, True)
        return Kept(
            checked.key, checked.values, True, checked.on_date, patient_id=checked.beneficiary.pk
        )
    return Kept(
        checked.key,
        checked.values,
        False,
        checked.on_date,
        account_id=checked.account.pk,
        grantor=checked.account.person.name,
        beneficiary=checked.beneficiary.name,
        scope=checked.scope,
        region_id=checked.grantor_region.pk,
    )


def batch_rechecked(kept: list[Kept], regions: dict) -> list:
    """The ``CheckedRow``s of a chunk that a file's check pass accepted
    (``checked_kept``), checked again for what can change before the write: the
    结算IDs received meanwhile (a replay, or ``SettlementConflict``) and the
    agreements still in force (``NoAgreementInForce``); two queries, plus one per
    further date. Balances and holds are then decided under the accounts' locks,
    as for any batch (``settlement_decide``). The persons' histories and the
    policies are not read again: the check pass judged them by the settlement's
    date, which the write does not move. ``regions``: the file's cache, which
    its check pass filled (``persons_by_id_number``)."""
    known = settlements_found(row.key for row in kept)
    triples = [
        (row.values["grantor_id"], row.values["beneficiary_id"], row.on_date)
        for row in kept
        if row.account_id is not None
    ]
    agreements = agreements_in_force(triples, ids=True)
    persons = {}
    return each_checked(kept, lambda row: _rechecked(row, known, agreements, regions, persons))


def _rechecked(row: Kept, known: dict, agreements: dict, regions: dict, persons) -> CheckedRow:
    key, values = row.key, row.values
    if row.wallet:
        patient = InsuredPerson(pk=row.patient_id) if row.patient_id is not None else None
        return CheckedRow(key, values, on_date=row.on_date, beneficiary=patient)
    existing = known_payment(key, values, known)
    if existing is not None:
        return CheckedRow(key, values, existing)
    agreement = agreements.get((values["grantor_id"], values["beneficiary_id"], row.on_date))
    if agreement is None:
        raise NoAgreementInForce(
            grantor=row.grantor, beneficiary=row.beneficiary, on_date=row.on_date.isoformat()
        )
    # The account and the agreement by id only: the write locks and reads the
    # account itself (building model instances was a third of the write); the
    # region from the file's cache; the beneficiary (whom the posting names) one
    # instance for its rows of the chunk, only its id and name loaded.
    beneficiary = persons.get(values["beneficiary_id"])
    if beneficiary is None:
        beneficiary = persons[values["beneficiary_id"]] = loaded(
            InsuredPerson, ("id", "name"), (values["beneficiary_id"], row.beneficiary)
        )
    return CheckedRow(
        key,
        values,
        None,
        Ref(row.account_id),
        Ref(agreement),
        row.scope,
        row.on_date,
        beneficiary,
        regions[row.region_id],
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
