"""The admin URLs of one record (its history, a receipt, a status change).

A mistyped id (``abc``) in such a URL must never reach a query, where it fails as
a server error. Every record of the project has a numeric key, so the URLs the
project adds take it with the ``int`` converter (``object_path``): a wrong id
falls through to Django's own record URL, which answers that the record does not
exist, in Chinese; a number without a record is the view's 404
(``get_object_or_404``). The history page of django-simple-history takes any
text, so ``HistoryAdmin`` checks the key first.
"""

from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import path
from simple_history.admin import SimpleHistoryAdmin


def object_path(modeladmin, suffix: str, view, name: str):
    """``<int:object_id>/<suffix>`` of ``modeladmin``, behind the admin's login check."""
    return path(f"<int:object_id>/{suffix}", modeladmin.admin_site.admin_view(view), name=name)


class HistoryAdmin(SimpleHistoryAdmin):
    """simple_history's admin; its history page is a 404 for a key that is not one
    (the package queries the text as it stands)."""

    def history_view(self, request, object_id, extra_context=None):
        try:
            self.opts.pk.to_python(unquote(object_id))
        except ValidationError:
            raise Http404 from None
        return super().history_view(request, object_id, extra_context)
