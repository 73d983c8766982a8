"""Registering, reviewing and ending sharing agreements: each rule of DOMAIN.md."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.utils import timezone, translation

from accounts import errors
from accounts.models import (
    AgreementStatus,
    EndReason,
    EnrolmentStatus,
    PoolingRegion,
    ProvincePolicy,
    Scheme,
    Scope,
    SharingAgreement,
)
from accounts.selectors import ledger_mismatches
from accounts.services.accounts import account_freeze
from accounts.services.agreements import (
    agreement_approve,
    agreement_end,
    agreement_register,
    agreement_reject,
)
from accounts.services.people import person_update
from accounts.services.regions import policy_update
from accounts.tests.factories import make_agreement, make_person, make_user
from core.errors import ReasonRequired
from core.idnumbers import check_character
from core.review import NotAReviewer, ReviewerIsCreator

JIANGSU = "32"
DAY = dt.timedelta(days=1)


@pytest.fixture
def grandmother(db, clerk):
    """王秀英: 李明's maternal grandmother, resident scheme in 苏州."""
    return make_person(
        name="王秀英", scheme=Scheme.RESIDENT, birth=dt.date(1930, 1, 1), gender="F", operator=clerk
    )


def register(grantor, beneficiary, operator, relationship="child", **extra):
    return agreement_register(
        grantor_id_number=grantor.id_number,
        beneficiary_id_number=beneficiary.id_number,
        relationship=relationship,
        evidence_type="household_register",
        operator=operator,
        **extra,
    )


def jiangsu_policy():
    return ProvincePolicy.objects.get(province_id=JIANGSU)


def test_registered_agreement_waits_for_review_and_is_not_in_force(li_ming, li_xiaoming, clerk):
    agreement = register(li_ming, li_xiaoming, clerk, evidence_number="户1234")
    assert agreement.status == AgreementStatus.PENDING
    assert agreement.scope == Scope.SAME_REGION
    assert agreement.effective_from == timezone.localdate()
    assert agreement.created_by == clerk
    assert not SharingAgreement.objects.in_force(timezone.localdate()).exists()


def test_approved_agreement_is_in_force_from_its_effective_date(
    li_ming, li_xiaoming, clerk, reviewer
):
    start = timezone.localdate() + 3 * DAY
    agreement = register(li_ming, li_xiaoming, clerk, effective_from=start)
    agreement_approve(agreement=agreement, operator=reviewer)
    in_force = SharingAgreement.objects.in_force
    assert not in_force(start - DAY).exists()
    assert list(in_force(start)) == [agreement]


def test_lower_case_x_and_spaces_of_a_card_reader_are_accepted(clerk, li_ming):
    daughter = make_person(
        name="李晓", scheme=Scheme.RESIDENT, birth=dt.date(2012, 1, 1), gender="F", operator=clerk
    )
    agreement = agreement_register(
        grantor_id_number=f" {li_ming.id_number.lower()} ",
        beneficiary_id_number=daughter.id_number,
        relationship="child",
        evidence_type="birth_certificate",
        operator=clerk,
    )
    assert agreement.grantor == li_ming


def test_unknown_or_invalid_id_number_is_refused(li_ming, clerk):
    with pytest.raises(errors.InvalidIdNumber):
        agreement_register(
            grantor_id_number=li_ming.id_number,
            beneficiary_id_number="12345",
            relationship="child",
            evidence_type="other",
            operator=clerk,
        )
    unregistered = li_ming.id_number[:14] + "999"
    unregistered += check_character(unregistered)
    with pytest.raises(errors.PersonNotFound) as refused:
        agreement_register(
            grantor_id_number=li_ming.id_number,
            beneficiary_id_number=unregistered,
            relationship="child",
            evidence_type="other",
            operator=clerk,
        )
    assert unregistered not in str(refused.value)


def test_grantor_in_the_resident_scheme_is_refused(li_xiaoming, clerk):
    mother = make_person(
        name="张梅", scheme=Scheme.RESIDENT, birth=dt.date(1960, 1, 1), gender="F", operator=clerk
    )
    with pytest.raises(errors.GrantorNotEmployee, match="张梅"):
        register(mother, li_xiaoming, clerk, relationship="parent")


def test_grantor_with_a_frozen_account_is_refused(li_ming, li_xiaoming, clerk):
    account_freeze(account=li_ming.account, reason="法院冻结", operator=clerk)
    with pytest.raises(errors.GrantorAccountNotOpen, match=li_ming.account.number):
        register(li_ming, li_xiaoming, clerk)


def test_grantor_whose_enrolment_stopped_is_refused(li_ming, li_xiaoming, clerk):
    person_update(person=li_ming, status=EnrolmentStatus.SUSPENDED, operator=clerk)
    with pytest.raises(errors.GrantorNotActive):
        register(li_ming, li_xiaoming, clerk)


def test_beneficiary_not_active_is_refused(li_ming, li_xiaoming, clerk):
    person_update(person=li_xiaoming, status=EnrolmentStatus.TERMINATED, operator=clerk)
    with pytest.raises(errors.BeneficiaryNotActive, match="李小明"):
        register(li_ming, li_xiaoming, clerk)


def test_sharing_with_oneself_is_refused(li_ming, clerk):
    with pytest.raises(errors.SamePerson):
        register(li_ming, li_ming, clerk, relationship="spouse")


def test_parent_must_be_older_and_child_younger_than_the_grantor(li_ming, li_xiaoming, clerk):
    with pytest.raises(errors.BeneficiaryNotOlder, match="2010-03-01"):
        register(li_ming, li_xiaoming, clerk, relationship="parent")
    elder = make_person(
        name="李大", scheme=Scheme.RESIDENT, birth=dt.date(1950, 1, 1), operator=clerk
    )
    with pytest.raises(errors.BeneficiaryNotYounger):
        register(li_ming, elder, clerk, relationship="child")
    with pytest.raises(errors.BeneficiaryNotYounger):
        register(li_ming, elder, clerk, relationship="maternal_grandchild")


def test_spouse_and_sibling_have_no_birth_date_rule(li_ming, clerk):
    twin = make_person(
        name="李亮", scheme=Scheme.RESIDENT, birth=li_ming.birth_date, operator=clerk
    )
    assert register(li_ming, twin, clerk, relationship="sibling").pk


def test_per_region_cap_counts_live_agreements(li_ming, li_xiaoming, clerk, reviewer):
    PoolingRegion.objects.filter(code="320500").update(beneficiary_cap=1)
    register(li_ming, li_xiaoming, clerk)
    daughter = make_person(
        name="李晓", scheme=Scheme.RESIDENT, birth=dt.date(2012, 1, 1), gender="F", operator=clerk
    )
    with pytest.raises(errors.BeneficiaryCapReached, match="苏州市"):
        register(li_ming, daughter, clerk)


def test_second_live_agreement_for_a_pair_is_refused_and_the_database_refuses_it(
    li_ming, li_xiaoming, clerk
):
    first = register(li_ming, li_xiaoming, clerk)
    with pytest.raises(errors.AgreementExists):
        register(li_ming, li_xiaoming, clerk)
    duplicate = SharingAgreement(
        grantor=li_ming,
        beneficiary=li_xiaoming,
        relationship="child",
        scope=first.scope,
        evidence_type="other",
        effective_from=first.effective_from,
    )
    with pytest.raises(IntegrityError, match="agreement_one_live_per_pair"):
        duplicate.save()


def test_after_an_end_the_pair_may_register_again(li_ming, li_xiaoming, clerk, reviewer):
    first = make_agreement(li_ming, li_xiaoming, operator=clerk, reviewer=reviewer)
    agreement_end(
        agreement=first,
        requested_by=EndReason.GRANTOR_REQUEST,
        reason="家庭原因",
        operator=clerk,
    )
    assert register(li_ming, li_xiaoming, clerk).status == AgreementStatus.PENDING


# --- the policy on the effective date -------------------------------------------------


def test_scenario_3_grandmother_refused_without_the_extension_then_accepted(
    li_ming, grandmother, clerk, supervisor
):
    policy_update(policy=jiangsu_policy(), extension_since=None, operator=supervisor)
    with pytest.raises(errors.RelationshipNotAllowed) as refused:
        register(li_ming, grandmother, clerk, relationship="maternal_grandparent")
    with translation.override("zh-hans"):
        message = str(refused.value)
    assert "江苏省" in message
    assert "外祖父母" in message
    assert not SharingAgreement.objects.exists()

    policy_update(
        policy=jiangsu_policy(), extension_since=dt.date(2024, 10, 1), operator=supervisor
    )
    agreement = register(li_ming, grandmother, clerk, relationship="maternal_grandparent")
    assert agreement.status == AgreementStatus.PENDING


def test_extension_refused_the_day_before_it_comes_into_force_allowed_that_day(
    li_ming, grandmother, clerk, supervisor
):
    start = timezone.localdate() + 10 * DAY
    policy_update(policy=jiangsu_policy(), extension_since=start, operator=supervisor)
    with pytest.raises(errors.RelationshipNotAllowed, match=start.isoformat()):
        register(
            li_ming,
            grandmother,
            clerk,
            relationship="maternal_grandparent",
            effective_from=start - DAY,
        )
    agreement = register(
        li_ming, grandmother, clerk, relationship="maternal_grandparent", effective_from=start
    )
    assert agreement.effective_from == start


def test_basic_set_follows_the_grantors_province_not_the_beneficiarys(li_ming, clerk, supervisor):
    """The grantor's account pays, so the grantor's province decides the relationships."""
    henan = ProvincePolicy.objects.get(province_id="41")
    policy_update(policy=henan, extension_since=None, operator=supervisor)
    sister = make_person(
        name="李红", region="411300", scheme=Scheme.RESIDENT, gender="F", operator=None
    )
    assert register(li_ming, sister, clerk, relationship="sibling").scope == Scope.CROSS_PROVINCE


def test_cross_province_refused_the_day_before_both_provinces_allow_it(li_ming, clerk):
    father = make_person(
        name="李父",
        region="411300",
        scheme=Scheme.RESIDENT,
        birth=dt.date(1950, 1, 1),
        operator=None,
    )
    # Jiangsu from 2024-12-02, Henan from 2025-02-04 in the sample policy.
    with pytest.raises(errors.PolicyBlocks) as refused:
        register(li_ming, father, clerk, relationship="parent", effective_from=dt.date(2025, 2, 3))
    with translation.override("zh-hans"):
        assert "河南省" in str(refused.value)
    agreement = register(
        li_ming, father, clerk, relationship="parent", effective_from=dt.date(2025, 2, 4)
    )
    assert agreement.scope == Scope.CROSS_PROVINCE


def test_cross_region_within_the_province_from_its_date(li_ming, clerk):
    wife = make_person(
        name="陈静", region="320100", scheme=Scheme.RESIDENT, gender="F", operator=None
    )
    with pytest.raises(errors.PolicyBlocks, match="江苏省"):
        register(li_ming, wife, clerk, relationship="spouse", effective_from=dt.date(2023, 12, 31))
    agreement = register(
        li_ming, wife, clerk, relationship="spouse", effective_from=dt.date(2024, 1, 1)
    )
    assert agreement.scope == Scope.CROSS_REGION


# --- review ---------------------------------------------------------------------------


def test_reviewer_cannot_approve_their_own_entry(li_ming, li_xiaoming, reviewer):
    agreement = register(li_ming, li_xiaoming, reviewer)
    with pytest.raises(ReviewerIsCreator):
        agreement_approve(agreement=agreement, operator=reviewer)
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.PENDING


def test_database_refuses_a_reviewer_who_created_the_entry(li_ming, li_xiaoming, clerk):
    agreement = register(li_ming, li_xiaoming, clerk)
    with pytest.raises(IntegrityError, match="agreement_reviewer_not_creator"):
        SharingAgreement.objects.filter(pk=agreement.pk).update(
            status="approved", reviewed_by=clerk, reviewed_at=timezone.now()
        )


def test_user_without_the_review_permission_cannot_approve(li_ming, li_xiaoming, clerk):
    agreement = register(li_ming, li_xiaoming, clerk)
    other_clerk = make_user("clerk")
    with pytest.raises(NotAReviewer):
        agreement_approve(agreement=agreement, operator=other_clerk)


def test_rejection_needs_a_reason_and_records_it(li_ming, li_xiaoming, clerk, reviewer):
    agreement = register(li_ming, li_xiaoming, clerk)
    with pytest.raises(ReasonRequired):
        agreement_reject(agreement=agreement, operator=reviewer, reason="  ")
    rejected = agreement_reject(agreement=agreement, operator=reviewer, reason="证明材料不清晰")
    assert rejected.status == AgreementStatus.REJECTED
    assert rejected.review_note == "证明材料不清晰"
    assert rejected.reviewed_by == reviewer
    with pytest.raises(errors.AgreementNotPending):
        agreement_approve(agreement=agreement, operator=reviewer)


def test_approval_checks_the_rules_again(li_ming, grandmother, clerk, reviewer, supervisor):
    agreement = register(li_ming, grandmother, clerk, relationship="maternal_grandparent")
    policy_update(policy=jiangsu_policy(), extension_since=None, operator=supervisor)
    with pytest.raises(errors.RelationshipNotAllowed):
        agreement_approve(agreement=agreement, operator=reviewer)


# --- ending ---------------------------------------------------------------------------


def test_end_on_request_records_reason_date_and_who(li_ming, li_xiaoming, clerk, reviewer):
    agreement = make_agreement(li_ming, li_xiaoming, operator=clerk, reviewer=reviewer)
    with pytest.raises(errors.EndNeedsReason):
        agreement_end(
            agreement=agreement,
            requested_by=EndReason.BENEFICIARY_REQUEST,
            reason="",
            operator=clerk,
        )
    ended = agreement_end(
        agreement=agreement,
        requested_by=EndReason.BENEFICIARY_REQUEST,
        reason="本人申请",
        operator=clerk,
    )
    assert (ended.status, ended.end_reason, ended.end_note) == (
        AgreementStatus.ENDED,
        EndReason.BENEFICIARY_REQUEST,
        "本人申请",
    )
    assert (ended.ended_on, ended.ended_by) == (timezone.localdate(), clerk)
    assert ended.reviewed_by == reviewer
    assert not SharingAgreement.objects.in_force(timezone.localdate()).exists()
    with pytest.raises(errors.AgreementNotLive):
        agreement_end(
            agreement=agreement, requested_by=EndReason.GRANTOR_REQUEST, reason="x", operator=clerk
        )


def test_scenario_4_suspended_beneficiary_ends_every_agreement_nothing_deleted(
    li_ming, li_xiaoming, clerk, reviewer
):
    mother = make_person(name="张梅", birth=dt.date(1975, 1, 1), gender="F", operator=clerk)
    from_father = make_agreement(li_ming, li_xiaoming, operator=clerk, reviewer=reviewer)
    from_mother = make_agreement(mother, li_xiaoming, operator=clerk)  # still pending
    untouched = make_agreement(
        li_ming, mother, operator=clerk, reviewer=reviewer, relationship="spouse"
    )
    person_update(person=li_xiaoming, status=EnrolmentStatus.SUSPENDED, operator=clerk)
    today = timezone.localdate()
    for agreement in (from_father, from_mother):
        agreement.refresh_from_db()
        assert agreement.status == AgreementStatus.ENDED
        assert agreement.end_reason == EndReason.ENROLMENT_STOPPED
        assert (agreement.ended_on, agreement.ended_by) == (today, clerk)
    untouched.refresh_from_db()
    assert untouched.status == AgreementStatus.APPROVED
    assert SharingAgreement.objects.count() == 3
    assert list(SharingAgreement.objects.in_force(today)) == [untouched]
    assert from_father.events.count() == 3  # registered, approved, ended
    assert ledger_mismatches() == []


def test_grantor_moving_region_ends_the_agreements_as_grantor(
    li_ming, li_xiaoming, clerk, reviewer
):
    agreement = make_agreement(li_ming, li_xiaoming, operator=clerk, reviewer=reviewer)
    person_update(person=li_ming, region=PoolingRegion.objects.get(code="320100"), operator=clerk)
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ENDED
    assert agreement.end_reason == EndReason.REGION_CHANGED


def test_other_changes_of_a_person_leave_agreements_alone(li_ming, li_xiaoming, clerk, reviewer):
    agreement = make_agreement(li_ming, li_xiaoming, operator=clerk, reviewer=reviewer)
    person_update(person=li_xiaoming, phone="13812345678", name="李晓明", operator=clerk)
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.APPROVED


# --- evidence scan --------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def test_evidence_scan_is_checked_by_content_and_stored_outside_the_web_root(
    li_ming, li_xiaoming, clerk, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    disguised = SimpleUploadedFile("scan.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    with pytest.raises(errors.EvidenceScanWrongType):
        register(li_ming, li_xiaoming, clerk, evidence_scan=disguised)
    scan = SimpleUploadedFile("户口簿.jpg", PNG, "image/jpeg")
    agreement = register(li_ming, li_xiaoming, clerk, evidence_scan=scan)
    assert agreement.evidence_scan.name.startswith("evidence/")
    assert agreement.evidence_scan.name.endswith(".png")
    assert (tmp_path / agreement.evidence_scan.name).read_bytes() == PNG


def test_evidence_scan_over_the_size_limit_is_refused(
    li_ming, li_xiaoming, clerk, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    big = io.BytesIO(b"%PDF-" + b"0" * (5 * 1024 * 1024))
    scan = SimpleUploadedFile("big.pdf", big.getvalue(), "application/pdf")
    with pytest.raises(errors.EvidenceScanTooLarge):
        register(li_ming, li_xiaoming, clerk, evidence_scan=scan)
    assert not SharingAgreement.objects.exists()


def test_database_constraint_turns_into_the_same_refusal_when_the_check_is_passed(
    li_ming, li_xiaoming, clerk, monkeypatch
):
    """What a registration racing past the check meets: the constraint, shown as the rule."""
    register(li_ming, li_xiaoming, clerk)
    monkeypatch.setattr("accounts.services.agreements._check_cap_and_pair", lambda *a: None)
    with pytest.raises(errors.AgreementExists):
        register(li_ming, li_xiaoming, clerk)
