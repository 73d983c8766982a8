"""Admin lists over tables of millions of rows (persons, the ledger, payments).

Django's defaults count every row of a list twice (the filtered count and the
"n total" beside it), offer facet counts, and let a page number reach any
offset; on the ledger's ten million rows each of these is a scan of seconds
(docs/BENCHMARKS.md). Here:

- the count of an unfiltered list is PostgreSQL's estimate (``pg_class.reltuples``,
  kept by autovacuum and ANALYZE), of a filtered one an exact count up to
  ``COUNT_CAP`` rows and "more" after that;
- the pages stop at ``MAX_PAGES`` (the OFFSET stays small): further back, a
  filter (a date range, a search) narrows the list instead of paging;
- no full count, no facets.

A search box of such a list answers an identifier (ID number, account number,
结算ID) exactly from an index, never ORed with a substring search over the table
(``accounts.selectors.person_search`` / ``ledger_search``,
``transfers.selectors.payment_search``).
"""

from django.contrib import admin
from django.core.paginator import Paginator
from django.db import connection
from django.utils.functional import cached_property

COUNT_CAP = 10_000
MAX_PAGES = 200


class BigTablePaginator(Paginator):
    """Estimated or capped counts, and at most ``MAX_PAGES`` pages."""

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if not queryset.query.where:
            estimate = _estimated_rows(queryset.model._meta.db_table)
            if estimate > COUNT_CAP:
                return estimate
        return queryset.order_by()[: COUNT_CAP + 1].count()

    @cached_property
    def num_pages(self) -> int:
        return min(super().num_pages, MAX_PAGES)


def _estimated_rows(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [table])
        row = cursor.fetchone()
    return max(row[0], 0) if row else 0


class BigListMixin:
    """The list settings of an admin over a big table (see the module's docstring)."""

    paginator = BigTablePaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
