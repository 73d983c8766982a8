"""What each province's policy allows on a date, as domain checks.

Shared by agreements (registering), sharing payments and wallet transfers, so
that each policy rule is written once. Each check raises a ``PolicyBlocks``
error naming the province whose policy blocks the action and the policy part.
"""

import datetime as dt

from accounts.errors import PolicyBlocks
from accounts.models import PolicyPart, PoolingRegion, Province, ProvincePolicy, Scope


def policy_of(province: Province) -> ProvincePolicy:
    try:
        return province.policy
    except ProvincePolicy.DoesNotExist:
        return ProvincePolicy(province=province)  # nothing in force


def require_part(province: Province, part: PolicyPart, on_date: dt.date) -> None:
    """Raise ``PolicyBlocks`` unless ``part`` of ``province``'s policy is in force on the date."""
    policy = policy_of(province)
    if not policy.allows(part, on_date):
        since = policy.since(part)
        raise PolicyBlocks(
            province=province.name,
            part=PolicyPart(part).label,
            on_date=on_date.isoformat(),
            since=since.isoformat() if since else "—",
        )


def require_scope_allowed(
    grantor_region: PoolingRegion, beneficiary_region: PoolingRegion, on_date: dt.date
) -> Scope:
    """The scope between two regions, if the policies allow it on the date.

    Same region: always allowed. Cross-region within a province: that province's
    cross-region part. Cross-province: the cross-province part of both provinces
    (grantor's first, so the message names the first one that blocks).
    """
    scope = Scope.between(grantor_region, beneficiary_region)
    if scope == Scope.CROSS_REGION:
        require_part(grantor_region.province, PolicyPart.CROSS_REGION, on_date)
    elif scope == Scope.CROSS_PROVINCE:
        require_part(grantor_region.province, PolicyPart.CROSS_PROVINCE, on_date)
        require_part(beneficiary_region.province, PolicyPart.CROSS_PROVINCE, on_date)
    return scope
