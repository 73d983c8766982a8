"""Whose ID number is typed: a small JSON answer for the counter forms' fields.

``IdNumberInput`` marks a field; ``static/yibao/idlookup.js`` posts the number
(never in the address) when 18 characters are typed and shows name, region,
scheme and account status under the field. A grantor's field (``role="grantor"``)
also shows at once why the person cannot share (``grantor_can_share``), before
the rest of the form is filled. The answer is for those who may view persons,
and shows the ID number masked only; of a person outside the user's regional
scope (a beneficiary elsewhere) only the masked name, region and scheme.
"""

from django import forms
from django.http import JsonResponse
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import errors
from accounts.scope import scope_persons
from accounts.selectors import person_by_id_number
from accounts.services.agreements import grantor_can_share
from core.admin.prefill import prefill_resolve


class IdNumberInput(forms.TextInput):
    """A text field for an ID number that tells whose it is while typing."""

    class Media:
        js = ["yibao/idlookup.js"]

    def __init__(self, role: str = "person", attrs=None):
        attrs = {"autocomplete": "off", "size": 22, **(attrs or {})}
        attrs |= {
            "data-id-lookup": role,
            "data-lookup-url": reverse_lazy("admin:accounts_insuredperson_lookup"),
        }
        super().__init__(attrs)


def person_summary(person, *, in_scope: bool = True) -> str:
    """Name, masked number, region, scheme, enrolment and account, in one line;
    out of scope, the masked name, number, region and scheme only."""
    if not in_scope:
        parts = [person.masked_name, person.masked_id_number, str(person.region)]
        return " · ".join([*parts, person.get_scheme_display()])
    account = getattr(person, "account", None)
    account_text = (
        _("account %(number)s %(status)s")
        % {"number": account.number, "status": account.get_status_display()}
        if account
        else _("no personal account")
    )
    parts = [
        person.name,
        person.masked_id_number,
        str(person.region),
        person.get_scheme_display(),
        person.get_status_display(),
        account_text,
    ]
    return " · ".join(parts)


@require_POST
def person_lookup_view(request):
    if not request.user.has_perm("accounts.view_insuredperson"):
        return JsonResponse({"error": _("Your role does not allow this.")}, status=403)
    number = prefill_resolve(request, request.POST.get("id_number", ""))
    try:
        person = person_by_id_number(number)
    except (errors.InvalidIdNumber, errors.PersonNotFound) as error:
        return JsonResponse({"found": False, "text": str(error)})
    in_scope = scope_persons(request.user).filter(pk=person.pk).exists()
    answer = {"found": True, "text": person_summary(person, in_scope=in_scope), "refusal": ""}
    if request.POST.get("role") == "grantor":
        try:
            grantor_can_share(person, timezone.localdate())
        except errors.DomainError as error:
            answer["refusal"] = str(error)
    return JsonResponse(answer)
