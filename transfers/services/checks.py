"""Checks shared by settlements paid from an account and from a wallet, and by
wallet transfers. Each raises the domain error of the rule it enforces."""

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Value
from django.utils import timezone

from accounts.enrolment import enrolment_on, enrolment_shown, period_active, region_on
from accounts.errors import IdempotencyConflict
from accounts.models import (
    EnrolmentPeriod,
    InsuredPerson,
    PersonalAccount,
    PolicyPart,
    PoolingRegion,
    Scheme,
    SharingAgreement,
    Use,
)
from accounts.policy import require_part, require_relationship_allowed
from accounts.scope import require_person_in_scope
from accounts.selectors import person_by_id_number as registered_person
from core.copying import loaded
from core.dates import local_aware
from core.errors import about
from core.idnumbers import division_code_known
from core.money import parse_amount
from core.prepared import queried
from transfers.errors import (
    AmountOverAvailable,
    ContributionNotResident,
    GrantorNotEmployeeOn,
    InstitutionDivisionUnknown,
    InstitutionDoesNotMatchUse,
    InstitutionNameMissing,
    InvalidInstitutionCode,
    InvalidUse,
    NoAgreementInForce,
    NotEnrolledOn,
    SettlementInFuture,
)
from transfers.models import SharingPayment, WalletSpending
from transfers.models.settlements import INSTITUTION_CODE
from transfers.selectors import ZERO, account_shareable

# 就医 is paid to a designated medical institution (H…), 购药 to a designated
# retail pharmacy (P…); contributions go to the insurance fund, no institution letter.
INSTITUTION_LETTER = {Use.MEDICAL: "H", Use.PHARMACY: "P"}


# 用途 as the settlement file writes it (SPREADSHEETS.md §4).
USE_WORDS = {
    "就医": Use.MEDICAL,
    "购药": Use.PHARMACY,
    "居民医保缴费": Use.RESIDENT_CONTRIBUTION,
    "长护险缴费": Use.LTC_CONTRIBUTION,
}


@dataclass
class CheckedRow:
    """A settlement or transfer that passed every check needing no lock: its key and
    stored values, the earlier record with the same key if any, and what the write
    needs (the account to lock, the agreement, the scope, the date, and the grantor's
    region on that date, which the statistics count), and the hold reasons decided
    for it (``batch.settlement_decide``)."""

    key: str
    values: dict
    existing: Any = None
    account: PersonalAccount | None = None
    agreement: SharingAgreement | None = None
    scope: str = ""
    on_date: dt.date | None = None
    beneficiary: InsuredPerson | None = None
    grantor_region: PoolingRegion | None = None
    holds: list[str] = field(default_factory=list)


def require_row_in_scope(operator, checked: CheckedRow, *, argument: str) -> None:
    """Regional scope (``accounts.scope``): the person who pays in the row (the
    account's holder, else the wallet's) is one ``operator`` acts on; ``argument``
    names that person's column."""
    person = checked.account.person if checked.account else checked.beneficiary
    if person is not None:
        require_person_in_scope(operator, person, argument=argument)


USES = frozenset(Use.values)  # Django builds ``Use.values`` anew at each use


def use_from_text(value: str) -> str:
    """A use given as its code (``medical``) or as the file's word (``就医``)."""
    text = str(value or "").strip()
    use = USE_WORDS.get(text, text)
    if use not in USES:
        raise InvalidUse(use=text or "—")
    return use


def text_key(value, error_class) -> str:
    """A source system's key (结算ID, 转账流水号): 1–30 characters after trimming."""
    key = str(value or "").strip()
    if not 0 < len(key) <= 30:
        raise error_class()
    return key


def settlement_values(*, settled_at, institution_code, institution_name, use, amount) -> dict:
    """The content of a settlement row in stored form (what a re-sent row must repeat).

    A settlement is about something that happened: one dated later than now is
    refused (``SettlementInFuture``), whatever else it says.
    """
    settled_at = local_aware(settled_at)  # a file's time has no zone: local time
    if settled_at > timezone.now():
        raise SettlementInFuture(settled_at=f"{timezone.localtime(settled_at):%Y-%m-%d %H:%M:%S}")
    return {
        "settled_at": settled_at,
        "institution_code": (institution_code or "").strip().upper(),
        "institution_name": (institution_name or "").strip(),
        "use": use_from_text(use),
        "amount": parse_amount(amount),
    }


def require_settlement_allowed(values: dict, persons, on_date: dt.date) -> None:
    """The institution matches the use, and the use is allowed for these persons
    (the payer first, the patient last) on the date."""
    require_institution(values["use"], values["institution_code"], values["institution_name"])
    require_use_allowed(values["use"], persons, on_date)


def person_by_id_number(id_number: str, *, argument: str, found=None) -> InsuredPerson:
    """The registered person (``InvalidIdNumber``, ``PersonNotFound``), the refusal
    naming ``argument``; from a batch's ``found`` persons when given."""
    with about(argument):
        return registered_person(id_number, found)


def require_active_on(person: InsuredPerson, on_date: dt.date) -> EnrolmentPeriod:
    """DOMAIN rule 2: actively enrolled on the date, by the person's enrolment
    history (a day before the 参保日期 or in a suspension is refused, however late
    the record arrives). Returns the period of that day."""
    period = period_active(person, on_date)
    if period is None:
        raise NotEnrolledOn(
            name=person.name, on_date=on_date.isoformat(), status=enrolment_shown(person, on_date)
        )
    return period


def agreement_in_force(
    grantor: InsuredPerson, beneficiary: InsuredPerson, on_date: dt.date, found=None
) -> SharingAgreement:
    """The agreement under which the grantor's account pays for the beneficiary on
    the date. It holds only while the grantor is an active employee-scheme member
    (``NotEnrolledOn``, ``GrantorNotEmployeeOn``: leaving the scheme ends the
    sharing), it is approved, effective and not ended then (``NoAgreementInForce``),
    and the grantor's province policy of that day allows its relationship
    (``RelationshipNotAllowed``: a later extension date also refuses a payment
    dated before it)."""
    grantor_period = require_active_on(grantor, on_date)
    if grantor_period.scheme != Scheme.EMPLOYEE:
        raise GrantorNotEmployeeOn(name=grantor.name, on_date=on_date.isoformat())
    if found is None:
        found = agreements_in_force([(grantor.pk, beneficiary.pk, on_date)])
    agreement = found.get((grantor.pk, beneficiary.pk, on_date))
    if agreement is None:
        raise NoAgreementInForce(
            grantor=grantor.name, beneficiary=beneficiary.name, on_date=on_date.isoformat()
        )
    require_relationship_allowed(grantor_period.region.province, agreement.relationship, on_date)
    return agreement


def agreements_in_force(pairs_on, *, ids: bool = False, light: bool = False) -> dict:
    """The agreements in force for (grantor id, beneficiary id, date) triples, by
    triple: one query per distinct date (a day's file has one or two), for
    ``agreement_in_force(..., found=)``. ``ids``: their ids only, no instances
    (a file's write, which only links its payments to them); ``light``: instances
    with only what the checks read (a file's check: ``loaded``, not Django's
    instances of every field, which were a tenth of it)."""
    by_date = defaultdict(set)
    for grantor_id, beneficiary_id, on_date in pairs_on:
        by_date[on_date].add((grantor_id, beneficiary_id))
    found = {}
    for on_date, pairs in by_date.items():
        grantors, beneficiaries = zip(*pairs, strict=True)
        rows = queried(agreements_query, on_date, set(grantors), set(beneficiaries), ids or light)
        agreements_by_triple(found, rows, on_date, pairs, ids=ids, light=light)
    return found


def agreements_by_triple(
    found: dict, rows: list, on_date: dt.date, pairs, *, ids: bool = False, light: bool = False
) -> None:
    """Add to ``found`` the agreements of ``rows`` (``agreements_query`` of the
    date, as ``ids`` or ``light`` asks) that are of one of the (grantor id,
    beneficiary id) ``pairs``: the first by id for each triple."""
    if ids:
        rows = [(grantor_id, beneficiary_id, pk) for grantor_id, beneficiary_id, pk, _r in rows]
    elif light:
        rows = [(*row[:2], loaded(SharingAgreement, _AGREEMENT_FIELDS, row)) for row in rows]
    else:
        rows = [(a.grantor_id, a.beneficiary_id, a) for a in rows]
    for grantor_id, beneficiary_id, agreement in rows:
        if (grantor_id, beneficiary_id) in pairs:
            key = (grantor_id, beneficiary_id, on_date)
            # The least id whatever the order of the rows: the counter's merged read
            # (``queried_together``) is not sorted as the query alone is.
            earlier = found.get(key)
            if earlier is None or _agreement_id(agreement) < _agreement_id(earlier):
                found[key] = agreement


def _agreement_id(agreement) -> int:
    return agreement if isinstance(agreement, int) else agreement.pk


def agreements_query(on_date: dt.date, grantors, beneficiaries, as_rows: bool):
    """The agreements in force on the date from any of the grantors to any of the
    beneficiaries, by id (``as_rows``: the fields the checks read, as tuples)."""
    candidates = (
        SharingAgreement.objects.in_force(on_date)
        .filter(grantor__any=grantors, beneficiary__any=beneficiaries)
        .order_by("pk")
    )
    return candidates.values_list(*_AGREEMENT_FIELDS) if as_rows else candidates


# What the checks read of an agreement (``agreement_in_force``, ``_payment_values``).
_AGREEMENT_FIELDS = ("grantor_id", "beneficiary_id", "id", "relationship")


def regions_on(persons, on_date: dt.date) -> list[PoolingRegion]:
    """Each person's pooling region on the date (the scope and policies of that day)."""
    return [region_on(person, on_date) for person in persons]


def require_use_allowed(use: str, persons, on_date: dt.date) -> None:
    """What the use needs on the date. Long-term-care contributions: in force (Jan
    2026 notice) in every province involved, the payer's first. A resident-scheme
    contribution (居民医保缴费) is paid for a patient (the last person) who is in
    the resident scheme then, not in the employee scheme (``ContributionNotResident``)."""
    if use == Use.LTC_CONTRIBUTION:
        for province in dict.fromkeys(r.province for r in regions_on(persons, on_date)):
            require_part(province, PolicyPart.LTC_CONTRIBUTION, on_date)
    if use == Use.RESIDENT_CONTRIBUTION:
        patient = persons[-1]
        period = enrolment_on(patient, on_date)
        if period is not None and period.scheme == Scheme.EMPLOYEE:
            raise ContributionNotResident(name=patient.name, on_date=on_date.isoformat())


def require_institution(use: str, code: str, name: str) -> None:
    """The code has the H/P + 6-digit division + 5 digits form, its division is a
    known one, and its letter matches the use.

    Contributions may come without an institution; if one is given it must be
    well formed.
    """
    letter = INSTITUTION_LETTER.get(use)
    if letter is None and not code:
        return
    if not re.match(INSTITUTION_CODE, code or ""):
        raise InvalidInstitutionCode(code=code or "—")
    division = code[1:7]
    # Any era's code (institutions keep theirs), or one of the project's regions
    # (the 兵团 divisions 66xx00, which the national table lacks).
    if not (division_code_known(division) or PoolingRegion.objects.filter(code=division).exists()):
        raise InstitutionDivisionUnknown(code=code, division=division)
    if letter is not None and code[0] != letter:
        raise InstitutionDoesNotMatchUse(use=Use(use).label, letter=letter)
    if not (name or "").strip():
        raise InstitutionNameMissing()


def require_available(
    account: PersonalAccount, amount, on_date: dt.date, pending: Decimal = ZERO
) -> None:
    """Enough shareable money, reservations of held payments deducted (call under
    lock), and ``pending``: what rows before this one in a batch, not yet written,
    take (paid or held)."""
    shareable = account_shareable(account, on_date)
    available = max(ZERO, shareable.available - pending)
    if amount > available:
        raise AmountOverAvailable(
            amount=amount,
            available=available,
            balance=shareable.balance - pending,
            held=shareable.held,
        )


def same_or_conflict(existing, values: dict, error):
    """A re-sent row: the existing record when its content is the same, else ``error``."""
    if all(getattr(existing, f) == values[f] for f in existing.CONTENT_FIELDS):
        return existing
    raise error


def settlement_known(model, other_model, key: str, values: dict, conflict, found=None):
    """A settlement's 结算ID seen before: the earlier ``model`` record when its
    content is the same (a re-sent row), ``conflict`` when it differs or when the
    ID was received as the other kind (``other_model``: paid by an account or by
    the wallet); ``None`` for a new one. ``found``: a batch's ``settlements_found``."""
    if found is None:
        found = settlements_found([key])
    existing = found.get(key)
    if existing is None:
        return None
    if isinstance(existing, model):
        return same_or_conflict(existing, values, conflict)
    raise conflict


def settlements_found(keys) -> dict:
    """The settlements (paid from an account or a wallet) received before under these
    结算IDs, by ID: one query that finds none in the usual case, one more per kind
    that finds some (a resent or resumed file)."""
    return settlements_by_key(queried(settlements_query, set(keys)))


def settlements_by_key(seen) -> dict:
    """``settlements_found``'s result from the rows of its read (``settlements_query``):
    each settlement found read whole, one query per kind that has some."""
    by_kind = defaultdict(list)
    for key, kind in seen:
        by_kind[kind].append(key)
    found = {}
    for kind, model in (("account", SharingPayment), ("wallet", WalletSpending)):
        if by_kind[kind]:
            found |= model.objects.in_bulk(by_kind[kind], field_name="settlement_id")
    return found


def settlements_query(keys):
    """The 结算IDs among ``keys`` received before, each with its kind (account, wallet)."""
    return (
        SharingPayment.objects.filter(settlement_id__any=keys)
        .order_by()
        .values_list("settlement_id", Value("account"))
        .union(
            WalletSpending.objects.filter(settlement_id__any=keys)
            .order_by()
            .values_list("settlement_id", Value("wallet")),
            all=True,
        )
    )


def settlement_raced(model, key: str, values: dict, conflict, error: Exception):
    """After a unique key or the ledger key refused a settlement's write: the same
    结算ID was committed meanwhile, as ``model`` (a replay: the record, or ``conflict``
    if it differs) or as the other kind of settlement, whose posting took the ledger
    key or its 结算ID (``SettlementKey``): ``conflict``. Any other integrity error is
    raised again."""
    existing = settlements_found([key]).get(key)
    if isinstance(existing, model):
        return same_or_conflict(existing, values, conflict)
    if existing is not None or isinstance(error, IdempotencyConflict):
        raise conflict from error
    raise error
