"""Family sharing agreements (共济关系): a grantor's account pays for a relative."""

import pghistory
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import operator_field

from .people import InsuredPerson
from .regions import Scope


class Relationship(models.TextChoices):
    """What the beneficiary is to the grantor. The first three are the basic set
    (2021 State Council guidance); the rest the close-relative extension
    (国办发〔2024〕38号), in force per province policy."""

    SPOUSE = "spouse", _("spouse")
    PARENT = "parent", _("parent")
    CHILD = "child", _("child")
    SIBLING = "sibling", _("sibling")
    PATERNAL_GRANDPARENT = "paternal_grandparent", _("paternal grandparent")
    MATERNAL_GRANDPARENT = "maternal_grandparent", _("maternal grandparent")
    PATERNAL_GRANDCHILD = "paternal_grandchild", _("paternal grandchild")
    MATERNAL_GRANDCHILD = "maternal_grandchild", _("maternal grandchild")


BASIC_RELATIONSHIPS = {Relationship.SPOUSE, Relationship.PARENT, Relationship.CHILD}


class EvidenceType(models.TextChoices):
    HOUSEHOLD_REGISTER = "household_register", _("household register")
    MARRIAGE_CERTIFICATE = "marriage_certificate", _("marriage certificate")
    BIRTH_CERTIFICATE = "birth_certificate", _("birth certificate")
    KINSHIP_CERTIFICATE = "kinship_certificate", _("kinship certificate")
    OTHER = "other", _("other")


class AgreementStatus(models.TextChoices):
    PENDING = "pending", _("pending review")
    REJECTED = "rejected", _("rejected")
    APPROVED = "approved", _("approved")
    ENDED = "ended", _("ended")


class EndReason(models.TextChoices):
    GRANTOR_REQUEST = "grantor_request", _("requested by the grantor")
    BENEFICIARY_REQUEST = "beneficiary_request", _("requested by the beneficiary")
    ENROLMENT_STOPPED = "enrolment_stopped", _("enrolment stopped")
    SCHEME_LEFT = "scheme_left", _("the grantor left the employee scheme")
    REGION_CHANGED = "region_changed", _("moved to another pooling region")


class AgreementQuerySet(models.QuerySet):
    def in_force(self, on_date):
        """Agreements in force on ``on_date``: approved, effective, not yet ended.

        An ended agreement is no longer in force from its ``ended_on`` day.
        """
        return self.filter(
            models.Q(status=AgreementStatus.APPROVED)
            | models.Q(status=AgreementStatus.ENDED, ended_on__gt=on_date),
            effective_from__lte=on_date,
            reviewed_at__isnull=False,
        )

    def live(self):
        """Pending or approved and not ended: what blocks a second agreement for the pair."""
        return self.filter(status__in=[AgreementStatus.PENDING, AgreementStatus.APPROVED])


@pghistory.track()
class SharingAgreement(models.Model):
    """共济关系. In force on day D when approved, effective on or before D and not
    ended on or before D. Never deleted: ending keeps the dates, who and why."""

    grantor = models.ForeignKey(
        InsuredPerson,
        on_delete=models.PROTECT,
        related_name="agreements_as_grantor",
        verbose_name=_("grantor"),
    )
    beneficiary = models.ForeignKey(
        InsuredPerson,
        on_delete=models.PROTECT,
        related_name="agreements_as_beneficiary",
        verbose_name=_("beneficiary"),
    )
    relationship = models.CharField(_("relationship"), max_length=24, choices=Relationship.choices)
    scope = models.CharField(_("scope"), max_length=16, choices=Scope.choices)
    evidence_type = models.CharField(
        _("evidence type"), max_length=24, choices=EvidenceType.choices
    )
    evidence_number = models.CharField(_("evidence number"), max_length=50, blank=True)
    evidence_scan = models.FileField(_("evidence scan"), upload_to="evidence/%Y/%m/", blank=True)
    undertaking_signed = models.BooleanField(_("undertaking signed"), default=True)
    effective_from = models.DateField(_("effective from"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AgreementStatus.choices,
        default=AgreementStatus.PENDING,
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    created_by = operator_field(_("registered by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = operator_field(_("reviewed by"))
    review_note = models.CharField(_("review note"), max_length=200, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(
        _("end reason"), max_length=24, choices=EndReason.choices, blank=True
    )
    end_note = models.CharField(_("end note"), max_length=200, blank=True)
    ended_by = operator_field(_("ended by"))

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("sharing agreement")
        verbose_name_plural = _("sharing agreements")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(grantor=models.F("beneficiary")),
                name="agreement_not_self",
            ),
            # At most one agreement in force (or waiting to be) per pair.
            models.UniqueConstraint(
                fields=["grantor", "beneficiary"],
                condition=models.Q(status__in=["pending", "approved"]),
                name="agreement_one_live_per_pair",
            ),
            models.CheckConstraint(
                condition=models.Q(reviewed_by__isnull=True)
                | ~models.Q(reviewed_by=models.F("created_by")),
                name="agreement_reviewer_not_creator",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="ended")
                | (models.Q(ended_on__isnull=False) & ~models.Q(end_reason="")),
                name="agreement_ended_has_date_and_reason",
            ),
            # A decision names who took it and when; a rejection also says why.
            models.CheckConstraint(
                condition=~models.Q(status__in=["approved", "rejected"])
                | models.Q(reviewed_at__isnull=False, reviewed_by__isnull=False),
                name="agreement_reviewed_has_reviewer",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="rejected") | ~models.Q(review_note=""),
                name="agreement_rejected_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["status", "effective_from"], name="agreement_status_idx")]
        permissions = [
            ("review_sharingagreement", _("Can approve or reject sharing agreements")),
            ("end_sharingagreement", _("Can end sharing agreements")),
            ("import_agreements", _("Can import sharing agreements")),
        ]

    def __str__(self):
        return f"{self.grantor.name} → {self.beneficiary.name}（{self.get_relationship_display()}）"


class PendingSharingAgreement(SharingAgreement):
    """The review queue: the same rows, shown to reviewers as their own list."""

    class Meta:
        proxy = True
        verbose_name = _("agreement pending review")
        verbose_name_plural = _("review queue of agreements")
        default_permissions = ()
