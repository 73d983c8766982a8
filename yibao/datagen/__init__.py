"""A database of realistic size for the benchmarks (``manage.py generate_data``).

Persons in families (``people``), their accounts' and wallets' ledgers with the
payments, reversals and transfers beside them (``money``), written with COPY
(``load``) in one transaction, into tables that must be empty; the row triggers
that copy each row into a history or key table run once per table instead
(``triggers``), the statistics summary is filled once at the end
(``reports.summary``), and every step prints its CPU beside its time (``meter``).
The sizes follow the issue's province: for every 1M persons 350k accounts, 150k
agreements, about 10M ledger entries and 2M payments (the ratios in ``SIZES``).
"""

import datetime as dt
import random
import tempfile

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import InsuredPerson, PoolingRegion
from reports.summary import statistics_filled_after

from .load import COLUMNS, TABLES, copy_file, copy_into, identities_after, without_indexes
from .meter import Meter, postmaster_of
from .money import Clock, Ledger
from .people import Population, Regions
from .rows import agreements, holders, persons
from .triggers import copying_triggers, triggers_once_per_table

# Per person: accounts, agreements, payments, wallet transfers.
SIZES = {"accounts": 0.35, "agreements": 0.15, "payments": 2.0, "transfers": 0.05}
MONTHS = 22  # monthly credits before the current month (≈ 7.7 entries a person)
HOME, OTHERS = "32", ("31", "34", "11", "44")  # 江苏 and a few elsewhere


class NotEmpty(Exception):
    pass


def _months(today: dt.date) -> list[dt.date]:
    first = today.replace(day=1)
    months = []
    for _ in range(MONTHS):
        first = (first - dt.timedelta(days=1)).replace(day=1)
        months.append(first)
    return months[::-1]


def _operators():
    users = get_user_model().objects
    clerk, _ = users.get_or_create(username="datagen-clerk", defaults={"is_staff": True})
    reviewer, _ = users.get_or_create(username="datagen-reviewer", defaults={"is_staff": True})
    return clerk.pk, reviewer.pk


def generate(size: int, *, seed: int = 12, say=print) -> dict[str, int]:
    """Fill the empty tables with ``size`` persons and all that goes with them;
    returns the row count of each table."""
    if InsuredPerson.objects.exists():
        raise NotEmpty("persons exist already: generate into an empty database")
    rng = random.Random(seed)
    today = timezone.localdate()
    with connection.cursor() as cursor:
        step = Meter(say, postmaster_of(cursor)).step

    rows = list(PoolingRegion.objects.values_list("code", "province_id"))
    names = dict(PoolingRegion.objects.values_list("code", "name"))
    regions = Regions(rows, HOME, OTHERS)
    wanted = {k: int(size * v) for k, v in SIZES.items()}
    population = Population(
        rng, regions, size, wanted["accounts"], wanted["agreements"], today
    ).build()
    step(f"families: {len(population.persons)} persons, {len(population.accounts)} accounts")
    clerk, reviewer = _operators()
    months = _months(today)
    clock = Clock(dt.date(2024, 1, 1), today)
    ledger = Ledger(rng, clock, regions, names, months, clerk, reviewer, wanted)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        copying = copying_triggers(cursor, TABLES)
        aside = TABLES + tuple(dict.fromkeys(target for _t, _n, target, _i in copying))
        with (
            statistics_filled_after(cursor),
            without_indexes(cursor, aside, step=step),
            triggers_once_per_table(cursor, copying, step),
        ):
            persons(cursor, population, clock, clerk)
            step("persons and enrolment periods written")
            agreements(cursor, population, clock, clerk, reviewer)
            step("agreements written")
            with tempfile.TemporaryFile("w+", encoding="utf-8") as payments:
                with copy_into(cursor, "accounts_ledgerentry") as out:
                    ledger.accounts(population, out, payments)
                step(f"account ledgers written ({ledger.entry_id} entries)")
                copy_file(cursor, "transfers_sharingpayment", payments)
            step(f"payments written ({ledger.payment_id})")
            spendings = []
            with copy_into(cursor, "accounts_ledgerentry") as out:
                ledger.wallets_walk(population.persons, out, spendings)
            with copy_into(cursor, "transfers_walletspending") as out:
                for row in spendings:
                    out.write(row)
            holders(cursor, population, ledger, clock, clerk)
            step(f"wallets written ({ledger.entry_id} entries in all)")
        step("statistics summary filled")
        identities_after(cursor)
        for table in COLUMNS:
            cursor.execute(f'ANALYZE "{table}"')
        step("analyzed")
        counts = {}
        for table in COLUMNS:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    step("done")
    return counts
