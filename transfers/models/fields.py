"""Field declarations that recur in every record of this app."""

from django.conf import settings
from django.db import models

from accounts.models import InsuredPerson


def operator_field(verbose_name, *, required: bool = False):
    """Who did something (entered, reviewed, requested): kept even if the user leaves."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=not required,
        blank=not required,
        related_name="+",
        verbose_name=verbose_name,
    )


def person_field(verbose_name):
    return models.ForeignKey(
        InsuredPerson, on_delete=models.PROTECT, related_name="+", verbose_name=verbose_name
    )
