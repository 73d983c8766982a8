"""Insured persons: registration at the counter, search, and the person page."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localdate
from django.utils.translation import gettext_lazy as _

from accounts.admin.agreements import PersonAgreementsMixin
from accounts.admin.filters import RegionOfProvinceFilter
from accounts.exports import InsuredPersonExport
from accounts.imports import PersonsImport
from accounts.models import InsuredPerson
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

    class Meta:
        model = InsuredPerson
        fields = ["name", "id_number", *[f for f in PERSON_CHANGEABLE if f != "name"]]

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
    )

    def get_fields(self, request, obj=None):
        if obj is None:
            return super().get_fields(request, obj)
        return ["name", self._id_field(request), *PERSON_CHANGEABLE[1:], *self.DERIVED]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [self._id_field(request), *self.DERIVED]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET" and can_see_unmasked(request.user):
            disclosure_record(
                user=request.user, action=DisclosureLog.Action.VIEW, subject=f"person {object_id}"
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
