"""Wallet spendings: the list, and the review queue of held ones (the one review
mechanism of ``core.admin.review``, beside held payments from an account)."""

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.admin.base import ReadOnlyAdmin
from core.admin.filters import DateRangeFilter
from core.admin.review import ReviewAdminMixin
from transfers.models import HeldWalletSpending, PaymentStatus, WalletSpending
from transfers.selectors import payment_balances, wallet_spendable
from transfers.services.payments import REVIEW_PERMISSION
from transfers.services.spendings import wallet_spending_approve, wallet_spending_reject

from .common import HeldQueueMixin, HeldSettlementAdminMixin
from .payments import person_facts


class SpendingAdminBase(HeldSettlementAdminMixin, ReviewAdminMixin, ReadOnlyAdmin):
    review_permission = REVIEW_PERMISSION
    review_label = "spending"
    review_waiting = PaymentStatus.HELD
    approve_service = staticmethod(wallet_spending_approve)
    reject_service = staticmethod(wallet_spending_reject)

    list_display = [
        "settlement_id",
        "settled_at",
        "patient_name",
        "use",
        "institution_name",
        "amount",
        "status",
        "why",
        "created_by",
        "reviewed_by",
    ]
    list_filter = ["status", "use", ("settled_at", DateRangeFilter)]
    search_fields = ["=settlement_id", "=wallet__person__id_number", "institution_code"]
    search_help_text = _("Settlement ID, exact ID number or institution code.")
    list_select_related = ["wallet__person", "created_by", "reviewed_by"]
    exclude = ["taken_from"]  # the reservation's bookkeeping: transfer ids and amounts

    @admin.display(description=_("patient"), ordering="wallet__person__name")
    def patient_name(self, obj):
        return obj.wallet.person.masked_name

    def review_facts(self, obj):
        return spending_review_facts(obj)


def spending_review_facts(spending) -> list:
    """A spending beside its patient: what it pays and why it was held, the
    wallet's balance before and after, and what the wallet can still spend."""
    balances = payment_balances(spending)
    institution = f"{spending.institution_name}（{spending.institution_code}）"
    return [
        (_("patient"), person_facts(spending.wallet.person)),
        (
            _("this spending"),
            [
                (_("amount"), f"¥{spending.amount}"),
                (_("use"), spending.get_use_display()),
                (_("institution"), institution if spending.institution_code else "—"),
                (_("settlement time"), f"{timezone.localtime(spending.settled_at):%Y-%m-%d %H:%M}"),
                (_("hold reasons"), spending.get_hold_reasons_display() or "—"),
            ],
        ),
        (
            _("wallet balance"),
            [
                (_("before"), f"¥{balances.before}"),
                (_("after"), f"¥{balances.after}"),
                (_("spendable besides this"), f"¥{wallet_spendable(spending.wallet)}"),
            ],
        ),
    ]


@admin.register(WalletSpending)
class WalletSpendingAdmin(SpendingAdminBase):
    pass


@admin.register(HeldWalletSpending)
class HeldWalletSpendingAdmin(HeldQueueMixin, SpendingAdminBase):
    list_display = [
        "settlement_id",
        "settled_at",
        "patient_name",
        "amount",
        "why",
        "created_by",
    ]
