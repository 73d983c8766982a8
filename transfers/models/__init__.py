"""Models of settlements paid by sharing, their review and reversal, and the wallet."""

from .exceptions import ExceptionKind, ImportException
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
from .settlements import PaymentSource, SettlementKey
from .wallets import (
    HeldWalletSpending,
    ReturnReason,
    TransferStatus,
    WalletSpending,
    WalletTransfer,
)

__all__ = [
    "ExceptionKind",
    "ImportException",
    "HeldPayment",
    "HeldWalletSpending",
    "HoldReason",
    "HoldRules",
    "PaymentSource",
    "PaymentStatus",
    "RequestedReversal",
    "Reversal",
    "ReturnReason",
    "ReversalStatus",
    "SettlementKey",
    "SharingPayment",
    "TransferStatus",
    "WalletSpending",
    "WalletTransfer",
]
