from django.contrib.admin.apps import AdminConfig


class YibaoAdminConfig(AdminConfig):
    """The admin, replaced by the product's own site (titles, index)."""

    default_site = "yibao.site.YibaoAdminSite"
