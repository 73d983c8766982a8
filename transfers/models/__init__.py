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
from .wallets import ReturnReason, TransferStatus, WalletSpending, WalletTransfer

__all__ = [
    "HeldPayment",
    "HoldReason",
    "HoldRules",
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
