"""Registering and changing insured persons and their personal accounts."""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.errors import FreezeNeedsReason, NotAnEmployee
from accounts.idnumbers import birth_date, gender, normalize_id_number
from accounts.models import (
    AccountStatus,
    EndReason,
    EnrolmentStatus,
    InsuredPerson,
    PersonalAccount,
    PoolingRegion,
    Scheme,
)
from accounts.services.agreements import agreements_end_for_person

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
    with transaction.atomic():
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
        person._history_user = operator
        person.save()
        if scheme == Scheme.EMPLOYEE:
            account_open(person=person, operator=operator)
    return person


PERSON_CHANGEABLE = ("name", "scheme", "category", "status", "region", "phone", "enrolled_on")


def person_update(*, person: InsuredPerson, operator, **changes) -> InsuredPerson:
    """Change a person's registered data; whichever path changed it (form, import, command).

    A new status records the day it changed; when the enrolment stops or the
    person moves to another pooling region, the person's sharing agreements end.
    A person moving into scheme 310 gets a personal account. Returns the person;
    fields not given are kept.
    """
    unknown = set(changes) - set(PERSON_CHANGEABLE)
    if unknown:
        raise TypeError(f"not changeable: {sorted(unknown)}")
    if "phone" in changes:
        changes["phone"] = normalize_phone(changes["phone"])
    with transaction.atomic():
        locked = InsuredPerson.objects.select_for_update().get(pk=person.pk)
        changed = [f for f, v in changes.items() if getattr(locked, f) != v]
        if not changed:
            return locked
        for field in changed:
            setattr(locked, field, changes[field])
        if "status" in changed:
            locked.status_changed_on = timezone.localdate()
            changed.append("status_changed_on")
        locked._history_user = operator
        locked.save(update_fields=[*changed, "updated_at"])
        if "status" in changed and not locked.is_active:
            agreements_end_for_person(
                person=locked, reason=EndReason.ENROLMENT_STOPPED, operator=operator
            )
        elif "region" in changed:
            agreements_end_for_person(
                person=locked, reason=EndReason.REGION_CHANGED, operator=operator
            )
        if (
            locked.scheme == Scheme.EMPLOYEE
            and not PersonalAccount.objects.filter(person=locked).exists()
        ):
            account_open(person=locked, operator=operator)
    return locked


def account_open(*, person: InsuredPerson, operator) -> PersonalAccount:
    """Open the personal account of an employee-scheme person (number: region + person id)."""
    if person.scheme != Scheme.EMPLOYEE:
        raise NotAnEmployee(name=person.name)
    return PersonalAccount.objects.create(
        person=person, number=f"{person.region_id}{person.pk:010d}"
    )


def account_freeze(*, account: PersonalAccount, reason: str, operator) -> PersonalAccount:
    """Freeze an account: money may come in, nothing goes out. A reason is required."""
    if not (reason or "").strip():
        raise FreezeNeedsReason()
    return _account_set_status(account, AccountStatus.FROZEN, reason.strip(), operator)


def account_unfreeze(*, account: PersonalAccount, reason: str, operator) -> PersonalAccount:
    return _account_set_status(account, AccountStatus.OPEN, (reason or "").strip(), operator)


def _account_set_status(account, status, reason, operator):
    with transaction.atomic():
        locked = PersonalAccount.objects.select_for_update().get(pk=account.pk)
        locked.status = status
        locked.status_reason = reason
        locked.status_changed_at = timezone.now()
        locked.status_changed_by = operator
        locked.save(
            update_fields=["status", "status_reason", "status_changed_at", "status_changed_by"]
        )
    return locked
