"""What each province's policy allows on a date, as domain checks.

Shared by agreements (registering), sharing payments and wallet transfers, so
that each policy rule is written once. Each check raises a ``PolicyBlocks``
error naming the province whose policy blocks the action and the policy part.
"""

import datetime as dt

from accounts.errors import PolicyBlocks, RelationshipNotAllowed
from accounts.models import (
    BASIC_RELATIONSHIPS,
    PolicyPart,
    PoolingRegion,
    Province,
    ProvincePolicy,
    Relationship,
    Scope,
)


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


def require_relationship_allowed(
    province: Province, relationship: Relationship, on_date: dt.date
) -> None:
    """The basic set or the close-relative extension, whichever the relationship is
    in, in force on the date in ``province`` (the grantor's: the grantor's account
    pays). Checked when an agreement is registered and again on the date of every
    payment and transfer made under it, so a later extension date also refuses
    what is dated before it. Raises ``RelationshipNotAllowed``."""
    relationship = Relationship(relationship)
    part = PolicyPart.BASIC if relationship in BASIC_RELATIONSHIPS else PolicyPart.EXTENSION
    try:
        require_part(province, part, on_date)
    except PolicyBlocks as blocked:
        raise RelationshipNotAllowed(relationship=relationship.label, **blocked.params) from blocked


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
