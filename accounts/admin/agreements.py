"""Sharing agreements: the list, the review queue, ending, printing, evidence scans.

Agreements are written by the services only (``accounts.services.agreements``);
these screens are read-only views of them plus thin forms that call a service
and show its refusal. ID numbers are masked everywhere here.
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from accounts import errors
from accounts.admin.agreement_counter import counter_grantor_view, counter_lookup_view
from accounts.documents import agreement_confirmation_document
from accounts.exports import SharingAgreementExport
from accounts.imports import AgreementsImport
from accounts.models import (
    AgreementStatus,
    InsuredPerson,
    PendingSharingAgreement,
    Scope,
    SharingAgreement,
)
from accounts.selectors import person_search, rejected_to_correct
from accounts.services.agreements import (
    PARTY_REQUESTS,
    REVIEW_PERMISSION,
    agreement_approve,
    agreement_end,
    agreement_reject,
    evidence_content_type,
)
from core.admin.base import ReadOnlyAdmin
from core.admin.filters import DateRangeFilter
from core.admin.forms import add_domain_error
from core.admin.history import HistoryAdmin
from core.admin.lists import BigListMixin
from core.admin.review import ReviewAdminMixin
from core.audit import disclosure_record
from core.models import DisclosureLog
from core.printing import render_print
from jobs.admin_export import ExportAdminMixin
from jobs.admin_import import ImportAdminMixin

SHOWN_FIELDS = [
    "grantor_display",
    "beneficiary_display",
    "relationship",
    "scope",
    "evidence_type",
    "evidence_number",
    "evidence_scan_link",
    "undertaking_signed",
    "effective_from",
    "status",
    "created_at",
    "created_by",
    "reviewed_at",
    "reviewed_by",
    "review_note",
    "ended_on",
    "end_reason",
    "end_note",
    "ended_by",
]


class AgreementListAdmin(
    BigListMixin, ReviewAdminMixin, ExportAdminMixin, ReadOnlyAdmin, HistoryAdmin
):
    """What the agreements list and the review queue share: columns, filters, search,
    exports, the review's actions and buttons. Read-only: every change goes through a
    service."""

    review_permission = REVIEW_PERMISSION
    review_label = "agreement"
    review_waiting = AgreementStatus.PENDING
    approve_service = staticmethod(agreement_approve)
    reject_service = staticmethod(agreement_reject)

    list_display = [
        "id",
        "grantor_display",
        "beneficiary_display",
        "relationship",
        "scope",
        "effective_from",
        "status",
        "created_by",
        "reviewed_by",
        "ended_on",
    ]
    list_filter = [
        "status",
        "relationship",
        "scope",
        "grantor__region__province",
        ("effective_from", DateRangeFilter),
        ("created_at", DateRangeFilter),
        ("ended_on", DateRangeFilter),
    ]
    search_fields = ["grantor__name"]  # shows the box; the search itself is below
    search_help_text = _("Exact ID number or part of the name, of either party.")
    list_select_related = ["grantor", "beneficiary", "created_by", "reviewed_by"]
    list_per_page = 50
    fields = SHOWN_FIELDS
    readonly_fields = SHOWN_FIELDS
    change_list_template = "admin/accounts/sharingagreement/change_list.html"
    export_resource_class = SharingAgreementExport

    def get_search_results(self, request, queryset, search_term):
        """Either party, found as the person list finds people (exact ID number, name)."""
        if not search_term.strip():
            return queryset, False
        # The persons first (their own indexes), then the agreements by the grantor
        # and beneficiary indexes: an OR of two IN (subquery) reads every agreement.
        people = list(
            person_search(InsuredPerson.objects.all(), search_term).values_list("pk", flat=True)
        )
        return queryset.filter(Q(grantor__in=people) | Q(beneficiary__in=people)), False

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        """The list's count is the sum of its counts per scope (``changelist_view``):
        one grouped count of what the filters show instead of two (a review
        queue's count within a clerk's regions was a third of its page's time)."""
        paginator = super().get_paginator(
            request, queryset, per_page, orphans, allow_empty_first_page
        )
        counts = dict(
            queryset.order_by().values("scope").annotate(n=Count("id")).values_list("scope", "n")
        )
        request._scope_counts = counts
        paginator.count = sum(counts.values())
        return paginator

    def changelist_view(self, request, extra_context=None):
        """Adds the counts per scope of what the filters show (``get_paginator``)."""
        response = super().changelist_view(request, extra_context)
        counts = getattr(request, "_scope_counts", None)
        if counts is not None and "cl" in getattr(response, "context_data", {}):
            response.context_data["scope_counts"] = [
                (label, counts.get(value, 0)) for value, label in Scope.choices
            ]
        return response

    def review_facts(self, obj):
        """Both parties (masked), what is claimed, and the evidence with its scan."""

        def party(person):
            return [
                (_("name"), person.masked_name),
                (_("ID number"), person.masked_id_number),
                (_("scheme"), person.get_scheme_display()),
                (_("region"), person.region.name),
            ]

        if obj.evidence_scan and evidence_content_type(obj).startswith("image/"):
            url = reverse("admin:accounts_sharingagreement_evidence", args=[obj.pk])
            scan = format_html(
                '<a href="{0}"><img class="evidence-scan" src="{0}?inline=1" alt="{1}"></a>',
                url,
                _("evidence scan"),
            )
        else:
            scan = self.evidence_scan_link(obj)
        evidence = [
            (_("evidence type"), obj.get_evidence_type_display()),
            (_("evidence number"), obj.evidence_number or "—"),
            (_("undertaking signed"), _("yes") if obj.undertaking_signed else _("no")),
            (_("evidence scan"), scan),
        ]
        claim = [
            (_("relationship"), obj.get_relationship_display()),
            (_("scope"), obj.get_scope_display()),
            (_("effective from"), f"{obj.effective_from:%Y-%m-%d}"),
            (_("entered by"), obj.created_by or "—"),
        ]
        return [
            (_("grantor"), party(obj.grantor)),
            (_("beneficiary"), party(obj.beneficiary)),
            (_("sharing agreement"), claim),
            (_("evidence"), evidence),
        ]

    @admin.display(description=_("grantor"), ordering="grantor__name")
    def grantor_display(self, obj):
        return str(obj.grantor)

    @admin.display(description=_("beneficiary"), ordering="beneficiary__name")
    def beneficiary_display(self, obj):
        return str(obj.beneficiary)

    @admin.display(description=_("evidence scan"))
    def evidence_scan_link(self, obj):
        if not obj.evidence_scan:
            return "—"
        url = reverse("admin:accounts_sharingagreement_evidence", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download the scan"))


class EndForm(forms.Form):
    requested_by = forms.ChoiceField(
        label=_("requested by"),
        choices=[(r.value, r.label) for r in PARTY_REQUESTS],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("reason"), max_length=200, widget=forms.Textarea(attrs={"rows": 3})
    )


class ToCorrectFilter(admin.SimpleListFilter):
    """The user's own rejected agreements not yet registered again (the home page's queue)."""

    title = _("to correct")
    parameter_name = "to_correct"

    def lookups(self, request, model_admin):
        return [("1", _("my rejected agreements to correct"))]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return rejected_to_correct(queryset, request.user)
        return queryset


@admin.register(SharingAgreement)
class SharingAgreementAdmin(ImportAdminMixin, AgreementListAdmin):
    """The agreements list; imported agreements wait in the review queue, where a
    second user approves them (the admin's confirmation of a batch)."""

    list_filter = [ToCorrectFilter, *AgreementListAdmin.list_filter]

    change_form_template = "admin/accounts/sharingagreement/change_form.html"
    change_list_template = AgreementListAdmin.change_list_template
    importer_class = AgreementsImport

    def has_add_permission(self, request):
        """Adding is the counter flow; "add" leads there."""
        return request.user.has_perm("accounts.add_sharingagreement")

    def add_view(self, request, form_url="", extra_context=None):
        return redirect("admin:accounts_sharingagreement_counter")

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "counter/",
                view(self._counter(counter_lookup_view)),
                name="accounts_sharingagreement_counter",
            ),
            path(
                "counter/<int:person_id>/",
                view(self._counter(counter_grantor_view)),
                name="accounts_sharingagreement_counter_grantor",
            ),
            path("<int:pk>/end/", view(self.end_view), name="accounts_sharingagreement_end"),
            path("<int:pk>/print/", view(self.print_view), name="accounts_sharingagreement_print"),
            path(
                "<int:pk>/evidence/",
                view(self.evidence_view),
                name="accounts_sharingagreement_evidence",
            ),
            *super().get_urls(),
        ]

    def _counter(self, counter_view):
        def guarded(request, *args, **kwargs):
            if not self.has_add_permission(request):
                raise Http404
            return counter_view(self, request, *args, **kwargs)

        return guarded

    def end_view(self, request, pk):
        """End today on a party's request (who asked, why), through ``agreement_end``."""
        agreement = get_object_or_404(SharingAgreement, pk=pk)
        if not request.user.has_perm("accounts.end_sharingagreement"):
            raise Http404
        form = EndForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                agreement_end(agreement=agreement, operator=request.user, **form.cleaned_data)
            except errors.DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("The agreement was ended."))
                return redirect("admin:accounts_sharingagreement_change", pk)
        return TemplateResponse(
            request,
            "admin/accounts/sharingagreement/end_form.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "original": agreement,
                "form": form,
                "title": _("End the sharing agreement"),
            },
        )

    def print_view(self, request, pk):
        """共济关系确认单 on A4 (the shared print layout), or its PDF with ``?format=pdf``."""
        agreement = get_object_or_404(
            SharingAgreement.objects.select_related("grantor__region", "beneficiary__region"),
            pk=pk,
        )
        if not self.has_view_permission(request, agreement):
            raise Http404
        return render_print(
            request,
            "accounts/print/agreement_confirmation.html",
            agreement_confirmation_document(agreement=agreement),
            filename=f"agreement-{agreement.pk}.pdf",
        )

    def evidence_view(self, request, pk):
        """The scan, only through this permission-checked view, and recorded."""
        agreement = get_object_or_404(SharingAgreement, pk=pk)
        if not self.has_view_permission(request, agreement) or not agreement.evidence_scan:
            raise Http404
        disclosure_record(
            user=request.user,
            action=DisclosureLog.Action.VIEW,
            subject=str(_("evidence scan of agreement %(number)s") % {"number": agreement.pk}),
        )
        extension = agreement.evidence_scan.name.rsplit(".", 1)[-1]
        return FileResponse(
            agreement.evidence_scan.open("rb"),
            as_attachment=request.GET.get("inline") != "1",  # shown in the review
            filename=f"agreement-{agreement.pk}-evidence.{extension}",
            content_type=evidence_content_type(agreement),
        )

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        if obj is not None:
            context["print_url"] = reverse("admin:accounts_sharingagreement_print", args=[obj.pk])
            live = obj.status in (AgreementStatus.PENDING, AgreementStatus.APPROVED)
            if live and request.user.has_perm("accounts.end_sharingagreement"):
                context["end_url"] = reverse("admin:accounts_sharingagreement_end", args=[obj.pk])
            rejected = obj.status == AgreementStatus.REJECTED
            if rejected and self.has_add_permission(request):
                counter = reverse(
                    "admin:accounts_sharingagreement_counter_grantor", args=[obj.grantor_id]
                )
                context["again_url"] = f"{counter}?again={obj.pk}"
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)


@admin.register(PendingSharingAgreement)
class PendingSharingAgreementAdmin(AgreementListAdmin):
    """The review queue: pending agreements, approved or rejected row by row."""

    list_filter = [f for f in AgreementListAdmin.list_filter if f != "status"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=AgreementStatus.PENDING)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("accounts.view_sharingagreement")

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """An agreement opened from the queue is shown on its own page (print, end)."""
        return redirect("admin:accounts_sharingagreement_change", object_id)


class PersonAgreementsMixin:
    """The person page's tables of agreements as grantor and as beneficiary."""

    @admin.display(description=_("agreements as grantor"))
    def agreements_as_grantor(self, obj):
        return _agreements_table(
            obj.agreements_as_grantor.select_related("beneficiary"), "beneficiary"
        )

    @admin.display(description=_("agreements as beneficiary"))
    def agreements_as_beneficiary(self, obj):
        return _agreements_table(obj.agreements_as_beneficiary.select_related("grantor"), "grantor")


def _agreements_table(agreements, other):
    rows = format_html_join(
        "",
        "<tr><td><a href='{}'>{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
        "<td>{}</td></tr>",
        (
            (
                reverse("admin:accounts_sharingagreement_change", args=[a.pk]),
                a.pk,
                getattr(a, other),
                a.get_relationship_display(),
                a.get_scope_display(),
                a.effective_from,
                a.get_status_display() + (f" ({a.ended_on})" if a.ended_on else ""),
            )
            for a in agreements
        ),
    )
    if not rows:
        return "—"
    return format_html(
        "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th>"
        "</tr></thead><tbody>{}</tbody></table>",
        _("no."),
        _("grantor") if other == "grantor" else _("beneficiary"),
        _("relationship"),
        _("scope"),
        _("effective from"),
        _("status"),
        rows,
    )
