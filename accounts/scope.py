"""Regional scope (服务大厅 and 统筹区): what a staff user may see and act on.

The one place that answers it, asked by every path: the admin (lists, search,
autocomplete, pages, actions, exports and their jobs, through
``accounts.admin.scope.ScopedAdminMixin``), the printed documents, the reports,
the imports and the services that write.

- A clerk or reviewer acts on the persons of their hall's pooling region, and sees
  read-only the other side of an agreement (so of its payments and transfers)
  that involves their region.
- A supervisor or auditor (``accounts.scope_province``) sees and acts on their
  hall's province.
- The national role (``accounts.scope_national``) and superusers: every region.
- A staff user without a hall sees nothing; a write without an operator (a
  command run by the system) is not limited.

A record is in scope when one of the persons it concerns lives in a region of
the scope (a person's current region); it may be acted on when the person who
acts in it (the grantor whose account pays, the account's holder) does.
"""

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import InsuredPerson, PoolingRegion, SharingAgreement, StaffPlacement
from core.errors import DomainError

SCOPE_PROVINCE = "accounts.scope_province"
SCOPE_NATIONAL = "accounts.scope_national"

# Each scoped model (its concrete model's label): the paths from a record to the
# regions it concerns, and those of them whose region may act on it. A model
# missing here is not limited by region (reference data, settings, a user's own
# jobs); ``accounts.admin.scope`` lists which and why.
SCOPE_PATHS = {
    "accounts.insuredperson": (("region",), ("region",)),
    "accounts.personalaccount": (("person__region",), ("person__region",)),
    "accounts.wallet": (("person__region",), ("person__region",)),
    "accounts.ledgerentry": (
        ("account__person__region", "wallet__person__region", "counterpart__region"),
        (),
    ),
    "accounts.sharingagreement": (
        ("grantor__region", "beneficiary__region"),
        ("grantor__region",),
    ),
    "transfers.sharingpayment": (
        ("grantor__region", "beneficiary__region"),
        ("grantor__region",),
    ),
    "transfers.reversal": (("grantor__region", "beneficiary__region"), ("grantor__region",)),
    "transfers.wallettransfer": (
        ("sender__region", "recipient__region"),
        ("sender__region", "recipient__region"),
    ),
    "transfers.walletspending": (("wallet__person__region",), ("wallet__person__region",)),
    "accounts.servicehall": (("region",), ("region",)),
    "auth.user": (("placement__hall__region",), ("placement__hall__region",)),
}


class OutOfScope(DomainError):
    message = _("%(what)s is outside the pooling regions of your service hall.")


def staff_placement(user) -> StaffPlacement | None:
    """``user``'s hall placement with its hall, region and (``province_regions``) the
    codes of its province's regions: one query, kept as ``user.placement`` for the
    rest of the request (the header's hall, the audit context read it there)."""
    descriptor = user.__class__.placement  # the user model (request.user is a lazy proxy)
    if not descriptor.is_cached(user):
        regions = PoolingRegion.objects.filter(province=OuterRef("hall__region__province"))
        found = (
            StaffPlacement.objects.select_related("hall__region")
            .annotate(province_regions=ArraySubquery(regions.order_by("code").values("code")))
            .filter(user=user)
            .first()
        )
        descriptor.related.set_cached_value(user, found)
    return descriptor.related.get_cached_value(user)


def scope_regions(user) -> list[str] | None:
    """Codes of the pooling regions ``user`` acts on; ``None``: every region.
    Remembered on the user object, the national answer too (a file's check asks
    once a row; ``has_perm`` each time was a twentieth of a credit file's)."""
    if user is None:
        return None
    cached = getattr(user, "_scope_regions", False)
    if cached is not False:
        return cached
    if user.is_superuser or user.has_perm(SCOPE_NATIONAL):
        user._scope_regions = None
        return None
    if not user.is_authenticated:
        return []
    placement = staff_placement(user)
    if placement is None:
        codes = []
    elif user.has_perm(SCOPE_PROVINCE):
        codes = getattr(placement, "province_regions", None)
        if codes is None:  # a placement made in this request, not read by staff_placement
            province = placement.hall.region.province_id
            regions = PoolingRegion.objects.filter(province=province)
            codes = list(regions.values_list("code", flat=True))
    else:
        codes = [placement.hall.region_id]
    user._scope_regions = codes
    return codes


def _label(model) -> str:
    return model._meta.concrete_model._meta.label_lower


def is_scoped(model) -> bool:
    return _label(model) in SCOPE_PATHS


def _any_in(model, paths, codes) -> Q:
    """``model``'s records with a path of ``paths`` in a region of ``codes``, asked
    of the persons by their ids, never by joining every record to its persons
    and filtering after: a review queue's count joined both parties of every
    queued row of the province to keep a city's tenth (docs/BENCHMARKS.md,
    branch ``pages-scope``).

    - The record's own region (``region``), or a reverse relation (a user's
      placement): compared directly.
    - The record's persons (``grantor__region``, ``beneficiary__region``): one
      EXISTS over the persons' ids, ``id IN (grantor_id, beneficiary_id)``,
      answered from the index of ids with their region (both of a family are
      often on one index page).
    - A path through another record (``account__person__region``,
      ``wallet__person__region``): EXISTS of that record by its key with its
      own paths' condition, the same rule one step further.

    Alone, the EXISTS is a semi join the planner estimates from the statistics
    (a list's estimated count stays the region's); several are ORed, each then
    probed row by row (``_ProbedExists``) so that no plan hashes a table."""
    direct, persons, through = [], [], {}
    for path in paths:
        hop, _, rest = path.partition("__")
        field = model._meta.get_field(hop)
        if not rest or not field.concrete:
            direct.append(path)
        elif rest == "region" and field.related_model is InsuredPerson:
            persons.append(OuterRef(hop))
        else:
            through.setdefault(field, []).append(rest)
    probes = []
    if persons:
        probes.append(InsuredPerson.objects.filter(pk__in=persons, region__in=codes))
    for field, rests in through.items():
        target = field.related_model
        probes.append(target.objects.filter(_any_in(target, rests, codes), pk=OuterRef(field.name)))
    condition = Q(pk__in=[])
    for path in direct:
        condition |= Q(**{f"{path}__in": codes})
    if len(probes) == 1 and not direct:
        return Q(Exists(probes[0]))
    for probe in probes:
        condition |= Q(_ProbedExists(probe))
    return condition


class _ProbedExists(Exists):
    """EXISTS that PostgreSQL asks row by row through the indexes: ``OFFSET 0`` keeps
    the planner from turning it into a hash of every matching row built first
    (it expects to test every person, not the one page a LIMIT stops at; at 1M
    persons the hash of a province's agreements took 2.5 s, the probes 4 ms)."""

    template = "EXISTS(%(subquery)s OFFSET 0)"


def _counterparts(codes) -> Q:
    """Persons on the other side of an agreement that involves one of ``codes``.

    Probed per person (the agreement indexes by grantor and by beneficiary), and
    only for a person whose own region is not in ``codes`` (the OR before it)."""
    agreements = SharingAgreement.objects
    as_beneficiary = agreements.filter(beneficiary=OuterRef("pk"), grantor__region__in=codes)
    as_grantor = agreements.filter(grantor=OuterRef("pk"), beneficiary__region__in=codes)
    return Q(_ProbedExists(as_beneficiary)) | Q(_ProbedExists(as_grantor))


def scope_queryset(queryset: QuerySet, user, *, act: bool = False) -> QuerySet:
    """The records of ``queryset`` that ``user`` may see (``act``: act on)."""
    paths = SCOPE_PATHS.get(_label(queryset.model))
    codes = scope_regions(user)
    if paths is None or codes is None:
        return queryset
    condition = _any_in(queryset.model, paths[1] if act else paths[0], codes)
    if not act and queryset.model is InsuredPerson:
        condition |= _counterparts(codes)
    return queryset.filter(condition)


def scope_share(codes) -> float | None:
    """The share of the insured persons who live in the regions ``codes``, from
    PostgreSQL's statistics of their region column (what ANALYZE sampled: the
    frequent regions' frequencies, the rest shared evenly); ``None`` before any.

    A big scoped list's count is estimated as its unscoped estimate times this
    share (``core.admin.lists``): the planner rates each ORed EXISTS of a scope
    at one half, so its own estimate of a city's ledger was eleven times the
    truth (docs/BENCHMARKS.md, branch ``scoped-estimates``). A record's persons
    mostly live in one region (a family), so a region's share of the persons is
    near its share of the entries, payments and agreements."""
    table = InsuredPerson._meta.db_table
    column = InsuredPerson._meta.get_field("region").column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT most_common_vals::text::text[], most_common_freqs, n_distinct, null_frac"
            " FROM pg_stats WHERE schemaname = current_schema()"
            " AND tablename = %s AND attname = %s",
            [table, column],
        )
        stats = cursor.fetchone()
    if stats is None:
        return None
    values, freqs, distinct, null_frac = stats
    frequent = dict(zip(values or [], freqs or [], strict=True))
    rare = max(distinct - len(frequent), 1) if distinct > 0 else max(len(codes), 1)
    rest = max(1.0 - null_frac - sum(frequent.values()), 0.0) / rare
    return min(sum(frequent.get(code, rest) for code in codes), 1.0)


def scope_persons(user, *, act: bool = False) -> QuerySet:
    return scope_queryset(InsuredPerson.objects.all(), user, act=act)


def can_act(user, obj: Model) -> bool:
    """May ``user`` act on ``obj`` (a scoped record; any other record: yes)?"""
    if not is_scoped(type(obj)) or scope_regions(user) is None:
        return True
    model = obj._meta.concrete_model
    return scope_queryset(model.objects.filter(pk=obj.pk), user, act=True).exists()


def require_can_act(operator, obj: Model) -> None:
    """Refuse ``operator`` acting on ``obj`` (a review, an acceptance) out of scope:
    the services' own check, behind the admin's (``can_act``)."""
    if not can_act(operator, obj):
        raise OutOfScope(what=str(obj))


def require_region_in_scope(operator, region, *, argument: str = "region") -> None:
    """Refuse a write into ``region`` (a PoolingRegion or its code) outside the scope."""
    codes = scope_regions(operator)
    code = getattr(region, "pk", region)
    if codes is not None and code not in codes:
        error = OutOfScope(what=str(PoolingRegion.objects.filter(pk=code).first() or code))
        error.argument = argument
        raise error


def require_person_in_scope(operator, person, *, argument: str) -> None:
    """Refuse acting on ``person`` when their region is outside ``operator``'s scope."""
    require_in_scope(operator, person.region_id, person, argument=argument)


def require_in_scope(operator, region_code: str, what, *, argument: str) -> None:
    """Refuse acting on ``what`` (a person, or a person's label) of the region
    ``region_code`` when it is outside ``operator``'s scope. For a file's rows read
    as tuples (a credit file's accounts), which have no person object to give."""
    codes = scope_regions(operator)
    if codes is not None and region_code not in codes:
        error = OutOfScope(what=str(what))
        error.argument = argument
        raise error
