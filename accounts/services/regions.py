"""Changing the province policy and region settings (supervisor)."""

from django.db import transaction

from accounts.models.regions import POLICY_DATE_FIELDS, ProvincePolicy


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
        locked._history_user = operator
        locked.save()
    return locked
