"""What transfers does when another app tells it something (connected in ``apps.py``)."""

from transfers.services.wallets import wallet_return_for_agreement


def agreement_ended_return_wallet(sender, *, agreement, operator, **kwargs):
    """An agreement ended (``accounts.signals.agreement_ended``): the grantor's money
    still in the beneficiary's wallet goes back, in the same transaction."""
    wallet_return_for_agreement(agreement=agreement, operator=operator)
