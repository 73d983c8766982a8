from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    """The hall's staff users: their administration and their sign-in."""

    name = "staff"
    verbose_name = _("Staff and sign-in")
