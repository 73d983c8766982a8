"""Recording a reviewer's decision, the same way for payments and reversals."""

from django.utils import timezone


def review_record(locked, *, operator, **decision) -> None:
    """Set the decision's fields and who decided when, on a row locked by the caller."""
    for field, value in decision.items():
        setattr(locked, field, value)
    locked.reviewed_by = operator
    locked.reviewed_at = timezone.now()
    locked.save(update_fields=[*decision, "reviewed_by", "reviewed_at"])
