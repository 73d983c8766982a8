"""What the reports page counts of the transfers' postings (scenarios 1 and 6): one use
per posted payment or accepted transfer, nothing that was reversed or never accepted."""

import datetime as dt
from decimal import Decimal

import pytest

from accounts.models import PoolingRegion, Scope, Use
from accounts.selectors import ledger_mismatches
from accounts.services.people import person_update
from accounts.tests.factories import make_agreement, make_user
from core.tests.clock import clock_at
from reports.selectors import sharing_statistics
from transfers.services.reversals import reversal_approve, reversal_request
from transfers.services.wallets import wallet_transfers_return_unaccepted
from transfers.tests.factories import local, receive, transfer
from transfers.tests.sharing_year import settle, sharing_year_build

MARCH = {"start": dt.date(2025, 3, 1), "end": dt.date(2025, 3, 31)}


def table(dimension):
    return {row.key: row for row in sharing_statistics(**MARCH)[dimension]}


def test_scenario_1_one_use_of_100_under_same_region_and_medical(li_ming, li_xiaoming, clerk):
    make_agreement(li_ming, li_xiaoming)
    receive(li_ming, li_xiaoming, "100.00", operator=clerk)
    (total,) = sharing_statistics(**MARCH)["total"]
    assert (total.uses, total.amount) == (1, Decimal("100.00"))
    same_region = table("scope")[(Scope.SAME_REGION,)]
    medical = table("use")[(Use.MEDICAL,)]
    assert (same_region.uses, same_region.amount) == (1, Decimal("100.00"))
    assert (medical.uses, medical.amount) == (1, Decimal("100.00"))


def test_reversed_payments_and_unaccepted_transfers_are_not_counted(
    li_ming, li_xiaoming, clerk, reviewer
):
    make_agreement(li_ming, li_xiaoming)
    payment = receive(li_ming, li_xiaoming, "100.00", operator=clerk, sid="R-1")
    receive(li_ming, li_xiaoming, "30.00", operator=clerk, sid="R-2")
    reversal_approve(
        reversal=reversal_request(payment=payment, reason="重复", operator=clerk),
        operator=reviewer,
    )
    transfer(li_ming, li_xiaoming, "50.00", operator=clerk)
    wallet_transfers_return_unaccepted(operator=None, now=local(2025, 3, 12))
    (total,) = sharing_statistics(**MARCH)["total"]
    assert (total.payments, total.payments_amount) == (1, Decimal("30.00"))
    assert (total.transfers, total.transfers_amount) == (0, Decimal("0.00"))


# --- the oracle: a year built through the services, totals added up by hand --------

YEAR_2025 = {"start": dt.date(2025, 1, 1), "end": dt.date(2025, 12, 31)}
D = Decimal
SUZHOU = ("江苏省", "苏州市", "320500")
NANYANG = ("河南省", "南阳市", "411300")


def figures(dimension, period=YEAR_2025):
    """Each row as (key, payments, their amount, transfers, their amount), in order."""
    return [
        (row.key, row.payments, row.payments_amount, row.transfers, row.transfers_amount)
        for row in sharing_statistics(**period)[dimension]
    ]


@pytest.fixture
def year(clerk, reviewer):
    return sharing_year_build(clerk=clerk, reviewer=reviewer)


def test_oracle_statistics_of_a_year_match_the_sums_added_up_by_hand(year):
    """The lines of sharing_year.py for 2025, added up by hand: payments 100.00 +
    35.50 + 200.00 + 60.00 (李明) + 80.00 (王芳) = 475.50 in 5 uses; the accepted
    wallet transfer 300.00. Left out: the reversed 50.00, the never accepted
    250.00, the 10.00 of 2024 and the 7.00 of 2026."""
    assert figures("total") == [((), 5, D("475.50"), 1, D("300.00"))]
    assert figures("scope") == [
        ((Scope.SAME_REGION,), 4, D("415.50"), 0, D("0.00")),  # 100 + 35.50 + 200 + 80
        ((Scope.CROSS_REGION,), 1, D("60.00"), 0, D("0.00")),
        ((Scope.CROSS_PROVINCE,), 0, D("0.00"), 1, D("300.00")),
    ]
    assert figures("use") == [
        ((Use.MEDICAL,), 2, D("180.00"), 0, D("0.00")),  # 100 + 80
        ((Use.PHARMACY,), 2, D("95.50"), 0, D("0.00")),  # 35.50 + 60
        ((Use.RESIDENT_CONTRIBUTION,), 1, D("200.00"), 0, D("0.00")),
        (("",), 0, D("0.00"), 1, D("300.00")),
    ]
    assert figures("month") == [
        # 35.50 was received in April and counts in March, when it was settled.
        ((dt.date(2025, 3, 1),), 2, D("135.50"), 0, D("0.00")),  # 100 + 35.50
        ((dt.date(2025, 4, 1),), 2, D("280.00"), 1, D("300.00")),  # 200 + 80
        ((dt.date(2025, 5, 1),), 1, D("60.00"), 0, D("0.00")),
    ]
    assert figures("province") == [
        (("江苏省",), 4, D("395.50"), 0, D("0.00")),  # 100 + 35.50 + 200 + 60
        (("河南省",), 1, D("80.00"), 1, D("300.00")),
    ]
    assert figures("region") == [
        (SUZHOU, 4, D("395.50"), 0, D("0.00")),
        (NANYANG, 1, D("80.00"), 1, D("300.00")),
    ]
    assert ledger_mismatches() == []


def test_a_grantors_move_leaves_past_figures_under_the_region_of_the_time(year):
    """王芳 moves from 南阳 to 郑州 in June 2026: her agreements end (the unspent
    300.00 goes back from the wallet, still a use), 2025 stays under 南阳, and
    her new payment for her daughter counts under 郑州, 省内跨统筹区, while a late
    settlement of May, received after the move, counts under 南阳, 同一统筹区."""
    zhengzhou = PoolingRegion.objects.get(code="410100")
    clerk = make_user("supervisor", region="411300")  # 河南省: 南阳 and 郑州
    with clock_at(local(2026, 6, 1, 9)):
        person_update(person=year.wang_fang, region=zhengzhou, operator=clerk)
        make_agreement(
            year.wang_fang,
            year.wang_daughter,
            operator=clerk,
            reviewer=make_user("reviewer", region="410100"),
            effective_from=dt.date(2026, 6, 1),
        )
    settle(
        year.wang_fang,
        year.wang_daughter,
        "40.00",
        local(2026, 6, 2, 9),
        Use.MEDICAL,
        "nanyang_hospital",
        operator=clerk,
    )
    settle(
        year.wang_fang,
        year.wang_daughter,
        "25.00",
        local(2026, 5, 20, 9),
        Use.MEDICAL,
        "nanyang_hospital",
        operator=clerk,
        received=local(2026, 6, 3, 9),
    )

    assert figures("region") == [
        (SUZHOU, 4, D("395.50"), 0, D("0.00")),
        (NANYANG, 1, D("80.00"), 1, D("300.00")),
    ]
    year_2026 = {"start": dt.date(2026, 1, 1), "end": dt.date(2026, 12, 31)}
    assert figures("region", year_2026) == [
        (SUZHOU, 1, D("7.00"), 0, D("0.00")),
        (NANYANG, 1, D("25.00"), 0, D("0.00")),
        (("河南省", "郑州市", "410100"), 1, D("40.00"), 0, D("0.00")),
    ]
    assert figures("scope", year_2026) == [
        ((Scope.SAME_REGION,), 2, D("32.00"), 0, D("0.00")),  # 7.00 + 25.00
        ((Scope.CROSS_REGION,), 1, D("40.00"), 0, D("0.00")),
        ((Scope.CROSS_PROVINCE,), 0, D("0.00"), 0, D("0.00")),
    ]
    assert ledger_mismatches() == []


def test_official_scopes_all_shown_with_zeros_when_nothing_was_shared(db):
    empty = {"start": dt.date(2023, 1, 1), "end": dt.date(2023, 12, 31)}
    assert figures("total", empty) == [((), 0, D("0.00"), 0, D("0.00"))]
    assert figures("scope", empty) == [
        ((scope,), 0, D("0.00"), 0, D("0.00")) for scope in Scope.values
    ]
    for dimension in ("use", "month", "province", "region"):
        assert figures(dimension, empty) == []


def test_oracle_statistics_count_only_the_grantors_of_the_scope(year):
    """Regional scope: the lines of sharing_year.py for 2025 by grantor, added up by
    hand. 南阳 (王芳): the payment 80.00 and the accepted transfer 300.00; 苏州 (李明):
    100.00 + 35.50 + 200.00 + 60.00 = 395.50 in 4 uses, no transfer; 北京: nothing."""

    def total(regions):
        (row,) = sharing_statistics(**YEAR_2025, regions=regions)["total"]
        return (row.payments, row.payments_amount, row.transfers, row.transfers_amount)

    assert total(["411300"]) == (1, D("80.00"), 1, D("300.00"))
    assert total(["320500"]) == (4, D("395.50"), 0, D("0.00"))
    assert total(["110100"]) == (0, D("0.00"), 0, D("0.00"))
    assert total(["320500", "411300"]) == (5, D("475.50"), 1, D("300.00"))
