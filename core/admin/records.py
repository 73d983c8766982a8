"""The admin URLs the project adds for one record (a receipt, a status change).

A mistyped id (``abc``) in such a URL must never reach a query, where it fails as
a server error. Every record of the project has a numeric key, so these URLs take
it with the ``int`` converter (``object_path``): a wrong id falls through to
Django's own record URL, which answers that the record does not exist, in
Chinese; a number without a record is the view's 404 (``get_object_or_404``).
simple-history's pages: ``core.admin.history``.
"""

from django.urls import path


def object_path(modeladmin, suffix: str, view, name: str):
    """``<int:object_id>/<suffix>`` of ``modeladmin``, behind the admin's login check."""
    return path(f"<int:object_id>/{suffix}", modeladmin.admin_site.admin_view(view), name=name)
