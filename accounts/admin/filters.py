"""List filters on the regions of the accounts' models."""

from django.contrib import admin


class RegionOfProvinceFilter(admin.RelatedFieldListFilter):
    """Pooling regions, offered once a province is chosen in the list's province filter.

    All 357 regions at once were most of the time the persons list took to render;
    ``list_filter = [f"{path}__province", (path, RegionOfProvinceFilter)]``.
    """

    def field_choices(self, field, request, model_admin):
        """The province's regions; without a province, the region chosen (a filter
        that offers nothing is not applied by Django at all)."""
        province = request.GET.get(f"{self.field_path}__province__code__exact")
        if province:
            limit = {"province": province}
        elif self.lookup_val:
            limit = {"code__in": self.lookup_val}
        else:
            return []
        return field.get_choices(include_blank=False, limit_choices_to=limit, ordering=("code",))

    def has_output(self):
        return bool(self.lookup_val) or super().has_output()
