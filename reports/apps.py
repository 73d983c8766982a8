from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """The reports (统计) over the ledger and the transfers: above transfers, below
    the project; its one table is the statistics summary (``reports.models``)."""

    name = "reports"
    verbose_name = _("Reports")
