from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The shared layer: what every app uses and which imports none of them."""

    name = "core"
    verbose_name = _("Shared")

    def ready(self):
        import core.lookups  # noqa: F401 - registers ``__any``
        from core.roles import roles_grant

        post_migrate.connect(roles_grant, sender=self, dispatch_uid="core.roles_grant")
