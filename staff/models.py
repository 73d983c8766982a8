"""What the sign-in needs to know about a staff user beyond Django's ``User``."""

from axes.models import AccessAttempt
from django.conf import settings
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
