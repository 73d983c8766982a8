"""异常: a settlement or wallet-transfer file row refused in an import with
``--accept-valid``, kept with its reason until the corrected row is sent again."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import operator_field


class ExceptionKind(models.TextChoices):
    SETTLEMENT = "settlement", _("settlement")
    WALLET_TRANSFER = "wallet_transfer", _("wallet transfer")


class ImportException(models.Model):
    """One refused row: its file, row, column and reason, and its cells as the file
    had them (the export writes them back in the file's format for correcting).
    ``resolved_at`` is set when a later import writes a row with the same key (the
    结算ID or 转账流水号 keeps it exactly once)."""

    kind = models.CharField(_("kind"), max_length=16, choices=ExceptionKind.choices)
    key = models.CharField(_("key"), max_length=30, blank=True, db_index=True)
    filename = models.CharField(_("file"), max_length=200, blank=True)
    row = models.PositiveIntegerField(_("row"))
    column = models.CharField(_("column"), max_length=50, blank=True)
    reason = models.TextField(_("reason"))
    cells = models.JSONField(_("cells"), default=dict)
    created_at = models.DateTimeField(_("kept at"), auto_now_add=True)
    created_by = operator_field(_("imported by"))
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import exception")
        verbose_name_plural = _("import exceptions (异常)")
        ordering = ["-created_at", "row"]
        indexes = [models.Index(fields=["kind", "resolved_at"], name="exception_open_idx")]

    def __str__(self):
        return f"{self.filename} {self.row}: {self.key or '—'}"
