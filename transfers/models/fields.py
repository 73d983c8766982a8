"""Field declarations that recur in every record of this app."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import InsuredPerson, PoolingRegion
from core.models import operator_field


class Reviewed(models.Model):
    """Who decided a record that waited for review, and when."""

    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = operator_field(_("reviewed by"))

    class Meta:
        abstract = True


def person_field(verbose_name, *, db_index=True, null=False):
    return models.ForeignKey(
        InsuredPerson,
        on_delete=models.PROTECT,
        db_index=db_index,
        null=null,
        related_name="+",
        verbose_name=verbose_name,
    )


def grantor_region_field():
    """The grantor's pooling region when the payment or transfer was made, kept on
    the record: the statistics count it there, so a later move rewrites nothing."""
    return models.ForeignKey(
        PoolingRegion,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("grantor's pooling region"),
    )
