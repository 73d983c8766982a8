"""Admin lists over tables of millions of rows (persons, the ledger, payments).

Django's defaults count every row of a list twice (the filtered count and the
"n total" beside it), offer facet counts, and let a page number reach any
offset; on the ledger's ten million rows each of these is a scan of seconds
(docs/BENCHMARKS.md). Here:

- the count of a list is PostgreSQL's estimate (the planner's, from the statistics
  autovacuum and ANALYZE keep) when it expects more than ``ESTIMATE_MARGIN``
  times ``COUNT_CAP`` rows, else an exact count up to ``COUNT_CAP`` rows and
  "more" after that: a list of millions (all entries, a month, a region's clerk's
  scope) is not counted row by row, a search's few rows are counted exactly, and
  so is a list of at most ``COUNT_CAP`` rows that an estimate within the margin
  put above it;
- a list narrowed to a user's regional scope is estimated as the list's unscoped
  estimate times the scope's share of the persons (``accounts.scope.scope_share``):
  the planner's own estimate of a scope (ORed EXISTS, each rated one half) was up
  to eleven times the truth;
- the pages stop at ``MAX_PAGES`` (the OFFSET stays small): further back, a
  filter (a date range, a search) narrows the list instead of paging;
- a searched page's rows picked by their keys before their related rows are
  joined (``BigTablePaginator._get_page``), the keys found by the query that
  counts the matches (``BigTablePaginator._count_and_keys``);
- a page's rows read with the fields their cells show alone, when the admin
  names them (``BigListMixin.list_only``; the ledger's five records a row made
  into instances of every field were 2–3 ms of a searched page's 35–43);
- no full count, no facets; an estimate or a capped count says so on the page
  ("约 727,119 条", "10,000 条以上": ``count_text``, ``admin/pagination.html``
  and ``admin/search_form.html``), an exact count is shown as Django does;
- a row's link to its record from one reverse of the URL, looked up once a page
  (``core.admin.records.record_urls``), and its selection checkbox written out
  (``action_checkbox``), not rendered through the form widget's template: that
  render was a third of the time of a review queue's rows (cProfile);
- each row written as one string, not cell by cell (``core.admin.rows``, by the
  ``big_result_list`` tag of ``admin/yibao_change_list.html``, the template of
  every admin that exports).

A search box of such a list answers an identifier (ID number, account number,
结算ID) exactly from an index, never ORed with a substring search over the table
(``accounts.selectors.person_search`` / ``ledger_search``,
``transfers.selectors.payment_search``).
"""

import json
from urllib.parse import parse_qsl, urlencode

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.utils import quote
from django.contrib.admin.views.main import ChangeList
from django.core.paginator import Paginator
from django.db.models import Count, F, Func, QuerySet, Window
from django.db.models.sql.where import WhereNode
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext as _

from core.admin.records import record_urls

COUNT_CAP = 10_000
ESTIMATE_MARGIN = 2  # how far an estimate may be off (docs/BENCHMARKS.md: within 1.3)
MAX_PAGES = 200


class BigTablePaginator(Paginator):
    """Estimated or capped counts, and at most ``MAX_PAGES`` pages.

    ``scoped``: the list before its regional scope and a function that gives the
    scope's share of the persons (``BigChangeList``), its estimate's basis;
    ``searched``: the list is a search's (its page's keys sorted, ``_get_page``);
    ``page_number``: the page the list will show (its keys found with the count,
    ``_count_and_keys``), ``page_keys`` then."""

    def __init__(self, *args, scoped=None, searched=False, page_number=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.scoped = scoped
        self.searched = searched
        self.page_number = page_number
        self.page_keys = None
        self.estimated = False

    @cached_property
    def count(self) -> int:
        queryset = _keys(self.object_list)
        estimate = self._estimate(queryset)
        if estimate > ESTIMATE_MARGIN * COUNT_CAP:
            self.estimated = True
            return estimate
        if self.searched and self.page_number is not None:
            counted = self._count_and_keys()
            if counted is not None:
                return counted
        return queryset[: COUNT_CAP + 1].count()

    def _count_and_keys(self) -> int | None:
        """A search's count (up to ``COUNT_CAP + 1``) and the keys of the page
        ``page_number`` (``page_keys``) from one scan of its matches::

            SELECT id, COUNT(*) OVER () FROM persons
            WHERE id IN (SELECT id FROM persons WHERE <search, scope> LIMIT 10001)
            ORDER BY COALESCE(id) LIMIT 50 OFFSET …

        Counted, then paged by a second query, a scoped search tested its
        regional scope on every candidate twice: a 苏州 clerk's surname search
        (773 matches of 10,000 candidates, the scope's two agreement probes for
        each) spent 86 ms on the count and 85 on the keys. The matches are read as
        the count read them (at most ``COUNT_CAP + 1``, in no order) and sorted as
        ``_get_page`` sorts a search's keys. Past the cap the keys sorted are not
        all the matches': only the count is kept, the page read as a big list's.
        ``None``: a page past the last (no row to carry the count) or before the first."""
        queryset = self.object_list
        if not isinstance(queryset, QuerySet) or self.page_number < 1:
            return None  # no such page: Django's own answer (``InvalidPage``)
        matches = _keys(queryset)[: COUNT_CAP + 1]
        bottom = (self.page_number - 1) * self.per_page
        found = list(
            queryset.model._base_manager.filter(pk__in=matches)
            .order_by(*_sorted(queryset.query.order_by))
            .annotate(matches=Window(Count("*")))
            .values_list("pk", "matches")[bottom : bottom + self.per_page + self.orphans]
        )
        if not found:
            return None if bottom else 0
        count = found[0][1]
        if count <= COUNT_CAP:
            self.page_keys = [pk for pk, _ in found]
        return count

    def rows_of(self, keys) -> QuerySet:
        """The list's rows of ``keys``, with their related rows, in its order: the
        keys carry its filters (and its scope)."""
        rows = self.object_list.all()
        rows.query.where = WhereNode()
        return rows.filter(pk__in=keys)

    @property
    def count_text(self) -> str | None:
        return count_text(self.count, estimated=self.estimated)

    def _estimate(self, queryset) -> int:
        if self.scoped is None:
            return _planned_rows(queryset)
        unscoped, share_of = self.scoped
        rows = _planned_rows(_keys(unscoped))
        if rows <= ESTIMATE_MARGIN * COUNT_CAP:  # counted: the scope's share not needed
            return rows
        share = share_of()
        return 0 if share is None else round(rows * share)

    @cached_property
    def num_pages(self) -> int:
        return min(super().num_pages, MAX_PAGES)

    def _get_page(self, object_list, *args, **kwargs):
        """A page of a list counted exactly (a search's or a filter's at most
        ``COUNT_CAP`` rows): its rows chosen by their keys alone, then read with
        their related rows, ``WHERE id IN (SELECT id … ORDER BY … LIMIT 50)``.
        Given the joins of ``list_select_related``, PostgreSQL joined every row
        the search matched before sorting them (the 2,042 entries of an account,
        the wallets hashed for them: 100 ms, or a parallel worker started for
        them), not the 50 shown. A list of millions is read along its ordering's
        index and joined for the page's rows already: there the filters planned
        twice would only cost (a scoped ledger's page 25 → 37 ms). The outer
        query drops the list's filters (the keys carry them): repeated there, the
        reversals queue's nested scope EXISTS cost its page 48 → 150–260 ms.

        A search's keys are sorted, not read along the ordering's index
        (``_sorted``): the planner expects a search's matches spread evenly over
        the ledger and walked ``entry_occurred_idx`` backwards to meet 50 of an
        account's 2,042 entries, 65,000 entries read, 257 ms; found by their
        indexes and sorted they are 2–8 ms (at most ``COUNT_CAP`` rows to sort).
        A search's page found with its count (``page_keys``) is read by them."""
        if self.page_keys is not None and args[0] == self.page_number:
            shown = object_list.query.high_mark - object_list.query.low_mark
            object_list = self.rows_of(self.page_keys[:shown])  # found with the count
        elif (
            isinstance(object_list, QuerySet)
            and object_list.query.is_sliced
            and self.count <= COUNT_CAP
        ):
            keys = object_list.select_related(None).values("pk")
            if self.searched:
                keys.query.order_by = tuple(_sorted(keys.query.order_by))
            object_list = self.rows_of(keys)
        return super()._get_page(object_list, *args, **kwargs)


def _sorted(ordering):
    """``ordering`` with each field wrapped in a one-argument ``COALESCE``: the same
    order, that no index can give (PostgreSQL keeps the call), so the rows are
    found by the search's indexes and sorted."""
    for term in ordering:
        if isinstance(term, str) and term != "?":
            name = term.removeprefix("-")
            wrapped = Func(F(name), function="COALESCE")
            yield wrapped.desc() if term.startswith("-") else wrapped.asc()
        else:
            yield term


def count_text(count: int, *, estimated: bool) -> str | None:
    """A big list's count as its page says it when it is not exact: "约 727,119 条"
    for an estimate, "10,000 条以上" past the cap; ``None``: an exact count, which
    the admin's line shows as Django does (``admin/pagination.html``)."""
    if estimated:
        return _("about %(count)s") % {"count": f"{count:,}"}
    if count > COUNT_CAP:
        return _("more than %(count)s") % {"count": f"{COUNT_CAP:,}"}
    return None


def _keys(queryset) -> QuerySet:
    return queryset.order_by().select_related(None).values("pk")


def _planned_rows(queryset) -> int:
    """The rows PostgreSQL's planner expects ``queryset`` to return (EXPLAIN, not
    run): from the table's statistics, so a regional scope or a date range over
    millions of rows is not counted row by row to show a page."""
    explained = queryset.explain(format="json")
    if not explained:  # a query Django knows matches nothing (an empty IN list)
        return 0
    return int(json.loads(explained)[0]["Plan"]["Plan Rows"])


class BigChangeList(ChangeList):
    """Each row's link: the record's URL (``record_urls``) and the list's filters it
    carries back, encoded once a page. Django's ``add_preserved_filters`` would
    resolve each row's URL to learn that it is not the list's own (a quarter of a
    searched ledger's rows' time); given no filters, it keeps the link's own.
    Its rows are written by ``core.admin.rows`` (``writes_rows``)."""

    writes_rows = True
    scoped = None  # the list before its regional scope, and the scope's share
    count_text = None  # an estimated or capped count as the page says it

    def __init__(self, request, *args, **kwargs):
        # The root of a scoped admin's list unscoped (``ScopedAdminMixin.get_queryset``
        # reads this once): ``get_queryset`` scopes what it filters and searches, and
        # the scope built for the root as well was a fifth of a clerk's search (CPU).
        request.big_list_unscoped_root = True
        try:
            super().__init__(request, *args, **kwargs)
        finally:
            request.__dict__.pop("big_list_unscoped_root", None)
        self.row_filters = urlencode(dict(parse_qsl(self.preserved_filters)))
        self.preserved_filters = ""  # read only by the rows' links

    def get_queryset(self, request, exclude_parameters=None):
        """The list filtered and searched before its regional scope, then scoped
        (``ScopedAdminMixin.scope_list``): the unscoped list is its count's basis."""
        scope_list = getattr(self.model_admin, "scope_list", None)
        unscoped = super().get_queryset(request, exclude_parameters)
        if scope_list is None:
            return unscoped
        queryset, share = scope_list(request, unscoped)
        if exclude_parameters is None:
            self.scoped = (unscoped, share)
        return queryset

    def get_results(self, request):
        if self.scoped is not None and self.model_admin.show_full_result_count:
            self.root_queryset = self.model_admin.scope_list(request, self.root_queryset)[0]
        request.big_list_scoped = self.scoped
        request.big_list_searched = bool(self.query)
        request.big_list_page = self.page_num
        super().get_results(request)
        self.count_text = getattr(self.paginator, "count_text", None)
        keys = getattr(self.paginator, "page_keys", None)
        if keys is not None and not self.multi_page and not self.show_all:
            # One page of matches (an exact search's): Django reads it as the whole
            # list, its search and scope tested again; its keys are known.
            self.result_list = self.paginator.rows_of(keys)
        if self.model_admin.list_only:
            self.result_list = self.result_list.only(*self.model_admin.list_only)

    @cached_property
    def record_url(self):
        """The URL of a row's record, as a function of its key (``record_urls``)."""
        name = f"admin:{self.opts.app_label}_{self.opts.model_name}_change"
        return record_urls(name, current_app=self.model_admin.admin_site.name)

    def url_for_result(self, result):
        url = self.record_url(quote(getattr(result, self.pk_attname)))
        return f"{url}?{self.row_filters}" if self.row_filters else url


class BigListMixin:
    """The list settings of an admin over a big table (see the module's docstring)."""

    paginator = BigTablePaginator
    # The fields a page's rows are read with (``QuerySet.only``), the related rows'
    # too: those the columns show and their ``__str__`` reads. None: all of them.
    list_only = None
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER

    def get_changelist(self, request, **kwargs):
        return BigChangeList

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        """The paginator, given the list's unscoped basis (``BigChangeList``)."""
        arguments = (queryset, per_page, orphans, allow_empty_first_page)
        if not issubclass(self.paginator, BigTablePaginator):  # a test's Django paginator
            return self.paginator(*arguments)
        scoped = getattr(request, "big_list_scoped", None)
        searched = getattr(request, "big_list_searched", False)
        page_number = getattr(request, "big_list_page", None)
        return self.paginator(*arguments, scoped=scoped, searched=searched, page_number=page_number)

    def action_checkbox(self, obj):
        """The HTML of Django's ``CheckboxInput`` for the row, written out."""
        label = format_html(_("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            label,
        )
