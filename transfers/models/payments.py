"""Sharing payments (共济支付) from settlements, and their reversal (冲正)."""

import pghistory
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import LedgerEntry, PersonalAccount, Scope, SharingAgreement
from core.models import operator_field

from .fields import Reviewed, grantor_region_field, person_field
from .settlements import Settlement


class PaymentStatus(models.TextChoices):
    """A settlement is decided when received: posted at once, or held for a reviewer."""

    HELD = "held", _("held for review")
    POSTED = "posted", _("posted")
    REJECTED = "rejected", _("rejected")
    REVERSED = "reversed", _("reversed")


class HoldReason(models.TextChoices):
    AMOUNT = "amount", _("amount at or above the review threshold")
    DAILY_COUNT = "daily_count", _("too many payments for the beneficiary in one day")
    CROSS_PROVINCE = "cross_province", _("cross-province")
    MANUAL = "manual", _("entered by hand")


class HeldSettlement(Reviewed, Settlement):
    """A settlement that posts when received or is held for a reviewer by the hold
    rules (``transfers.services.holds``): a payment from an account or a spending
    from a wallet. While held its amount is reserved and nothing is posted; a
    second person approves (posts) or rejects it with a reason."""

    status = models.CharField(_("status"), max_length=10, choices=PaymentStatus.choices)
    hold_reasons = ArrayField(
        models.CharField(max_length=16, choices=HoldReason.choices),
        verbose_name=_("hold reasons"),
        default=list,
        blank=True,
    )
    reject_reason = models.CharField(_("reject reason"), max_length=200, blank=True)

    class Meta:
        abstract = True

    @classmethod
    def review_constraints(cls, prefix: str) -> list:
        """The database's side of the review: the reviewer is not who entered it, a
        posted one has its ledger entry, a rejected one its reason."""
        return [
            models.CheckConstraint(
                condition=models.Q(reviewed_by__isnull=True)
                | models.Q(created_by__isnull=True)
                | ~models.Q(reviewed_by=models.F("created_by")),
                name=f"{prefix}_reviewer_not_creator",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["posted", "reversed"])
                | models.Q(ledger_entry__isnull=False),
                name=f"{prefix}_posted_has_entry",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="rejected") | ~models.Q(reject_reason=""),
                name=f"{prefix}_rejected_has_reason",
            ),
        ]

    def get_hold_reasons_display(self) -> str:
        return "、".join(str(HoldReason(r).label) for r in self.hold_reasons)


@pghistory.track()
class SharingPayment(HeldSettlement):
    """The grantor's account pays the beneficiary's settlement.

    While held, its amount is reserved on the account (``selectors.held_total``)
    so the same money cannot be spent twice before the reviewer decides.
    """

    grantor = person_field(_("grantor"))
    # The beneficiary's and the account's lookups use the indexes below that lead
    # with them; no index of their own (docs/BENCHMARKS.md, ledger-indexes).
    beneficiary = person_field(_("beneficiary"), db_index=False)
    account = models.ForeignKey(
        PersonalAccount,
        on_delete=models.PROTECT,
        db_index=False,
        related_name="sharing_payments",
        verbose_name=_("personal account"),
    )
    agreement = models.ForeignKey(
        SharingAgreement,
        on_delete=models.PROTECT,
        related_name="payments",
        verbose_name=_("sharing agreement"),
    )
    scope = models.CharField(_("scope"), max_length=16, choices=Scope.choices)
    grantor_region = grantor_region_field()

    CONTENT_FIELDS = (*Settlement.CONTENT_FIELDS, "grantor_id", "beneficiary_id")

    class Meta:
        verbose_name = _("sharing payment")
        verbose_name_plural = _("sharing payments")
        ordering = ["-settled_at", "-id"]
        constraints = [
            *Settlement.base_constraints("payment"),
            models.CheckConstraint(
                condition=~models.Q(grantor=models.F("beneficiary")), name="payment_not_self"
            ),
            *HeldSettlement.review_constraints("payment"),
        ]
        indexes = [
            models.Index(fields=["account", "status"], name="payment_account_status_idx"),
            models.Index(fields=["beneficiary", "settled_at"], name="payment_beneficiary_day_idx"),
            # The list's order, newest first: its first page without sorting every payment.
            models.Index(fields=["-settled_at", "-id"], name="payment_settled_idx"),
            # The review queue of held payments, oldest first, without reading the rest.
            models.Index(
                fields=["created_at", "id"],
                condition=models.Q(status="held"),
                name="payment_held_idx",
            ),
        ]
        permissions = [
            ("review_sharingpayment", _("Can approve or reject held sharing payments")),
            ("import_settlements", _("Can import settlements")),
        ]

    def __str__(self):
        return f"{self.settlement_id} {self.amount}"


class HeldPayment(SharingPayment):
    """The review queue: payments held by the hold rules (a list of its own in the admin)."""

    class Meta:
        proxy = True
        verbose_name = _("held payment")
        verbose_name_plural = _("review queue: held payments")


class ReversalStatus(models.TextChoices):
    REQUESTED = "requested", _("requested")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")


@pghistory.track()
class Reversal(Reviewed):
    """冲正 of a posted sharing payment: a clerk asks, a reviewer approves.

    Approval posts a compensating entry that ``reverses`` the payment's entry.
    A payment has at most one reversal requested or approved (unique below; the
    ledger's one-to-one ``reverses`` holds the same line). A reversal has no
    reversal of its own: nothing refers to it to reverse.
    """

    payment = models.ForeignKey(
        SharingPayment,
        on_delete=models.PROTECT,
        related_name="reversals",
        verbose_name=_("sharing payment"),
    )
    # The payment's parties, copied when the reversal is requested (a payment's
    # never change): the regional scope asks them without the payment, which cost
    # the review queue 4 buffers a requested reversal (docs/BENCHMARKS.md,
    # branch ``pages-queue``). Asked from the persons' side by id only: no index.
    # NULL in the columns (a reversal's audit events before them have none), never
    # in a row (the constraint below).
    grantor = person_field(_("grantor"), db_index=False, null=True)
    beneficiary = person_field(_("beneficiary"), db_index=False, null=True)
    reason = models.CharField(_("reason"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=ReversalStatus.choices, default=ReversalStatus.REQUESTED
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    requested_by = operator_field(_("requested by"), required=True)
    review_note = models.CharField(_("review note"), max_length=200, blank=True)
    ledger_entry = models.OneToOneField(
        LedgerEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ledger entry"),
    )

    class Meta:
        verbose_name = _("reversal")
        verbose_name_plural = _("reversals")
        ordering = ["-requested_at", "-id"]
        # The list's order (read backwards) and the review queue's (oldest first):
        # a page without joining and sorting every reversal's payment and persons.
        indexes = [models.Index(fields=["requested_at", "id"], name="reversal_requested_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["payment"],
                condition=models.Q(status__in=["requested", "approved"]),
                name="reversal_once_per_payment",
            ),
            models.CheckConstraint(condition=~models.Q(reason=""), name="reversal_has_reason"),
            models.CheckConstraint(
                condition=models.Q(grantor__isnull=False, beneficiary__isnull=False),
                name="reversal_has_parties",
            ),
            models.CheckConstraint(
                condition=models.Q(reviewed_by__isnull=True)
                | ~models.Q(reviewed_by=models.F("requested_by")),
                name="reversal_reviewer_not_requester",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="approved") | models.Q(ledger_entry__isnull=False),
                name="reversal_approved_has_entry",
            ),
        ]
        permissions = [("review_reversal", _("Can approve or reject reversals"))]

    def __str__(self):
        return f"{_('reversal')} {self.payment.settlement_id}"


class RequestedReversal(Reversal):
    """The review queue of reversals: requested and not yet decided."""

    class Meta:
        proxy = True
        verbose_name = _("requested reversal")
        verbose_name_plural = _("review queue: requested reversals")
