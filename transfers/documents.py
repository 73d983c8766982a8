"""Printed receipts (回执) of the transfers app: what goes on the page.

Each function returns the context of one template of ``transfers/print/``;
``core.printing.render_print`` makes it a print view or a PDF. Nothing here
writes; the templates print ID numbers masked (``masked_id_number``) and each
amount with its capitals (人民币大写) beside it, as a receipt for money should.
"""

from django.utils.translation import gettext as _

from core.money import amount_in_capitals
from transfers.models import Reversal, WalletTransfer


def wallet_transfer_receipt_document(*, transfer: WalletTransfer) -> dict:
    """转入医保钱包回执: the transfer, its return deadline or return, the wallet's terms."""
    return {
        "title": _("Wallet transfer receipt"),
        "transfer": transfer,
        "amount_in_capitals": amount_in_capitals(transfer.amount),
    }


def reversal_receipt_document(*, reversal: Reversal) -> dict:
    """冲正回执: the reversed payment, the reason, who requested and who reviewed."""
    return {
        "title": _("Reversal receipt"),
        "reversal": reversal,
        "payment": reversal.payment,
        "amount_in_capitals": amount_in_capitals(reversal.payment.amount),
    }
