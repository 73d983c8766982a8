"""Writing generated rows with COPY: the column lists, and the indexes set aside meanwhile.

Every table the generator fills is named here once with the columns it writes, in
the order its rows give them: a column added to a model (say a last sequence on
the account row) is added here and in the one function that makes that row.

A table is filled without its secondary indexes, unique and foreign-key
constraints (PostgreSQL would check each row against them); they are made again
from their own definitions (``pg_get_indexdef`` / ``pg_get_constraintdef``) once
every table is written, which checks every row at once. Check constraints stay on
throughout. All of it runs in the caller's transaction: a failure leaves nothing.
"""

from contextlib import contextmanager

COLUMNS = {
    "accounts_insuredperson": (
        "id name id_number birth_date gender scheme category status phone enrolled_on "
        "created_at updated_at created_by_id region_id"
    ),
    "accounts_enrolmentperiod": "id person_id status scheme region_id valid_from valid_to",
    "accounts_personalaccount": (
        "id number person_id balance status status_reason opened_at opened_by_id last_sequence"
    ),
    "accounts_wallet": "id person_id balance opened_at last_sequence",
    "accounts_sharingagreement": (
        "id grantor_id beneficiary_id relationship scope evidence_type evidence_number "
        "evidence_scan undertaking_signed effective_from status created_at created_by_id "
        "reviewed_at reviewed_by_id review_note ended_on end_reason end_note ended_by_id"
    ),
    "accounts_ledgerentry": (
        "id account_id wallet_id sequence kind amount balance_after idempotency_key reference "
        "counterpart_id use scope institution_code institution_name reverses_id memo "
        "occurred_at value_date created_at created_by_id"
    ),
    "transfers_sharingpayment": (
        "id settlement_id settled_at institution_code institution_name use amount "
        "ledger_entry_id note created_at created_by_id reviewed_at reviewed_by_id grantor_id "
        "beneficiary_id account_id agreement_id scope grantor_region_id status hold_reasons "
        "reject_reason"
    ),
    "transfers_reversal": (
        "id payment_id grantor_id beneficiary_id reason status requested_at requested_by_id "
        "reviewed_at reviewed_by_id review_note ledger_entry_id"
    ),
    "transfers_wallettransfer": (
        "id transfer_number transferred_at sender_id recipient_id account_id wallet_id "
        "agreement_id amount unspent scope grantor_region_id status return_due_at accepted_at "
        "accepted_by_id returned_at returned_amount return_reason account_entry_id "
        "wallet_entry_id return_wallet_entry_id return_account_entry_id created_at created_by_id"
    ),
    "transfers_walletspending": (
        "id settlement_id settled_at institution_code institution_name use amount "
        "ledger_entry_id note created_at created_by_id wallet_id status hold_reasons "
        "reject_reason taken_from"
    ),
}

TABLES = tuple(COLUMNS)


def line(row) -> str:
    """One row in COPY's text format (values never hold a tab, newline or backslash)."""
    return "\t".join("\\N" if v is None else str(v) for v in row) + "\n"


class CopyWriter:
    """Rows into one table through ``cursor.copy``, sent in blocks of about a megabyte."""

    def __init__(self, copy):
        self.copy, self.lines, self.size, self.count = copy, [], 0, 0

    def write(self, row):
        self.write_line(line(row))

    def write_line(self, text: str):
        """A line already in COPY's format, in the order of the table's columns."""
        self.lines.append(text)
        self.size += len(text)
        self.count += 1
        if self.size > 1 << 20:
            self.flush()

    def flush(self):
        if self.lines:
            self.copy.write("".join(self.lines).encode())
            self.lines, self.size = [], 0


@contextmanager
def copy_into(cursor, table: str):
    """A ``CopyWriter`` for ``table`` with the columns of ``COLUMNS``."""
    columns = ", ".join(f'"{c}"' for c in COLUMNS[table].split())
    with cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
        writer = CopyWriter(copy)
        yield writer
        writer.flush()


def copy_file(cursor, table: str, spool) -> None:
    """Rows written earlier to ``spool`` (COPY text) into ``table``."""
    spool.seek(0)
    columns = ", ".join(f'"{c}"' for c in COLUMNS[table].split())
    with cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
        while block := spool.read(1 << 20):
            copy.write(block.encode())


_INDEXES = """
SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i
JOIN pg_class c ON c.oid = i.indexrelid
WHERE i.indrelid = %s::regclass AND NOT i.indisprimary
  AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
"""
_CONSTRAINTS = """
SELECT conname, pg_get_constraintdef(oid), contype FROM pg_constraint
WHERE conrelid = %s::regclass AND contype IN ('u', 'x', 'f')
"""


@contextmanager
def without_indexes(cursor, tables=TABLES, step=lambda what: None):
    """Drop the secondary indexes and unique, exclusion and foreign-key constraints of
    ``tables`` for the block, then make them again (which checks every row)."""
    indexes, constraints = [], []
    for table in tables:
        cursor.execute(_INDEXES, [table])
        indexes += [(table, *row) for row in cursor.fetchall()]
        cursor.execute(_CONSTRAINTS, [table])
        constraints += [(table, *row) for row in cursor.fetchall()]
    for table, name, _definition, _type in sorted(constraints, key=lambda c: c[3] != "f"):
        cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
    for _table, name, _definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    yield
    cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
    cursor.execute("SET LOCAL max_parallel_maintenance_workers = 2")
    for _table, _name, definition in indexes:
        cursor.execute(definition)
    step(f"{len(indexes)} indexes made again")
    for table, name, definition, _type in sorted(constraints, key=lambda c: c[3] == "f"):
        cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
    step(f"{len(constraints)} constraints made again")


def identities_after(cursor, tables=TABLES) -> None:
    """Move each table's id sequence past the ids written, so the services continue."""
    for table in tables:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
            f'COALESCE((SELECT MAX(id) FROM "{table}"), 0) + 1, false)'
        )
