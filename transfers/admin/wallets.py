"""Wallet transfers (list, counter transfer, receipt), hold rules."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin.base import ReadOnlyAdmin
from core.admin.filters import DateRangeFilter
from core.admin.forms import form_service_call
from core.admin.history import HistoryAdmin
from core.admin.review import decide_each
from core.admin.settings import SettingsAdminMixin
from jobs.admin_export import ExportAdminMixin
from jobs.admin_import import ImportAdminMixin
from transfers.documents import wallet_transfer_receipt_document
from transfers.exports import WalletTransferExport
from transfers.imports import WalletTransfersImport
from transfers.models import HoldRules, WalletTransfer
from transfers.services.holds import HOLD_RULES_CHANGEABLE, hold_rules_check, hold_rules_update
from transfers.services.wallets import (
    wallet_transfer_accept,
    wallet_transfer_create,
    wallet_transfer_refuse,
)

from .common import StatisticsLookupsMixin, counter_form, counter_page
from .forms import CounterTransferForm
from .receipts import ReceiptMixin


@admin.register(WalletTransfer)
class WalletTransferAdmin(
    StatisticsLookupsMixin, ReceiptMixin, ImportAdminMixin, ExportAdminMixin, ReadOnlyAdmin
):
    importer_class = WalletTransfersImport
    export_resource_class = WalletTransferExport
    receipt_url_name = "transfers_wallettransfer_receipt"
    receipt_template = "transfers/print/wallet_transfer_receipt.html"
    receipt_related = ("sender", "recipient", "account")
    list_display = [
        "transfer_number",
        "transferred_at",
        "sender",
        "recipient",
        "amount",
        "unspent",
        "scope",
        "status",
        "return_due_at",
        "return_reason",
        "created_by",
        "accepted_by",
        "receipt_link",
    ]
    list_filter = [
        "status",
        "scope",
        ("sender__region__province", admin.RelatedOnlyFieldListFilter),
        ("sender__region", admin.RelatedOnlyFieldListFilter),
        ("recipient__region", admin.RelatedOnlyFieldListFilter),
        ("transferred_at", DateRangeFilter),
    ]
    search_fields = ["=transfer_number", "=sender__id_number", "=recipient__id_number"]
    search_help_text = _("Transfer number or exact ID number.")
    list_select_related = ["sender", "recipient", "created_by", "accepted_by"]
    actions = ["accept", "refuse"]

    def has_add_permission(self, request):
        return request.user.has_perm("transfers.add_wallettransfer")

    def has_counter_permission(self, request):
        return self.has_add_permission(request)

    @admin.action(
        description=_("Accept the selected transfers for the recipient"), permissions=["counter"]
    )
    def accept(self, request, queryset):
        decide_each(request, queryset, wallet_transfer_accept, "transfer", _("%(count)d accepted."))

    @admin.action(
        description=_("Refuse the selected transfers for the recipient"), permissions=["counter"]
    )
    def refuse(self, request, queryset):
        decide_each(
            request,
            queryset,
            wallet_transfer_refuse,
            "transfer",
            _("%(count)d refused; the money went back."),
        )

    def add_view(self, request, form_url="", extra_context=None):
        """The counter transfer: checked and posted by the same service as a file row."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = counter_form(CounterTransferForm, request, {"sender": "sender_id_number"})
        if request.method == "POST" and form.is_valid():
            number = form.cleaned_data["transfer_number"]
            if done := WalletTransfer.objects.filter(transfer_number=number).first():
                # The same form sent twice (double click, reload): the first one stands.
                return redirect("admin:transfers_wallettransfer_change", done.pk)
            transfer = form_service_call(
                form,
                wallet_transfer_create,
                transferred_at=timezone.now(),
                operator=request.user,
                **form.cleaned_data,
            )
            if transfer is not None:
                receipt = reverse("admin:transfers_wallettransfer_receipt", args=[transfer.pk])
                messages.success(
                    request,
                    format_html(
                        '{} <a href="{}" target="_blank">{}</a>',
                        _("The transfer was made."),
                        receipt,
                        _("Print the receipt"),
                    ),
                )
                return redirect("admin:transfers_wallettransfer_change", transfer.pk)
        return counter_page(self, request, form, _("Counter wallet transfer"))

    def receipt_document(self, obj):
        return wallet_transfer_receipt_document(transfer=obj)


@admin.register(HoldRules)
class HoldRulesAdmin(SettingsAdminMixin, HistoryAdmin):
    """One row of settings: the list opens it directly."""

    fields = list(HOLD_RULES_CHANGEABLE)
    settings_check = staticmethod(hold_rules_check)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        return redirect("admin:transfers_holdrules_change", HoldRules.current().pk)

    def settings_update(self, obj, *, operator, **fields):
        hold_rules_update(operator=operator, **fields)
