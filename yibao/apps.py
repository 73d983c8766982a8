from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class YibaoConfig(AppConfig):
    """The project itself, the top layer: commands that use every app (``load_demo``)."""

    default = True
    name = "yibao"


class YibaoAdminConfig(admin_apps.AdminConfig):
    """The admin, replaced by the product's own site (titles, index)."""

    default = False
    default_site = "yibao.site.YibaoAdminSite"

    def ready(self):
        super().ready()
        from django.core import checks

        from core.admin.history import check_history_admins
        from core.printing import check_print_fonts

        checks.register(check_print_fonts)
        checks.register(check_history_admins, checks.Tags.admin)
