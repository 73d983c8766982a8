"""The rules by which an accepted settlement waits for a reviewer instead of posting."""

from decimal import Decimal

import pghistory
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models.ledger import MONEY
from core.models import operator_field


@pghistory.track()
class HoldRules(models.Model):
    """One row for the whole deployment, edited by a supervisor (history kept).

    Defaults as the issue gives them: hold from ¥5,000, hold from the 6th
    payment for one beneficiary in one day, cross-province not held.
    """

    amount_threshold = models.DecimalField(
        _("hold payments from this amount"), default=Decimal("5000.00"), **MONEY
    )
    daily_payments_per_beneficiary = models.PositiveSmallIntegerField(
        _("payments per beneficiary and day before holding"), default=5
    )
    hold_cross_province = models.BooleanField(_("hold cross-province payments"), default=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = operator_field(_("updated by"))

    class Meta:
        verbose_name = _("hold rules")
        verbose_name_plural = _("hold rules")
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="holdrules_single_row"),
            models.CheckConstraint(
                condition=models.Q(amount_threshold__gt=0), name="holdrules_threshold_positive"
            ),
        ]

    def __str__(self):
        return str(_("hold rules"))

    @classmethod
    def current(cls) -> "HoldRules":
        rules, _created = cls.objects.get_or_create(pk=1)
        return rules
