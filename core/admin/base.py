"""Admin base classes every app's admin shares."""

from core.admin.history import HistoryAdmin


class ReadOnlyAdmin(HistoryAdmin):
    """Money records are written by services only; the admin shows them (and their
    audit trail as the history page)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
