"""Ledger benchmark: postings per second, serial and from threads, and verify_ledger.

.venv/bin/python -m bench.ledger [ACCOUNTS] [POSTINGS_PER_ACCOUNT]
"""

import sys
import threading
import time
from decimal import Decimal

from bench.common import bench_database, timed


def main(accounts: int = 1000, per_account: int = 10):
    from django.db import connections

    from accounts.models import EntryKind, PersonalAccount
    from accounts.selectors import ledger_mismatches
    from accounts.services.ledger import ledger_post
    from accounts.tests.factories import make_person

    with timed("register employees with accounts", accounts, "person"):
        holders = [make_person(name=f"测{i}").account for i in range(accounts)]

    with timed("serial postings (credits)", accounts * per_account, "posting"):
        for round_ in range(per_account):
            for account in holders:
                ledger_post(
                    holder=account,
                    kind=EntryKind.CREDIT,
                    amount=Decimal("10.00"),
                    idempotency_key=f"b-{account.pk}-{round_}",
                    operator=None,
                )

    from django.db import transaction

    with timed("postings in ONE transaction (as an import writes)", accounts * 2, "posting"):
        with transaction.atomic():
            for round_ in range(2):
                for account in holders:
                    ledger_post(
                        holder=account,
                        kind=EntryKind.CREDIT,
                        amount=Decimal("1.00"),
                        idempotency_key=f"batch-{account.pk}-{round_}",
                        operator=None,
                    )

    target = holders[0]
    threads, per_thread = 4, 100

    def pay(t):
        account = PersonalAccount.objects.get(pk=target.pk)
        for i in range(per_thread):
            ledger_post(
                holder=account,
                kind=EntryKind.SHARING_PAYMENT,
                amount=Decimal("-0.01"),
                idempotency_key=f"t-{t}-{i}",
                operator=None,
            )
        connections.close_all()

    with timed(
        f"{threads} threads on ONE account (lock contention)", threads * per_thread, "posting"
    ):
        workers = [threading.Thread(target=pay, args=(t,)) for t in range(threads)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()

    start = time.perf_counter()
    mismatches = ledger_mismatches()
    entries = accounts * (per_account + 2) + threads * per_thread
    print(
        f"verify_ledger over {accounts} accounts / {entries} entries: "
        f"{time.perf_counter() - start:.2f} s, {len(mismatches)} mismatches"
    )


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    with bench_database():
        main(*args)
