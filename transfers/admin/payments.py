"""Sharing payments: the list, the review queue of held ones, the manual settlement
correction, and the clerk's request to reverse a payment."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.admin.filters import RegionOfProvinceFilter
from core.admin.base import ReadOnlyAdmin
from core.admin.filters import DateRangeFilter
from core.admin.forms import form_service_call
from core.admin.lists import BigListMixin
from core.admin.records import object_path
from core.admin.review import ReasonForm, ReviewAdminMixin
from jobs.admin_export import ExportAdminMixin
from jobs.admin_import import ImportAdminMixin
from transfers.exports import SharingPaymentExport
from transfers.imports import SettlementsImport
from transfers.models import HeldPayment, PaymentStatus, SharingPayment, WalletSpending
from transfers.selectors import payment_balances, payment_search, payments_earlier_that_day
from transfers.services.payments import (
    REVIEW_PERMISSION,
    payment_approve,
    payment_reject,
    settlement_receive,
)
from transfers.services.reversals import reversal_request

from .common import (
    HeldQueueMixin,
    HeldSettlementAdminMixin,
    StatisticsLookupsMixin,
    counter_form,
    counter_page,
)
from .forms import SettlementCorrectionForm


class PaymentAdminBase(
    BigListMixin,
    StatisticsLookupsMixin,
    HeldSettlementAdminMixin,
    ReviewAdminMixin,
    ExportAdminMixin,
    ReadOnlyAdmin,
):
    export_resource_class = SharingPaymentExport
    review_permission = REVIEW_PERMISSION
    review_label = "payment"
    review_waiting = PaymentStatus.HELD
    approve_service = staticmethod(payment_approve)
    reject_service = staticmethod(payment_reject)

    list_display = [
        "settlement_id",
        "settled_at",
        "grantor_name",
        "beneficiary_name",
        "use",
        "scope",
        "institution_name",
        "amount",
        "status",
        "why",
        "created_by",
        "reviewed_by",
    ]
    list_filter = [
        "status",
        "scope",
        "use",
        "grantor__region__province",
        ("grantor__region", RegionOfProvinceFilter),
        ("settled_at", DateRangeFilter),
        ("created_at", DateRangeFilter),
    ]
    search_fields = ["=settlement_id"]  # shows the box; the search itself is below
    search_help_text = _("Settlement ID, exact ID number, institution code or name.")
    list_select_related = ["grantor", "beneficiary", "created_by", "reviewed_by"]
    list_per_page = 50  # rendering the rows is most of the page's time

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        return payment_search(queryset, search_term), False

    def review_facts(self, obj):
        return payment_review_facts(obj)

    @admin.display(description=_("grantor"), ordering="grantor__name")
    def grantor_name(self, obj):
        return obj.grantor.masked_name

    @admin.display(description=_("beneficiary"), ordering="beneficiary__name")
    def beneficiary_name(self, obj):
        return obj.beneficiary.masked_name


def person_facts(person) -> list:
    return [(_("name"), person.masked_name), (_("ID number"), person.masked_id_number)]


def payment_review_facts(payment) -> list:
    """A payment beside its parties: who pays whom and why it was held, the
    grantor's balance before and after, the grantor's earlier payments that day."""
    balances = payment_balances(payment)
    earlier = [
        (p.settlement_id, f"¥{p.amount} · {p.beneficiary.masked_name} · {p.get_status_display()}")
        for p in payments_earlier_that_day(payment)
    ]
    institution = f"{payment.institution_name}（{payment.institution_code}）"
    return [
        (_("grantor"), [*person_facts(payment.grantor), (_("personal account"), payment.account)]),
        (
            _("beneficiary"),
            [
                *person_facts(payment.beneficiary),
                (_("relationship"), payment.agreement.get_relationship_display()),
            ],
        ),
        (
            _("this payment"),
            [
                (_("amount"), f"¥{payment.amount}"),
                (_("scope"), payment.get_scope_display()),
                (_("use"), payment.get_use_display()),
                (_("institution"), institution if payment.institution_code else "—"),
                (_("settlement time"), f"{timezone.localtime(payment.settled_at):%Y-%m-%d %H:%M}"),
                (_("hold reasons"), payment.get_hold_reasons_display() or "—"),
            ],
        ),
        (
            _("grantor's balance"),
            [(_("before"), f"¥{balances.before}"), (_("after"), f"¥{balances.after}")],
        ),
        (_("earlier payments that day"), earlier or [(_("none"), "")]),
    ]


@admin.register(SharingPayment)
class SharingPaymentAdmin(ImportAdminMixin, PaymentAdminBase):
    importer_class = SettlementsImport
    change_form_template = "admin/transfers/sharingpayment/change_form.html"

    def has_add_permission(self, request):
        return request.user.has_perm("transfers.add_sharingpayment")

    def add_view(self, request, form_url="", extra_context=None):
        """The manual settlement correction: the same service as a file row."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = counter_form(
            SettlementCorrectionForm,
            request,
            {"beneficiary": "beneficiary_id_number", "grantor": "grantor_id_number"},
        )
        if request.method == "POST" and form.is_valid():
            received = form_service_call(
                form, settlement_receive, operator=request.user, manual=True, **form.cleaned_data
            )
            if isinstance(received, WalletSpending):
                messages.success(
                    request,
                    _("Settlement %(id)s from the wallet: %(status)s.")
                    % {"id": received.settlement_id, "status": received.get_status_display()},
                )
                return redirect("admin:transfers_walletspending_change", received.pk)
            if received is not None:
                messages.success(
                    request,
                    _("Settlement %(id)s: %(status)s.")
                    % {"id": received.settlement_id, "status": received.get_status_display()},
                )
                return redirect("admin:transfers_sharingpayment_change", received.pk)
        return counter_page(self, request, form, _("Manual settlement correction"))

    def get_urls(self):
        return [
            object_path(self, "reverse/", self.reverse_view, "transfers_sharingpayment_reverse"),
            *super().get_urls(),
        ]

    def reverse_view(self, request, object_id):
        """A clerk asks for a reversal, with a reason; a reviewer decides later."""
        payment = get_object_or_404(SharingPayment, pk=object_id)
        if not request.user.has_perm("transfers.add_reversal"):
            return redirect("admin:transfers_sharingpayment_change", object_id)
        form = ReasonForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            reversal = form_service_call(
                form,
                reversal_request,
                payment=payment,
                reason=form.cleaned_data["reason"],
                operator=request.user,
            )
            if reversal is not None:
                messages.success(request, _("The reversal was requested for review."))
                return redirect("admin:transfers_reversal_change", reversal.pk)
        back = reverse("admin:transfers_sharingpayment_change", args=[payment.pk])
        return counter_page(
            self, request, form, _("Request a reversal"), original=payment, cancel_url=back
        )

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        context["can_request_reversal"] = (
            obj is not None
            and obj.status == PaymentStatus.POSTED
            and request.user.has_perm("transfers.add_reversal")
        )
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)


@admin.register(HeldPayment)
class HeldPaymentAdmin(HeldQueueMixin, PaymentAdminBase):
    # Narrow enough that why each one is held shows without scrolling.
    list_display = [
        "settlement_id",
        "settled_at",
        "grantor_name",
        "beneficiary_name",
        "amount",
        "why",
        "created_by",
    ]
