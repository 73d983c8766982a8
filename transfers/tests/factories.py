"""Test data of the transfers app, built through the services as the product builds it."""

import datetime as dt

from django.utils import timezone

from accounts.models import SharingAgreement
from accounts.tests import factories


def make_agreement(
    grantor,
    beneficiary,
    *,
    relationship: str = "child",
    effective_from: dt.date = dt.date(2024, 1, 1),
) -> SharingAgreement:
    """An agreement registered by a clerk and approved by a reviewer, in force from
    ``effective_from`` (early enough for the 2025 settlements of these tests)."""
    return factories.make_agreement(
        grantor,
        beneficiary,
        operator=factories.make_user("clerk"),
        reviewer=factories.make_user("reviewer"),
        relationship=relationship,
        effective_from=effective_from,
    )


def local(*args) -> dt.datetime:
    """An aware local (Asia/Shanghai) time: ``local(2025, 3, 10, 9, 30)``."""
    return timezone.make_aware(dt.datetime(*args))
