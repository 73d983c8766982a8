"""The reports page (统计) and its .xlsx export.

Thin: read the period, build the tables with ``reports.tables``, render or queue
the workbook. Reached from the admin index (yibao/site.py), for staff who may
read the ledger.
"""

from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.forms import PeriodForm, period_presets
from jobs.services import job_enqueue, job_url
from reports.charts import month_chart_svg
from reports.tables import sharing_statistics_tables, sharing_statistics_xlsx

UNITS = {"yuan": gettext_lazy("yuan"), "wan": gettext_lazy("10,000 yuan")}


@staff_member_required
@permission_required("accounts.view_ledgerentry", raise_exception=True)
def sharing_report(request):
    """统计: the tables and bars of ``sharing_statistics`` for the chosen period."""
    form = PeriodForm.from_query(request.GET)
    start, end = form.period
    unit = request.GET.get("unit") if request.GET.get("unit") in UNITS else "yuan"
    tables = sharing_statistics_tables(start=start, end=end, user=request.user)
    months = next(table.rows for table in tables if table.dimension == "month")
    context = {
        **admin.site.each_context(request),
        "title": _("Sharing statistics"),
        "form": form,
        "start": start,
        "end": end,
        "tables": tables,
        "unit": unit,
        "units": [
            (key, label, urlencode({"start": start, "end": end, "unit": key}))
            for key, label in UNITS.items()
        ],
        "presets": [
            (
                label,
                urlencode({"start": first, "end": last, "unit": unit}),
                (first, last) == (start, end),
            )
            for label, first, last in period_presets(timezone.localdate())
        ],
        "chart": month_chart_svg(months, unit),
    }
    return TemplateResponse(request, "reports/sharing_report.html", context)


@require_POST
@staff_member_required
@permission_required("accounts.view_ledgerentry", raise_exception=True)
def sharing_report_export(request):
    """Queue the .xlsx of the report and send the user to the job's progress page."""
    start, end = PeriodForm.from_query(request.POST).period
    job = job_enqueue(
        sharing_statistics_xlsx,
        title=_("Sharing statistics %(start)s to %(end)s") % {"start": start, "end": end},
        operator=request.user,
        start=start.isoformat(),
        end=end.isoformat(),
    )
    return redirect(job_url(job))
