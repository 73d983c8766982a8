"""What the transfers screens share: the counter actions' page, the held
settlements' columns."""

from django.contrib import admin
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import InsuredPerson
from core.admin.prefill import prefill_id_number, prefill_resolve_post


def counter_page(modeladmin, request, form, title, template="admin/form_page.html", **extra):
    """A form page inside the admin (breadcrumbs, messages) for a counter action,
    with a cancel button back to the list unless the caller names another place."""
    opts = modeladmin.model._meta
    context = {
        **modeladmin.admin_site.each_context(request),
        "opts": opts,
        "title": title,
        "form": form,
        "cancel_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
        **extra,
    }
    return TemplateResponse(request, template, context)


def counter_form(form_class, request, prefill: dict[str, str]):
    """The counter form, bound to the POST (each ID field of ``prefill`` resolved), or
    opened from a person's page: ``?<param>=<person id>`` fills that ID field with the
    person's masked number (``core.admin.prefill``). ``prefill`` maps param → field."""
    data = prefill_resolve_post(request, prefill.values())
    if data is not None:
        return form_class(data)
    initial = {}
    for param, field in prefill.items():
        if (pk := request.GET.get(param, "")).isdigit():
            person = get_object_or_404(InsuredPerson, pk=pk)
            initial[field] = prefill_id_number(request, person.id_number)
    return form_class(initial=initial)


# The lookups of the statistics (reports.tables.records_url): a figure's link opens
# the list filtered exactly as the figure was counted.
STATISTICS_LOOKUPS = ("ledger_entry__", "account_entry__", "grantor_region__")


class StatisticsLookupsMixin:
    """Lets the list take the statistics' lookups from the query string."""

    def lookup_allowed(self, lookup, value, request=None):
        return lookup.startswith(STATISTICS_LOOKUPS) or super().lookup_allowed(
            lookup, value, request
        )


class HeldSettlementAdminMixin:
    """A settlement the hold rules may hold (payments and wallet spendings): why it
    is held or was rejected, in words where the stored codes would show, and its
    amount as what the reviewer checks before approving."""

    readonly_fields = ["hold_reasons_in_words"]

    @admin.display(description=_("held / rejected because"))
    def why(self, obj):
        return obj.reject_reason or obj.get_hold_reasons_display()

    @admin.display(description=_("hold reasons"))
    def hold_reasons_in_words(self, obj):
        return obj.get_hold_reasons_display()

    def get_fields(self, request, obj=None):
        """The record's fields, the hold reasons in words where the stored codes would show."""
        return [
            "hold_reasons_in_words" if name == "hold_reasons" else name
            for name in super().get_fields(request, obj)
            if name != "hold_reasons_in_words"
        ]

    def review_amount(self, obj):
        return obj.amount


class HeldQueueMixin:
    """The review queue of a held settlement's admin: only the ones waiting
    (``review_waiting``), oldest first, without the status filter."""

    ordering = ["created_at", "id"]

    def get_list_filter(self, request):
        return [f for f in super().get_list_filter(request) if f != "status"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=self.review_waiting)
