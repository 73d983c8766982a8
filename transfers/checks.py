"""System checks of the transfers app, run at startup (``migrate``, ``runserver``,
``check``)."""

from django.core import checks

from accounts.models import SharingAgreement
from accounts.signals import agreement_ended


def check_agreement_ended_receiver(app_configs=None, **kwargs):
    """Ending an agreement must return the wallet money: without a receiver of
    ``agreement_ended`` the end would silently leave it in the wallet."""
    if agreement_ended.has_listeners(sender=SharingAgreement):
        return []
    return [
        checks.Error(
            "No receiver is connected to accounts.signals.agreement_ended: ending an "
            "agreement would not return the wallet money.",
            hint="TransfersConfig.ready() connects transfers.receivers."
            "agreement_ended_return_wallet.",
            id="transfers.E001",
        )
    ]
