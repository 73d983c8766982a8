"""What the sign-in needs to know about a staff user beyond Django's ``User``."""

import pghistory
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import operator_field


class StaffProfile(models.Model):
    """Per-user sign-in state; a user without a row has the defaults."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="staff_profile",
        verbose_name=_("user"),
    )
    must_change_password = models.BooleanField(
        _("must change password"),
        default=False,
        help_text=_("Set when somebody else set the password; cleared by the user's own change."),
    )

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self):
        return str(self.user)


class PasswordReset(models.Model):
    """One password set by another user (a reset, or a new user's first password)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("user"),
    )
    reset_by = operator_field(_("reset by"), required=True)
    reset_at = models.DateTimeField(_("reset at"), auto_now_add=True)

    class Meta:
        verbose_name = _("password reset")
        verbose_name_plural = _("password resets")
        ordering = ["-reset_at", "-id"]

    def __str__(self):
        return f"{self.reset_by} → {self.user}"


class LoginLock(AccessAttempt):
    """Failed sign-ins of a username as django-axes counts them (its own table), shown
    to supervisors, who may unlock it before the lock runs out."""

    class Meta:
        proxy = True
        verbose_name = _("failed sign-ins")
        verbose_name_plural = _("failed sign-ins")
        default_permissions = ("view",)
        permissions = [("unlock_loginlock", _("Can unlock a locked sign-in"))]


# The audit trail of users, groups and who holds which group or permission
# (docs/DESIGN.md "Audit trail"). Django's own models are tracked through proxies
# here, so that the triggers live in this app's migrations; the password hash and
# the time of the last sign-in are left out (a hash has no place in a trail, a
# sign-in is no change).
def _events_of(model) -> dict:
    """The events' object is the user or group itself, not the proxy, so that a
    user's history page finds them (``Events.tracks``)."""
    return {
        "pgh_obj": models.ForeignKey(
            model, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
        )
    }


@pghistory.track(
    exclude=["password", "last_login"],
    model_name="UserEvent",
    obj_field=None,
    attrs=_events_of(User),
)
class TrackedUser(User):
    class Meta:
        proxy = True
        verbose_name = _("user")


@pghistory.track(model_name="GroupEvent", obj_field=None, attrs=_events_of(Group))
class TrackedGroup(Group):
    class Meta:
        proxy = True
        verbose_name = _("group")


@pghistory.track(obj_field=None, model_name="UserGroupsEvent")
class TrackedUserGroups(User.groups.through):
    class Meta:
        proxy = True


@pghistory.track(obj_field=None, model_name="UserPermissionsEvent")
class TrackedUserPermissions(User.user_permissions.through):
    class Meta:
        proxy = True


@pghistory.track(obj_field=None, model_name="GroupPermissionsEvent")
class TrackedGroupPermissions(Group.permissions.through):
    class Meta:
        proxy = True
