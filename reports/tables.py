"""The reports page (统计): the tables of ``sharing_statistics`` labelled, and their .xlsx.

The page and the workbook show the same tables in the same order, from the
same selector, so the file always matches the screen.
"""

import datetime as dt
import io
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from openpyxl import Workbook

from accounts.models import Scope, Use
from accounts.scope import scope_regions
from jobs.services import job_progress, job_task
from reports.selectors import StatisticsRow, sharing_statistics


@dataclass(frozen=True)
class LabelledRow:
    label: str
    figures: StatisticsRow
    bar: int  # the row's amount in percent of the largest amount of its table
    payments_url: str = ""  # the payments list showing the records behind the figures
    transfers_url: str = ""  # and the wallet transfers list


@dataclass(frozen=True)
class StatisticsTable:
    dimension: str
    title: str
    rows: list[LabelledRow]


def _titles() -> dict[str, str]:
    return {
        "total": _("Total"),
        "scope": _("By scope"),
        "use": _("By use"),
        "month": _("By month"),
        "province": _("By province (grantor)"),
        "region": _("By pooling region (grantor)"),
    }


def _label(dimension: str, key: tuple) -> str:
    first = key[0] if key else None
    if dimension == "scope":
        return str(Scope(first).label)
    if dimension == "use":
        return str(Use(first).label) if first else _("no use recorded (wallet transfers)")
    if dimension == "month":
        return f"{first:%Y-%m}"
    if dimension == "region":
        return f"{key[0]} {key[1]}（{key[2]}）"
    return first or _("Total")


PAYMENTS_LIST = "admin:transfers_sharingpayment_changelist"
TRANSFERS_LIST = "admin:transfers_wallettransfer_changelist"

# What each table's key filters on the lists, the lookups of ``reports.selectors``:
# the payment's or transfer's recorded scope, use and grantor's region.
_KEY_LOOKUPS = {
    "scope": ("scope__exact",),
    "use": ("use__exact",),
    "province": ("grantor_region__province__name__exact",),
    "region": (None, None, "grantor_region__code__exact"),
}


def records_url(list_name: str, entry: str, dimension: str, key: tuple, start, end) -> str:
    """The admin list ``list_name`` filtered to the records a row counts: the same
    value dates, not reversed, the row's key (a month narrows the period to it)."""
    if dimension == "month":
        month_end = (key[0] + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        start, end = max(start, key[0]), min(end, month_end)
    query = {
        f"{entry}__value_date__gte": start.isoformat(),
        f"{entry}__value_date__lte": end.isoformat(),
        f"{entry}__reversed_by__isnull": "True",
    }
    for lookup, value in zip(_KEY_LOOKUPS.get(dimension, ()), key, strict=False):
        if lookup:
            query[lookup] = value
    return f"{reverse(list_name)}?{urlencode(query)}"


def _labelled(dimension: str, row: StatisticsRow, bar: int, start, end) -> LabelledRow:
    if dimension == "use" and not row.key[0]:  # wallet transfers: no use, no payments
        payments = ""
    else:
        payments = records_url(
            "admin:transfers_sharingpayment_changelist",
            "ledger_entry",
            dimension,
            row.key,
            start,
            end,
        )
    transfers = ""
    if dimension not in ("use",) or not row.key[0]:
        key = () if dimension == "use" else row.key
        transfers = records_url(TRANSFERS_LIST, "account_entry", dimension, key, start, end)
    return LabelledRow(_label(dimension, row.key), row, bar, payments, transfers)


def sharing_statistics_tables(*, start: dt.date, end: dt.date, user) -> list[StatisticsTable]:
    """The report's tables for the period, of ``user``'s regional scope
    (``accounts.scope``), each row labelled for people, with its bar and the links
    to the records behind its figures."""
    tables = []
    figures = sharing_statistics(start=start, end=end, regions=scope_regions(user))
    for dimension, rows in figures.items():
        largest = max((row.amount for row in rows), default=0) or 1
        labelled = [
            _labelled(dimension, row, int(row.amount * 100 / largest), start, end) for row in rows
        ]
        tables.append(StatisticsTable(dimension, _titles()[dimension], labelled))
    return tables


def _header() -> list[str]:
    return [
        "",
        _("Sharing payments (uses)"),
        _("Sharing payments (amount)"),
        _("Wallet transfers (count)"),
        _("Wallet transfers (amount)"),
        _("All (count)"),
        _("All (amount)"),
    ]


@job_task
def sharing_statistics_xlsx(job, *, start: str, end: str):
    """The report's tables as one workbook, one sheet per table (a background job)."""
    tables = sharing_statistics_tables(
        start=dt.date.fromisoformat(start), end=dt.date.fromisoformat(end), user=job.created_by
    )
    job_progress(job, done=0, total=len(tables))
    book = Workbook()
    book.remove(book.active)
    for done, table in enumerate(tables, 1):
        sheet = book.create_sheet(table.title[:31])
        sheet.append(_header())
        for row in table.rows:
            f = row.figures
            sheet.append(
                [
                    row.label,
                    f.payments,
                    f.payments_amount,
                    f.transfers,
                    f.transfers_amount,
                    f.uses,
                    f.amount,
                ]
            )
        for cells in sheet.iter_rows(min_row=2, min_col=2):
            for cell in cells[1::2]:
                cell.number_format = "0.00"
        sheet.column_dimensions["A"].width = 28
        job_progress(job, done=done)
    buffer = io.BytesIO()
    book.save(buffer)
    return ContentFile(buffer.getvalue(), name=f"{_('Sharing statistics')}-{start}-{end}.xlsx")
