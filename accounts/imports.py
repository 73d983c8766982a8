"""Imports of the accounts app: insured persons (SPREADSHEETS.md §1), account credits (§2)
and sharing agreements (§3).

Declared with ``core.importing``; rows are checked here and written only
through the services (``person_register``, ``person_update``, ``ledger_post``).
The cell parsers ``id_number``, ``amount`` and ``region_code`` and the
``id_number_column`` declaration are meant for the other imports too
(settlements, wallet transfers).
"""

import datetime as dt
import functools
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.errors import (
    AccountNotOpen,
    CreditAboveLimit,
    CreditConflict,
    CreditMonthInFuture,
    NotAnEmployee,
    PersonNotFound,
    UnknownRegion,
)
from accounts.models import (
    AccountStatus,
    AgreementStatus,
    CreditFileConfirmation,
    EnrolmentStatus,
    EntryKind,
    EvidenceType,
    InsuredPerson,
    LedgerEntry,
    PersonalAccount,
    PersonCategory,
    PoolingRegion,
    Relationship,
    Scheme,
    SharingAgreement,
)
from accounts.scope import require_in_scope, require_person_in_scope, require_region_in_scope
from accounts.services.agreements import (
    agreement_approve,
    agreement_register,
    agreement_register_check,
)
from accounts.services.ledger import Posting, ledger_post_many
from accounts.services.people import (
    normalize_phone,
    person_register,
    person_update,
    person_update_check,
)
from core.dates import local_today
from core.errors import DomainError
from core.idnumbers import normalize_id_number
from core.importing import (
    CREATE,
    SKIP,
    UPDATE,
    Change,
    Column,
    Import,
    RowError,
    allowed_values,
    choice,
    date_value,
    text,
    year_month,
)
from core.masking import mask_id_number, mask_phone
from core.money import parse_amount
from core.spreadsheets import Number

REGION_CODE = re.compile(r"^[0-9]{6}$")


@allowed_values(gettext_lazy("18-character ID number, as text"))
def id_number(cell) -> str:
    """公民身份号码 in its stored form (a trailing x read as X)."""
    return normalize_id_number(str(cell))


def id_number_column(header: str, field: str, *, blank: bool = False) -> Column:
    """A column of 公民身份号码: an identifier, so text cells only (an 18-digit number
    cell has lost its last three digits). ``blank``: see ``Column``."""
    return Column(header, field, parse=id_number, identifier=True, blank=blank)


@allowed_values(gettext_lazy("yuan above 0, at most 2 decimals (1,234.50)"))
def amount(cell) -> Decimal:
    """金额: yuan, > 0, at most two decimals, thousands separators allowed; a number
    cell is taken at its value."""
    return parse_amount(cell.value if isinstance(cell, Number) else str(cell))


@allowed_values(gettext_lazy("11-digit mobile or a landline number, as text"))
def phone(cell) -> str:
    return normalize_phone(str(cell))


@allowed_values(gettext_lazy("6-digit code of a pooling region"))
def region_code(cell) -> str:
    """A 6-digit division code; whether it is a known pooling region is checked per row."""
    code = str(cell).strip()
    if not REGION_CODE.match(code):
        raise UnknownRegion(code=code)
    return code


def _person_label(name: str, number: str) -> str:
    return f"{name}（{mask_id_number(number)}）"


# §1 参保人员 ------------------------------------------------------------------

SCHEMES = {
    "310": Scheme.EMPLOYEE,
    "职工基本医疗保险": Scheme.EMPLOYEE,
    "390": Scheme.RESIDENT,
    "城乡居民基本医疗保险": Scheme.RESIDENT,
}
STATUSES = {
    "参保缴费": EnrolmentStatus.ACTIVE,
    "暂停": EnrolmentStatus.SUSPENDED,
    "终止": EnrolmentStatus.TERMINATED,
}


@dataclass(frozen=True)
class PersonsFound:
    persons: dict[str, InsuredPerson]
    regions: dict[str, PoolingRegion]


class PersonsImport(Import):
    """A person file: new ID numbers are registered, known ones updated.

    An empty optional cell (category, phone, enrolment date) keeps what is
    registered: a file never wipes data by leaving a cell blank. Ending the
    person's agreements on a status, region or scheme change, and writing the
    enrolment history, is ``person_update``'s job.
    """

    title = "参保人员"
    permission = "accounts.import_persons"
    columns = (
        Column("姓名", "name", parse=text(max_length=50)),
        id_number_column("公民身份号码", "id_number"),
        Column("险种类型", "scheme", parse=choice(SCHEMES)),
        Column(
            "人员类别",
            "category",
            required=False,
            parse=choice({code: code for code in PersonCategory.values}),
        ),
        Column("参保状态", "status", parse=choice(STATUSES)),
        Column("参保统筹区", "region", parse=region_code),
        Column("联系电话", "phone", required=False, parse=phone, identifier=True),
        Column("参保日期", "enrolled_on", required=False, parse=date_value),
    )
    key = ("id_number",)

    def prefetch(self, rows):
        numbers = [values["id_number"] for values in rows]
        return PersonsFound(
            persons=InsuredPerson.objects.prefetch_related("enrolment_periods").in_bulk(
                numbers, field_name="id_number"
            ),
            regions=PoolingRegion.objects.in_bulk(),
        )

    def check(self, values, found: PersonsFound) -> Change:
        region = found.regions.get(values["region"])
        if region is None:
            raise RowError("region", UnknownRegion(code=values["region"]))
        wanted = {k: v for k, v in values.items() if k != "id_number" and v is not None}
        wanted["region"] = region
        label = _person_label(values["name"], values["id_number"])
        person = found.persons.get(values["id_number"])
        if person is None:
            require_region_in_scope(self.operator, region)
            summary = _("new: %(person)s, %(scheme)s, %(region)s") % {
                "person": label,
                "scheme": Scheme(values["scheme"]).label,
                "region": region,
            }
            return Change(CREATE, summary, {"id_number": values["id_number"], **wanted})
        require_person_in_scope(self.operator, person, argument="id_number")
        changes = {
            field: value
            for field, value in wanted.items()
            if _stored(person, field) != (value.pk if field == "region" else value)
        }
        if not changes:
            return Change(SKIP, _("unchanged: %(person)s") % {"person": label})
        person_update_check(person, **changes)  # its refusal names its column
        shown = "; ".join(
            f"{InsuredPerson._meta.get_field(field).verbose_name}: "
            f"{_shown(person, field, _stored(person, field), found)} → "
            f"{_shown(person, field, value, found)}"
            for field, value in changes.items()
        )
        return Change(UPDATE, f"{label}: {shown}", {"person": person, **changes})

    def write(self, data, *, operator):
        if "person" in data:
            person_update(operator=operator, **data)
        else:
            person_register(operator=operator, **data)


def _stored(person: InsuredPerson, field: str):
    return person.region_id if field == "region" else getattr(person, field)


def _shown(person, field, value, found: PersonsFound) -> str:
    """A value as the preview shows it: choice labels, region names, masked phones."""
    if field == "region":
        return str(found.regions.get(getattr(value, "pk", value), value))
    if field == "phone":
        return mask_phone(value) or "—"
    choices = dict(InsuredPerson._meta.get_field(field).flatchoices)
    return str(choices.get(value, value or "—"))


# §2 个人账户划入 --------------------------------------------------------------


@allowed_values(gettext_lazy("a month: YYYY-MM, not after this month"))
def credit_month(cell) -> str:
    """划入年月: ``YYYY-MM``, not after the current month."""
    month = year_month(cell)
    # ``local_today``, not ``timezone.localdate``: looking up the active zone was
    # two thirds of this parse's time for each row.
    if month > f"{local_today():%Y-%m}":
        raise CreditMonthInFuture(month=month)
    return month


def credit_key(batch: str, person_id: int) -> str:
    """The ledger idempotency key of one credit: the file's key 批次号 + the person.

    The person by database id, never by 公民身份号码: the key is shown on the
    ledger pages to every role (issue 11). Keys written with the ID number before
    were rewritten by migration ``ledger_keys_without_id_numbers``, so a file
    posted then is still found and skipped."""
    return f"credit:{batch}:{person_id}"


def credit_value_date(month: str) -> dt.date:
    """The entry's value date: the first day of the month credited (``YYYY-MM``)."""
    return dt.date.fromisoformat(f"{month}-01")


class Credited(NamedTuple):
    """What a credit's check and posting read of its account and person, as a row
    (a model instance each of account and person was a third of the check's time)."""

    id_number: str
    id: int
    number: str
    status: str
    balance: Decimal
    last_sequence: int
    person_id: int
    name: str
    region_id: str


class Posted(NamedTuple):
    """What the check compares of a credit posted before under the same key."""

    account_id: int
    amount: Decimal
    value_date: dt.date


# The account's columns a posting reads under the lock (``ledger_post_many``).
_HOLDER = {"id", "person_id", "number", "status", "balance", "last_sequence"}


@dataclass(frozen=True)
class CreditsFound:
    accounts: dict[str, Credited]
    registered: dict[str, str]  # ID number → name, of every person in the file
    posted: dict[str, Posted]


class CreditsImport(Import):
    """A monthly credit file: one credit per 批次号 + 公民身份号码, posted once.

    A row already posted with the same amount and month is skipped; with a
    different amount or month it is refused, never overwritten. The month is
    the entry's ``value_date`` (its first day), whenever the file is imported;
    the memo is the file's 摘要. A frozen account still takes credits in
    (``ledger_post``); a closed one does not.

    Four eyes (issue 11): a credit above ``YIBAO_CREDIT_MAX_AMOUNT`` is refused
    as implausible; a file that would post more than ``YIBAO_CREDIT_CONFIRM_ROWS``
    credits or more than ``YIBAO_CREDIT_CONFIRM_TOTAL`` in all is written only on
    a second user's confirmation (``second_person``, ``core.importing``), recorded
    as a ``CreditFileConfirmation``. Rows already posted count for neither.
    One instance reads one file.
    """

    title = "个人账户划入"
    permission = "accounts.import_credits"
    columns = (
        Column("批次号", "batch", parse=text(max_length=80), identifier=True),
        id_number_column("公民身份号码", "id_number"),
        Column("划入年月", "month", parse=credit_month),
        Column("金额", "amount", parse=amount),
        Column("摘要", "summary", required=False, parse=text(max_length=190)),
    )
    key = ("batch", "id_number")

    def __init__(self):
        self._to_post = 0
        self._total = Decimal("0.00")

    def prefetch(self, rows):
        numbers = [values["id_number"] for values in rows]
        # Only what the check and the posting read (building accounts and persons
        # in full, their times parsed, was a third of a credit file's check).
        accounts = PersonalAccount.objects.filter(person__id_number__any=numbers).values_list(
            "person__id_number", *Credited._fields[1:-2], "person__name", "person__region_id"
        )
        if transaction.get_connection().in_atomic_block:
            # The confirm (``import_run`` writes in one transaction): the accounts
            # are locked as they are read, in ``ledger_lock``'s order, so the
            # posting neither locks nor reads them again (``locked=True``).
            accounts = accounts.select_for_update(of=("self",)).order_by("pk")
        accounts = {row[0]: Credited._make(row) for row in accounts}
        keys = [
            credit_key(values["batch"], accounts[values["id_number"]].person_id)
            for values in rows
            if values["id_number"] in accounts
        ]
        # The names of the persons without an account, for their refusal (usually none).
        others = [number for number in numbers if number not in accounts]
        registered = InsuredPerson.objects.filter(id_number__in=others)
        return CreditsFound(
            accounts=accounts,
            registered=dict(registered.values_list("id_number", "name")) if others else {},
            posted={
                key: Posted(*row)
                for key, *row in LedgerEntry.objects.filter(idempotency_key__any=keys).values_list(
                    "idempotency_key", *Posted._fields
                )
            },
        )

    def check(self, values, found: CreditsFound) -> Change:
        number = values["id_number"]
        account = found.accounts.get(number)
        if account is None:
            if number in found.registered:
                raise RowError("id_number", NotAnEmployee(name=found.registered[number]))
            raise RowError("id_number", PersonNotFound(id_number=mask_id_number(number)))
        if account.status == AccountStatus.CLOSED:
            raise RowError(
                "id_number",
                AccountNotOpen(number=account.number, status=AccountStatus(account.status).label),
            )
        label = _person_label(account.name, number)
        require_in_scope(self.operator, account.region_id, label, argument="id_number")
        key = credit_key(values["batch"], account.person_id)
        summary = f"{label} {values['month']} +{values['amount']}"
        earlier = found.posted.get(key)
        if earlier is not None:
            posted_month = f"{earlier.value_date:%Y-%m}"
            if (earlier.account_id, earlier.amount, posted_month) == (
                account.id,
                values["amount"],
                values["month"],
            ):
                return Change(SKIP, _("already credited: %(credit)s") % {"credit": summary})
            raise RowError(
                "amount" if earlier.amount != values["amount"] else "month",
                CreditConflict(batch=values["batch"], amount=earlier.amount, month=posted_month),
            )
        limit = settings.YIBAO_CREDIT_MAX_AMOUNT
        if values["amount"] > limit:
            raise RowError("amount", CreditAboveLimit(amount=values["amount"], limit=limit))
        self._to_post += 1
        self._total += values["amount"]
        return Change(
            CREATE,
            summary,
            {
                "holder": account,
                "amount": values["amount"],
                "idempotency_key": key,
                "reference": values["batch"],
                "value_date": credit_value_date(values["month"]),
                "memo": values["summary"] or "",
            },
        )

    def second_person(self) -> str:
        rows, total = settings.YIBAO_CREDIT_CONFIRM_ROWS, settings.YIBAO_CREDIT_CONFIRM_TOTAL
        if self._to_post <= rows and self._total <= total:
            return ""
        return _(
            "%(count)d credit(s), %(total)s in all; one user posts at most %(rows)d "
            "credit(s) or %(limit)s alone."
        ) % {"count": self._to_post, "total": self._total, "rows": rows, "limit": total}

    def confirmation_record(self, *, operator, confirmed_by, report) -> None:
        CreditFileConfirmation.objects.create(
            filename=report.filename[:255],
            credits=self._to_post,
            total=self._total,
            imported_by=operator,
            confirmed_by=confirmed_by,
        )

    def write_batch(self, datas, *, operator):
        """A chunk of credits in one bulk posting (a 100,000-row file stays fast).
        Its accounts were locked and its keys looked up by ``prefetch`` in the same
        transaction (the rows posted before are skipped), so neither is read again:
        a key taken meanwhile fails the insert, and nothing of the file is written.
        No entry is built as a model (``entries=False``): nothing here reads them;
        each holder is built from its checked row, with the columns a posting reads."""
        postings = [
            Posting(kind=EntryKind.CREDIT, **{**data, "holder": _holder(data["holder"])})
            for data in datas
        ]
        try:
            ledger_post_many(postings, operator=operator, locked=True, new_keys=True, entries=False)
        except DomainError as error:
            error.row_index = getattr(error, "posting_index", 0)
            raise


def _holder(account: Credited) -> PersonalAccount:
    """The account of a checked row as the model ``ledger_post_many`` posts to (its
    other columns deferred, as ``only`` would read it)."""
    values = account._asdict()
    fields = _holder_fields()
    return PersonalAccount.from_db(DEFAULT_DB_ALIAS, fields, [values[f] for f in fields])


@functools.cache
def _holder_fields() -> list[str]:
    """``_HOLDER`` in the model's order of fields, as ``Model.from_db`` takes them."""
    return [f.attname for f in PersonalAccount._meta.concrete_fields if f.attname in _HOLDER]


# §3 共济关系 ------------------------------------------------------------------

# The file's words, fixed by SPREADSHEETS.md whatever the UI language.
RELATIONSHIPS = {
    "配偶": Relationship.SPOUSE,
    "父母": Relationship.PARENT,
    "子女": Relationship.CHILD,
    "兄弟姐妹": Relationship.SIBLING,
    "祖父母": Relationship.PATERNAL_GRANDPARENT,
    "外祖父母": Relationship.MATERNAL_GRANDPARENT,
    "孙子女": Relationship.PATERNAL_GRANDCHILD,
    "外孙子女": Relationship.MATERNAL_GRANDCHILD,
}
EVIDENCE_TYPES = {
    "户口簿": EvidenceType.HOUSEHOLD_REGISTER,
    "结婚证": EvidenceType.MARRIAGE_CERTIFICATE,
    "出生医学证明": EvidenceType.BIRTH_CERTIFICATE,
    "亲属关系证明": EvidenceType.KINSHIP_CERTIFICATE,
    "其他": EvidenceType.OTHER,
}


class AgreementsImport(Import):
    """An agreements file: every row through ``agreement_register``, as at the counter.

    The agreements wait in the review queue, unless ``approved_by`` (a second user,
    ``--approved-by``) approves the whole batch as it is written. A pair that
    already has a live agreement with the same relationship is left unchanged, so
    importing the file again changes nothing.
    """

    title = "共济关系"
    permission = "accounts.import_agreements"
    columns = (
        id_number_column("共济人身份号码", "grantor_id_number"),
        id_number_column("被共济人身份号码", "beneficiary_id_number"),
        Column("关系", "relationship", parse=choice(RELATIONSHIPS)),
        Column("证明材料类型", "evidence_type", parse=choice(EVIDENCE_TYPES)),
        Column(
            "证明材料编号",
            "evidence_number",
            required=False,
            parse=text(max_length=50),
            identifier=True,
        ),
        Column("生效日期", "effective_from", required=False, parse=date_value),
    )
    key = ("grantor_id_number", "beneficiary_id_number")

    def __init__(self, *, approved_by=None):
        self.approved_by = approved_by

    def prefetch(self, rows):
        """The live agreements of the file's grantors, by pair."""
        grantors = [values["grantor_id_number"] for values in rows]
        live = SharingAgreement.objects.live().filter(grantor__id_number__in=grantors)
        return {
            (a.grantor.id_number, a.beneficiary.id_number): a
            for a in live.select_related("grantor", "beneficiary")
        }

    def check(self, values, found) -> Change:
        pair = (values["grantor_id_number"], values["beneficiary_id_number"])
        label = " → ".join(mask_id_number(number) for number in pair)
        relationship = Relationship(values["relationship"])
        existing = found.get(pair)
        if existing is not None and existing.relationship == relationship:
            return Change(SKIP, _("already registered: %(pair)s") % {"pair": label})
        scope = agreement_register_check(  # its refusal names its column
            grantor_id_number=pair[0],
            beneficiary_id_number=pair[1],
            relationship=relationship,
            effective_from=values["effective_from"],
            operator=self.operator,
        )
        status = AgreementStatus.APPROVED if self.approved_by else AgreementStatus.PENDING
        summary = f"{label} {relationship.label} {scope.label} {status.label}"
        return Change(
            CREATE, summary, {**values, "evidence_number": values["evidence_number"] or ""}
        )

    def write(self, data, *, operator):
        agreement = agreement_register(operator=operator, **data)
        if self.approved_by is not None:
            agreement_approve(agreement=agreement, operator=self.approved_by)
