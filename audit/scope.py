"""Regional scope on the auditor's screen: the events and disclosures a viewer may
find (the rule itself: ``accounts.scope.scope_regions``).

An event is in scope when the record it is about belongs to a region of the scope,
read from the event row's own columns (so also a deleted record's events):

- persons, accounts, agreements (either side), payments (either side), reversals
  (their payment's sides), wallet transfers (either side) and spendings: by the
  person's current region; a person's own events also by the region written in
  the event (where they lived then);
- a region's settings and its province's policies: by that region or province;
- halls, the users placed at them, the placements and a user's groups and
  permissions: by the hall's region;
- the rest has no region (the hold rules, groups and their permissions): found
  only by the national role and superusers, as is everything.

A disclosure is in scope when the user who saw the data works at a hall of the
scope. The condition is SQL inside each event table's part of pghistory's union
(``ScopedEventsQuerySet``), so the database filters before anything is read.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q
from pghistory.models import Events, EventsQuery, EventsQueryCompiler, EventsQuerySet

from accounts.models import InsuredPerson, PoolingRegion, ServiceHall, Wallet
from accounts.scope import scope_regions


def _persons(codes):
    return InsuredPerson.objects.filter(region__in=codes)


def _users(codes):
    return get_user_model().objects.filter(placement__hall__region__in=codes)


def _payments(codes):
    from transfers.models import SharingPayment

    persons = _persons(codes).values("pk")
    return SharingPayment.objects.filter(Q(grantor__in=persons) | Q(beneficiary__in=persons))


def _regions(codes):
    return PoolingRegion.objects.filter(pk__in=codes)


# Each event model's columns, and the records of the scope whose keys they hold
# (the event is in scope when one of its columns holds one). A model missing here
# has no region.
EVENT_SCOPE = {
    "accounts.PoolingRegionEvent": {"pgh_obj_id": _regions},
    "accounts.ProvincePolicyEvent": {"province_id": lambda c: _regions(c).values("province")},
    "accounts.InsuredPersonEvent": {"region_id": _regions, "pgh_obj_id": _persons},
    "accounts.PersonalAccountEvent": {"person_id": _persons},
    "accounts.SharingAgreementEvent": {"grantor_id": _persons, "beneficiary_id": _persons},
    "accounts.ServiceHallEvent": {"region_id": _regions},
    "accounts.StaffPlacementEvent": {
        "hall_id": lambda c: ServiceHall.objects.filter(region__in=c),
        "user_id": _users,
    },
    "transfers.SharingPaymentEvent": {"grantor_id": _persons, "beneficiary_id": _persons},
    "transfers.ReversalEvent": {"payment_id": _payments},
    "transfers.WalletTransferEvent": {"sender_id": _persons, "recipient_id": _persons},
    "transfers.WalletSpendingEvent": {
        "wallet_id": lambda c: Wallet.objects.filter(person__region__in=c)
    },
    "staff.UserEvent": {"pgh_obj_id": _users},
    "staff.UserGroupsEvent": {"user_id": _users},
    "staff.UserPermissionsEvent": {"user_id": _users},
}


def _subquery_sql(queryset, connection) -> str:
    """The queryset's keys as literal SQL (pghistory's union is raw SQL, without
    parameters of its own)."""
    if not queryset.query.values_select:
        queryset = queryset.values("pk")
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        return cursor.mogrify(sql, params)


def event_scope_sql(event_model, codes: list[str], connection) -> str:
    """The condition on an event table's rows (``_event``) for the regions ``codes``."""
    columns = EVENT_SCOPE.get(event_model._meta.label, {}) if codes else {}
    conditions = [
        f"_event.{column} IN ({_subquery_sql(records(codes), connection)})"
        for column, records in columns.items()
    ]
    return " OR ".join(conditions) or "FALSE"


class ScopedEventsCompiler(EventsQueryCompiler):
    def _get_where_clause(self, event_model):
        where = super()._get_where_clause(event_model)
        if self.query.regions is None:
            return where
        scope = event_scope_sql(event_model, self.query.regions, self.connection)
        scope = scope.replace("%", "%%")  # the union goes through parameter formatting
        if not where:
            return f"WHERE ({scope})"
        return f"WHERE ({where.removeprefix('WHERE ')}) AND ({scope})"


class ScopedEventsQuery(EventsQuery):
    """pghistory's query over every event table, with a regional scope (Django's
    ``Query.clone`` copies it along a chain of filters)."""

    regions = None  # codes of the regions of the scope; None: every region

    def get_compiler(self, *args, **kwargs):
        compiler = super().get_compiler(*args, **kwargs)
        compiler.__class__ = ScopedEventsCompiler
        return compiler


class ScopedEventsQuerySet(EventsQuerySet):
    def __init__(self, model=Events, query=None, using=None, hints=None):
        super().__init__(model, query or ScopedEventsQuery(model), using, hints)

    def scoped(self, user):
        """The events ``user`` may find."""
        queryset = self._clone()
        queryset.query.regions = scope_regions(user)
        return queryset


def scope_disclosures(rows, user):
    codes = scope_regions(user)
    return rows if codes is None else rows.filter(user__placement__hall__region__in=codes)
