"""Wallet transfers (钱包转账) into a relative's wallet, and spending from the wallet."""

import pghistory
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import (
    LedgerEntry,
    PersonalAccount,
    Scope,
    SharingAgreement,
    Wallet,
)
from accounts.models.ledger import MONEY
from core.models import operator_field

from .fields import grantor_region_field, person_field
from .payments import HeldSettlement
from .settlements import Settlement


class TransferStatus(models.TextChoices):
    PENDING = "pending", _("waiting for the recipient")
    ACCEPTED = "accepted", _("accepted")
    RETURNED = "returned", _("returned to the sender")
    REFUSED = "refused", _("refused by the recipient")


class ReturnReason(models.TextChoices):
    CUT_OFF = "cut_off", _("not accepted by the cut-off")
    REFUSED = "refused", _("refused by the recipient")
    AGREEMENT_ENDED = "agreement_ended", _("the sharing agreement ended")


def _entry(name):
    return models.OneToOneField(
        LedgerEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=name,
    )


@pghistory.track()
class WalletTransfer(models.Model):
    """A grantor moves money from the personal account into a relative's wallet.

    Both sides post at once (account debit, wallet credit). The money can be
    spent only after the recipient accepts, at the counter of a clerk other
    than the one who entered it (``accepted_by``); a transfer not accepted by
    ``return_due_at`` goes back. ``unspent`` is what of this transfer is still
    in the wallet: spending takes from the oldest accepted transfers first, so
    when the agreement ends exactly the grantor's unused money returns.
    """

    transfer_number = models.CharField(_("transfer number"), max_length=30, unique=True)
    transferred_at = models.DateTimeField(_("transfer time"))
    sender = person_field(_("sender"))
    recipient = person_field(_("recipient"))
    account = models.ForeignKey(
        PersonalAccount,
        on_delete=models.PROTECT,
        related_name="wallet_transfers",
        verbose_name=_("personal account"),
    )
    wallet = models.ForeignKey(
        Wallet, on_delete=models.PROTECT, related_name="transfers", verbose_name=_("wallet")
    )
    agreement = models.ForeignKey(
        SharingAgreement,
        on_delete=models.PROTECT,
        related_name="wallet_transfers",
        verbose_name=_("sharing agreement"),
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    unspent = models.DecimalField(_("unspent"), **MONEY)
    scope = models.CharField(_("scope"), max_length=16, choices=Scope.choices)
    grantor_region = grantor_region_field()
    status = models.CharField(
        _("status"), max_length=10, choices=TransferStatus.choices, default=TransferStatus.PENDING
    )
    return_due_at = models.DateTimeField(_("returns if not accepted by"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = operator_field(_("accepted by"))
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    returned_amount = models.DecimalField(_("amount returned"), null=True, blank=True, **MONEY)
    return_reason = models.CharField(
        _("why returned"), max_length=16, choices=ReturnReason.choices, blank=True
    )
    account_entry = _entry(_("account entry"))
    wallet_entry = _entry(_("wallet entry"))
    return_wallet_entry = _entry(_("return entry of the wallet"))
    return_account_entry = _entry(_("return entry of the account"))
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)
    created_by = operator_field(_("entered by"))

    CONTENT_FIELDS = ("transferred_at", "sender_id", "recipient_id", "amount")

    class Meta:
        verbose_name = _("wallet transfer")
        verbose_name_plural = _("wallet transfers")
        ordering = ["-transferred_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="transfer_amount_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(unspent__gte=0, unspent__lte=models.F("amount")),
                name="transfer_unspent_within_amount",
            ),
            models.CheckConstraint(
                condition=~models.Q(sender=models.F("recipient")), name="transfer_not_self"
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["returned", "refused"])
                | models.Q(returned_at__isnull=False, returned_amount__isnull=False),
                name="transfer_returned_has_time_and_amount",
            ),
            models.CheckConstraint(
                condition=models.Q(accepted_by__isnull=True)
                | models.Q(created_by__isnull=True)
                | ~models.Q(accepted_by=models.F("created_by")),
                name="transfer_acceptor_not_creator",
            ),
        ]
        indexes = [
            models.Index(fields=["account", "transferred_at"], name="transfer_sender_day_idx"),
            models.Index(fields=["status", "return_due_at"], name="transfer_due_idx"),
        ]
        permissions = [("import_wallet_transfers", _("Can import wallet transfers"))]

    def __str__(self):
        return f"{self.transfer_number} {self.amount}"


@pghistory.track()
class WalletSpending(HeldSettlement):
    """A settlement paid from the patient's own wallet (medical costs, contributions).

    Held by the hold rules as a payment from an account is (a manual entry by
    default): while held, nothing is posted and its amount is taken from the
    transfers' ``unspent`` at once, oldest accepted first, and noted in
    ``taken_from`` ([transfer id, amount] pairs), so that neither another
    spending nor the return at an agreement's end can take the same money. A
    rejection gives it back to those transfers; an approval posts the debit.
    """

    wallet = models.ForeignKey(
        Wallet, on_delete=models.PROTECT, related_name="spendings", verbose_name=_("wallet")
    )
    taken_from = models.JSONField(_("taken from transfers"), default=list, blank=True)

    CONTENT_FIELDS = (*Settlement.CONTENT_FIELDS, "wallet_id")

    class Meta:
        verbose_name = _("wallet spending")
        verbose_name_plural = _("wallet spendings")
        ordering = ["-settled_at", "-id"]
        constraints = [
            *Settlement.base_constraints("spending"),
            *HeldSettlement.review_constraints("spending"),
            # Decided once: a held spending has no entry and no reviewer yet.
            models.CheckConstraint(
                condition=~models.Q(status="held")
                | models.Q(ledger_entry__isnull=True, reviewed_by__isnull=True),
                name="spending_held_undecided",
            ),
        ]
        indexes = [
            # The review queue of held spendings and a wallet's reservations.
            models.Index(
                fields=["wallet", "created_at"],
                condition=models.Q(status="held"),
                name="spending_held_idx",
            ),
        ]

    def __str__(self):
        return f"{self.settlement_id} {self.amount}"


class HeldWalletSpending(WalletSpending):
    """The review queue of wallet spendings held by the hold rules."""

    class Meta:
        proxy = True
        verbose_name = _("held wallet spending")
        verbose_name_plural = _("review queue: held wallet spendings")
