"""Reversals: the list, the reviewer's bulk approve/reject, and the receipt."""

from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.admin.filters import RegionOfProvinceFilter
from core.admin.base import ReadOnlyAdmin
from core.admin.filters import DateRangeFilter
from core.admin.lists import BigListMixin
from core.admin.review import ReviewAdminMixin
from jobs.admin_export import ExportAdminMixin
from transfers.documents import reversal_receipt_document
from transfers.exports import ReversalExport
from transfers.models import RequestedReversal, Reversal, ReversalStatus
from transfers.services.reversals import REVIEW_PERMISSION, reversal_approve, reversal_reject

from .payments import payment_review_facts
from .receipts import ReceiptMixin


@admin.register(Reversal)
class ReversalAdmin(BigListMixin, ReviewAdminMixin, ReceiptMixin, ExportAdminMixin, ReadOnlyAdmin):
    export_resource_class = ReversalExport
    receipt_url_name = "transfers_reversal_receipt"
    receipt_template = "transfers/print/reversal_receipt.html"
    receipt_related = ("payment__grantor", "payment__beneficiary", "payment__account")
    review_permission = REVIEW_PERMISSION
    review_label = "reversal"
    review_waiting = ReversalStatus.REQUESTED
    approve_service = staticmethod(reversal_approve)
    reject_service = staticmethod(reversal_reject)
    review_entered_by = "requested_by"
    list_display = [
        "settlement_id",
        "grantor",
        "beneficiary",
        "amount",
        "reason",
        "status",
        "review_note",
        "requested_by",
        "requested_at",
        "reviewed_by",
        "receipt_link",
    ]
    list_filter = [
        "status",
        "payment__scope",
        "payment__use",
        "payment__grantor__region__province",
        ("payment__grantor__region", RegionOfProvinceFilter),
        ("requested_at", DateRangeFilter),
    ]
    search_fields = [
        "=payment__settlement_id",
        "=payment__grantor__id_number",
        "=payment__beneficiary__id_number",
        "payment__institution_code",
        "payment__institution_name",
    ]
    search_help_text = _("Settlement ID, exact ID number, institution code or name.")
    list_select_related = [
        "payment",
        "grantor",
        "beneficiary",
        "requested_by",
        "reviewed_by",
    ]

    @admin.display(description=_("settlement ID"), ordering="payment__settlement_id")
    def settlement_id(self, obj):
        return obj.payment.settlement_id

    @admin.display(description=_("amount"))
    def amount(self, obj):
        return obj.payment.amount

    def receipt_document(self, obj):
        return reversal_receipt_document(reversal=obj)

    def review_amount(self, obj):
        return obj.payment.amount

    def review_facts(self, obj):
        """The reversal beside the original entry it undoes."""
        payment = obj.payment
        entry = payment.ledger_entry
        url = reverse("admin:transfers_sharingpayment_change", args=[payment.pk])
        original = [
            (_("settlement ID"), format_html('<a href="{}">{}</a>', url, payment.settlement_id)),
            (_("amount"), f"¥{payment.amount}"),
            (
                _("booked at"),
                f"{timezone.localtime(entry.created_at):%Y-%m-%d %H:%M}" if entry else "—",
            ),
            (_("balance after"), f"¥{entry.balance_after}" if entry else "—"),
            (_("institution"), payment.institution_name or "—"),
        ]
        request = [
            (_("reason"), obj.reason),
            (_("requested by"), obj.requested_by),
            (_("requested at"), f"{timezone.localtime(obj.requested_at):%Y-%m-%d %H:%M}"),
        ]
        return [
            *payment_review_facts(payment)[:2],
            (_("original entry"), original),
            (_("reversal requested"), request),
        ]


@admin.register(RequestedReversal)
class RequestedReversalAdmin(ReversalAdmin):
    list_display = [
        "settlement_id",
        "grantor",
        "amount",
        "reason",
        "requested_by",
        "requested_at",
        "receipt_link",
    ]
    # The queue shows neither the beneficiary nor the reviewer: not joined.
    list_select_related = ["payment", "grantor", "requested_by"]
    receipt_url_name = "transfers_requestedreversal_receipt"
    list_filter = ReversalAdmin.list_filter[1:]
    ordering = ["requested_at", "id"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=ReversalStatus.REQUESTED)
