from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    """The hall's staff users: their administration and their sign-in."""

    name = "staff"
    verbose_name = _("Staff and sign-in")

    def ready(self):
        # After every app with models in INSTALLED_APPS: by staff's post_migrate every
        # app's permissions exist.
        from django.db.models.signals import post_migrate

        from staff.display import staff_display_install
        from staff.roles import roles_sync_on_migrate

        post_migrate.connect(roles_sync_on_migrate, sender=self)
        staff_display_install()
