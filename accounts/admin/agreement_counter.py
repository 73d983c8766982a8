"""The counter flow: look the grantor up by ID number, add one or more beneficiaries.

The ID number is typed, pasted, or "typed" by an ID card reader acting as a
keyboard (the number followed by Enter), so the lookup is one autofocused field.
It is posted, not put in the address, so no ID number lands in URLs or logs.
The beneficiaries go through ``agreements_register_batch``: if one of them is
refused, none is written and each refusal is shown next to the field at fault.
A grantor who cannot share is stopped at the lookup (``grantor_can_share``), and
the ID fields tell whose number is typed before anything is sent
(``accounts.admin.lookup``). One beneficiary block is shown, more on demand
(``static/yibao/counter.js``). A rejected agreement is corrected by opening the
counter with it (``?again=<no.>``): its beneficiary, relationship and evidence
fill the first block, the beneficiary's number masked (``core.admin.prefill``).
"""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import errors
from accounts.admin.lookup import IdNumberInput
from accounts.models import (
    AgreementStatus,
    EvidenceType,
    Relationship,
    SharingAgreement,
)
from accounts.scope import OutOfScope, require_person_in_scope, scope_persons
from accounts.selectors import person_by_id_number
from accounts.services.agreements import (
    EVIDENCE_MAX_BYTES,
    agreements_register_batch,
    grantor_can_share,
)
from core.admin.forms import add_domain_error
from core.admin.prefill import prefill_id_number, prefill_resolve_post

BLANK = [("", "---------")]


class GrantorLookupForm(forms.Form):
    id_number = forms.CharField(
        label=_("grantor's ID number"),
        max_length=30,
        widget=IdNumberInput(role="grantor", attrs={"autofocus": True}),
        help_text=_("Type or paste the number, or read the ID card."),
    )

    def clean_id_number(self):
        """The person, if they may share at all: a resident or a closed account stops here."""
        try:
            person = person_by_id_number(self.cleaned_data["id_number"])
            grantor_can_share(person, timezone.localdate())
        except errors.DomainError as error:
            raise forms.ValidationError(str(error)) from None
        return person


class BeneficiaryForm(forms.Form):
    beneficiary_id_number = forms.CharField(
        label=_("beneficiary's ID number"),
        max_length=30,
        widget=IdNumberInput(),
    )
    relationship = forms.ChoiceField(label=_("relationship"), choices=BLANK + Relationship.choices)
    evidence_type = forms.ChoiceField(
        label=_("evidence type"),
        choices=EvidenceType.choices,
        initial=EvidenceType.HOUSEHOLD_REGISTER,
    )
    evidence_number = forms.CharField(label=_("evidence number"), max_length=50, required=False)
    effective_from = forms.DateField(
        label=_("effective from"),
        initial=timezone.localdate,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    evidence_scan = forms.FileField(
        label=_("evidence scan"),
        required=False,
        help_text=_("Optional: PDF, JPEG or PNG, at most %(mb)s MB.")
        % {"mb": EVIDENCE_MAX_BYTES // 1024 // 1024},
    )


BeneficiaryFormSet = forms.formset_factory(BeneficiaryForm, extra=5, max_num=10)
ID_FIELDS = [f"b-{n}-beneficiary_id_number" for n in range(10)]


def counter_lookup_view(model_admin, request):
    """Step 1: find the grantor; then the clerk is on the grantor's counter page."""
    form = GrantorLookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        grantor = form.cleaned_data["id_number"]
        try:
            require_person_in_scope(request.user, grantor, argument="id_number")
        except OutOfScope as error:
            form.add_error("id_number", str(error))
            return _render(model_admin, request, lookup=form)
        return redirect("admin:accounts_sharingagreement_counter_grantor", grantor.pk)
    return _render(model_admin, request, lookup=form)


def counter_grantor_view(model_admin, request, person_id):
    """Step 2: the grantor's account and agreements, and the beneficiaries to add."""
    grantors = scope_persons(request.user, act=True)
    grantor = get_object_or_404(grantors.select_related("region"), pk=person_id)
    data = prefill_resolve_post(request, ID_FIELDS)
    formset = BeneficiaryFormSet(
        data, request.FILES or None, prefix="b", initial=_again(request, grantor)
    )
    grantor_errors = []
    if request.method == "POST" and formset.is_valid():
        created, grantor_errors = _register_all(grantor, formset, request.user)
        if created:
            messages.success(
                request,
                _("%(count)s agreement(s) registered; they wait for a reviewer.")
                % {"count": len(created)},
            )
            return redirect("admin:accounts_sharingagreement_counter_grantor", grantor.pk)
        if not grantor_errors and not any(f.errors for f in formset):
            messages.warning(request, _("Enter at least one beneficiary."))
    return _render(
        model_admin,
        request,
        lookup=GrantorLookupForm(),
        grantor=grantor,
        formset=formset,
        grantor_errors=grantor_errors,
    )


def _again(request, grantor) -> list[dict] | None:
    """The first block filled from a rejected agreement of this grantor (``?again=``)."""
    number = request.GET.get("again", "")
    rejected = SharingAgreement.objects.filter(
        pk=int(number) if number.isdigit() else None,
        grantor=grantor,
        status=AgreementStatus.REJECTED,
    ).first()
    if rejected is None:
        return None
    return [
        {
            "beneficiary_id_number": prefill_id_number(request, rejected.beneficiary.id_number),
            "relationship": rejected.relationship,
            "evidence_type": rejected.evidence_type,
            "evidence_number": rejected.evidence_number,
        }
    ]


def _register_all(grantor, formset, operator):
    """Register every filled row through the service, or none: returns (created,
    refusals about the grantor); the other refusals go next to their row's field."""
    rows = [form for form in formset if form.has_changed()]
    fields = ("beneficiary_id_number", "relationship", "evidence_type", "evidence_number")
    fields += ("effective_from", "evidence_scan")
    try:
        created = agreements_register_batch(
            grantor_id_number=grantor.id_number,
            beneficiaries=[{f: form.cleaned_data[f] for f in fields} for form in rows],
            operator=operator,
        )
    except errors.AgreementBatchRefused as refused:
        grantor_errors = []
        for position, _number, error in refused.refusals:
            if error.argument == "grantor_id_number":  # shown once, in the grantor's panel
                if str(error) not in grantor_errors:
                    grantor_errors.append(str(error))
            else:
                add_domain_error(rows[position - 1], error)
        return [], grantor_errors
    return created, []


def _render(model_admin, request, **context):
    grantor = context.get("grantor")
    existing = (
        SharingAgreement.objects.filter(grantor=grantor).select_related("beneficiary")
        if grantor
        else None
    )
    return TemplateResponse(
        request,
        "admin/accounts/sharingagreement/counter.html",
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.opts,
            "title": _("Register sharing agreements at the counter"),
            "account": getattr(grantor, "account", None) if grantor else None,
            "existing": existing,
            **context,
        },
    )
