"""The rules by which an accepted settlement waits for a reviewer instead of posting."""

from decimal import Decimal

import pghistory
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models.ledger import MONEY
from core.models import operator_field


@pghistory.track()
class HoldRules(models.Model):
    """One row for the whole deployment, edited by a supervisor (history kept).

    Defaults as the issue gives them: hold from ¥5,000, hold from the 6th
    payment for one beneficiary in one day, cross-province not held. A
    settlement a clerk enters by hand (the counter's manual entry, not a file
    of the national platform) is held from ``manual_amount_threshold``, by
    default ¥0.00: every manual entry waits for a second person (issue 11).
    """

    amount_threshold = models.DecimalField(
        _("hold payments from this amount"), default=Decimal("5000.00"), **MONEY
    )
    daily_payments_per_beneficiary = models.PositiveSmallIntegerField(
        _("payments per beneficiary and day before holding"), default=5
    )
    hold_cross_province = models.BooleanField(_("hold cross-province payments"), default=False)
    manual_amount_threshold = models.DecimalField(
        _("hold manual entries from this amount"),
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0.00"))],
        help_text=_("¥0.00: every settlement entered by hand waits for a second person."),
        **MONEY,
    )
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
            models.CheckConstraint(
                condition=models.Q(manual_amount_threshold__gte=0),
                name="holdrules_manual_threshold_not_negative",
            ),
        ]

    def __str__(self):
        return str(_("hold rules"))

    @classmethod
    def current(cls) -> "HoldRules":
        rules, _created = cls.objects.get_or_create(pk=1)
        return rules
