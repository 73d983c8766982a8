"""The URL and the list link of a record's printable receipt (回执)."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _


class ReceiptMixin:
    """Adds ``<pk>/receipt/`` (whoever may view the list may print) and a list column.

    The admin class names the URL (``receipt_url_name``) and renders the page
    (``receipt_view``) with ``yibao.printing.render_print``: the print view, or
    the PDF with ``?format=pdf``.
    """

    receipt_url_name: str

    def get_urls(self):
        def view(request, object_id):
            if not self.has_view_permission(request):
                raise PermissionDenied
            return self.receipt_view(request, object_id)

        receipt = path(
            "<path:object_id>/receipt/",
            self.admin_site.admin_view(view),
            name=self.receipt_url_name,
        )
        return [receipt, *super().get_urls()]

    @admin.display(description=_("receipt"))
    def receipt_link(self, obj):
        url = reverse(f"admin:{self.receipt_url_name}", args=[obj.pk])
        return format_html('<a href="{}" target="_blank">{}</a>', url, _("print"))
