"""Who was enrolled, where and in which scheme on a date: the one answer that
agreements, sharing payments and wallet transfers ask (DOMAIN.md, "Dates that
decide"). It reads the person's enrolment history (``EnrolmentPeriod``), never the
current status, so a settlement that arrives months late is judged by the day it
is about. The history is written by ``accounts.services.people``.
"""

import datetime as dt

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from accounts.models import EnrolmentPeriod, EnrolmentStatus, InsuredPerson, PoolingRegion

# For the queries that load persons to judge them: the history with the regions and
# policies the checks read, in one more query per batch of persons.
PERIODS_PREFETCH = Prefetch(
    "enrolment_periods",
    queryset=EnrolmentPeriod.objects.select_related("region__province__policy"),
)


def enrolment_on(person: InsuredPerson, on_date: dt.date) -> EnrolmentPeriod | None:
    """The period of the person's history in which ``on_date`` falls; None before the
    history begins (a day before the 参保日期). A history loaded with the person
    (``PERIODS_PREFETCH``, ``persons_by_id_number``) is read as it is: a related
    manager built for each question was a tenth of a settlement file's check."""
    periods = getattr(person, "_prefetched_objects_cache", {}).get("enrolment_periods")
    if periods is None:
        periods = person.enrolment_periods.all()
    return next((p for p in periods if p.covers(on_date)), None)


def period_active(person: InsuredPerson, on_date: dt.date) -> EnrolmentPeriod | None:
    """The period of the date when the person was actively enrolled (参保缴费) in it,
    in whichever scheme; None otherwise. The history is searched once (a check that
    asked ``person_enrolled_on`` and then ``enrolment_on`` searched it twice)."""
    period = enrolment_on(person, on_date)
    return period if period is not None and period.status == EnrolmentStatus.ACTIVE else None


def person_enrolled_on(person: InsuredPerson, on_date: dt.date) -> bool:
    """Actively enrolled (参保缴费) on the date, in whichever scheme."""
    return period_active(person, on_date) is not None


def region_on(person: InsuredPerson, on_date: dt.date) -> PoolingRegion:
    """The pooling region the person was insured in on the date (the scope and the
    province policy of that day); the current one outside the history."""
    period = enrolment_on(person, on_date)
    return period.region if period is not None else person.region


def enrolment_shown(person: InsuredPerson, on_date: dt.date) -> str:
    """What the history says of the date, for a refusal: the status, or not yet enrolled."""
    period = enrolment_on(person, on_date)
    return period.get_status_display() if period is not None else _("not yet enrolled")
