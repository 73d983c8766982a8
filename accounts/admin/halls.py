"""Service halls: supervisors keep the halls of their province (regional scope)."""

from django.contrib import admin

from accounts.models import ServiceHall
from core.admin.history import HistoryAdmin


@admin.register(ServiceHall)
class ServiceHallAdmin(HistoryAdmin):
    list_display = ["code", "name", "region"]
    list_filter = [("region__province", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["code", "name", "region__name"]
    autocomplete_fields = ["region"]
    list_select_related = ["region"]

    def has_delete_permission(self, request, obj=None):
        return False  # a hall keeps its staff's past (the audit trail names it)
