"""Staff administration without escalation, password resets on record, sign-in locks.

Django's own User and Group admins are replaced: choices of groups and
permissions are limited to what the acting user may grant, superuser status is
read-only for non-superusers, and a user who has more than the acting user is
shown read-only (no change, no password reset). The rules are in
``staff.services``.
"""

import copy
import functools

from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group, User
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import ServiceHall, StaffPlacement
from accounts.scope import scope_queryset
from core.admin.base import ReadOnlyAdmin
from core.admin.history import HistoryAdmin
from staff.forms import PasswordResetForm
from staff.models import LoginLock, PasswordReset
from staff.services import (
    grantable_groups,
    grantable_permissions,
    login_unlock,
    password_reset_record,
    user_may_manage,
)

admin.site.unregister(User)
admin.site.unregister(Group)


class GrantsWithinOwnMixin:
    """Group and permission choices limited to what the acting user may grant."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            kwargs["queryset"] = grantable_groups(request.user)
        elif db_field.name in ("permissions", "user_permissions"):
            kwargs["queryset"] = grantable_permissions(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class PlacementInline(admin.StackedInline):
    """The user's service hall, chosen among the halls of the acting user's scope
    (a supervisor: their province's); required but for a superuser's own edits."""

    model = StaffPlacement
    can_delete = False

    def get_min_num(self, request, obj=None, **kwargs):
        return 0 if request.user.is_superuser else 1

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "hall":
            halls = ServiceHall.objects.select_related("region")
            kwargs["queryset"] = scope_queryset(halls, request.user, act=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(User)
class UserAdmin(GrantsWithinOwnMixin, HistoryAdmin, DjangoUserAdmin):
    inlines = [PlacementInline]
    list_display = [*DjangoUserAdmin.list_display, "hall"]
    list_select_related = ["placement__hall"]

    @admin.display(description=_("service hall"), ordering="placement__hall__name")
    def hall(self, obj):
        placement = getattr(obj, "placement", None)
        return placement.hall if placement else "—"

    def has_change_permission(self, request, obj=None):
        """Also refused for a user who has anything the acting user lacks."""
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or user_may_manage(request.user, obj))

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields if request.user.is_superuser else [*fields, "is_superuser"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change and obj.has_usable_password():
            password_reset_record(user=obj, operator=request.user)

    def user_change_password(self, request, id, form_url=""):
        """Django's page, saving through ``PasswordResetForm`` with the acting user.

        Django builds the form as ``self.change_password_form(user, data)``; a copy of
        this admin carries a form bound to the request's user, so nothing shared
        between requests changes.
        """
        per_request = copy.copy(self)
        per_request.change_password_form = functools.partial(
            PasswordResetForm, operator=request.user
        )
        return DjangoUserAdmin.user_change_password(per_request, request, id, form_url)


@admin.register(Group)
class GroupAdmin(GrantsWithinOwnMixin, HistoryAdmin, DjangoGroupAdmin):
    def has_change_permission(self, request, obj=None):
        """Refused for a group with a permission the acting user lacks."""
        allowed = super().has_change_permission(request, obj)
        if not allowed or obj is None or request.user.is_superuser:
            return allowed
        return not obj.permissions.exclude(
            pk__in=grantable_permissions(request.user).values("pk")
        ).exists()


@admin.register(PasswordReset)
class PasswordResetAdmin(ReadOnlyAdmin):
    """Who set whose password, when: written by the services, never edited."""

    list_display = ["reset_at", "user", "reset_by"]
    list_filter = ["reset_at"]
    search_fields = ["user__username", "reset_by__username"]


@admin.register(LoginLock)
class LoginLockAdmin(ReadOnlyAdmin):
    """Usernames with failed sign-ins; a supervisor unlocks a clerk who is locked out."""

    list_display = ["username", "failures_since_start", "attempt_time", "ip_address"]
    search_fields = ["username"]
    fields = list_display
    readonly_fields = list_display
    actions = ["unlock"]

    def has_unlock_permission(self, request):
        return request.user.has_perm("staff.unlock_loginlock")

    @admin.action(description=_("Unlock the selected usernames"), permissions=["unlock"])
    def unlock(self, request, queryset):
        usernames = list(queryset.values_list("username", flat=True))
        self.log_deletions(request, queryset)  # who unlocked whom, in the admin's log
        login_unlock(usernames=usernames)
        self.message_user(
            request,
            ngettext(
                "%(count)d username may sign in again.",
                "%(count)d usernames may sign in again.",
                len(set(usernames)),
            )
            % {"count": len(set(usernames))},
            messages.SUCCESS,
        )
