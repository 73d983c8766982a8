"""Who confirmed a large credit file: the second person of a credits import."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import operator_field

from .ledger import MONEY


class CreditFileConfirmation(models.Model):
    """A credit file that needed a second user (``settings.YIBAO_CREDIT_CONFIRM_ROWS``
    or ``YIBAO_CREDIT_CONFIRM_TOTAL`` exceeded) and was posted on their confirmation.

    Written in the import's transaction, so a confirmed file and its credits are
    committed together; the database refuses a confirmer who imported it.
    """

    filename = models.CharField(_("file"), max_length=255)
    credits = models.PositiveIntegerField(_("credits posted"))
    total = models.DecimalField(_("total"), **MONEY)
    imported_by = operator_field(_("imported by"), required=True)
    confirmed_by = operator_field(_("confirmed by"), required=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("confirmed credit file")
        verbose_name_plural = _("confirmed credit files")
        ordering = ["-confirmed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(confirmed_by=models.F("imported_by")),
                name="credit_file_confirmer_not_importer",
            ),
        ]

    def __str__(self):
        return self.filename
