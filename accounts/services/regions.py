"""Changing the province policy and region settings (supervisor)."""

from django.db import transaction

from accounts.models.regions import POLICY_DATE_FIELDS, PoolingRegion, ProvincePolicy
from core.audit import audit_as
from core.settings_update import settings_check, settings_save

# The local settings of a region (DOMAIN.md), changeable on its page; code, name
# and province are reference data.
REGION_SETTINGS = (
    "beneficiary_cap",
    "share_prior_years_only",
    "wallet_enabled",
    "wallet_daily_transfers",
    "wallet_transfer_limit",
    "wallet_quiet_from",
    "wallet_quiet_until",
    "wallet_return_at",
)


def policy_update(*, policy: ProvincePolicy, operator, **dates) -> ProvincePolicy:
    """Set effective dates of a province's policy; a saved policy is no longer sample data.

    Takes effect for every check from now on (agreements, payments, transfers
    are checked against the policy on their own date).
    """
    unknown = set(dates) - set(POLICY_DATE_FIELDS)
    if unknown:
        raise TypeError(f"not policy dates: {sorted(unknown)}")
    with transaction.atomic():
        locked = ProvincePolicy.objects.select_for_update().get(pk=policy.pk)
        for field, value in dates.items():
            setattr(locked, field, value)
        locked.is_sample = False
        locked.updated_by = operator
        with audit_as(operator):
            locked.save()
    return locked


def pooling_region_check(**fields) -> None:
    """The refusal of ``pooling_region_update`` for these values (the settings form asks it)."""
    settings_check(
        PoolingRegion,
        changeable=REGION_SETTINGS,
        positive=("beneficiary_cap", "wallet_transfer_limit"),
        **fields,
    )


def pooling_region_update(*, region: PoolingRegion, operator, **fields) -> PoolingRegion:
    """Change a region's local settings; agreements and transfers are checked against
    them from then on. An empty cap means no cap; a cap of 0 or a transfer limit not
    above zero is refused (``SettingNotPositive``)."""
    pooling_region_check(**fields)
    with transaction.atomic():
        locked = PoolingRegion.objects.select_for_update().get(pk=region.pk)
        return settings_save(locked, operator=operator, **fields)
