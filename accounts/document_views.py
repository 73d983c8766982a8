"""Views of the printed documents and of the reports page (统计).

Thin: read the period from the query string, build the context with
``accounts.documents`` or the selectors, render. Reached from the admin under
``/admin/documents/`` (yibao/urls.py), for staff with the view permission.
"""

from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.documents import account_statement_document, beneficiary_statement_document
from accounts.models import InsuredPerson, PersonalAccount
from accounts.reports import sharing_statistics_tables, sharing_statistics_xlsx
from core.forms import PeriodForm
from core.printing import render_print
from jobs.services import job_enqueue, job_url


def _print_for_period(request, template, build, filename, **subject):
    """A document over the period of the query string (the current year by default)."""
    form = PeriodForm.from_query(request.GET)
    start, end = form.period
    context = {**build(start=start, end=end, **subject), "period_form": form}
    filename = f"{filename}-{start:%Y%m%d}-{end:%Y%m%d}.pdf"
    return render_print(request, template, context, filename=filename)


@staff_member_required
@permission_required("accounts.view_personalaccount", raise_exception=True)
def account_statement(request, pk):
    account = get_object_or_404(PersonalAccount.objects.select_related("person__region"), pk=pk)
    return _print_for_period(
        request,
        "accounts/print/statement.html",
        account_statement_document,
        f"statement-{account.number}",
        account=account,
    )


@staff_member_required
@permission_required("accounts.view_insuredperson", raise_exception=True)
def beneficiary_statement(request, pk):
    person = get_object_or_404(InsuredPerson.objects.select_related("region"), pk=pk)
    return _print_for_period(
        request,
        "accounts/print/beneficiary_statement.html",
        beneficiary_statement_document,
        f"sharing-received-{person.pk}",
        person=person,
    )


@staff_member_required
@permission_required("accounts.view_ledgerentry", raise_exception=True)
def sharing_report(request):
    """统计: the tables and bars of ``sharing_statistics`` for the chosen period."""
    form = PeriodForm.from_query(request.GET)
    start, end = form.period
    context = {
        **admin.site.each_context(request),
        "title": _("Sharing statistics"),
        "form": form,
        "start": start,
        "end": end,
        "tables": sharing_statistics_tables(start=start, end=end),
    }
    return TemplateResponse(request, "accounts/sharing_report.html", context)


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
