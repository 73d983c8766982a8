"""A region's local settings page, saved through ``pooling_region_update``."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import PoolingRegion
from accounts.services.regions import pooling_region_update
from core.errors import SettingNotPositive

pytestmark = pytest.mark.django_db


def test_update_records_the_operator_in_the_history(supervisor):
    suzhou = PoolingRegion.objects.get(code="320500")
    region = pooling_region_update(region=suzhou, operator=supervisor, beneficiary_cap=6)
    assert PoolingRegion.objects.get(code="320500").beneficiary_cap == 6
    latest = region.events.latest("pgh_id")
    assert (latest.beneficiary_cap, latest.pgh_context["user"]) == (6, supervisor.pk)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("beneficiary_cap", 0, "“每位共济人的被共济人上限”必须大于零。"),
        ("wallet_transfer_limit", Decimal("0.00"), "“单笔钱包转账限额（元）”必须大于零。"),
    ],
)
def test_values_not_above_zero_are_refused(supervisor, field, value, message):
    suzhou = PoolingRegion.objects.get(code="320500")
    with pytest.raises(SettingNotPositive) as refused:
        pooling_region_update(region=suzhou, operator=supervisor, **{field: value})
    assert (str(refused.value), refused.value.argument) == (message, field)
    assert getattr(PoolingRegion.objects.get(code="320500"), field) == getattr(suzhou, field)


def test_reference_data_is_not_a_setting(supervisor):
    with pytest.raises(TypeError):
        pooling_region_update(
            region=PoolingRegion.objects.get(code="320500"), operator=supervisor, name="姑苏"
        )


def _form(**changes) -> dict:
    return {
        "beneficiary_cap": "",
        "wallet_enabled": "on",
        "wallet_daily_transfers": "3",
        "wallet_transfer_limit": "2000.00",
        "wallet_quiet_from": "22:00:00",
        "wallet_quiet_until": "06:00:00",
        "wallet_return_at": "06:00:00",
        **changes,
    }


def test_the_page_saves_through_the_service_and_shows_refusals(client, supervisor):
    client.force_login(supervisor)
    url = reverse("admin:accounts_poolingregion_change", args=["320500"])
    refused = client.post(url, _form(beneficiary_cap="0"))
    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors["beneficiary_cap"] == [
        "“每位共济人的被共济人上限”必须大于零。"
    ]
    assert PoolingRegion.objects.get(code="320500").beneficiary_cap is None
    saved = client.post(url, _form(beneficiary_cap="8", wallet_return_at="07:00:00"))
    assert saved.status_code == 302
    region = PoolingRegion.objects.get(code="320500")
    assert (region.beneficiary_cap, region.wallet_return_at) == (8, dt.time(7, 0))
    assert region.events.latest("pgh_id").pgh_context["user"] == supervisor.pk
