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


class IssuedDocument(models.Model):
    """One printed document as it was handed over: its own serial and the facts it showed.

    The serial (year, kind, number: 2026QB000001) is what a hall files and quotes;
    the code, printed as a QR, leads a signed-in user to this row's facts, so a
    copy brought back to the counter can be checked against what was issued.
    Written once by ``core.issued.document_issue``, never changed.
    """

    class Kind(models.TextChoices):
        STATEMENT = "DZ", _("personal account statement")
        SHARING_RECEIVED = "GJ", _("statement of family sharing received")
        AGREEMENT = "QR", _("sharing agreement confirmation form")
        WALLET_RECEIPT = "QB", _("wallet transfer receipt")
        REVERSAL_RECEIPT = "CZ", _("reversal receipt")

    serial = models.CharField(_("document serial"), max_length=20, unique=True)
    kind = models.CharField(_("document type"), max_length=2, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    code = models.CharField(_("verification code"), max_length=32, unique=True)
    subject = models.CharField(_("person"), max_length=200)
    facts = models.JSONField(_("what was printed"), default=list)
    issued_at = models.DateTimeField(_("printed at"), auto_now_add=True)
    issued_by = operator_field(_("operator"), required=True)

    class Meta:
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "kind", "number"], name="issued_document_number_unique"
            )
        ]

    def __str__(self):
        return self.serial


class ReviewComment(models.Model):
    """A reviewer's optional comment on a decision (core.admin.review), for any
    reviewed record: agreements, held payments and reversals alike. A rejection's
    reason stays on the record itself; this is what the reviewer adds to either
    decision for whoever reads the record later."""

    class Decision(models.TextChoices):
        APPROVE = "approve", _("approved")
        REJECT = "reject", _("rejected")

    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField()
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    comment = models.CharField(_("comment"), max_length=500)
    by = operator_field(_("reviewed by"), required=True)
    at = models.DateTimeField(_("reviewed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("review comment")
        verbose_name_plural = _("review comments")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="review_comment_record")]
        constraints = [
            models.CheckConstraint(condition=~models.Q(comment=""), name="review_comment_not_empty")
        ]

    def __str__(self):
        return self.comment
