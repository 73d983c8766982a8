"""The URL and the list link of a record's printable receipt (回执)."""

from pathlib import Path

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin.records import object_path, record_url
from core.printing import render_print


class ReceiptMixin:
    """Adds ``<pk>/receipt/`` (whoever may view the list may print) and a list column.

    The admin class names the URL (``receipt_url_name``), the template
    (``receipt_template``, extending ``transfers/print/receipt.html``), the
    relations the page shows (``receipt_related``) and the context
    (``receipt_document``, from ``transfers.documents``). The page is rendered
    by ``core.printing.render_print``: the print view, or the PDF with
    ``?format=pdf``.
    """

    receipt_url_name: str
    receipt_template: str
    receipt_related: tuple[str, ...] = ()
    change_form_template = "admin/transfers/receipt_change_form.html"

    def receipt_document(self, obj) -> dict:
        """The context of the receipt of ``obj`` (a function of ``transfers.documents``)."""
        raise NotImplementedError

    def receipt_view(self, request, object_id):
        queryset = self.model._default_manager.select_related(*self.receipt_related)
        obj = get_object_or_404(queryset, pk=object_id)
        filename = f"{Path(self.receipt_template).stem}-{obj.pk}.pdf"
        return render_print(
            request, self.receipt_template, self.receipt_document(obj), filename=filename
        )

    def get_urls(self):
        def view(request, object_id):
            if not self.has_view_permission(request):
                raise PermissionDenied
            return self.receipt_view(request, object_id)

        return [object_path(self, "receipt/", view, self.receipt_url_name), *super().get_urls()]

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        """The record's page offers its receipt (the clerk lands here after a transfer)."""
        if obj is not None:
            context["receipt_url"] = reverse(f"admin:{self.receipt_url_name}", args=[obj.pk])
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    @admin.display(description=_("receipt"))
    def receipt_link(self, obj):
        url = record_url(f"admin:{self.receipt_url_name}", obj.pk)
        return format_html('<a href="{}" target="_blank">{}</a>', url, _("print"))
