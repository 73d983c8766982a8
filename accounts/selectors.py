"""Reads of the accounts app that are more than a simple filter."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection

# For every holder (account or wallet): the cached balance against the sum of its
# entries, and the entries whose balance_after does not follow from the one before
# (or whose sequence skips). Runs in the database so it scales to every account.
_MISMATCH_SQL = """
WITH chain AS (
    SELECT {holder} AS holder_id, sequence, amount, balance_after,
           LAG(balance_after) OVER w AS previous_after,
           LAG(sequence) OVER w AS previous_sequence
    FROM accounts_ledgerentry
    WHERE {holder} IS NOT NULL
    WINDOW w AS (PARTITION BY {holder} ORDER BY sequence)
), broken AS (
    SELECT holder_id, COUNT(*) AS breaks FROM chain
    WHERE balance_after <> COALESCE(previous_after, 0) + amount
       OR sequence <> COALESCE(previous_sequence, 0) + 1
    GROUP BY holder_id
), sums AS (
    SELECT {holder} AS holder_id, SUM(amount) AS total FROM accounts_ledgerentry
    WHERE {holder} IS NOT NULL GROUP BY {holder}
)
SELECT h.id, {label}, h.balance, COALESCE(s.total, 0), COALESCE(b.breaks, 0)
FROM {table} h
LEFT JOIN sums s ON s.holder_id = h.id
LEFT JOIN broken b ON b.holder_id = h.id
WHERE h.balance <> COALESCE(s.total, 0) OR COALESCE(b.breaks, 0) > 0
ORDER BY h.id
"""


@dataclass(frozen=True)
class LedgerMismatch:
    holder: str  # "account 3205000000000001" or "wallet 7"
    balance: Decimal
    entries_total: Decimal
    broken_links: int

    def __str__(self):
        return (
            f"{self.holder}: balance {self.balance}, entries add up to {self.entries_total}, "
            f"{self.broken_links} broken link(s) in the balance-after chain"
        )


def ledger_mismatches() -> list[LedgerMismatch]:
    """Every account and wallet whose balance or chain disagrees with its entries."""
    found = []
    for holder, table, label in (
        ("account_id", "accounts_personalaccount", "'account ' || h.number"),
        ("wallet_id", "accounts_wallet", "'wallet ' || h.id"),
    ):
        sql = _MISMATCH_SQL.format(holder=holder, table=table, label=label)
        with connection.cursor() as cursor:
            cursor.execute(sql)
            found += [LedgerMismatch(*row[1:]) for row in cursor.fetchall()]
    return found


def person_search(queryset, term: str):
    """Persons matching an exact ID number (x read as X), an account number, or a name part."""
    term = term.strip()
    if len(term) == 18 and term[:17].isdigit():
        return queryset.filter(id_number=term.upper())
    if term.isdigit():
        return queryset.filter(account__number=term)
    return queryset.filter(name__icontains=term)
