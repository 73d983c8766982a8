"""The page the transfers screens' counter actions share."""

from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse

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
