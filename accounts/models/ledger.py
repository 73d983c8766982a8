"""Balances and the append-only ledger that is the only way they change.

A ``PersonalAccount`` (个人账户, scheme 310 only) and a ``Wallet`` (医保钱包) each
cache their balance; every change of it is one ``LedgerEntry`` written by
``accounts.services.ledger.ledger_post`` in the same transaction. The wallet lives
here, beside the account, so that one posting function, one set of database
guards and one ``verify_ledger`` cover every balance.
"""

import pghistory
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import operator_field

from .people import InsuredPerson
from .regions import Scope

MONEY = {"max_digits": 14, "decimal_places": 2}


class AccountStatus(models.TextChoices):
    OPEN = "open", _("open")
    FROZEN = "frozen", _("frozen")
    CLOSED = "closed", _("closed")


# The balance is the ledger's (its own append-only trail); the account's events are
# its opening and its status moves with their reasons.
@pghistory.track(exclude=["balance", "last_sequence"])
class PersonalAccount(models.Model):
    """个人账户 of an insured person in the employee scheme."""

    number = models.CharField(_("account number"), max_length=20, unique=True)
    person = models.OneToOneField(
        InsuredPerson,
        on_delete=models.PROTECT,
        related_name="account",
        verbose_name=_("insured person"),
    )
    balance = models.DecimalField(_("balance"), default=0, **MONEY)
    # The sequence of the last entry, kept with the balance so a posting needs no
    # MAX over the ledger (accounts.services.ledger).
    last_sequence = models.PositiveIntegerField(_("last entry sequence"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=AccountStatus.choices, default=AccountStatus.OPEN
    )
    status_reason = models.CharField(_("reason for the status"), max_length=200, blank=True)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    status_changed_by = operator_field(_("status changed by"))
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    opened_by = operator_field(_("opened by"))

    class Meta:
        verbose_name = _("personal account")
        verbose_name_plural = _("personal accounts")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(balance__gte=0), name="account_balance_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(status="open") | ~models.Q(status_reason=""),
                name="account_not_open_has_reason",
            ),
        ]

    def __str__(self):
        return self.number


class Wallet(models.Model):
    """医保钱包: money set aside for an insured person by relatives; never cash."""

    person = models.OneToOneField(
        InsuredPerson,
        on_delete=models.PROTECT,
        related_name="wallet",
        verbose_name=_("insured person"),
    )
    balance = models.DecimalField(_("balance"), default=0, **MONEY)
    last_sequence = models.PositiveIntegerField(_("last entry sequence"), default=0)
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)

    class Meta:
        verbose_name = _("wallet")
        verbose_name_plural = _("wallets")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(balance__gte=0), name="wallet_balance_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.person.name}（{self.person.masked_id_number}）"


class EntryKind(models.TextChoices):
    """What caused a balance change; statements total by these."""

    CREDIT = "credit", _("account credit")
    SHARING_PAYMENT = "sharing_payment", _("sharing payment")
    WALLET_TRANSFER_OUT = "wallet_transfer_out", _("transfer to a wallet")
    WALLET_TRANSFER_IN = "wallet_transfer_in", _("transfer into the wallet")
    WALLET_SPENDING = "wallet_spending", _("wallet spending")
    WALLET_RETURN = "wallet_return", _("wallet money returned")
    REVERSAL = "reversal", _("reversal")


class Use(models.TextChoices):
    """What shared money pays for (用途), as the statistics report it."""

    MEDICAL = "medical", _("medical treatment")
    PHARMACY = "pharmacy", _("drug purchase")
    RESIDENT_CONTRIBUTION = "resident_contribution", _("resident scheme contribution")
    LTC_CONTRIBUTION = "ltc_contribution", _("long-term-care contribution")


class LedgerEntry(models.Model):
    """账户流水: one change of one balance. Never updated or deleted.

    The database refuses UPDATE and DELETE (trigger ``ledger_entry_append_only``)
    and a negative ``balance_after``; a mistake is undone by a new entry that
    ``reverses`` the old one.

    Three times, each deciding something else: ``created_at`` is the booking
    (posting) time, in ``sequence`` order, which places the entry in a
    statement's period; ``occurred_at`` is when the business happened (the
    settlement or transfer time; the posting time of a credit or reversal);
    ``value_date`` is the day the money is for (the settlement's day, the first
    day of a credit's 划入年月), which rules judged on a date and the statistics
    use.
    """

    # No index of their own: the (holder, sequence) unique indexes below lead with
    # the holder and serve every lookup by it (docs/BENCHMARKS.md, ledger-indexes).
    account = models.ForeignKey(
        PersonalAccount,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
        related_name="entries",
        verbose_name=_("personal account"),
    )
    wallet = models.ForeignKey(
        Wallet,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
        related_name="entries",
        verbose_name=_("wallet"),
    )
    sequence = models.PositiveIntegerField(_("sequence"))
    kind = models.CharField(_("kind"), max_length=24, choices=EntryKind.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    balance_after = models.DecimalField(_("balance after"), **MONEY)
    # Unique by the constraint below, not ``unique=True``: that would add a second
    # index (varchar_pattern_ops, for LIKE) that no query uses and every posting fills.
    idempotency_key = models.CharField(_("idempotency key"), max_length=120)
    reference = models.CharField(_("reference"), max_length=120, blank=True)
    counterpart = models.ForeignKey(
        InsuredPerson,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("counterpart"),
    )
    use = models.CharField(_("use"), max_length=24, choices=Use.choices, blank=True)
    scope = models.CharField(_("scope"), max_length=16, choices=Scope.choices, blank=True)
    institution_code = models.CharField(_("institution code"), max_length=12, blank=True)
    institution_name = models.CharField(_("institution name"), max_length=100, blank=True)
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
        verbose_name=_("reverses"),
    )
    memo = models.CharField(_("memo"), max_length=200, blank=True)
    occurred_at = models.DateTimeField(_("occurred at"))
    value_date = models.DateField(
        _("value date"),
        help_text=_(
            "The day the money is for: the settlement or transfer day, the first day of "
            "a credit's month, otherwise the booking day."
        ),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    created_by = operator_field(_("operator"))

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(account__isnull=False, wallet__isnull=True)
                | models.Q(account__isnull=True, wallet__isnull=False),
                name="entry_one_holder",
            ),
            models.CheckConstraint(condition=~models.Q(amount=0), name="entry_amount_not_zero"),
            models.CheckConstraint(
                condition=models.Q(balance_after__gte=0), name="entry_balance_not_negative"
            ),
            models.UniqueConstraint(
                fields=["idempotency_key"], name="entry_idempotency_key_unique"
            ),
            models.UniqueConstraint(
                fields=["account", "sequence"],
                condition=models.Q(account__isnull=False),
                name="entry_account_sequence_unique",
            ),
            models.UniqueConstraint(
                fields=["wallet", "sequence"],
                condition=models.Q(wallet__isnull=False),
                name="entry_wallet_sequence_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["occurred_at"], name="entry_occurred_idx"),
            models.Index(fields=["value_date"], name="entry_value_date_idx"),
            # The ledger list's exact searches (docs/BENCHMARKS.md).
            models.Index(fields=["reference"], name="entry_reference_idx"),
            models.Index(fields=["institution_code"], name="entry_institution_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount}"

    @property
    def holder(self):
        return self.account or self.wallet
