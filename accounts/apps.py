from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Insured persons and accounts")

    def ready(self):
        from django.db.models.signals import post_migrate

        from accounts.roles import roles_sync_on_migrate

        post_migrate.connect(roles_sync_on_migrate, sender=self)
