"""Opening a personal account and moving it between open, frozen and closed.

The status is a small state machine: ``TRANSITIONS`` is the one table of what may
follow what, so the admin and any command only ask the service (never set the
status themselves). Every move needs a reason and records who made it and when.
"""

from django.db import transaction
from django.utils import timezone

from accounts.errors import (
    AccountCloseNotEmpty,
    AccountCloseWithAgreements,
    AccountTransitionNotAllowed,
    NotAnEmployee,
    StatusChangeNeedsReason,
)
from accounts.models import AccountStatus, InsuredPerson, PersonalAccount, Scheme, SharingAgreement
from accounts.scope import require_person_in_scope
from core.audit import audit_as

# (from, to) pairs a status may change along; nothing leaves CLOSED.
TRANSITIONS = frozenset(
    {
        (AccountStatus.OPEN, AccountStatus.FROZEN),
        (AccountStatus.FROZEN, AccountStatus.OPEN),
        (AccountStatus.OPEN, AccountStatus.CLOSED),
        (AccountStatus.FROZEN, AccountStatus.CLOSED),
    }
)


def account_open(*, person: InsuredPerson, operator) -> PersonalAccount:
    """Open the personal account of an employee-scheme person (number: region + person id)."""
    if person.scheme != Scheme.EMPLOYEE:
        raise NotAnEmployee(name=person.name)
    with audit_as(operator):
        return PersonalAccount.objects.create(
            person=person, number=f"{person.region_id}{person.pk:010d}", opened_by=operator
        )


def account_freeze(*, account: PersonalAccount, reason: str, operator) -> PersonalAccount:
    """Freeze an open account: money may come in, nothing goes out."""
    return account_status_change(
        account=account, status=AccountStatus.FROZEN, reason=reason, operator=operator
    )


def account_unfreeze(*, account: PersonalAccount, reason: str, operator) -> PersonalAccount:
    """Open a frozen account again."""
    return account_status_change(
        account=account, status=AccountStatus.OPEN, reason=reason, operator=operator
    )


def account_close(*, account: PersonalAccount, reason: str, operator) -> PersonalAccount:
    """Close an account for good: only once its balance is zero and it pays for no one
    (no pending or approved agreement as grantor)."""
    return account_status_change(
        account=account, status=AccountStatus.CLOSED, reason=reason, operator=operator
    )


def account_status_change(*, account: PersonalAccount, status: str, reason: str, operator):
    """Move ``account`` to ``status`` if ``TRANSITIONS`` allows it (row locked)."""
    reason = (reason or "").strip()
    if not reason:
        raise StatusChangeNeedsReason()
    with transaction.atomic(), audit_as(operator):
        locked = PersonalAccount.objects.select_for_update().get(pk=account.pk)
        require_person_in_scope(operator, locked.person, argument=None)
        account_status_check(locked, status)
        locked.status = status
        locked.status_reason = reason
        locked.status_changed_at = timezone.now()
        locked.status_changed_by = operator
        locked.save(
            update_fields=["status", "status_reason", "status_changed_at", "status_changed_by"]
        )
    return locked


def account_status_check(account: PersonalAccount, status: str) -> None:
    """The refusal of a move of ``account`` to ``status``, writing nothing."""
    if (account.status, status) not in TRANSITIONS:
        raise AccountTransitionNotAllowed(
            number=account.number,
            current=AccountStatus(account.status).label,
            status=AccountStatus(status).label,
        )
    if status != AccountStatus.CLOSED:
        return
    if account.balance != 0:
        raise AccountCloseNotEmpty(number=account.number, balance=account.balance)
    if SharingAgreement.objects.live().filter(grantor_id=account.person_id).exists():
        raise AccountCloseWithAgreements(number=account.number)
