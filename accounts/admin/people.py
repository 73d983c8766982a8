"""Insured persons: registration at the counter, search, and the person page.

The person page is the clerk's hub: identity (masked), enrolment, the account
with its latest entries, agreements both ways, payments and wallet (panels of
``accounts.hub``), documents, and the counter actions for this person right there.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localdate
from django.utils.translation import gettext_lazy as _

from accounts.admin.agreements import PersonAgreementsMixin
from accounts.admin.filters import RegionOfProvinceFilter
from accounts.admin.lookup import person_lookup_view
from accounts.admin.scope import request_can_act
from accounts.exports import InsuredPersonExport
from accounts.hub import person_panels
from accounts.imports import PersonsImport
from accounts.models import AccountStatus, InsuredPerson
from accounts.selectors import person_search
from accounts.services.people import (
    PERSON_CHANGEABLE,
    normalize_phone,
    person_register,
    person_update,
    person_update_check,
)
from core.admin.filters import DateRangeFilter
from core.admin.forms import add_domain_error
from core.admin.history import HistoryAdmin
from core.admin.lists import BigListMixin
from core.audit import can_see_unmasked, disclosure_record
from core.errors import DomainError
from core.idnumbers import normalize_id_number
from core.models import DisclosureLog
from jobs.admin_export import ExportAdminMixin
from jobs.admin_import import ImportAdminMixin

LATEST_ENTRIES = 10


class InsuredPersonForm(forms.ModelForm):
    """Validates with the same rules as the services; messages sit next to the field."""

    # For a user without ``accounts.view_unmasked``: the phone is not sent to the
    # page, only its masked form; a number typed in replaces it, an empty box keeps it.
    phone_masked = False

    class Meta:
        model = InsuredPerson
        fields = ["name", "id_number", *[f for f in PERSON_CHANGEABLE if f != "name"]]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.phone_masked and self.instance.phone and "phone" in self.fields:
            self.initial["phone"] = ""
            self.fields["phone"].widget.attrs["placeholder"] = self.instance.masked_phone
            self.fields["phone"].help_text = _("Shown masked: type a number to replace it.")

    def clean_id_number(self):
        number = normalize_id_number(self.cleaned_data["id_number"])
        if InsuredPerson.objects.filter(id_number=number).exclude(pk=self.instance.pk).exists():
            raise ValidationError(_("A person with this ID number is already registered."))
        return number

    def clean_phone(self):
        return normalize_phone(self.cleaned_data.get("phone", ""))

    def clean(self):
        """A registered person's changes pass ``person_update``'s own check."""
        cleaned = super().clean()
        if self.instance.pk is not None and "enrolled_on" in self.changed_data:
            changes = {f: cleaned[f] for f in self.changed_data if f in cleaned}
            try:
                person_update_check(InsuredPerson.objects.get(pk=self.instance.pk), **changes)
            except DomainError as error:
                add_domain_error(self, error)
        return cleaned


@admin.register(InsuredPerson)
class InsuredPersonAdmin(
    BigListMixin, PersonAgreementsMixin, ImportAdminMixin, ExportAdminMixin, HistoryAdmin
):
    importer_class = PersonsImport
    form = InsuredPersonForm
    export_resource_class = InsuredPersonExport
    list_display = [
        "name",
        "masked_id",
        "gender",
        "scheme",
        "category",
        "status",
        "region",
        "masked_phone_column",
        "account_number",
        "account_balance",
    ]
    list_filter = [
        "scheme",
        "status",
        "category",
        # Every province, not only those in use (a DISTINCT over every person).
        "region__province",
        ("region", RegionOfProvinceFilter),
        ("enrolled_on", DateRangeFilter),
    ]
    search_fields = ["name"]
    search_help_text = _("Exact ID number, account number, or part of the name.")
    autocomplete_fields = ["region"]
    list_select_related = ["region", "account"]
    list_per_page = 50

    def get_queryset(self, request):
        """With the region and account that the person's page reads (its panels,
        actions and summary), in the same query as the person."""
        return super().get_queryset(request).select_related("region", "account")

    def get_search_results(self, request, queryset, search_term):
        """One box for the three ways a clerk looks a person up."""
        if not search_term.strip():
            return queryset, False
        return person_search(queryset, search_term), False

    def _id_field(self, request):
        """The full ID number only for those allowed to see it (and it is recorded)."""
        return "id_number" if can_see_unmasked(request.user) else "masked_id"

    # Shown on the page of a registered person, never edited there.
    DERIVED = (
        "birth_date",
        "gender",
        "enrolment_history",
        "account_summary",
        "latest_entries",
        "agreements_as_grantor",
        "agreements_as_beneficiary",
        "documents",
    )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None and not can_see_unmasked(request.user):
            return type(form.__name__, (form,), {"phone_masked": True})
        return form

    def _phone_field(self, request, obj):
        """The phone box (masked for those without the permission, see the form), or
        for a reader who may not change the person, the masked phone as text."""
        if can_see_unmasked(request.user) or self.has_change_permission(request, obj):
            return "phone"
        return "masked_phone_column"

    def get_fieldsets(self, request, obj=None):
        """The hub's sections, in the order a clerk answers questions at the counter."""
        if obj is None:
            return super().get_fieldsets(request, obj)
        return [
            (
                _("Identity"),
                {
                    "fields": [
                        "name",
                        self._id_field(request),
                        "birth_date",
                        "gender",
                        self._phone_field(request, obj),
                    ]
                },
            ),
            (
                _("Enrolment"),
                {
                    "fields": [
                        "scheme",
                        "category",
                        "status",
                        "region",
                        "enrolled_on",
                        "enrolment_history",
                    ]
                },
            ),
            (_("personal account"), {"fields": ["account_summary", "latest_entries"]}),
            (
                _("Sharing agreements"),
                {"fields": ["agreements_as_grantor", "agreements_as_beneficiary"]},
            ),
            (_("Documents"), {"fields": ["documents"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [self._id_field(request), "masked_phone_column", *self.DERIVED]

    def get_urls(self):
        lookup = self.admin_site.admin_view(person_lookup_view)
        return [
            path("lookup/", lookup, name="accounts_insuredperson_lookup"),
            *super().get_urls(),
        ]

    def response_add(self, request, obj, post_url_continue=None):
        """After registering, the clerk is on the new person's page (the hub)."""
        response = super().response_add(request, obj, post_url_continue)
        if "_addanother" in request.POST or "_popup" in request.POST:
            return response
        return redirect("admin:accounts_insuredperson_change", obj.pk)

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        if obj is not None and request_can_act(request, obj):  # not for the other side
            context["hub_actions"] = self.hub_actions(request, obj)
            context["hub_panels"] = person_panels(obj, request.user)
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    def hub_actions(self, request, person) -> list[tuple[str, str]]:
        """The counter's tasks for this person, each opening its page pre-filled."""
        user = request.user
        account = getattr(person, "account", None)
        actions = []
        if account is not None and user.has_perm("accounts.add_sharingagreement"):
            url = reverse("admin:accounts_sharingagreement_counter_grantor", args=[person.pk])
            actions.append((_("Register a sharing agreement"), url))
        if account is not None and user.has_perm("transfers.add_wallettransfer"):
            url = reverse("admin:transfers_wallettransfer_add") + f"?sender={person.pk}"
            actions.append((_("Wallet transfer"), url))
        if user.has_perm("transfers.add_sharingpayment"):
            url = reverse("admin:transfers_sharingpayment_add") + f"?beneficiary={person.pk}"
            actions.append((_("Enter a settlement"), url))
        can_change = user.has_perm("accounts.change_personalaccount")
        if account is not None and account.status == AccountStatus.OPEN and can_change:
            url = reverse("admin:accounts_personalaccount_status", args=[account.pk, "freeze"])
            actions.append((_("Freeze the account"), url))
        if account is not None:
            actions.append(
                (_("Print statement"), reverse("documents:statement", args=[account.pk]))
            )
        return actions

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET" and can_see_unmasked(request.user):
            disclosure_record(
                user=request.user,
                action=DisclosureLog.Action.VIEW,
                subject=str(_("person %(number)s") % {"number": object_id}),
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        """Writes go through the services; the admin only adapts the form."""
        if change:
            person_update(
                person=obj,
                operator=request.user,
                **{f: form.cleaned_data[f] for f in form.changed_data if f in PERSON_CHANGEABLE},
            )
            return
        person = person_register(
            operator=request.user,
            **{f: form.cleaned_data[f] for f in ["name", "id_number", *PERSON_CHANGEABLE[1:]]},
        )
        obj.pk = person.pk
        obj._state.adding = False

    @admin.display(description=_("documents"))
    def documents(self, obj):
        """What can be printed for this person, and the agreements' scans."""
        links = []
        account = getattr(obj, "account", None)
        if account is not None:
            links.append((reverse("documents:statement", args=[account.pk]), _("Print statement")))
        links.append(
            (
                reverse("documents:beneficiary_statement", args=[obj.pk]),
                _("Print sharing received"),
            )
        )
        for a in obj.agreements_as_grantor.select_related("beneficiary"):
            url = reverse("admin:accounts_sharingagreement_print", args=[a.pk])
            links.append((url, _("Confirmation form of agreement %(no)s") % {"no": a.pk}))
            if a.evidence_scan:
                url = reverse("admin:accounts_sharingagreement_evidence", args=[a.pk])
                links.append((url, _("Evidence scan of agreement %(no)s") % {"no": a.pk}))
        return format_html(
            "<ul class='hub-documents'>{}</ul>",
            format_html_join("", "<li><a href='{}'>{}</a></li>", links),
        )

    @admin.display(description=_("ID number"), ordering="id_number")
    def masked_id(self, obj):
        return obj.masked_id_number

    @admin.display(description=_("phone"))
    def masked_phone_column(self, obj):
        return obj.masked_phone

    @admin.display(description=_("account number"))
    def account_number(self, obj):
        return getattr(getattr(obj, "account", None), "number", "—")

    @admin.display(description=_("balance"))
    def account_balance(self, obj):
        account = getattr(obj, "account", None)
        return account.balance if account else "—"

    @admin.display(description=_("enrolment history"))
    def enrolment_history(self, obj):
        """Each period: from, until, status, scheme, region (what the rules of a date read)."""
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    p.valid_from or "—",
                    p.valid_to or "—",
                    p.get_status_display(),
                    p.get_scheme_display(),
                    p.region,
                )
                for p in obj.enrolment_periods.select_related("region")
            ),
        )
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>"
            "</thead><tbody>{}</tbody></table>",
            _("valid from"),
            _("valid until (exclusive)"),
            _("enrolment status"),
            _("scheme"),
            _("pooling region"),
            rows,
        )

    @admin.display(description=_("personal account"))
    def account_summary(self, obj):
        account = getattr(obj, "account", None)
        if account is None:
            return _("No personal account (only the employee scheme has one).")
        return format_html(
            '<a href="{}">{}</a> · {} ¥{} · {}',
            reverse("admin:accounts_personalaccount_change", args=[account.pk]),
            account.number,
            _("balance"),
            account.balance,
            account.get_status_display(),
        )

    @admin.display(description=_("latest ledger entries"))
    def latest_entries(self, obj):
        account = getattr(obj, "account", None)
        if account is None:
            return "—"
        entries = account.entries.order_by("-sequence")[:LATEST_ENTRIES]
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td class='money'>{}</td><td class='money'>{}</td>"
            "<td>{}</td></tr>",
            (
                (localdate(e.occurred_at), e.get_kind_display(), e.amount, e.balance_after, e.memo)
                for e in entries
            ),
        )
        return format_html(
            "<table class='ledger'><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th>"
            "<th>{}</th></tr></thead><tbody>{}</tbody></table>",
            _("date"),
            _("kind"),
            _("amount"),
            _("balance after"),
            _("memo"),
            rows,
        )
