"""The role groups are complete after a migrate, without anybody syncing them."""

from django.contrib.auth.models import Group

from staff.roles import ROLE_NAMES


def _codenames(role: str) -> set[str]:
    group = Group.objects.get(name=ROLE_NAMES[role])
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}


def test_migrate_gives_the_roles_the_permissions_of_every_app(db):
    """The test database was migrated from nothing: the groups were synced by that
    migrate alone, after transfers' and staff's permissions were created."""
    assert {"transfers.add_sharingpayment", "transfers.view_holdrules"} <= _codenames("clerk")
    assert "transfers.review_reversal" in _codenames("reviewer")
    assert {"staff.unlock_loginlock", "transfers.change_holdrules"} <= _codenames("supervisor")
    assert "staff.view_passwordreset" in _codenames("auditor")
