"""统计: sharing payments and wallet transfers counted as the authorities publish them.

``sharing_statistics`` reads the daily summary the database keeps exact
(``reports.models``); ``sharing_statistics_live`` is the definition below,
computed from the records themselves, that the summary is verified against.

Counts (人次) and amounts by scope, use, month, province and pooling region,
computed in the database (the read replica, if one is configured). Each posted
sharing payment and each wallet transfer is one use, counted once, on the
grantor's side: its amount is what its ledger entry took out of the grantor's
account, and a record whose entry was reversed (a reversed payment, a transfer
never accepted) is left out. A use belongs to the day it was made, its entry's
value date (the settlement's or transfer's day), so a settlement imported late
counts in the month of the visit. Scope and region are the ones recorded on the
payment or transfer when it was made, so a grantor's later move changes no past
figure.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import connections
from django.db.models import CharField, Count, DecimalField, F, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth

from accounts.models import Scope, Use
from core.database import replica_alias
from transfers.models import SharingPayment, WalletTransfer

ZERO = Decimal("0.00")

# Each measure: the records it counts and the ledger entry that paid each one.
_MEASURES = {
    "payments": (SharingPayment, "ledger_entry"),
    "transfers": (WalletTransfer, "account_entry"),
}

# Each table (besides "total") and the keys of its rows.
STATISTICS_DIMENSIONS = {
    "scope": ("scope",),
    "use": ("use",),
    "month": ("month",),
    "province": ("province",),
    "region": ("province", "region", "region_code"),
}

# The order of the rows: scopes and uses as their choices list them (a wallet
# transfer has no use: last), the other keys as they sort.
_CHOICE_ORDER = {
    "scope": {scope: i for i, scope in enumerate(Scope.values)},
    "use": {use: i for i, use in enumerate(Use.values)},
}


@dataclass(frozen=True)
class StatisticsRow:
    """One row of a report table: the key of its dimension and the four figures."""

    key: tuple
    payments: int = 0
    payments_amount: Decimal = ZERO
    transfers: int = 0
    transfers_amount: Decimal = ZERO

    @property
    def uses(self) -> int:
        return self.payments + self.transfers

    @property
    def amount(self) -> Decimal:
        return self.payments_amount + self.transfers_amount


def _keys(model, entry: str) -> dict:
    """The row keys of every table, named ``k_<key>`` (model fields keep their names)."""
    no_use = Value("", output_field=CharField())
    return {
        "k_scope": F("scope"),
        "k_use": F("use") if model is SharingPayment else no_use,
        "k_month": TruncMonth(f"{entry}__value_date"),
        "k_province": F("grantor_region__province__name"),
        "k_region": F("grantor_region__name"),
        "k_region_code": F("grantor_region__code"),
    }


def _sort_key(dimension: str, key: tuple):
    order = _CHOICE_ORDER.get(dimension)
    return (order.get(key[0], len(order)),) if order else key


def _tables(figures) -> dict[str, list[StatisticsRow]]:
    """The tables "total", "scope", "use", "month", "province" and "region" added up
    from ``figures``: (table, key, measure, count, amount), each added to its row.
    The scope table always has the three official scopes."""
    found = {name: {} for name in ("total", *STATISTICS_DIMENSIONS)}
    found["total"][()] = {}
    for dimension, key, measure, count, amount in figures:
        sums = found[dimension].setdefault(key, {})
        sums[measure] = sums.get(measure, 0) + count
        sums[f"{measure}_amount"] = sums.get(f"{measure}_amount", ZERO) + amount
    for scope in Scope.values:
        found["scope"].setdefault((scope,), {})
    return {
        dimension: [
            StatisticsRow(key=key, **rows[key])
            for key in sorted(rows, key=lambda k, d=dimension: _sort_key(d, k))
        ]
        for dimension, rows in found.items()
    }


_NAMES = sorted({f"k_{key}" for keys in STATISTICS_DIMENSIONS.values() for key in keys})

# The summary's days added up by the finest keys (keys left with no use, all
# reversed since, dropped as the records' join has no row for them), then each
# table's rows at once by grouping sets.
_SUMMARY_SQL = """
SELECT s.measure, s.scope, s.use, s.month, p.name, r.name, r.code,
       SUM(s.uses)::bigint, SUM(s.amount), GROUPING(s.scope, s.use, s.month, p.name, r.code)
FROM (
    SELECT measure, scope, use, date_trunc('month', day::timestamp)::date AS month,
           grantor_region_id, SUM(uses) AS uses, SUM(amount) AS amount
    FROM reports_statisticsday
    WHERE day BETWEEN %(start)s AND %(end)s
      AND (%(all)s OR grantor_region_id = ANY(%(regions)s))
    GROUP BY 1, 2, 3, 4, 5
    HAVING SUM(uses) <> 0 OR SUM(amount) <> 0
) s
JOIN accounts_poolingregion r ON r.code = s.grantor_region_id
JOIN accounts_province p ON p.code = r.province_id
GROUP BY GROUPING SETS ((s.measure), (s.measure, s.scope), (s.measure, s.use),
    (s.measure, s.month), (s.measure, p.name), (s.measure, p.name, r.name, r.code))
"""

# Each grouping set by its GROUPING() bits (1: the column is not one of its keys).
_SETS = {0b11111: "total", 0b01111: "scope", 0b10111: "use", 0b11011: "month"}
_SETS |= {0b11101: "province", 0b11100: "region"}


def sharing_statistics(
    *, start: dt.date, end: dt.date, regions: list[str] | None = None
) -> dict[str, list[StatisticsRow]]:
    """The tables "total", "scope", "use", "month", "province" and "region" for the
    uses made from ``start`` to ``end`` (both days included), of grantors in the
    pooling regions ``regions`` (codes; ``None``: all), a user's regional scope.

    Read from the daily summary the database keeps (``reports.models``): the same
    figures as ``sharing_statistics_live``, which ``verify_statistics`` compares.
    The scope table always has the three official scopes (同一统筹区, 省内跨统筹区,
    跨省), with zeros where nothing was shared; the other tables list what has data.
    """
    query = {"start": start, "end": end, "all": regions is None, "regions": regions or []}
    # A report may lag the counter a moment: the replica, if one is configured.
    with connections[replica_alias()].cursor() as cursor:
        cursor.execute(_SUMMARY_SQL, query)
        found = cursor.fetchall()
    figures = []
    for measure, scope, use, month, province, region, code, count, amount, sets in found:
        keys = {"scope": scope, "use": use, "month": month, "province": province}
        keys |= {"region": region, "region_code": code}
        dimension = _SETS[sets]
        key = tuple(keys[k] for k in STATISTICS_DIMENSIONS.get(dimension, ()))
        figures.append((dimension, key, measure, count, amount))
    return _tables(figures)


def sharing_statistics_live(
    *, start: dt.date, end: dt.date, regions: list[str] | None = None
) -> dict[str, list[StatisticsRow]]:
    """``sharing_statistics`` computed from the payments, transfers and their ledger
    entries themselves (a year at the 1M size: about 20 s): the definition the
    summary is checked against (``verify_statistics``, the tests)."""
    zero = Value(ZERO, output_field=DecimalField(max_digits=16, decimal_places=2))
    groups = []
    for measure, (model, entry) in _MEASURES.items():
        amount = f"{measure}_amount"
        rows = model.objects.using(replica_alias())  # a report may lag the counter a moment
        counted = rows.filter(
            **{f"{entry}__value_date__range": (start, end), f"{entry}__reversed_by__isnull": True}
        ).annotate(**_keys(model, entry))
        if regions is not None:
            counted = counted.filter(grantor_region__in=regions)
        figures = {measure: Count("id"), amount: Coalesce(Sum(-F(f"{entry}__amount")), zero)}
        # One query by the finest keys; every table adds those groups up.
        for row in counted.values(*_NAMES).annotate(**figures).order_by():
            for dimension, keys in (("total", ()), *STATISTICS_DIMENSIONS.items()):
                key = tuple(row[f"k_{k}"] for k in keys)
                groups.append((dimension, key, measure, row[measure], row[amount]))
    return _tables(groups)
