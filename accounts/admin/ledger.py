"""Accounts, wallets and the read-only ledger."""

from django.contrib import admin, messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.exports import LedgerEntryExport, PersonalAccountExport
from accounts.imports import CreditsImport
from accounts.models import (
    AccountStatus,
    CreditFileConfirmation,
    InsuredPerson,
    LedgerEntry,
    PersonalAccount,
    Wallet,
)
from accounts.selectors import ledger_search, person_search
from accounts.services.accounts import (
    TRANSITIONS,
    account_close,
    account_freeze,
    account_unfreeze,
)
from core.admin.base import ReadOnlyAdmin
from core.admin.filters import DateRangeFilter
from core.admin.forms import add_domain_error
from core.admin.lists import BigListMixin
from core.admin.records import object_path
from core.admin.review import ReasonForm
from core.errors import DomainError
from jobs.admin_export import ExportAdminMixin
from jobs.admin_import import ImportAdminMixin

# The status pages: action in the URL → (service, status it leads to, title).
STATUS_ACTIONS = {
    "freeze": (account_freeze, AccountStatus.FROZEN, _("Freeze account")),
    "unfreeze": (account_unfreeze, AccountStatus.OPEN, _("Unfreeze account")),
    "close": (account_close, AccountStatus.CLOSED, _("Close account")),
}


@admin.register(PersonalAccount)
class PersonalAccountAdmin(BigListMixin, ExportAdminMixin, ReadOnlyAdmin):
    export_resource_class = PersonalAccountExport
    list_display = ["number", "holder", "region", "balance", "status", "status_reason"]
    list_filter = ["status", "person__region__province"]
    search_fields = ["number"]  # shows the box; the search itself is below
    list_select_related = ["person__region"]
    readonly_fields = [
        "number",
        "holder",
        "balance",
        "status",
        "status_reason",
        "status_changed_at",
        "status_changed_by",
        "opened_at",
        "opened_by",
    ]
    fields = readonly_fields
    change_form_template = "admin/accounts/personalaccount/change_form.html"

    def get_search_results(self, request, queryset, search_term):
        """The account of an exact ID number or account number, or of a name part."""
        if not search_term.strip():
            return queryset, False
        people = person_search(InsuredPerson.objects.all(), search_term)
        return queryset.filter(person__in=people), False

    @admin.display(description=_("holder"), ordering="person__name")
    def holder(self, obj):
        return str(obj.person)

    @admin.display(description=_("pooling region"))
    def region(self, obj):
        return obj.person.region

    def get_urls(self):
        return [
            object_path(
                self, "status/<str:action>/", self.status_view, "accounts_personalaccount_status"
            ),
            *super().get_urls(),
        ]

    def status_view(self, request, object_id, action):
        """Freeze, unfreeze or close an account (reason required); the service decides
        whether the account's status allows it."""
        account = get_object_or_404(PersonalAccount, pk=object_id)
        if not request.user.has_perm("accounts.change_personalaccount") or (
            action not in STATUS_ACTIONS
        ):
            return redirect("admin:accounts_personalaccount_change", object_id)
        service, _status, title = STATUS_ACTIONS[action]
        form = ReasonForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                service(account=account, reason=form.cleaned_data["reason"], operator=request.user)
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("The account status was changed."))
                return redirect("admin:accounts_personalaccount_change", object_id)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": account,
            "form": form,
            "title": title,
            "action": action,
        }
        return TemplateResponse(request, "admin/accounts/personalaccount/status_form.html", context)

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        """Offer the status changes the transition table allows from the current status."""
        if obj is not None and request.user.has_perm("accounts.change_personalaccount"):
            context["status_actions"] = [
                (reverse("admin:accounts_personalaccount_status", args=[obj.pk, action]), title)
                for action, (_service, status, title) in STATUS_ACTIONS.items()
                if (obj.status, status) in TRANSITIONS
            ]
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)


@admin.register(Wallet)
class WalletAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "balance", "opened_at"]
    search_fields = ["=person__id_number", "person__name"]
    list_select_related = ["person"]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(BigListMixin, ImportAdminMixin, ExportAdminMixin, ReadOnlyAdmin):
    importer_class = CreditsImport
    export_resource_class = LedgerEntryExport
    list_display = [
        "occurred_at",
        "value_date",
        "holder_display",
        "kind",
        "amount",
        "balance_after",
        "use",
        "scope",
        "counterpart_display",
        "institution_name",
        "reference",
        "created_by",
    ]
    list_filter = ["kind", "use", "scope", ("occurred_at", DateRangeFilter)]
    search_fields = ["=reference"]  # shows the box; the search itself is below
    search_help_text = _("Account number, exact ID number, reference or institution code.")
    list_select_related = ["account", "wallet__person", "counterpart", "created_by"]
    # What the cells show (a person as name and masked ID number, a user as their
    # name): the five records of a row read with every field were 2–3 ms more of a
    # searched page's Python (docs/BENCHMARKS.md). A column that reads another field
    # reads it once a row (the test of the rows' queries would fail).
    list_only = [
        "occurred_at", "value_date", "kind", "amount", "balance_after", "use", "scope",
        "institution_name", "reference", "account__number",
        "wallet__person__name", "wallet__person__id_number",
        "counterpart__name", "counterpart__id_number",
        "created_by__username", "created_by__first_name", "created_by__last_name",
    ]  # fmt: skip
    list_per_page = 50  # rendering the rows is most of the page's time
    # Newest first, read backwards along the occurred_at index; no date hierarchy
    # (its year and month links would each scan the ledger): the date range filter.
    ordering = ["-occurred_at", "-id"]

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        return ledger_search(queryset, search_term), False

    @admin.display(description=_("account or wallet"))
    def holder_display(self, obj):
        return obj.account.number if obj.account_id else f"{_('wallet')} {obj.wallet}"

    @admin.display(description=_("counterpart"))
    def counterpart_display(self, obj):
        return str(obj.counterpart) if obj.counterpart_id else ""


@admin.register(CreditFileConfirmation)
class CreditFileConfirmationAdmin(ReadOnlyAdmin):
    """Large credit files and the second user who confirmed each (written by the import)."""

    list_display = ["filename", "credits", "total", "imported_by", "confirmed_by", "confirmed_at"]
    list_filter = [("confirmed_at", DateRangeFilter)]
    list_select_related = ["imported_by", "confirmed_by"]
