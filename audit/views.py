"""The auditor's screen: the trail and the disclosure log, searched, paginated,
printable (the browser prints the page) and exported as CSV.

Thin: the form, the selectors, the lines of ``core.trail``. For those holding
``core.view_trail`` (auditors and supervisors, staff/roles.py), each finding only
their regional scope (``audit.scope``): on the page and in the CSV alike.
"""

import csv

from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from pghistory.models import Events

from accounts.scope import scope_queryset
from audit.forms import DisclosureSearchForm, TrailSearchForm
from audit.selectors import disclosure_search, trail_search
from core.admin.history import trail_page
from core.models import DisclosureLog
from core.trail import trail_lines, trail_moment

PER_PAGE = 50
EXPORT_AT_MOST = 10_000


def _search(form_class, request):
    """The form and its filters; ``None`` for a search that is not valid (a hall
    outside the viewer's scope, a period that ends before it starts): it finds
    nothing rather than everything."""
    form = form_class(request.GET or None)
    if "hall" in form.fields:  # only the halls of the viewer's scope to choose from
        halls = form.fields["hall"].queryset
        form.fields["hall"].queryset = scope_queryset(halls, request.user)
    if not form.is_bound:
        return form, {}
    return form, form.cleaned_data if form.is_valid() else None


def _csv(filename: str, header: list[str], rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    response.write("\ufeff")  # a BOM, so that a spreadsheet reads it as UTF-8
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response


@staff_member_required
@permission_required("core.view_trail", raise_exception=True)
def trail(request):
    """Search the trail; each change a sentence, personal data masked."""
    form, filters = _search(TrailSearchForm, request)
    events = trail_search(request.user, **filters) if filters is not None else Events.objects.none()
    if request.GET.get("format") == "csv":
        lines = trail_lines(events[:EXPORT_AT_MOST])
        return _csv(
            "audit-trail.csv",
            [_("time"), _("user"), _("kind of record"), _("record"), _("change")],
            ([line.at, line.who, line.kind, line.subject, line.sentence] for line in lines),
        )
    context = {
        **admin.site.each_context(request),
        "title": _("Audit trail"),
        "form": form,
        **trail_page(request, events, where=_("audit trail"), per_page=PER_PAGE),
    }
    return TemplateResponse(request, "audit/trail.html", context)


@staff_member_required
@permission_required("core.view_trail", raise_exception=True)
def disclosures(request):
    """Search the disclosure log: who saw or exported unmasked data, when, what."""
    form, filters = _search(DisclosureSearchForm, request)
    rows = (
        disclosure_search(request.user, **filters)
        if filters is not None
        else DisclosureLog.objects.none()
    )
    if request.GET.get("format") == "csv":
        return _csv(
            "disclosures.csv",
            [_("time"), _("user"), _("action"), _("what")],
            (
                [trail_moment(r.at), r.user.get_username(), r.get_action_display(), r.subject]
                for r in rows[:EXPORT_AT_MOST]
            ),
        )
    context = {
        **admin.site.each_context(request),
        "title": _("Disclosures of personal information"),
        "form": form,
        "page": Paginator(rows, PER_PAGE).get_page(request.GET.get("p")),
    }
    return TemplateResponse(request, "audit/disclosures.html", context)
