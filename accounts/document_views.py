"""Views of the printed documents (statements).

Thin: read the period from the query string, build the context with
``accounts.documents``, render. Reached from the admin under
``/admin/documents/`` (yibao/urls.py), for staff with the view permission, of a
record in their regional scope (``accounts.scope``; out of scope: 404).
"""

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404

from accounts.documents import account_statement_document, beneficiary_statement_document
from accounts.models import PersonalAccount
from accounts.scope import scope_persons, scope_queryset
from accounts.statement_pdf import statement_pdf
from core.forms import PeriodForm
from core.printing import render_print


def _print_for_period(request, template, build, filename, draw_pdf=None, **subject):
    """A document over the period of the query string (the current year by default)."""
    form = PeriodForm.from_query(request.GET)
    start, end = form.period
    context = {**build(start=start, end=end, **subject), "period_form": form}
    filename = f"{filename}-{start:%Y%m%d}-{end:%Y%m%d}.pdf"
    return render_print(request, template, context, filename=filename, draw_pdf=draw_pdf)


@staff_member_required
@permission_required("accounts.view_personalaccount", raise_exception=True)
def account_statement(request, pk):
    accounts = scope_queryset(PersonalAccount.objects.all(), request.user)
    account = get_object_or_404(accounts.select_related("person__region"), pk=pk)
    return _print_for_period(
        request,
        "accounts/print/statement.html",
        account_statement_document,
        f"statement-{account.number}",
        draw_pdf=statement_pdf,
        account=account,
    )


@staff_member_required
@permission_required("accounts.view_insuredperson", raise_exception=True)
def beneficiary_statement(request, pk):
    person = get_object_or_404(scope_persons(request.user).select_related("region"), pk=pk)
    return _print_for_period(
        request,
        "accounts/print/beneficiary_statement.html",
        beneficiary_statement_document,
        f"sharing-received-{person.pk}",
        person=person,
    )
