"""The review list of import exceptions (异常): rows refused by an import with
``--accept-valid``, open until the corrected row is sent again; exported in the
file's own format (with the reason) for correcting and sending again."""

from django.contrib import admin, messages
from django.http import StreamingHttpResponse
from django.utils.translation import gettext_lazy as _

from core.admin.base import ReadOnlyAdmin
from core.exporting import csv_chunks
from transfers.imports import SettlementsImport, WalletTransfersImport
from transfers.models import ExceptionKind, ImportException

FORMATS = {
    ExceptionKind.SETTLEMENT: SettlementsImport,
    ExceptionKind.WALLET_TRANSFER: WalletTransfersImport,
}
REASON_HEADER = "拒绝原因"  # not part of the format: ignored, with a warning, when sent again


class OpenFilter(admin.SimpleListFilter):
    title = _("resolved")
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return [("yes", _("open")), ("no", _("resolved"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(resolved_at__isnull=True)
        if self.value() == "no":
            return queryset.filter(resolved_at__isnull=False)
        return queryset


@admin.register(ImportException)
class ImportExceptionAdmin(ReadOnlyAdmin):
    list_display = ["key", "kind", "filename", "row", "column", "reason", "created_at"]
    list_filter = [OpenFilter, "kind"]
    search_fields = ["=key", "filename"]
    list_select_related = ["created_by"]
    show_full_result_count = False
    # The cells hold ID numbers in clear: only the export, for who may have them, writes them.
    exclude = ["cells"]
    actions = ["export_for_correction"]

    @admin.action(description=_("Export the rows for correcting (CSV, the file's format)"))
    def export_for_correction(self, request, queryset):
        if not request.user.has_perm("accounts.export_unmasked"):
            self.message_user(request, _("You may not export ID numbers."), messages.ERROR)
            return None
        kinds = set(queryset.values_list("kind", flat=True))
        if len(kinds) != 1:
            self.message_user(request, _("Choose the exceptions of one kind."), messages.ERROR)
            return None
        headers = FORMATS[kinds.pop()]().headers
        rows = (
            [*(exception.cells.get(h, "") for h in headers), exception.reason]
            for exception in queryset.order_by("filename", "row").iterator()
        )
        response = StreamingHttpResponse(
            csv_chunks([*headers, REASON_HEADER], rows), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="exceptions.csv"'
        return response
