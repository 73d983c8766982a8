"""Registering and changing insured persons and their personal accounts."""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.errors import EnrolmentDateAfterChange
from accounts.models import (
    EndReason,
    EnrolmentPeriod,
    EnrolmentStatus,
    InsuredPerson,
    PersonalAccount,
    PoolingRegion,
    Scheme,
)
from accounts.scope import require_person_in_scope, require_region_in_scope
from accounts.services.accounts import account_open
from accounts.services.agreements import agreements_end_for_person
from core.audit import audit_as
from core.idnumbers import birth_date, gender, normalize_id_number

MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
LANDLINE = re.compile(r"^0[0-9]{2,3}-?[0-9]{7,8}$")


def normalize_phone(value: str) -> str:
    """An 11-digit mobile or a landline with its area code, or ValidationError."""
    phone = (value or "").strip().replace(" ", "")
    if phone and not (MOBILE.match(phone) or LANDLINE.match(phone)):
        raise ValidationError(
            _("Enter an 11-digit mobile number or a landline with its area code."),
            code="phone",
        )
    return phone


def person_register(
    *,
    name: str,
    id_number: str,
    scheme: str,
    region: PoolingRegion,
    operator,
    category: str = "",
    status: str = EnrolmentStatus.ACTIVE,
    phone: str = "",
    enrolled_on: dt.date | None = None,
) -> InsuredPerson:
    """Register an insured person; a person in scheme 310 gets a personal account.

    Raises ValidationError for an invalid ID number or phone; IntegrityError if
    the ID number is already registered (forms check that first).
    """
    number = normalize_id_number(id_number)
    require_region_in_scope(operator, region)
    with transaction.atomic(), audit_as(operator):
        person = InsuredPerson(
            name=name.strip(),
            id_number=number,
            birth_date=birth_date(number),
            gender=gender(number),
            scheme=scheme,
            category=category,
            status=status,
            region=region,
            phone=normalize_phone(phone),
            enrolled_on=enrolled_on,
            created_by=operator,
        )
        person.save()
        EnrolmentPeriod.objects.create(person=person, valid_from=enrolled_on, **_state(person))
        if scheme == Scheme.EMPLOYEE:
            account_open(person=person, operator=operator)
    return person


PERSON_CHANGEABLE = ("name", "scheme", "category", "status", "region", "phone", "enrolled_on")
# What the enrolment history (EnrolmentPeriod) records of each day.
ENROLMENT_STATE = ("status", "scheme", "region")


def person_update(*, person: InsuredPerson, operator, **changes) -> InsuredPerson:
    """Change a person's registered data; whichever path changed it (form, import, command).

    A change of status, scheme or region is written to the enrolment history from
    today (a re-enrolment from its new 参保日期); a new 参保日期 otherwise moves the
    beginning of the history (``EnrolmentDateAfterChange`` if it falls after a
    recorded change). When the enrolment stops or the person moves to another
    pooling region, the person's sharing agreements end; when a grantor leaves the
    employee scheme, the agreements in which they pay end. A person moving into
    scheme 310 gets a personal account. Returns the person; fields not given are kept.
    """
    unknown = set(changes) - set(PERSON_CHANGEABLE)
    if unknown:
        raise TypeError(f"not changeable: {sorted(unknown)}")
    if "phone" in changes:
        changes["phone"] = normalize_phone(changes["phone"])
    with transaction.atomic(), audit_as(operator):
        locked = InsuredPerson.objects.select_for_update().get(pk=person.pk)
        changed = [f for f, v in changes.items() if getattr(locked, f) != v]
        if not changed:
            return locked
        require_person_in_scope(operator, locked, argument="id_number")  # a move out is theirs
        left_scheme = "scheme" in changed and locked.scheme == Scheme.EMPLOYEE
        periods = person_update_check(locked, **{f: changes[f] for f in changed})
        for field in changed:
            setattr(locked, field, changes[field])
        locked.save(update_fields=[*changed, "updated_at"])
        _history_record(locked, periods, changed)
        if "status" in changed and not locked.is_active:
            agreements_end_for_person(
                person=locked, reason=EndReason.ENROLMENT_STOPPED, operator=operator
            )
        elif "region" in changed:
            agreements_end_for_person(
                person=locked, reason=EndReason.REGION_CHANGED, operator=operator
            )
        elif left_scheme:
            agreements_end_for_person(
                person=locked, reason=EndReason.SCHEME_LEFT, operator=operator
            )
        if (
            locked.scheme == Scheme.EMPLOYEE
            and not PersonalAccount.objects.filter(person=locked).exists()
        ):
            account_open(person=locked, operator=operator)
    return locked


def person_update_check(person: InsuredPerson, **changes) -> list[EnrolmentPeriod]:
    """The refusal of ``person_update`` for these changes, writing nothing (the person
    form's validation, an import's preview); the person's history, oldest first.

    A new 参保日期 moves the beginning of the history, so it must come before the
    first change recorded after it (``EnrolmentDateAfterChange``) — unless it is
    a re-enrolment, which starts a period of its own.
    """
    periods = sorted(person.enrolment_periods.all(), key=_start)
    enrolled_on = changes.get("enrolled_on", person.enrolled_on)
    if enrolled_on == person.enrolled_on or _reenrolment(person, periods, changes):
        return periods
    first_change = periods[0].valid_to
    if enrolled_on is not None and first_change is not None and enrolled_on >= first_change:
        raise EnrolmentDateAfterChange(
            enrolled_on=enrolled_on.isoformat(), changed_on=first_change.isoformat()
        )
    return periods


def _start(period: EnrolmentPeriod) -> tuple:
    return (period.valid_from is not None, period.valid_from)


def _state(person: InsuredPerson) -> dict:
    return {"status": person.status, "scheme": person.scheme, "region_id": person.region_id}


def _reenrolment(person, periods, changes) -> bool:
    """Back to active with a 参保日期 not before the open period began: enrolled again
    from that date."""
    open_since = periods[-1].valid_from
    enrolled_on = changes.get("enrolled_on")
    return (
        changes.get("status") == EnrolmentStatus.ACTIVE
        and enrolled_on is not None
        and (open_since is None or enrolled_on >= open_since)
    )


def _history_record(person, periods, changed) -> None:
    """Bring the enrolment history up to the person's updated record (person locked).

    A new 参保日期 moves the start of the first period. A new status, scheme or
    region holds from today (a re-enrolment: from its 参保日期): the open period
    ends there and a new one begins. Several changes on one day leave that day's
    last state, so a person suspended and reactivated on the same day keeps one
    unbroken period.
    """
    reenrolment = _reenrolment(person, periods, {f: getattr(person, f) for f in changed})
    if "enrolled_on" in changed and not reenrolment:
        first = periods[0]
        first.valid_from = person.enrolled_on
        first.save(update_fields=["valid_from"])
    if not set(changed) & set(ENROLMENT_STATE):
        return
    since = person.enrolled_on if reenrolment else timezone.localdate()
    current, state = periods[-1], _state(person)
    if current.valid_from is not None and current.valid_from >= since:
        # Began that day (or later): the new state replaces it, or rejoins the one before.
        previous = periods[-2] if len(periods) > 1 else None
        current.delete()
        if previous is not None and _same(previous, state):
            previous.valid_to = None
            previous.save(update_fields=["valid_to"])
            return
        since = current.valid_from
    else:
        current.valid_to = since
        current.save(update_fields=["valid_to"])
    EnrolmentPeriod.objects.create(person=person, valid_from=since, **state)


def _same(period: EnrolmentPeriod, state: dict) -> bool:
    return all(getattr(period, field) == value for field, value in state.items())
