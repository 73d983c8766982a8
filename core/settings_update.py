"""Saving a settings row (a region's local settings, the hold rules): the one place
that checks the values a settings page may change and records who changed them.

The settings services (``pooling_region_update``, ``hold_rules_update``) name
their changeable and positive fields and call these; their admin pages ask the
same check in the form, so a refusal is shown next to its field.
"""

from django.db import models

from core.audit import audit_as
from core.errors import SettingNotPositive


def settings_check(model: type[models.Model], *, changeable, positive, **fields) -> None:
    """Refuse a field that is not changeable (``TypeError``: a programming error) or a
    value of a ``positive`` field that is not above zero (``SettingNotPositive``,
    naming the field); empty (``None``) means "not set" and passes."""
    unknown = set(fields) - set(changeable)
    if unknown:
        raise TypeError(f"not changeable: {sorted(unknown)}")
    for name in positive:
        value = fields.get(name)
        if value is not None and value <= 0:
            error = SettingNotPositive(setting=model._meta.get_field(name).verbose_name)
            error.argument = name
            raise error


def settings_save(locked: models.Model, *, operator, **fields) -> models.Model:
    """Write the checked ``fields`` on the locked row, the trail naming ``operator``."""
    for name, value in fields.items():
        setattr(locked, name, value)
    with audit_as(operator):
        locked.save()
    return locked
