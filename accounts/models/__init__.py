"""Models of people, regions, policies, accounts and the ledger (agreements beside them)."""

from .agreements import (
    BASIC_RELATIONSHIPS,
    AgreementStatus,
    EndReason,
    EvidenceType,
    PendingSharingAgreement,
    Relationship,
    SharingAgreement,
)
from .credits import CreditFileConfirmation
from .halls import ServiceHall, StaffPlacement
from .ledger import AccountStatus, EntryKind, LedgerEntry, PersonalAccount, Use, Wallet
from .people import (
    EnrolmentPeriod,
    EnrolmentStatus,
    Gender,
    InsuredPerson,
    NameGrams,
    PersonCategory,
    Scheme,
)
from .regions import PolicyPart, PoolingRegion, Province, ProvincePolicy, Scope

__all__ = [
    "BASIC_RELATIONSHIPS",
    "AgreementStatus",
    "EndReason",
    "EvidenceType",
    "PendingSharingAgreement",
    "Relationship",
    "Scope",
    "SharingAgreement",
    "AccountStatus",
    "CreditFileConfirmation",
    "EnrolmentPeriod",
    "EnrolmentStatus",
    "EntryKind",
    "Gender",
    "InsuredPerson",
    "NameGrams",
    "LedgerEntry",
    "PersonCategory",
    "PersonalAccount",
    "PolicyPart",
    "PoolingRegion",
    "Province",
    "ProvincePolicy",
    "Scheme",
    "ServiceHall",
    "StaffPlacement",
    "Use",
    "Wallet",
]
