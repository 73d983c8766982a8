"""Shared model pieces: the operator field, and who saw or exported unmasked
personal information (PIPL art. 28)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def operator_field(verbose_name, *, required: bool = False):
    """Who did something (entered, reviewed, changed): kept even if the user leaves."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=not required,
        blank=not required,
        related_name="+",
        verbose_name=verbose_name,
    )


class DisclosureLog(models.Model):
    """One showing or export of unmasked ID numbers or phones; written, never changed."""

    class Action(models.TextChoices):
        VIEW = "view", _("viewed unmasked")
        EXPORT = "export", _("exported unmasked")

    user = operator_field(_("user"), required=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    subject = models.CharField(_("what"), max_length=200)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("disclosure of personal information")
        verbose_name_plural = _("disclosures of personal information")
        ordering = ["-at"]
        # Created by the accounts app before the shared layer existed (migration
        # accounts 0003); the table kept its name when the model moved here.
        db_table = "accounts_disclosurelog"
        # Searching the audit trail and this log (the auditor's screen, ``audit``).
        permissions = [("view_trail", _("Can search the audit trail"))]

    def __str__(self):
        return f"{self.user} {self.get_action_display()} {self.subject}"
