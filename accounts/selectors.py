"""Reads of the accounts app that are more than a simple filter."""

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Exists, Max, Min, OuterRef, Q, Value
from django.db.models.functions import TruncDate
from django.utils import timezone

from accounts.enrolment import PERIODS_PREFETCH
from accounts.errors import (
    GrantorAccountNotOpen,
    GrantorNotEmployee,
    InvalidIdNumber,
    PersonNotFound,
)
from accounts.models import (
    AccountStatus,
    AgreementStatus,
    EnrolmentPeriod,
    EntryKind,
    InsuredPerson,
    LedgerEntry,
    NameGrams,
    PersonalAccount,
    PoolingRegion,
    SharingAgreement,
    Use,
    Wallet,
)
from accounts.templatetags.money import yuan
from core.copying import loaded
from core.database import replica_alias
from core.dates import local_days
from core.idnumbers import normalize_id_number
from core.masking import mask_id_number, mask_name
from core.prepared import queried


def open_account_of(person: InsuredPerson) -> PersonalAccount:
    """The account a grantor shares from; agreements, payments and transfers all need
    one open (``GrantorNotEmployee`` without an account, ``GrantorAccountNotOpen``).
    A person loaded by ``persons_by_id_number`` brings it along (no query)."""
    try:
        account = person.account
    except PersonalAccount.DoesNotExist:
        raise GrantorNotEmployee(name=person.name) from None
    if account.status != AccountStatus.OPEN:
        raise GrantorAccountNotOpen(
            name=person.name, number=account.number, status=account.get_status_display()
        )
    return account


def id_number_given(id_number: str) -> str:
    """An ID number as typed, pasted or read from a card, in stored form
    (``InvalidIdNumber`` when it is not a valid one)."""
    try:
        return normalize_id_number(id_number)
    except ValidationError as error:
        raise InvalidIdNumber(
            id_number=mask_id_number((id_number or "").strip()), reason=error.messages[0]
        ) from None


def persons_by_id_number(id_numbers, regions: dict | None = None) -> dict[str, InsuredPerson]:
    """The registered persons with these (stored-form) ID numbers, by number, with
    what the checks read (region, policy, account, enrolment history): two queries
    for any number of persons, so a file's chunk is judged without one per row.

    ``regions``: a file's cache of the pooling regions (with province and policy)
    by code, which this fills: the persons and their histories are then read
    without their regions (one query more for regions not yet cached), and each
    region is one object for the whole file instead of four per person and period
    (building those was half of a settlement file's check); and only the fields
    the checks read are loaded, as rows made instances (``loaded``: building the
    persons, accounts and periods as Django does was still most of the check)."""
    numbers = list(set(id_numbers))
    if regions is None:
        # One instance per region, province and policy row of the persons and
        # their histories (``queried``'s ``shared``).
        shared = {}
        persons = queried(persons_query, numbers, shared=shared)
        periods = queried(periods_query, [person.pk for person in persons], shared=shared)
        return persons_with_histories(persons, periods)
    persons = []
    for row in (
        InsuredPerson.objects.filter(id_number__any=numbers)
        .order_by()
        .values_list(*_PERSON_FIELDS, *(f"account__{f}" for f in _ACCOUNT_FIELDS[:-1]))
    ):
        person = loaded(InsuredPerson, _PERSON_FIELDS, row[:_ACCOUNT_AT])
        persons.append(person)
        if row[_ACCOUNT_AT] is not None:
            account = loaded(PersonalAccount, _ACCOUNT_FIELDS, (*row[_ACCOUNT_AT:], person.pk))
            _ACCOUNT_PERSON.set_cached_value(account, person)
        else:
            account = None  # ``person.account`` raises, as for any person without one
        _PERSON_ACCOUNT.set_cached_value(person, account)
    periods = {person.pk: [] for person in persons}
    for row in EnrolmentPeriod.objects.filter(person_id__any=list(periods)).values_list(
        *_PERIOD_FIELDS
    ):
        periods[row[1]].append(loaded(EnrolmentPeriod, _PERIOD_FIELDS, row))
    regions_cached(regions, [p.region_id for p in persons] + [
        period.region_id for held in periods.values() for period in held
    ])  # fmt: skip
    region_field = InsuredPerson._meta.get_field("region")
    period_region = EnrolmentPeriod._meta.get_field("region")
    for person in persons:
        region_field.set_cached_value(person, regions[person.region_id])
        for period in periods[person.pk]:
            period_region.set_cached_value(period, regions[period.region_id])
        # What ``prefetch_related`` leaves, without a queryset per person.
        person._prefetched_objects_cache = {"enrolment_periods": periods[person.pk]}
    return {person.id_number: person for person in persons}


# What the checks of a file's rows read of persons, accounts and enrolment periods
# (``persons_by_id_number`` with a file's ``regions``); the account's person last.
_PERSON_FIELDS = ("id", "id_number", "name", "region_id")
_ACCOUNT_FIELDS = ("id", "number", "status", "balance", "person_id")
_ACCOUNT_AT = len(_PERSON_FIELDS)
_PERIOD_FIELDS = ("id", "person_id", "status", "scheme", "region_id", "valid_from", "valid_to")
_ACCOUNT_PERSON = PersonalAccount._meta.get_field("person")
_PERSON_ACCOUNT = _ACCOUNT_PERSON.remote_field


def persons_with_histories(persons, periods) -> dict[str, InsuredPerson]:
    """``persons_by_id_number``'s result from its two reads (``persons_query`` and
    ``periods_query`` of their ids): each person with its history, as
    ``prefetch_related`` leaves it."""
    held = {person.pk: [] for person in persons}
    for period in periods:
        held[period.person_id].append(period)
    for person in persons:
        person._prefetched_objects_cache = {"enrolment_periods": held[person.pk]}
    return {person.id_number: person for person in persons}


def persons_query(numbers):
    """The persons with these ID numbers, with region, province, policy and account
    (``persons_by_id_number``; ``transfers.services.batch`` for one settlement)."""
    # A dict by number: no sort to compile or run.
    return (
        InsuredPerson.objects.select_related("region__province__policy", "account")
        .filter(id_number__any=numbers)
        .order_by()
    )


def periods_query(person_ids):
    """The enrolment histories of these persons, with their regions (in order)."""
    return PERIODS_PREFETCH.queryset.filter(person_id__any=person_ids)


def regions_cached(regions: dict, codes) -> None:
    """Add to a file's cache of regions (with province and policy) those of ``codes``
    it lacks, in one query."""
    missing = set(codes) - regions.keys()
    if missing:
        regions |= PoolingRegion.objects.select_related("province__policy").in_bulk(missing)


def person_by_id_number(id_number: str, found: dict | None = None) -> InsuredPerson:
    """The registered person with this ID number, from ``found`` (what
    ``persons_by_id_number`` loaded for a batch) or from the database. A number
    found as it is given is in stored form already (a file's cell, normalised
    when it was read): it is not normalised again."""
    if found is not None and (person := found.get(id_number)) is not None:
        return person
    number = id_number_given(id_number)
    person = (persons_by_id_number([number]) if found is None else found).get(number)
    if person is None:
        raise PersonNotFound(id_number=mask_id_number(number))
    return person


# For every holder (account or wallet): the cached balance against the sum of its
# entries, and the entries whose balance_after does not follow from the one before
# (or whose sequence skips), and a cached last sequence that is not the last
# entry's (counted as one more broken link). Runs in the database so it scales.
_MISMATCH_SQL = """
WITH chain AS (
    SELECT {holder} AS holder_id, sequence, amount, balance_after,
           LAG(balance_after) OVER w AS previous_after,
           LAG(sequence) OVER w AS previous_sequence
    FROM accounts_ledgerentry
    WHERE {holder} IS NOT NULL
    WINDOW w AS (PARTITION BY {holder} ORDER BY sequence)
), broken AS (
    SELECT holder_id, COUNT(*) AS breaks FROM chain
    WHERE balance_after <> COALESCE(previous_after, 0) + amount
       OR sequence <> COALESCE(previous_sequence, 0) + 1
    GROUP BY holder_id
), sums AS (
    SELECT {holder} AS holder_id, SUM(amount) AS total, MAX(sequence) AS last
    FROM accounts_ledgerentry
    WHERE {holder} IS NOT NULL GROUP BY {holder}
)
SELECT h.id, {label}, h.balance, COALESCE(s.total, 0),
       COALESCE(b.breaks, 0)
       + CASE WHEN h.last_sequence <> COALESCE(s.last, 0) THEN 1 ELSE 0 END
FROM {table} h
LEFT JOIN sums s ON s.holder_id = h.id
LEFT JOIN broken b ON b.holder_id = h.id
WHERE h.balance <> COALESCE(s.total, 0) OR COALESCE(b.breaks, 0) > 0
   OR h.last_sequence <> COALESCE(s.last, 0)
ORDER BY h.id
"""


@dataclass(frozen=True)
class LedgerMismatch:
    holder: str  # "account 3205000000000001" or "wallet 7"
    balance: Decimal
    entries_total: Decimal
    broken_links: int

    def __str__(self):
        return (
            f"{self.holder}: balance {self.balance}, entries add up to {self.entries_total}, "
            f"{self.broken_links} broken link(s) in the balance-after chain"
        )


def ledger_mismatches() -> list[LedgerMismatch]:
    """Every account and wallet whose balance or chain disagrees with its entries."""
    found = []
    for holder, table, label in (
        ("account_id", "accounts_personalaccount", "'account ' || h.number"),
        ("wallet_id", "accounts_wallet", "'wallet ' || h.id"),
    ):
        sql = _MISMATCH_SQL.format(holder=holder, table=table, label=label)
        with connection.cursor() as cursor:
            cursor.execute(sql)
            found += [LedgerMismatch(*row[1:]) for row in cursor.fetchall()]
    return found


# The last four characters of an ID number and the name, either order ("1234 李明").
_LAST_FOUR_AND_NAME = re.compile(r"^(?:(\d{3}[\dXx])\s*(\D+)|(\D+?)\s*(\d{3}[\dXx]))$")


def looks_like_id_number(term: str) -> bool:
    return len(term) == 18 and term[:17].isdigit()


def person_search(queryset, term: str):
    """Persons matching an exact ID number (x read as X), an account number, the last
    four characters of the ID number with the name, or a name part.

    Each from its own index (a name part from the trigram index on UPPER(name)),
    never one ORed with another: over a million persons that would read them all.
    """
    term = term.strip()
    if looks_like_id_number(term):
        return queryset.filter(id_number=term.upper())
    if term.isdigit() and len(term) != 4:
        return queryset.filter(account__number=term)
    if match := _LAST_FOUR_AND_NAME.match(term):
        last_four = (match[1] or match[4]).upper()
        name = (match[2] or match[3]).strip()
        return name_part(queryset.filter(id_number__endswith=last_four), name)
    return name_part(queryset, term)


# A part this short has no whole trigram: the trigram index cannot answer it.
_SHORTEST_TRIGRAM_PART = 3


def name_part(queryset, part: str):
    """Persons whose name contains ``part`` (case-insensitively): from the
    trigram index, or for one or two characters from the index of the names'
    characters and pairs (``NameGrams``)."""
    contains = queryset.filter(name__icontains=part)
    if len(part) >= _SHORTEST_TRIGRAM_PART:
        return contains
    # The same condition twice: the grams for an index to answer, the plain LIKE
    # for a scan in key order to test first (a fraction of a microsecond a row
    # against the function's 6).
    return contains.alias(name_grams=NameGrams("name")).filter(
        name_grams__contains=NameGrams(Value(part))
    )


def agreements_by_number(term: str):
    """The agreement whose number (its 编号 on every page and printed form) is ``term``."""
    term = term.strip().lstrip("#")
    return (
        SharingAgreement.objects.filter(pk=int(term))
        if term.isdigit()
        else SharingAgreement.objects.none()
    )


def rejected_to_correct(queryset, user):
    """``user``'s own rejected agreements not yet registered again for the same pair:
    what waits for them to correct and resubmit."""
    again = SharingAgreement.objects.filter(
        grantor=OuterRef("grantor"),
        beneficiary=OuterRef("beneficiary"),
        created_at__gt=OuterRef("created_at"),
    )
    return queryset.filter(status=AgreementStatus.REJECTED, created_by=user).exclude(Exists(again))


def ledger_search(queryset, term: str):
    """Entries of the account and wallet of an exact ID number; else of an account
    number, or with that exact reference (结算ID, batch, transfer number), posting
    key or institution code.

    The holders are looked up first, so the entries are read by the holder indexes
    (``account_id = … OR wallet_id = …`` is a bitmap OR of two index scans; a join
    under an OR would read the ledger).
    """
    term = term.strip()
    if looks_like_id_number(term):
        person = InsuredPerson.objects.filter(id_number=term.upper())
        holders = Q(account__in=list(PersonalAccount.objects.filter(person__in=person)))
        holders |= Q(wallet__in=list(Wallet.objects.filter(person__in=person)))
        return queryset.filter(holders)
    accounts = list(PersonalAccount.objects.filter(number=term)) if term.isdigit() else []
    return queryset.filter(
        Q(account__in=accounts)
        | Q(reference=term)
        | Q(idempotency_key=term)
        | Q(institution_code=term)
    )


@dataclass(frozen=True)
class KindTotal:
    """The entries of one kind (and, for sharing payments, one use) in a period."""

    kind: str
    use: str
    count: int
    amount: Decimal

    @property
    def label(self) -> str:
        kind = EntryKind(self.kind).label
        return f"{kind}（{Use(self.use).label}）" if self.use else str(kind)


@dataclass(frozen=True, slots=True)
class StatementLine:
    """One line of a statement, with what the page prints already made.

    Why not the ledger entries themselves: a year of 2,000 entries as model
    instances with five related ones, their choice labels looked up and
    translated per cell, and their dates and amounts formatted by template
    filters, was most of the statement's time; one row of values per entry, the
    labels made once per kind, is a few microseconds a line.
    """

    pk: int
    sequence: int
    booked: dt.date
    booked_text: str
    value_date: dt.date
    value_text: str  # the month of a credit, else the day
    kind: str
    use: str
    kind_label: str
    use_label: str
    reverses: int | None  # sequence of the entry this one reverses
    reversed_by: int | None
    counterpart_name: str  # masked
    counterpart_id_number: str  # masked
    institution_name: str
    institution_code: str
    amount: Decimal
    amount_text: str
    balance_after: Decimal
    balance_text: str


@dataclass(frozen=True)
class Statement:
    """对账单 of one account or wallet over a period, read from its ledger only."""

    holder: PersonalAccount | Wallet
    start: dt.date
    end: dt.date
    opening_balance: Decimal
    closing_balance: Decimal
    entries: list[StatementLine]
    totals: list[KindTotal]

    @property
    def credits(self) -> Decimal:
        return sum((e.amount for e in self.entries if e.amount > 0), Decimal("0.00"))

    @property
    def debits(self) -> Decimal:
        return sum((e.amount for e in self.entries if e.amount < 0), Decimal("0.00"))


_LINE_FIELDS = (
    "pk",
    "sequence",
    "booked",
    "value_date",
    "kind",
    "use",
    "reverses__sequence",
    "reversed_by__sequence",
    "counterpart__name",
    "counterpart__id_number",
    "institution_name",
    "institution_code",
    "amount",
    "balance_after",
)


def ledger_statement(*, holder: PersonalAccount | Wallet, start: dt.date, end: dt.date):
    """The statement of ``holder`` from ``start`` to ``end`` (both days included).

    One rule for periods: an entry belongs to the period of its booking time
    (``created_at``), whatever its value date, and the lines are in ledger order.
    The ledger is cut in posting order (sequence) just before the first entry
    booked on or after each end of the period, so the lines are one unbroken run
    of the ledger even if a clock ever stepped back: every running balance is
    the entry's ``balance_after``, the opening balance is that of the entry
    before the run (0 before the first), the closing balance that of its last
    line, the totals add up to closing − opening, and consecutive statements
    chain exactly. A settlement or credit imported long after its value date is
    a line of the period it was imported in, showing its value date.

    Two queries: the cuts, then the run with the entry before it (its balance is
    the opening one); the totals are added up from the lines.
    """
    field = "account" if isinstance(holder, PersonalAccount) else "wallet"
    # A statement may be a moment behind the counter: read from the replica.
    ledger = LedgerEntry.objects.using(replica_alias()).filter(**{field: holder})
    lo, hi = local_days(start, end)
    run = ledger.aggregate(
        from_lo=Min("sequence", filter=Q(created_at__gte=lo)),
        from_hi=Min("sequence", filter=Q(created_at__gte=hi)),
        last=Max("sequence"),
    )
    cut_lo, cut_hi = (
        run[f] - 1 if run[f] is not None else run["last"] or 0 for f in ("from_lo", "from_hi")
    )
    rows = (
        ledger.filter(sequence__gte=cut_lo, sequence__lte=cut_hi)
        .annotate(booked=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .order_by("sequence")
        .values_list(*_LINE_FIELDS)
    )
    opening = Decimal("0.00")
    entries = []
    for row in rows:
        if row[1] == cut_lo:
            opening = row[-1]
        else:
            entries.append(_line(*row))
    return Statement(
        holder=holder,
        start=start,
        end=end,
        opening_balance=opening,
        closing_balance=entries[-1].balance_after if entries else opening,
        entries=entries,
        totals=_kind_totals(entries),
    )


_KIND_LABELS = dict(EntryKind.choices)
_USE_LABELS = dict(Use.choices)


def _line(pk, sequence, booked, value_date, kind, use, reverses, reversed_by, name, id_number,
          institution_name, institution_code, amount, balance_after) -> StatementLine:  # fmt: skip
    return StatementLine(
        pk=pk,
        sequence=sequence,
        booked=booked,
        booked_text=f"{booked:%Y-%m-%d}",
        value_date=value_date,
        value_text=f"{value_date:%Y-%m}" if kind == EntryKind.CREDIT else f"{value_date:%Y-%m-%d}",
        kind=kind,
        use=use or "",
        kind_label=str(_KIND_LABELS[kind]),
        use_label=str(_USE_LABELS[use]) if use else "",
        reverses=reverses,
        reversed_by=reversed_by,
        counterpart_name=mask_name(name or ""),
        counterpart_id_number=mask_id_number(id_number or ""),
        institution_name=institution_name,
        institution_code=institution_code,
        amount=amount,
        amount_text=yuan(amount),
        balance_after=balance_after,
        balance_text=yuan(balance_after),
    )


def _kind_totals(lines: list[StatementLine]) -> list[KindTotal]:
    """Count and amount by kind and use, in the order of the kinds and uses."""
    order = {kind: i for i, kind in enumerate(EntryKind.values + Use.values)}
    groups: dict[tuple[str, str], list[Decimal]] = {}
    for line in lines:
        groups.setdefault((line.kind, line.use), []).append(line.amount)
    return sorted(
        (
            KindTotal(kind=kind, use=use, count=len(amounts), amount=sum(amounts))
            for (kind, use), amounts in groups.items()
        ),
        key=lambda t: (order[t.kind], order.get(t.use, -1)),
    )


# What was paid for a person: sharing payments charged to a grantor's account for
# them, and transfers into their wallet; with the reversals of either.
_PAID_FOR = (
    (EntryKind.SHARING_PAYMENT, "counterpart"),
    (EntryKind.WALLET_TRANSFER_IN, "wallet__person"),
)


@dataclass(frozen=True)
class PaidForLine:
    entry: LedgerEntry
    payer: InsuredPerson
    paid: Decimal  # positive for money paid for the person, negative for its reversal


@dataclass(frozen=True)
class BeneficiaryStatement:
    """What was paid for ``person`` over a period, and by whom."""

    person: InsuredPerson
    start: dt.date
    end: dt.date
    lines: list[PaidForLine]

    @property
    def total(self) -> Decimal:
        return sum((line.paid for line in self.lines), Decimal("0.00"))

    def totals_by_payer(self) -> list[tuple[InsuredPerson, Decimal]]:
        sums: dict[int, list] = {}
        for line in self.lines:
            sums.setdefault(line.payer.pk, [line.payer, Decimal("0.00")])[1] += line.paid
        return [tuple(pair) for pair in sums.values()]


def beneficiary_statement(*, person: InsuredPerson, start: dt.date, end: dt.date):
    """Sharing payments and wallet transfers for ``person``, and their reversals.

    The payer is the grantor: the account holder of a sharing payment, the
    counterpart (sender) of a wallet transfer. As on the account statement, a
    line belongs to the period it was booked in and shows its value date; a
    reversal is its own line, negative, booked when it was approved.
    """
    paid_for = Q()
    for kind, person_field in _PAID_FOR:
        paid_for |= Q(kind=kind, **{person_field: person})
    ledger = LedgerEntry.objects.using(replica_alias())  # a statement: the replica's
    originals = ledger.filter(paid_for)
    lo, hi = local_days(start, end)
    entries = (
        ledger.filter(paid_for | Q(kind=EntryKind.REVERSAL, reverses__in=originals))
        .filter(created_at__gte=lo, created_at__lt=hi)
        .select_related(
            "account__person", "counterpart", "reverses__account__person", "reverses__counterpart"
        )
        .order_by("created_at", "id")
    )
    lines = []
    for entry in entries:
        original = entry.reverses or entry
        payer = original.account.person if original.account_id else original.counterpart
        paid = entry.amount if entry.wallet_id else -entry.amount
        lines.append(PaidForLine(entry=entry, payer=payer, paid=paid))
    return BeneficiaryStatement(person=person, start=start, end=end, lines=lines)
