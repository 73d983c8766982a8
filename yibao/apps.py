from django.contrib.admin.apps import AdminConfig


class YibaoAdminConfig(AdminConfig):
    """The admin, replaced by the product's own site (titles, index)."""

    default_site = "yibao.site.YibaoAdminSite"

    def ready(self):
        super().ready()
        from django.core import checks

        from core.admin.history import check_history_admins
        from core.printing import check_print_fonts

        checks.register(check_print_fonts)
        checks.register(check_history_admins, checks.Tags.admin)
