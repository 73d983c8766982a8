"""The count a regionally scoped user's big list shows (``core.admin.lists``):
exact when the list is small, counted here by hand from the rows made.

The scoped estimate itself (a list's unscoped estimate times the scope's share
of the persons) is checked against counts made by hand with SQL at the 1M size
(docs/BENCHMARKS.md, branch ``scoped-estimates``): a test database's few rows
never reach an estimate."""

import datetime as dt

import pytest

from accounts.models import Scheme
from accounts.tests.factories import credit, make_agreement, make_person, make_user
from transfers.tests.factories import receive

A, T = "/admin/accounts/", "/admin/transfers/"


def _count(client, url) -> int:
    response = client.get(url)
    assert response.status_code == 200
    return response.context["cl"].result_count


@pytest.fixture
def persons(db):
    """苏州: 李明 → 李小明 (3 payments); 南京: 王芳 → 王小芳 (2 payments), 赵强;
    上海: 张伟 → 张小伟 (4 payments)."""
    made = {}
    for grantor, beneficiary, region, payments in (
        ("李明", "李小明", "320500", 3),
        ("王芳", "王小芳", "320100", 2),
        ("张伟", "张小伟", "310000", 4),
    ):
        g = made[grantor] = make_person(name=grantor, region=region)
        b = made[beneficiary] = make_person(
            name=beneficiary, region=region, scheme=Scheme.RESIDENT, birth=dt.date(2010, 3, 1)
        )
        credit(g.account, "500.00")
        make_agreement(g, b)
        for n in range(payments):
            receive(g, b, "10.00", operator=None, sid=f"{region}-{n}")
    made["赵强"] = make_person(name="赵强", region="320100")
    return made


@pytest.mark.parametrize(
    "role, persons_seen, payments_seen, named_seen",
    [
        ("clerk", 2, 3, 1),  # 苏州: 李明, 李小明; their 3 payments; 李小明
        ("supervisor", 5, 5, 2),  # 江苏: and 南京's 王芳, 王小芳, 赵强; 3 + 2; 王小芳
    ],
)
def test_oracle_scoped_lists_count_exactly_when_small(
    client, persons, role, persons_seen, payments_seen, named_seen
):
    client.force_login(make_user(role))
    assert _count(client, f"{A}insuredperson/") == persons_seen
    assert _count(client, f"{T}sharingpayment/") == payments_seen
    assert _count(client, f"{A}insuredperson/?q=小") == named_seen


def test_oracle_scoped_ledger_counts_exactly_when_small(client, db):
    """Credits alone (one entry each): 苏州 4, 南京 3, 上海 5."""
    for region, credits in (("320500", 4), ("320100", 3), ("310000", 5)):
        account = make_person(region=region).account
        for _ in range(credits):
            credit(account, "100.00")
    client.force_login(make_user("clerk"))
    assert _count(client, f"{A}ledgerentry/") == 4
    client.force_login(make_user("supervisor"))
    assert _count(client, f"{A}ledgerentry/") == 4 + 3
    client.force_login(make_user(None, is_superuser=True))
    assert _count(client, f"{A}ledgerentry/") == 4 + 3 + 5
