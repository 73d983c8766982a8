"""The home page's one search box: a person, an agreement, a payment or a transfer.

Each app's selector finds its own records (``accounts.selectors.person_search``,
``agreements_by_number``, ``transfers.selectors.settlements_by_number``); this page
only joins what the user may view, within their regional scope (``accounts.scope``,
as the lists show it). One match opens that record, more are listed.
The term is posted, never put in the address, so an ID number stays out of the
logs and the browser history.
"""

from dataclasses import dataclass

from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import InsuredPerson
from accounts.scope import scope_queryset
from accounts.selectors import agreements_by_number, person_search
from transfers.selectors import settlements_by_number

MAX_SHOWN = 50


@dataclass(frozen=True)
class Match:
    kind: str
    text: str
    url: str


def _matches(user, term: str) -> list[Match]:
    found = []
    if user.has_perm("accounts.view_insuredperson"):
        persons = scope_queryset(InsuredPerson.objects.select_related("region"), user)
        people = person_search(persons, term)
        found += [
            Match(_("insured person"), f"{p} · {p.region}", _admin_url(p))
            for p in people[:MAX_SHOWN]
        ]
    if user.has_perm("accounts.view_sharingagreement"):
        found += [
            Match(_("sharing agreement"), f"{a.pk} · {a} · {a.get_status_display()}", _admin_url(a))
            for a in scope_queryset(agreements_by_number(term), user).select_related(
                "grantor", "beneficiary"
            )
        ]
    kinds = {
        "payments": ("transfers.view_sharingpayment", _("sharing payment")),
        "spendings": ("transfers.view_walletspending", _("wallet spending")),
        "transfers": ("transfers.view_wallettransfer", _("wallet transfer")),
    }
    for key, records in settlements_by_number(term).items():
        permission, kind = kinds[key]
        if user.has_perm(permission):
            found += [Match(kind, str(r), _admin_url(r)) for r in scope_queryset(records, user)]
    return found


def _admin_url(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def search_view(site, request):
    term = (request.POST.get("q") or "").strip()
    matches = _matches(request.user, term) if term else []
    if len(matches) == 1:
        return redirect(matches[0].url)
    return TemplateResponse(
        request,
        "admin/search_results.html",
        {
            **site.each_context(request),
            "title": _("Search"),
            "term": term,
            "matches": matches,
        },
    )
