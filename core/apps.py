from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The shared layer: what every app uses and which imports none of them."""

    name = "core"
    verbose_name = _("Shared")
