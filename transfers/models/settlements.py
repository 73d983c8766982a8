"""What a settlement row says, shared by payments from an account and from a wallet."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Use
from accounts.models.ledger import MONEY
from core.models import operator_field

INSTITUTION_CODE = r"^[HP][0-9]{11}$"


class PaymentSource(models.TextChoices):
    """What pays a settlement: a relative's account under a sharing agreement (a
    ``SharingPayment``), or the patient's own wallet, filled by relatives' transfers
    (a ``WalletSpending``)."""

    ACCOUNT = "account", _("the grantor's personal account")
    WALLET = "wallet", _("the beneficiary's wallet")


class Settlement(models.Model):
    """共济结算明细 (SPREADSHEETS.md §4): one settlement of the settlement system.

    ``settlement_id`` is the source system's key; a re-sent row with the same
    content is the same settlement, with other content it is refused.
    """

    settlement_id = models.CharField(_("settlement ID"), max_length=30, unique=True)
    settled_at = models.DateTimeField(_("settlement time"))
    institution_code = models.CharField(_("institution code"), max_length=12, blank=True)
    institution_name = models.CharField(_("institution name"), max_length=100, blank=True)
    use = models.CharField(_("use"), max_length=24, choices=Use.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    ledger_entry = models.OneToOneField(
        "accounts.LedgerEntry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ledger entry"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)
    created_by = operator_field(_("entered by"))

    class Meta:
        abstract = True

    # The fields a re-sent row must repeat exactly to count as the same settlement.
    CONTENT_FIELDS = ("settled_at", "institution_code", "institution_name", "use", "amount")

    @classmethod
    def base_constraints(cls, prefix: str) -> list:
        return [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name=f"{prefix}_amount_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(institution_code="")
                | models.Q(institution_code__regex=INSTITUTION_CODE),
                name=f"{prefix}_institution_code_format",
            ),
        ]


class SettlementKey(models.Model):
    """Every 结算ID received, whichever pays it: one row per ID.

    Why a table of its own: a payment from an account and a spending from a wallet
    are two tables, each with its own unique 结算ID, and the ledger's key
    ``settlement:<结算ID>`` meets them only when both post. A held payment posts
    nothing, so a held payment and a spending of one 结算ID committed at the same
    instant were both stored. A trigger on each table (migration
    ``transfers/0011_settlement_keys``) inserts the ID here with the row, so the
    database itself refuses the second, whichever code writes it.
    """

    settlement_id = models.CharField(_("settlement ID"), max_length=30, primary_key=True)
    paid_from = models.CharField(_("paid from"), max_length=8, choices=PaymentSource.choices)

    class Meta:
        verbose_name = _("settlement ID received")
        verbose_name_plural = _("settlement IDs received")

    def __str__(self):
        return self.settlement_id
