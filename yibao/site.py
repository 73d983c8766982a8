"""The back office's admin site: Django's admin, titled for the product."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class YibaoAdminSite(admin.AdminSite):
    site_header = _("Personal account family sharing back office")
    site_title = _("Family sharing back office")
    index_title = _("Service hall")
