"""Imports of the transfers app: settlements (SPREADSHEETS.md §4) and wallet transfers (§5).

Declared with ``core.importing``, which names a refusal's column by the
error's ``argument``. A settlement file is checked a chunk at a time by
``settlements_check`` and written a chunk at a time by ``settlements_receive``,
the batch forms of the counter's service (``transfers.services.batch``), so a
file row meets exactly the rules of the counter; the preview counts the rows
before each row as written, so rows that only fail together (a balance that
several rows exhaust) are refused in the preview, and the holds it lists are the
ones the write makes. The whole file is checked before the first chunk is
written, each chunk in a short transaction of its own (``Import.chunked``), from
what its check kept (``checked_kept``): only what can change meanwhile is read
again (``batch_rechecked``). A
row already received with the same content is skipped, with other content
refused. Wallet transfers are checked and written row by row by the service.
"""

import functools

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.imports import amount, id_number_column
from core.importing import (
    CREATE,
    SKIP,
    Change,
    Column,
    Import,
    choice,
    datetime_value,
    text,
)
from core.masking import mask_id_number

from .models import ExceptionKind, HoldReason, ImportException, PaymentSource
from .services.batch import Pending, checked_kept
from .services.checks import USE_WORDS, require_row_in_scope
from .services.payments import settlements_check, settlements_receive
from .services.wallets import wallet_transfer_check, wallet_transfer_create


class KeepsExceptions:
    """What a settlement or wallet-transfer import does with ``--accept-valid``:
    keeps each refused row as an ``ImportException`` and marks those resolved whose
    key a later file writes (the corrected row sent again)."""

    exception_kind = ""
    key_header = ""

    def exceptions_keep(self, kept, *, filename, operator):
        ImportException.objects.bulk_create(
            [
                ImportException(
                    kind=self.exception_kind,
                    key=str(row.cells.get(self.key_header, ""))[:30],
                    filename=filename[:200],
                    row=row.number,
                    column=next((p.column for p in problems if p.column), "") or "",
                    reason="；".join(p.message for p in problems),
                    cells={header: str(value) for header, value in row.cells.items()},
                    created_by=operator,
                )
                for row, problems in kept
            ]
        )

    def exceptions_resolve(self, keys) -> None:
        ImportException.objects.filter(
            kind=self.exception_kind, key__in=keys, resolved_at__isnull=True
        ).update(resolved_at=timezone.now())


def _change(checked, summary, data) -> Change:
    """Skip a row received before with the same content; create any other. Both
    carry what ``write_batch`` gets (the skipped row is passed again: it may have
    been refused, kept, corrected and sent again, and its exception is resolved).
    ``summary``: the row's line, or a function making it (``Change``)."""
    if checked.existing is not None:
        line = summary if callable(summary) else lambda: summary
        return Change(SKIP, lambda: _("already received: %(row)s") % {"row": line()}, data)
    return Change(CREATE, summary, data)


# 支付来源 as the settlement file writes it (docs/TRANSFERS.md, an addition to §4).
PAID_FROM_WORDS = {"共济人个人账户": PaymentSource.ACCOUNT, "医保钱包": PaymentSource.WALLET}


class SettlementsImport(KeepsExceptions, Import):
    """共济结算明细 from the settlement system; each row becomes a sharing payment, or a
    wallet spending where 支付来源 says the beneficiary's wallet paid."""

    title = "共济结算明细"
    permission = "transfers.import_settlements"
    columns = (
        Column("结算ID", "settlement_id", parse=text(max_length=30), identifier=True),
        Column("结算时间", "settled_at", parse=datetime_value),
        Column("定点机构编码", "institution_code", parse=text(max_length=12), identifier=True),
        Column("定点机构名称", "institution_name", parse=text(max_length=100)),
        Column("用途", "use", parse=choice(USE_WORDS)),
        id_number_column("被共济人身份号码", "beneficiary_id_number"),
        # Empty in a row paid from the wallet (支付来源 医保钱包): no grantor pays.
        id_number_column("共济人身份号码", "grantor_id_number", blank=True),
        Column("共济支付金额", "amount", parse=amount),
        # Added later, optional (files without it are paid from the grantor's account).
        Column("支付来源", "paid_from", required=False, parse=choice(PAID_FROM_WORDS)),
    )
    key = ("settlement_id",)
    chunked = True
    exception_kind = ExceptionKind.SETTLEMENT
    key_header = "结算ID"

    def __init__(self):
        # What the rows checked so far take (money per account, payments per day):
        # the preview decides each row as if the rows before it were written.
        self._pending = Pending()
        # The regions with their provinces and policies, read once for the file.
        self._regions = {}

    def prefetch(self, rows):
        """Every check of the chunk's rows, in a few queries for all of them."""
        results = settlements_check(rows, self._pending, self._regions)
        return {row["settlement_id"]: result for row, result in zip(rows, results, strict=True)}

    def check(self, values, found) -> Change:
        checked = found[values["settlement_id"]]
        if isinstance(checked, Exception):
            raise checked
        wallet = values["paid_from"] == PaymentSource.WALLET
        require_row_in_scope(
            self.operator,
            checked,
            argument="beneficiary_id_number" if wallet else "grantor_id_number",
        )
        summary = functools.partial(_settlement_summary, values, checked, wallet)
        return _change(checked, summary, (values, checked_kept(checked)))

    def write_batch(self, datas, *, operator):
        """A chunk in its transaction, from what the check pass kept of its rows:
        what can change meanwhile checked again under the accounts' locks
        (``batch_rechecked``), posted with one ``ledger_post_many``; the first
        refusal names its row."""
        rows = [values for values, _kept in datas]
        written = settlements_receive(
            rows, operator=operator, regions=self._regions, checked=[kept for _v, kept in datas]
        )
        for index, result in enumerate(written):
            if isinstance(result, Exception):
                result.row_index = index
                raise result
        self.exceptions_resolve([row["settlement_id"] for row in rows])


def _settlement_summary(values: dict, checked, wallet: bool) -> str:
    """A settlement row's line in the preview: who pays whom, and its holds."""
    if wallet:
        summary = _("%(id)s: from the wallet of %(beneficiary)s ¥%(amount)s") % {
            "id": checked.key,
            "beneficiary": mask_id_number(values["beneficiary_id_number"]),
            "amount": checked.values["amount"],
        }
    else:
        summary = _("%(id)s: %(grantor)s → %(beneficiary)s ¥%(amount)s") % {
            "id": checked.key,
            "grantor": mask_id_number(values["grantor_id_number"]),
            "beneficiary": mask_id_number(values["beneficiary_id_number"]),
            "amount": checked.values["amount"],
        }
    if checked.holds:  # the same rule for both sources (``batch``)
        summary = _("%(row)s (held for review: %(reasons)s)") % {
            "row": summary,
            "reasons": "、".join(str(HoldReason(r).label) for r in checked.holds),
        }
    return summary


class WalletTransfersImport(KeepsExceptions, Import):
    """钱包转账 from a file; each row moves money as a counter transfer does."""

    title = "钱包转账"
    permission = "transfers.import_wallet_transfers"
    columns = (
        Column("转账流水号", "transfer_number", parse=text(max_length=30), identifier=True),
        Column("转账时间", "transferred_at", parse=datetime_value),
        id_number_column("转出人身份号码", "sender_id_number"),
        id_number_column("转入人身份号码", "recipient_id_number"),
        Column("金额", "amount", parse=amount),
    )
    key = ("transfer_number",)
    chunked = True
    exception_kind = ExceptionKind.WALLET_TRANSFER
    key_header = "转账流水号"

    def check(self, values, found) -> Change:
        checked = wallet_transfer_check(**values)
        require_row_in_scope(self.operator, checked, argument="sender_id_number")
        summary = _("%(number)s: %(sender)s → %(recipient)s ¥%(amount)s") % {
            "number": checked.key,
            "sender": mask_id_number(values["sender_id_number"]),
            "recipient": mask_id_number(values["recipient_id_number"]),
            "amount": checked.values["amount"],
        }
        return _change(checked, summary, values)

    def write(self, data, *, operator):
        wallet_transfer_create(operator=operator, **data)

    def write_batch(self, datas, *, operator):
        super().write_batch(datas, operator=operator)
        self.exceptions_resolve([data["transfer_number"] for data in datas])
