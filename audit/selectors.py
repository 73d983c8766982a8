"""The searches of the auditor's screen, over the trail and the disclosure log."""

import datetime as dt

from django.contrib.auth import get_user_model

from accounts.scope import scope_persons
from accounts.selectors import person_search
from audit.scope import ScopedEventsQuerySet, scope_disclosures
from core.dates import local_moment
from core.models import DisclosureLog
from core.trail import trail_events

PERSONS_AT_MOST = 50  # a name part that matches more is too vague to search the trail by


def _period(queryset, field: str, start: dt.date | None, end: dt.date | None):
    if start:
        queryset = queryset.filter(**{f"{field}__gte": local_moment(start)})
    if end:
        queryset = queryset.filter(**{f"{field}__lt": local_moment(end + dt.timedelta(days=1))})
    return queryset


def _user_ids(username: str) -> list[int]:
    return list(
        get_user_model().objects.filter(username=username.strip()).values_list("pk", flat=True)
    )


def trail_search(
    viewer, *, person="", user="", hall=None, start=None, end=None, kind="", change=""
):
    """Events of the trail that ``viewer`` may find (``audit.scope``), newest first:
    those about the persons found by ID number, account number or name (their own
    record and every record that names them), by the user, from the hall, in the
    local days ``start`` to ``end``, of one kind of record (an event model's label)
    and one kind of change."""
    events = trail_events(ScopedEventsQuerySet().scoped(viewer))
    if kind:
        events = events.across(kind)
    if person.strip():
        persons = list(person_search(scope_persons(viewer), person)[:PERSONS_AT_MOST])
        if not persons:
            return events.none()
        events = events.references(persons)
    if user.strip():
        ids = _user_ids(user)
        if not ids:
            return events.none()
        events = events.filter(pgh_context__user=ids[0])
    if hall is not None:
        events = events.filter(pgh_context__hall_id=hall.pk)
    if change:
        events = events.filter(pgh_label=change)
    return _period(events, "pgh_created_at", start, end)


def disclosure_search(viewer, *, user="", start=None, end=None, subject=""):
    """Rows of the disclosure log that ``viewer`` may find, newest first."""
    rows = DisclosureLog.objects.select_related("user").order_by("-at", "-pk")
    rows = scope_disclosures(rows, viewer)
    if user.strip():
        rows = rows.filter(user__username=user.strip())
    if subject.strip():
        rows = rows.filter(subject__icontains=subject.strip())
    return _period(rows, "at", start, end)
