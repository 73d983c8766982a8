"""The page the transfers screens' counter actions share."""

from django.template.response import TemplateResponse


def counter_page(modeladmin, request, form, title, template="admin/form_page.html", **extra):
    """A form page inside the admin (breadcrumbs, messages) for a counter action."""
    context = {
        **modeladmin.admin_site.each_context(request),
        "opts": modeladmin.model._meta,
        "title": title,
        "form": form,
        **extra,
    }
    return TemplateResponse(request, template, context)


# The lookups of the statistics (reports.tables.records_url): a figure's link opens
# the list filtered exactly as the figure was counted.
STATISTICS_LOOKUPS = ("ledger_entry__", "account_entry__", "grantor_region__")


class StatisticsLookupsMixin:
    """Lets the list take the statistics' lookups from the query string."""

    def lookup_allowed(self, lookup, value, request=None):
        return lookup.startswith(STATISTICS_LOOKUPS) or super().lookup_allowed(
            lookup, value, request
        )
