"""Recording disclosures of unmasked personal information."""

from core.models import DisclosureLog


def disclosure_record(*, user, action: str, subject: str) -> DisclosureLog:
    """Write that ``user`` saw or exported unmasked data about ``subject``."""
    return DisclosureLog.objects.create(user=user, action=action, subject=subject[:200])


def can_see_unmasked(user) -> bool:
    return user.has_perm("accounts.view_unmasked")
