"""The statistics summary: the figures of ``reports.selectors`` added up by day.

PostgreSQL keeps it, not Python: triggers on the payments, the wallet transfers
and the ledger (migration ``0001_statistics_summary``) add each change of what
the statistics count to its row in the same transaction as the write, whichever
path made it (a service, a file batch, a raw SQL statement, COPY). The page reads
a year of it (a few thousand rows) instead of joining a year of payments to their
ledger entries; ``manage.py verify_statistics`` compares it with that join.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import PoolingRegion, Scope, Use


class StatisticsMeasure(models.TextChoices):
    PAYMENTS = "payments", _("sharing payments")
    TRANSFERS = "transfers", _("wallet transfers")


class StatisticsDay(models.Model):
    """Uses and amount of one measure on one value date, by scope, use and the
    grantor's pooling region recorded on the record (a wallet transfer: no use)."""

    day = models.DateField(_("value date"))
    measure = models.CharField(_("measure"), max_length=9, choices=StatisticsMeasure.choices)
    scope = models.CharField(_("scope"), max_length=16, choices=Scope.choices)
    use = models.CharField(_("use"), max_length=24, choices=Use.choices, blank=True)
    grantor_region = models.ForeignKey(
        PoolingRegion,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("grantor's pooling region"),
    )
    # The writing connection's slot (its process id modulo 8): postings on other
    # connections on the same day and key do not wait for each other's commit on
    # one row. The reader adds the slots up.
    slot = models.PositiveSmallIntegerField(_("slot"), default=0)
    uses = models.BigIntegerField(_("uses"))
    amount = models.DecimalField(_("amount"), max_digits=18, decimal_places=2)

    class Meta:
        verbose_name = _("statistics day")
        verbose_name_plural = _("statistics days")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "measure", "scope", "use", "grantor_region", "slot"],
                name="statistics_day_key",
            ),
        ]

    def __str__(self):
        return f"{self.day} {self.measure} {self.scope} {self.use} {self.grantor_region_id}"
