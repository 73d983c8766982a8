"""Models of settlements paid by sharing, their review and reversal, and the wallet."""

from .payments import (
    HeldPayment,
    HoldReason,
    PaymentStatus,
    RequestedReversal,
    Reversal,
    ReversalStatus,
    SharingPayment,
)
from .rules import HoldRules
from .settlements import PaymentSource
from .wallets import ReturnReason, TransferStatus, WalletSpending, WalletTransfer

__all__ = [
    "HeldPayment",
    "HoldReason",
    "HoldRules",
    "PaymentSource",
    "PaymentStatus",
    "RequestedReversal",
    "Reversal",
    "ReturnReason",
    "ReversalStatus",
    "SharingPayment",
    "TransferStatus",
    "WalletSpending",
    "WalletTransfer",
]
