"""Insured persons (参保人)."""

import datetime as dt

import pghistory
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, DateRangeField, RangeOperators
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.masking import mask_id_number, mask_name, mask_phone
from core.models import operator_field

from .regions import PoolingRegion


class NameGrams(models.Func):
    """The characters and character pairs of a name, upper-cased: the SQL function
    ``person_name_grams`` (migration ``accounts.0019``).

    Why: a trigram index cannot answer a part of fewer than three characters
    (``LIKE '%曾浩%'`` has no whole trigram, so the index returns every person and
    each is read again), and a third of Chinese names have two characters. A
    part of one or two characters is one of its grams exactly when it is in the
    name, so ``grams(name) @> grams(part)`` is the search, from a GIN index.
    """

    function = "person_name_grams"
    output_field = ArrayField(models.TextField())


class Scheme(models.TextChoices):
    """险种类型, national codes."""

    EMPLOYEE = "310", _("employee basic medical insurance")
    RESIDENT = "390", _("urban and rural resident basic medical insurance")


class PersonCategory(models.TextChoices):
    """人员类别, national code list."""

    EMPLOYED = "1101", _("employed")
    FLEXIBLE_EMPLOYED = "1103", _("flexibly employed")
    RETIRED = "1201", _("retired employee")
    FLEXIBLE_RETIRED = "1203", _("flexibly employed, retired")
    INFANT = "1401", _("infant")
    PRESCHOOL = "1402", _("preschool child")
    PUPIL = "1403", _("primary and secondary school pupil")
    STUDENT = "1404", _("college student")
    OTHER_MINOR = "1405", _("other minor")
    RESIDENT = "1501", _("ordinary resident")


class EnrolmentStatus(models.TextChoices):
    """参保状态."""

    # A context of its own: Django's users list filters on "active" too (有效).
    ACTIVE = "active", pgettext_lazy("enrolment status", "active")
    SUSPENDED = "suspended", _("suspended")
    TERMINATED = "terminated", _("terminated")


class Gender(models.TextChoices):
    MALE = "M", _("male")
    FEMALE = "F", _("female")


@pghistory.track()
class InsuredPerson(models.Model):
    """A person enrolled in basic medical insurance.

    Birth date and gender are derived from the ID number when it is registered
    (``accounts.services.people``) and stored, so lists can filter on them.
    """

    # 姓名 for a person; "name" alone is 名称 (regions, Django's groups).
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    id_number = models.CharField(_("ID number"), max_length=18, unique=True)
    birth_date = models.DateField(_("birth date"))
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    scheme = models.CharField(_("scheme"), max_length=3, choices=Scheme.choices)
    category = models.CharField(
        _("person category"), max_length=4, choices=PersonCategory.choices, blank=True
    )
    status = models.CharField(
        _("enrolment status"),
        max_length=12,
        choices=EnrolmentStatus.choices,
        default=EnrolmentStatus.ACTIVE,
    )
    region = models.ForeignKey(
        PoolingRegion,
        on_delete=models.PROTECT,
        related_name="persons",
        verbose_name=_("pooling region"),
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    enrolled_on = models.DateField(_("enrolment date"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = operator_field(_("created by"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("insured person")
        verbose_name_plural = _("insured persons")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(id_number__regex=r"^[0-9]{17}[0-9X]$"),
                name="person_id_number_format",
            ),
        ]
        indexes = [
            models.Index(fields=["name"], name="person_name_idx"),
            # Name search is ``name__icontains`` (UPPER(name) LIKE '%…%'): a trigram
            # index on the same expression answers it without reading every person.
            GinIndex(OpClass(Upper("name"), name="gin_trgm_ops"), name="person_name_trgm_idx"),
            # A part of one or two characters, which no trigram covers (``NameGrams``).
            GinIndex(NameGrams("name"), name="person_name_grams_idx"),
            # The regional scope asks a record's persons' regions by their ids
            # (``accounts.scope``): read from this index alone, no person's row.
            models.Index(fields=["id"], include=["region"], name="person_region_probe_idx"),
        ]
        permissions = [
            ("view_unmasked", _("Can see unmasked ID numbers and phones")),
            ("export_unmasked", _("Can export unmasked ID numbers and phones")),
            ("export_data", _("Can export lists")),
            ("import_persons", _("Can import insured persons")),
            ("import_credits", _("Can import account credits")),
        ]

    def __str__(self):
        return f"{self.name}（{self.masked_id_number}）"

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def is_active(self) -> bool:
        """Active now; whether the person was on a given date is ``accounts.enrolment``'s answer."""
        return self.status == EnrolmentStatus.ACTIVE


class DateRange(models.Func):
    """PostgreSQL's ``daterange(from, to)``: half-open, an empty bound is unbounded."""

    function = "DATERANGE"
    output_field = DateRangeField()


class EnrolmentPeriod(models.Model):
    """One stretch of a person's enrolment history: the status, scheme and pooling
    region that held from ``valid_from`` (inclusive) until ``valid_to`` (exclusive).

    Every rule about a date (DOMAIN.md "Dates that decide") asks this history, not
    the person's current status: a late settlement is judged by the period its
    date falls in. The first period begins on the 参保日期 (empty: unknown, so
    unbounded); the last is open (``valid_to`` empty). Written only by the person
    services; the database keeps one person's periods from overlapping.
    """

    person = models.ForeignKey(
        InsuredPerson,
        on_delete=models.PROTECT,
        related_name="enrolment_periods",
        verbose_name=_("insured person"),
    )
    status = models.CharField(_("enrolment status"), max_length=12, choices=EnrolmentStatus.choices)
    scheme = models.CharField(_("scheme"), max_length=3, choices=Scheme.choices)
    region = models.ForeignKey(
        PoolingRegion, on_delete=models.PROTECT, related_name="+", verbose_name=_("pooling region")
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid until (exclusive)"), null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment period")
        verbose_name_plural = _("enrolment history")
        # By the column, not the person: ordering by "person" joins the persons table
        # for its id (the same order), in every read of a history (issue 12).
        ordering = ["person_id", models.F("valid_from").asc(nulls_first=True)]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_from__isnull=True)
                | models.Q(valid_to__isnull=True)
                | models.Q(valid_from__lt=models.F("valid_to")),
                name="enrolment_period_not_empty",
            ),
            # Two open periods of a person overlap too. Needs the btree_gist extension
            # (migration 0005) for the equality on person.
            ExclusionConstraint(
                name="enrolment_periods_never_overlap",
                expressions=[
                    ("person", RangeOperators.EQUAL),
                    (DateRange("valid_from", "valid_to"), RangeOperators.OVERLAPS),
                ],
            ),
        ]

    def __str__(self):
        since = self.valid_from.isoformat() if self.valid_from else "…"
        until = self.valid_to.isoformat() if self.valid_to else "…"
        return f"{since} – {until} {self.get_status_display()}"

    def covers(self, on_date: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= on_date) and (
            self.valid_to is None or on_date < self.valid_to
        )
