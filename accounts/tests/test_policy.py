"""The province policy: what is allowed on a date, and who blocks it."""

import datetime as dt

import pytest

from accounts.errors import PolicyBlocks
from accounts.models import PolicyPart, PoolingRegion, Scope
from accounts.policy import require_part, require_scope_allowed


def region(code):
    return PoolingRegion.objects.select_related("province__policy").get(code=code)


@pytest.mark.django_db
def test_freshly_migrated_database_has_every_province_and_the_sample_policy():
    assert PoolingRegion.objects.values("province").distinct().count() == 32
    assert region("320500").name == "苏州市"
    assert region("411300").province.name == "河南省"
    assert region("320500").province.policy.is_sample


@pytest.mark.django_db
def test_part_in_force_from_its_date_not_the_day_before():
    jiangsu = region("320500").province
    require_part(jiangsu, PolicyPart.EXTENSION, dt.date(2024, 10, 1))
    with pytest.raises(PolicyBlocks, match="江苏省"):
        require_part(jiangsu, PolicyPart.EXTENSION, dt.date(2024, 9, 30))


@pytest.mark.django_db
def test_cross_province_needs_both_provinces_and_names_the_blocking_one():
    suzhou, nanyang = region("320500"), region("411300")
    # Jiangsu from 2024-12-02, Henan from 2025-02-04 in the sample policy.
    with pytest.raises(PolicyBlocks, match="河南省"):
        require_scope_allowed(suzhou, nanyang, dt.date(2025, 1, 10))
    assert require_scope_allowed(suzhou, nanyang, dt.date(2025, 2, 4)) == Scope.CROSS_PROVINCE


@pytest.mark.django_db
def test_same_region_always_allowed_and_cross_region_by_province():
    suzhou, nanjing = region("320500"), region("320100")
    assert require_scope_allowed(suzhou, suzhou, dt.date(2020, 1, 1)) == Scope.SAME_REGION
    assert require_scope_allowed(suzhou, nanjing, dt.date(2024, 1, 1)) == Scope.CROSS_REGION
    with pytest.raises(PolicyBlocks):
        require_scope_allowed(suzhou, nanjing, dt.date(2023, 12, 31))
