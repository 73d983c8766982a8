"""Registering, reviewing and ending family sharing agreements (共济关系).

Every path that creates an agreement (the counter, the bulk import) calls
``agreement_register`` with plain keyword arguments, so each rule of DOMAIN.md
is checked once, here. Every path that ends one (a party's request, a change of
a person through ``accounts.services.people.person_update``) ends it here, so
that ``accounts.signals.agreement_ended`` is sent for each, in its transaction
(the transfers app returns the wallet money on it).

Lock order: the two persons (primary-key order), then agreements (primary-key
order). ``person_update`` locks the one person it changes before it ends that
person's agreements, so a registration and a status change of the same person
never interleave: whichever comes second sees what the first committed.
"""

import datetime as dt
import uuid

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.enrolment import PERIODS_PREFETCH, enrolment_shown, person_enrolled_on
from accounts.errors import (
    AgreementBatchRefused,
    AgreementExists,
    AgreementNotLive,
    AgreementNotPending,
    BeneficiaryCapReached,
    BeneficiaryNotActive,
    BeneficiaryNotOlder,
    BeneficiaryNotYounger,
    EndNeedsReason,
    EvidenceScanTooLarge,
    EvidenceScanWrongType,
    GrantorNotActive,
    GrantorNotEmployee,
    SamePerson,
)
from accounts.models import (
    AgreementStatus,
    EndReason,
    EvidenceType,
    InsuredPerson,
    Relationship,
    Scheme,
    Scope,
    SharingAgreement,
)
from accounts.policy import require_relationship_allowed, require_scope_allowed
from accounts.scope import require_person_in_scope
from accounts.selectors import open_account_of, person_by_id_number
from accounts.signals import agreement_ended
from core.audit import audit_as
from core.errors import DomainError, about
from core.review import review_not_own, review_permitted, review_reason, review_record

REVIEW_PERMISSION = "accounts.review_sharingagreement"
EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
# What a scan may be, recognised by its first bytes (never by its name or the
# browser's content type), and the extension it is stored with.
EVIDENCE_SIGNATURES = {
    b"%PDF-": "pdf",
    b"\xff\xd8\xff": "jpg",
    b"\x89PNG\r\n\x1a\n": "png",
}
EVIDENCE_CONTENT_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}
OLDER_THAN_GRANTOR = {
    Relationship.PARENT,
    Relationship.PATERNAL_GRANDPARENT,
    Relationship.MATERNAL_GRANDPARENT,
}
YOUNGER_THAN_GRANTOR = {
    Relationship.CHILD,
    Relationship.PATERNAL_GRANDCHILD,
    Relationship.MATERNAL_GRANDCHILD,
}
PARTY_REQUESTS = (EndReason.GRANTOR_REQUEST, EndReason.BENEFICIARY_REQUEST)


def agreement_register(
    *,
    grantor_id_number: str,
    beneficiary_id_number: str,
    relationship: str,
    evidence_type: str,
    operator,
    evidence_number: str = "",
    effective_from: dt.date | None = None,
    evidence_scan=None,
) -> SharingAgreement:
    """Register an agreement at the counter or from an import row; it waits for review.

    Checks, in this order, each raising its own error: the optional scan
    (``EvidenceScanTooLarge``, ``EvidenceScanWrongType``), both ID numbers
    (``InvalidIdNumber``, ``PersonNotFound``), ``SamePerson``, the grantor
    (``GrantorNotEmployee``, ``GrantorAccountNotOpen``, ``GrantorNotActive``), the
    beneficiary (``BeneficiaryNotActive``), the relationship under the grantor's
    province policy on the effective date (``RelationshipNotAllowed``), the birth
    dates (``BeneficiaryNotOlder``/``BeneficiaryNotYounger``), the scope under both
    provinces' policies (``PolicyBlocks``), the grantor region's cap
    (``BeneficiaryCapReached``), one live agreement per pair (``AgreementExists``,
    also when the database constraint catches a concurrent registration). Writes no
    ledger entry. ``effective_from`` defaults to today.
    """
    relationship = Relationship(relationship)
    evidence_type = EvidenceType(evidence_type)
    effective_from = effective_from or timezone.localdate()
    scan_extension = evidence_scan_check(evidence_scan) if evidence_scan else None
    grantor, beneficiary = _parties(grantor_id_number, beneficiary_id_number)
    require_person_in_scope(operator, grantor, argument="grantor_id_number")
    with transaction.atomic(), audit_as(operator):
        grantor, beneficiary = _lock_persons(grantor, beneficiary)
        scope = _check_rules(grantor, beneficiary, relationship, effective_from)
        _check_cap_and_pair(grantor, beneficiary)
        agreement = SharingAgreement(
            grantor=grantor,
            beneficiary=beneficiary,
            relationship=relationship,
            scope=scope,
            evidence_type=evidence_type,
            evidence_number=(evidence_number or "").strip(),
            effective_from=effective_from,
            created_by=operator,
        )
        try:
            with transaction.atomic(), audit_as(operator):
                agreement.save()
        except IntegrityError as error:
            if "agreement_one_live_per_pair" not in str(error):
                raise
            raise AgreementExists(grantor=grantor.name, beneficiary=beneficiary.name) from None
        if scan_extension:
            evidence_scan.seek(0)
            name = f"{uuid.uuid4().hex}.{scan_extension}"  # never the uploaded file's name
            agreement.evidence_scan.save(name, evidence_scan, save=False)
            agreement.save(update_fields=["evidence_scan"])
    return agreement


def agreement_register_check(
    *,
    grantor_id_number: str,
    beneficiary_id_number: str,
    relationship: str,
    effective_from: dt.date | None = None,
    operator=None,
) -> Scope:
    """The rules of ``agreement_register`` on today's data, writing nothing (an import's
    preview); the scope the agreement would have. Raises the same errors."""
    relationship = Relationship(relationship)
    grantor, beneficiary = _parties(grantor_id_number, beneficiary_id_number)
    require_person_in_scope(operator, grantor, argument="grantor_id_number")
    scope = _check_rules(grantor, beneficiary, relationship, effective_from or timezone.localdate())
    _check_cap_and_pair(grantor, beneficiary)
    return scope


def agreements_register_batch(
    *, grantor_id_number: str, beneficiaries: list[dict], operator
) -> list[SharingAgreement]:
    """Register one grantor's agreements with several beneficiaries at once (the
    counter), all or none, in one transaction.

    Each item of ``beneficiaries`` holds the other arguments of
    ``agreement_register``. Every item is checked, so that one attempt shows every
    refusal; if any is refused nothing is registered, the scans already stored are
    deleted, and ``AgreementBatchRefused`` lists each refused beneficiary (its
    position and masked ID number) with its error.
    """
    created, refusals = [], []
    try:
        with transaction.atomic():
            for position, item in enumerate(beneficiaries, start=1):
                try:
                    created.append(
                        agreement_register(
                            grantor_id_number=grantor_id_number, operator=operator, **item
                        )
                    )
                except DomainError as error:
                    refusals.append((position, item.get("beneficiary_id_number", ""), error))
            if refusals:
                raise AgreementBatchRefused(refusals)
    except AgreementBatchRefused:
        for agreement in created:  # rolled back with the rows
            if agreement.evidence_scan:
                agreement.evidence_scan.storage.delete(agreement.evidence_scan.name)
        raise
    return created


def _parties(grantor_id_number, beneficiary_id_number):
    with about("grantor_id_number"):
        grantor = person_by_id_number(grantor_id_number)
    with about("beneficiary_id_number"):
        beneficiary = person_by_id_number(beneficiary_id_number)
    if grantor.pk == beneficiary.pk:
        raise SamePerson()
    return grantor, beneficiary


def _lock_persons(*people: InsuredPerson) -> list[InsuredPerson]:
    """Re-read and lock the persons in primary-key order; returned in the order given."""
    locked = {
        p.pk: p
        for p in InsuredPerson.objects.select_for_update(of=("self",))
        .select_related("region__province__policy")
        .prefetch_related(PERIODS_PREFETCH)
        .filter(pk__in=[p.pk for p in people])
        .order_by("pk")
    }
    return [locked[p.pk] for p in people]


def grantor_can_share(grantor: InsuredPerson, on_date) -> None:
    """The grantor's own conditions, before any beneficiary: the employee scheme, an
    open account, enrolled on the day. The counter asks them as soon as the grantor's
    ID number is typed, so a resident is stopped at once, not after the whole form."""
    if grantor.scheme != Scheme.EMPLOYEE:
        raise GrantorNotEmployee(name=grantor.name)
    open_account_of(grantor)
    if not person_enrolled_on(grantor, on_date):
        raise GrantorNotActive(name=grantor.name, status=enrolment_shown(grantor, on_date))


def _check_rules(
    grantor: InsuredPerson, beneficiary: InsuredPerson, relationship: Relationship, on_date
) -> Scope:
    """The rules about the two persons, their relationship and the policies; returns the scope.

    Both persons enrolled today (the day of registering or approving, DOMAIN rule
    2); the policies on the effective date.
    """
    today = timezone.localdate()
    grantor_can_share(grantor, today)
    if not person_enrolled_on(beneficiary, today):
        raise BeneficiaryNotActive(
            name=beneficiary.name, status=enrolment_shown(beneficiary, today)
        )
    require_relationship_allowed(grantor.region.province, relationship, on_date)
    _check_birth_dates(grantor, beneficiary, relationship)
    with about("effective_from"):  # the policies of that date
        return require_scope_allowed(grantor.region, beneficiary.region, on_date)


def _check_birth_dates(grantor, beneficiary, relationship) -> None:
    """A parent or grandparent is older than the grantor, a child or grandchild younger."""
    params = {
        "relationship": relationship.label,
        "beneficiary": beneficiary.name,
        "beneficiary_born": beneficiary.birth_date.isoformat(),
        "grantor": grantor.name,
        "grantor_born": grantor.birth_date.isoformat(),
    }
    if relationship in OLDER_THAN_GRANTOR and not beneficiary.birth_date < grantor.birth_date:
        raise BeneficiaryNotOlder(**params)
    if relationship in YOUNGER_THAN_GRANTOR and not beneficiary.birth_date > grantor.birth_date:
        raise BeneficiaryNotYounger(**params)


def _check_cap_and_pair(grantor, beneficiary) -> None:
    """The region's cap counts the grantor's live agreements; a pair has one at a time."""
    live = SharingAgreement.objects.live().filter(grantor=grantor)
    cap = grantor.region.beneficiary_cap
    if cap is not None and live.exclude(beneficiary=beneficiary).count() >= cap:
        raise BeneficiaryCapReached(name=grantor.name, count=cap, region=grantor.region.name)
    if live.filter(beneficiary=beneficiary).exists():
        raise AgreementExists(grantor=grantor.name, beneficiary=beneficiary.name)


def evidence_scan_check(scan) -> str:
    """The stored extension of an uploaded scan, after checking its size and content."""
    if scan.size > EVIDENCE_MAX_BYTES:
        raise EvidenceScanTooLarge(
            size=f"{scan.size / 1024 / 1024:.1f}", limit=EVIDENCE_MAX_BYTES // 1024 // 1024
        )
    scan.seek(0)
    head = scan.read(8)
    scan.seek(0)
    for signature, extension in EVIDENCE_SIGNATURES.items():
        if head.startswith(signature):
            return extension
    raise EvidenceScanWrongType()


def evidence_content_type(agreement: SharingAgreement) -> str:
    extension = agreement.evidence_scan.name.rsplit(".", 1)[-1]
    return EVIDENCE_CONTENT_TYPES.get(extension, "application/octet-stream")


def agreement_approve(*, agreement: SharingAgreement, operator, note: str = "") -> SharingAgreement:
    """Approve a pending agreement; it is in force from its effective date.

    The review's preconditions in ``core.review``'s order (``NotAReviewer``,
    ``AgreementNotPending``, ``ReviewerIsCreator``; the database refuses a
    reviewer who registered it too), then the rules are checked again against
    today's state of the persons and the policies.
    """
    review_permitted(operator, REVIEW_PERMISSION)
    require_person_in_scope(operator, agreement.grantor, argument=None)
    with transaction.atomic():
        # Persons before the agreement: the lock order of person_update.
        grantor, beneficiary = _lock_persons(agreement.grantor, agreement.beneficiary)
        locked = _lock_for_review(agreement, operator)
        _check_rules(grantor, beneficiary, Relationship(locked.relationship), locked.effective_from)
        review_record(
            locked,
            operator=operator,
            status=AgreementStatus.APPROVED,
            review_note=(note or "").strip(),
        )
        return locked


def agreement_reject(*, agreement: SharingAgreement, operator, reason: str) -> SharingAgreement:
    """Reject a pending agreement with a reason: ``ReasonRequired``, then the
    preconditions of ``agreement_approve``."""
    reason = review_reason(reason)
    review_permitted(operator, REVIEW_PERMISSION)
    require_person_in_scope(operator, agreement.grantor, argument=None)
    with transaction.atomic():
        locked = _lock_for_review(agreement, operator)
        review_record(
            locked, operator=operator, status=AgreementStatus.REJECTED, review_note=reason
        )
        return locked


def _lock_for_review(agreement, operator) -> SharingAgreement:
    locked = SharingAgreement.objects.select_for_update().get(pk=agreement.pk)
    if locked.status != AgreementStatus.PENDING:
        raise AgreementNotPending(number=locked.pk, status=locked.get_status_display())
    review_not_own(locked, operator)
    return locked


def agreement_end(
    *, agreement: SharingAgreement, requested_by: str, reason: str, operator
) -> SharingAgreement:
    """End an agreement today at the request of either party (``requested_by``: an
    ``EndReason`` of a request), with a reason (``EndNeedsReason``). Only a pending or
    approved agreement ends (``AgreementNotLive``). It is no longer in force from
    today; payments made under it before stand.
    """
    if requested_by not in PARTY_REQUESTS:
        raise ValueError(f"not a party's request: {requested_by}")
    if not (reason or "").strip():
        raise EndNeedsReason()
    require_person_in_scope(operator, agreement.grantor, argument=None)
    with transaction.atomic():
        locked = SharingAgreement.objects.select_for_update().get(pk=agreement.pk)
        if locked.status not in (AgreementStatus.PENDING, AgreementStatus.APPROVED):
            raise AgreementNotLive(number=locked.pk, status=locked.get_status_display())
        return _end(locked, requested_by, reason.strip(), operator)


def agreements_end_for_person(
    *, person: InsuredPerson, reason: str, operator
) -> list[SharingAgreement]:
    """End today every live agreement in which ``person`` takes part.

    Called by ``person_update`` whatever path changed the person: when the
    enrolment stops (``EndReason.ENROLMENT_STOPPED``) or the person moves to
    another pooling region (``EndReason.REGION_CHANGED``), every agreement of the
    person; when the person leaves the employee scheme (``EndReason.SCHEME_LEFT``),
    the agreements in which they are the grantor (the account no longer shares;
    a beneficiary may be in either scheme). Nothing is deleted: each agreement
    keeps its dates and records the day, reason and operator.
    """
    roles = {
        EndReason.ENROLMENT_STOPPED: Q(grantor=person) | Q(beneficiary=person),
        EndReason.REGION_CHANGED: Q(grantor=person) | Q(beneficiary=person),
        EndReason.SCHEME_LEFT: Q(grantor=person),
    }
    if reason not in roles:
        raise ValueError(f"not an automatic end: {reason}")
    with transaction.atomic():
        live = (
            SharingAgreement.objects.live().filter(roles[reason]).select_for_update().order_by("pk")
        )
        return [_end(a, reason, "", operator) for a in live]


def _end(locked, reason, note, operator) -> SharingAgreement:
    locked.status = AgreementStatus.ENDED
    locked.end_reason = reason
    locked.end_note = note
    locked.ended_on = timezone.localdate()
    locked.ended_by = operator
    with audit_as(operator):
        locked.save(update_fields=["status", "end_reason", "end_note", "ended_on", "ended_by"])
        agreement_ended.send(sender=SharingAgreement, agreement=locked, operator=operator)
    return locked
