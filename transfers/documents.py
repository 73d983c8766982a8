"""Printed receipts (回执) of the transfers app: what goes on the page.

Each function returns the context of one template of ``transfers/print/``;
``core.printing.render_print`` makes it a print view or a PDF. Nothing here
writes; the templates print ID numbers masked (``masked_id_number``) and each
amount with its capitals (人民币大写) beside it, as a receipt for money should.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from core.issued import Issue
from core.models import IssuedDocument
from core.money import amount_in_capitals
from transfers.models import Reversal, WalletTransfer


def _who(person) -> str:
    return f"{person.masked_name} {person.masked_id_number}"


def wallet_transfer_receipt_document(*, transfer: WalletTransfer) -> dict:
    """转入医保钱包回执: the transfer, its return deadline or return, the wallet's terms."""
    capitals = amount_in_capitals(transfer.amount)
    facts = [
        (_("transfer number"), transfer.transfer_number),
        (_("recipient"), _who(transfer.recipient)),
        (_("amount"), f"¥{transfer.amount} · {capitals}"),
        (_("transfer time"), f"{timezone.localtime(transfer.transferred_at):%Y-%m-%d %H:%M}"),
        (_("status"), transfer.get_status_display()),
    ]
    return {
        "title": _("Wallet transfer receipt"),
        "transfer": transfer,
        "amount_in_capitals": capitals,
        "issue": Issue(IssuedDocument.Kind.WALLET_RECEIPT, _who(transfer.sender), facts),
    }


def reversal_receipt_document(*, reversal: Reversal) -> dict:
    """冲正回执: the reversed payment, the reason, who requested and who reviewed."""
    payment = reversal.payment
    capitals = amount_in_capitals(payment.amount)
    facts = [
        (_("settlement ID"), payment.settlement_id),
        (_("beneficiary"), _who(payment.beneficiary)),
        (_("amount"), f"¥{payment.amount} · {capitals}"),
        (_("reason"), reversal.reason),
        (_("status"), reversal.get_status_display()),
    ]
    return {
        "title": _("Reversal receipt"),
        "reversal": reversal,
        "payment": payment,
        "amount_in_capitals": capitals,
        "issue": Issue(IssuedDocument.Kind.REVERSAL_RECEIPT, _who(payment.grantor), facts),
    }
