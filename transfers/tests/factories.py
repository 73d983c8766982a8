"""Test data of the transfers app: approved agreements, written directly.

Agreement registration and approval are the agreements services' business (and
tested there); payments and transfers only need an agreement in force.
"""

import datetime as dt

from django.utils import timezone

from accounts.models import AgreementStatus, EvidenceType, Relationship, Scope, SharingAgreement
from accounts.tests.factories import make_user


def make_agreement(
    grantor,
    beneficiary,
    *,
    relationship: str = Relationship.CHILD,
    effective_from: dt.date = dt.date(2024, 1, 1),
    created_by=None,
    reviewed_by=None,
) -> SharingAgreement:
    """An approved agreement in force from ``effective_from``."""
    return SharingAgreement.objects.create(
        grantor=grantor,
        beneficiary=beneficiary,
        relationship=relationship,
        scope=Scope.between(grantor.region, beneficiary.region),
        evidence_type=EvidenceType.HOUSEHOLD_REGISTER,
        effective_from=effective_from,
        status=AgreementStatus.APPROVED,
        created_by=created_by,
        reviewed_by=reviewed_by or make_user("reviewer"),
        reviewed_at=timezone.now(),
    )


def local(*args) -> dt.datetime:
    """An aware local (Asia/Shanghai) time: ``local(2025, 3, 10, 9, 30)``."""
    return timezone.make_aware(dt.datetime(*args))
