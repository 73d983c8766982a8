"""Maker-checker, once for every record a second person decides on.

Agreements (``accounts.services.agreements``), held payments
(``transfers.services.payments``) and requested reversals
(``transfers.services.reversals``) are reviewed with the same shape:
``<thing>_approve(*, <thing>, operator)`` and ``<thing>_reject(*, <thing>,
operator, reason)``, checked in this order: a rejection has a reason
(``ReasonRequired``), the operator holds the review permission
(``NotAReviewer``), the record, locked, still waits for review (the service's own
error), and the operator did not enter it (``ReviewerIsCreator``; the database
constraints refuse it too). ``review_record`` then writes who decided when.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.audit import audit_as
from core.errors import DomainError, ReasonRequired


class NotAReviewer(DomainError):
    message = _("%(user)s does not hold the permission to review this.")


class ReviewerIsCreator(DomainError):
    message = _("You entered this yourself; another reviewer must decide it.")


def review_reason(reason: str) -> str:
    """The reason of a rejection, stripped; an empty one is refused."""
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired()
    return reason


def review_permitted(operator, permission: str) -> None:
    if not operator.has_perm(permission):
        raise NotAReviewer(user=operator.get_username())


def review_not_own(locked, operator, *, entered_by: str = "created_by") -> None:
    """Whoever entered a record never decides it (no one entered a record with no user)."""
    entered = getattr(locked, f"{entered_by}_id")
    if entered is not None and entered == operator.pk:
        raise ReviewerIsCreator()


def review_record(locked, *, operator, **decision) -> None:
    """Set the decision's fields and who decided when, on a row locked by the caller."""
    for field, value in decision.items():
        setattr(locked, field, value)
    locked.reviewed_by = operator
    locked.reviewed_at = timezone.now()
    with audit_as(operator):
        locked.save(update_fields=[*decision, "reviewed_by", "reviewed_at"])
