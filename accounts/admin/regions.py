"""Reference data: provinces, pooling regions and their settings, province policies."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from accounts.models import PoolingRegion, Province, ProvincePolicy
from accounts.models.regions import POLICY_DATE_FIELDS
from accounts.services.regions import policy_update, pooling_region_check, pooling_region_update
from core.admin.history import HistoryAdmin
from core.admin.settings import SettingsAdminMixin


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PoolingRegion)
class PoolingRegionAdmin(SettingsAdminMixin, HistoryAdmin):
    list_display = [
        "code",
        "name",
        "province",
        "beneficiary_cap",
        "share_prior_years_only",
        "wallet_enabled",
    ]
    list_filter = ["province", "wallet_enabled", "share_prior_years_only"]
    search_fields = ["code", "name", "province__name"]
    readonly_fields = ["code", "name", "province"]
    settings_check = staticmethod(pooling_region_check)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def settings_update(self, obj, *, operator, **fields):
        pooling_region_update(region=obj, operator=operator, **fields)


@admin.register(ProvincePolicy)
class ProvincePolicyAdmin(HistoryAdmin):
    list_display = ["province", *POLICY_DATE_FIELDS, "is_sample", "updated_by"]
    list_filter = ["is_sample"]
    search_fields = ["province__name", "province__code"]
    readonly_fields = ["province", "is_sample", "updated_at", "updated_by"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if ProvincePolicy.objects.filter(is_sample=True).exists():
            messages.warning(
                request,
                _(
                    "Policies marked as sample data are the project's sample dates, not "
                    "official ones: a supervisor must check and save each of them."
                ),
            )
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        policy_update(
            policy=obj,
            operator=request.user,
            **{f: form.cleaned_data[f] for f in form.changed_data},
        )
