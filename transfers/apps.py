from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

WALLET_RETURN_UID = "transfers.agreement_ended_return_wallet"


class TransfersConfig(AppConfig):
    name = "transfers"
    verbose_name = _("Settlements, payments and wallets")

    def ready(self):
        from django.core import checks

        from accounts.hub import person_panel_register
        from accounts.signals import agreement_ended
        from transfers import hub
        from transfers.checks import check_agreement_ended_receiver
        from transfers.receivers import agreement_ended_return_wallet

        agreement_ended.connect(agreement_ended_return_wallet, dispatch_uid=WALLET_RETURN_UID)
        checks.register(check_agreement_ended_receiver)
        person_panel_register("payments", hub.payments_panel)
        person_panel_register("wallet", hub.wallet_panel)
