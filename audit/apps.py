from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """The auditor's screen: the audit trail and the disclosure log, searched. Above
    the apps whose records it finds (persons, halls), below the project; no models
    of its own (the trail's tables belong to the apps they track)."""

    name = "audit"
    verbose_name = _("Audit")
