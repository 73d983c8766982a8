"""Receiving settlements: posting, every rejection reason, holding and review."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from accounts.errors import (
    GrantorAccountNotOpen,
    InvalidIdNumber,
    PersonNotFound,
    PolicyBlocks,
)
from accounts.models import EnrolmentStatus, EntryKind, LedgerEntry, Scope, Use
from accounts.selectors import ledger_mismatches
from accounts.services.accounts import account_freeze
from accounts.services.ledger import ledger_post
from accounts.services.people import person_update
from accounts.tests.factories import (
    credit,
    import_credits,
    make_agreement,
    make_id_number,
    make_person,
    make_user,
)
from core.errors import InvalidAmount, ReasonRequired
from core.review import NotAReviewer, ReviewerIsCreator
from core.tests.clock import clock_at
from transfers.errors import (
    AmountOverAvailable,
    InstitutionDoesNotMatchUse,
    InstitutionNameMissing,
    InvalidInstitutionCode,
    InvalidSettlementId,
    InvalidUse,
    NoAgreementInForce,
    NotEnrolledOn,
    NotHeld,
    SettlementConflict,
)
from transfers.models import HoldReason, HoldRules, PaymentStatus, SharingPayment
from transfers.services.payments import payment_approve, payment_reject

from .factories import balance, local, receive


def test_scenario_1_settlement_posted_with_beneficiary_and_hospital(
    li_ming, li_xiaoming, son_agreement, clerk
):
    payment = receive(li_ming, li_xiaoming, "100.00", operator=clerk)
    assert payment.status == PaymentStatus.POSTED
    assert balance(li_ming) == Decimal("400.00")
    entry = payment.ledger_entry
    assert (entry.kind, entry.amount, entry.balance_after) == (
        EntryKind.SHARING_PAYMENT,
        Decimal("-100.00"),
        Decimal("400.00"),
    )
    assert entry.counterpart == li_xiaoming
    assert entry.counterpart.masked_name == "李**"
    assert (entry.institution_code, entry.institution_name) == ("H32050000012", "苏州市立医院")
    assert (entry.scope, entry.use) == (Scope.SAME_REGION, Use.MEDICAL)
    assert entry.idempotency_key == "settlement:JS20250310000001"
    assert payment.agreement == son_agreement
    assert ledger_mismatches() == []


def test_use_may_be_given_as_the_files_word(li_ming, li_xiaoming, son_agreement, clerk):
    payment = receive(
        li_ming, li_xiaoming, operator=clerk, use="购药", institution_code="P32050000031"
    )
    assert payment.use == Use.PHARMACY
    assert payment.ledger_entry.use == Use.PHARMACY


def test_same_settlement_id_twice_posts_once(li_ming, li_xiaoming, son_agreement, clerk):
    first = receive(li_ming, li_xiaoming, "100", operator=clerk)
    again = receive(li_ming, li_xiaoming, "100.00", operator=clerk)
    assert again.pk == first.pk
    assert balance(li_ming) == Decimal("400.00")
    assert SharingPayment.objects.count() == 1
    assert ledger_mismatches() == []


def test_settlement_id_resent_with_other_amount_rejected_not_overwritten(
    li_ming, li_xiaoming, son_agreement, clerk
):
    receive(li_ming, li_xiaoming, "100.00", operator=clerk)
    with pytest.raises(SettlementConflict):
        receive(li_ming, li_xiaoming, "120.00", operator=clerk)
    assert SharingPayment.objects.get().amount == Decimal("100.00")
    assert balance(li_ming) == Decimal("400.00")
    assert ledger_mismatches() == []


def test_scenario_5_settlement_larger_than_balance_rejected_balance_unchanged(
    li_ming, li_xiaoming, son_agreement, clerk
):
    with pytest.raises(AmountOverAvailable):
        receive(li_ming, li_xiaoming, "500.01", operator=clerk)
    assert balance(li_ming) == Decimal("500.00")
    assert not SharingPayment.objects.exists()
    assert ledger_mismatches() == []


def test_whole_balance_may_be_shared(li_ming, li_xiaoming, son_agreement, clerk):
    receive(li_ming, li_xiaoming, "500.00", operator=clerk)
    assert balance(li_ming) == Decimal("0.00")


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"settlement_id": ""}, InvalidSettlementId),
        ({"settlement_id": "X" * 31}, InvalidSettlementId),
        ({"amount": "0"}, InvalidAmount),
        ({"amount": "-5"}, InvalidAmount),
        ({"amount": "1.005"}, InvalidAmount),
        ({"grantor_id_number": "110101199001011234"}, InvalidIdNumber),
        # A birth date no fixture uses: the number is made at collection, before any person.
        ({"grantor_id_number": make_id_number("110101", dt.date(1961, 1, 1))}, PersonNotFound),
        ({"use": "cash"}, InvalidUse),
        ({"institution_code": "H3205000001"}, InvalidInstitutionCode),
        ({"institution_code": "X32050000012"}, InvalidInstitutionCode),
        ({"institution_code": "P32050000012"}, InstitutionDoesNotMatchUse),
        ({"use": Use.PHARMACY}, InstitutionDoesNotMatchUse),
        ({"institution_name": " "}, InstitutionNameMissing),
        ({"settled_at": local(2023, 12, 31, 10, 0)}, NoAgreementInForce),
        # 长护险缴费 only from the Jan 2026 notice (sample policy: 2026-01-09).
        ({"use": Use.LTC_CONTRIBUTION, "institution_code": ""}, PolicyBlocks),
    ],
)
def test_each_rejection_reason_posts_nothing(
    li_ming, li_xiaoming, son_agreement, clerk, changes, error
):
    with pytest.raises(error):
        receive(li_ming, li_xiaoming, operator=clerk, **changes)
    assert balance(li_ming) == Decimal("500.00")
    assert not SharingPayment.objects.exists()


def test_contributions_need_no_institution_and_ltc_allowed_once_in_force(
    li_ming, li_xiaoming, son_agreement, clerk
):
    paid = receive(
        li_ming,
        li_xiaoming,
        "50.00",
        operator=clerk,
        use=Use.LTC_CONTRIBUTION,
        institution_code="",
        institution_name="",
        settled_at=local(2026, 1, 9, 10, 0),
    )
    assert paid.status == PaymentStatus.POSTED
    assert paid.ledger_entry.use == Use.LTC_CONTRIBUTION


def test_no_agreement_for_this_pair_rejected(li_ming, li_xiaoming, son_agreement, clerk):
    stranger = make_person(name="张三", scheme="390")
    with pytest.raises(NoAgreementInForce):
        receive(li_ming, stranger, operator=clerk)
    # Money is shared, the card is not: another employee's account cannot pay for the son.
    neighbour = make_person(name="王五")
    credit(neighbour.account, "100.00")
    with pytest.raises(NoAgreementInForce):
        receive(neighbour, li_xiaoming, operator=clerk)


def test_grantor_without_open_account_rejected(li_ming, li_xiaoming, son_agreement, clerk):
    account_freeze(account=li_ming.account, reason="司法冻结", operator=clerk)
    with pytest.raises(GrantorAccountNotOpen):
        receive(li_ming, li_xiaoming, operator=clerk)


def test_scenario_4_settlement_after_beneficiary_suspended_rejected(
    li_ming, li_xiaoming, son_agreement, clerk
):
    person_update(person=li_xiaoming, status=EnrolmentStatus.SUSPENDED, operator=clerk)
    today = timezone.localdate()
    with pytest.raises(NotEnrolledOn):
        receive(li_ming, li_xiaoming, operator=clerk, settled_at=local(*today.timetuple()[:3]))
    # Settlements dated before the suspension still pay.
    day_before = today - dt.timedelta(days=1)
    earlier = receive(
        li_ming, li_xiaoming, operator=clerk, settled_at=local(*day_before.timetuple()[:3], 9)
    )
    assert earlier.status == PaymentStatus.POSTED


def test_cross_region_payment_before_province_policy_rejected(li_ming, clerk):
    daughter = make_person(name="李丽", region="320100", scheme="390", birth=dt.date(2005, 1, 1))
    make_agreement(li_ming, daughter)
    with pytest.raises(PolicyBlocks, match="江苏省"):
        receive(li_ming, daughter, operator=clerk, settled_at=local(2023, 6, 1, 9))
    assert receive(li_ming, daughter, operator=clerk).scope == Scope.CROSS_REGION


def test_prior_years_only_region_shares_last_years_balance_not_this_years_credits(db):
    clerk = make_user("clerk", region="330100")  # 杭州's hall
    grantor = make_person(name="赵敏", region="330100")  # 杭州市
    son = make_person(name="赵小敏", region="330100", scheme="390", birth=dt.date(2010, 1, 1))
    make_agreement(grantor, son)
    grantor.region.share_prior_years_only = True
    grantor.region.save(update_fields=["share_prior_years_only"])
    for amount, day in (("500.00", local(2024, 6, 1, 0, 0)), ("300.00", local(2025, 3, 1, 0, 0))):
        ledger_post(
            holder=grantor.account,
            kind=EntryKind.CREDIT,
            amount=Decimal(amount),
            idempotency_key=f"credit-{day:%Y-%m}",
            operator=clerk,
            occurred_at=day,
        )
    # 2024's ¥500 is shareable in March 2025; March 2025's ¥300 is not.
    with pytest.raises(AmountOverAvailable):
        receive(grantor, son, "500.01", operator=clerk)
    receive(grantor, son, "500.00", operator=clerk)
    assert balance(grantor) == Decimal("300.00")
    assert ledger_mismatches() == []


def test_prior_years_only_takes_a_credits_year_from_its_month_not_from_its_import(db):
    """On 10 Feb 2026 in 杭州: November 2025's ¥300.00, imported in January 2026, is
    last year's money and may be shared; January 2026's ¥200.00 may not. For a
    settlement of 20 Dec 2025 received now, both credits are of its year or later."""
    clerk = make_user("clerk", region="330100")  # 杭州's hall and its province's
    supervisor = make_user("supervisor", region="330100")
    grantor = make_person(name="赵敏", region="330100")
    son = make_person(name="赵小敏", region="330100", scheme="390", birth=dt.date(2010, 1, 1))
    make_agreement(grantor, son)
    grantor.region.share_prior_years_only = True
    grantor.region.save(update_fields=["share_prior_years_only"])
    with clock_at(local(2026, 1, 5, 10)):
        import_credits(grantor, {"2025-11": "300.00"}, operator=supervisor)
    with clock_at(local(2026, 1, 31, 10)):
        import_credits(grantor, {"2026-01": "200.00"}, operator=supervisor)

    with clock_at(local(2026, 2, 10, 10)):
        in_february = {"operator": clerk, "settled_at": local(2026, 2, 10, 9)}
        with pytest.raises(AmountOverAvailable):
            receive(grantor, son, "300.01", sid="ZJ-1", **in_february)
        with pytest.raises(AmountOverAvailable):
            receive(
                grantor, son, "0.01", sid="ZJ-2", operator=clerk, settled_at=local(2025, 12, 20, 9)
            )
        receive(grantor, son, "300.00", sid="ZJ-3", **in_february)

    assert balance(grantor) == Decimal("200.00")
    assert ledger_mismatches() == []


# --- holding for review -------------------------------------------------------


def test_amount_from_threshold_held_and_reserved(li_ming, li_xiaoming, son_agreement, clerk):
    credit(li_ming.account, "6000.00")
    held = receive(li_ming, li_xiaoming, "5000.00", operator=clerk)
    assert held.status == PaymentStatus.HELD
    assert held.hold_reasons == [HoldReason.AMOUNT]
    assert balance(li_ming) == Decimal("6500.00")
    assert not LedgerEntry.objects.filter(reference=held.settlement_id).exists()
    # The reserved ¥5,000 cannot be spent again while it waits.
    with pytest.raises(AmountOverAvailable):
        receive(li_ming, li_xiaoming, "1500.01", operator=clerk, sid="second")
    receive(li_ming, li_xiaoming, "1500.00", operator=clerk, sid="second")
    assert ledger_mismatches() == []


def test_sixth_payment_for_beneficiary_in_a_day_held(li_ming, li_xiaoming, son_agreement, clerk):
    statuses = [
        receive(li_ming, li_xiaoming, "10.00", operator=clerk, sid=f"day-{i}").status
        for i in range(6)
    ]
    assert statuses == [PaymentStatus.POSTED] * 5 + [PaymentStatus.HELD]
    assert SharingPayment.objects.get(settlement_id="day-5").hold_reasons == [
        HoldReason.DAILY_COUNT
    ]


def test_cross_province_held_only_when_rule_switched_on(li_ming, clerk, supervisor):
    father = make_person(name="李父", region="411300", scheme="390", birth=dt.date(1950, 1, 1))
    make_agreement(li_ming, father, relationship="parent", effective_from=dt.date(2025, 2, 4))
    assert receive(li_ming, father, operator=clerk, sid="a").status == PaymentStatus.POSTED
    rules = HoldRules.current()
    rules.hold_cross_province = True
    rules.save()
    held = receive(li_ming, father, operator=clerk, sid="b")
    assert held.hold_reasons == [HoldReason.CROSS_PROVINCE]


@pytest.fixture
def held(li_ming, li_xiaoming, son_agreement, clerk):
    credit(li_ming.account, "5000.00")
    return receive(li_ming, li_xiaoming, "5000.00", operator=clerk)


def test_reviewer_approves_held_payment_and_it_posts(held, li_ming, reviewer):
    payment = payment_approve(payment=held, operator=reviewer)
    assert payment.status == PaymentStatus.POSTED
    assert payment.reviewed_by == reviewer
    assert balance(li_ming) == Decimal("500.00")
    with pytest.raises(NotHeld):
        payment_approve(payment=held, operator=make_user("reviewer"))
    assert ledger_mismatches() == []


def test_only_another_reviewer_decides_a_held_payment(held, clerk):
    with pytest.raises(NotAReviewer):
        payment_approve(payment=held, operator=clerk)
    clerk.user_permissions.add(Permission.objects.get(codename="review_sharingpayment"))
    clerk = type(clerk).objects.get(pk=clerk.pk)  # a fresh user: permissions are cached
    with pytest.raises(ReviewerIsCreator):
        payment_approve(payment=held, operator=clerk)
    with pytest.raises(ReviewerIsCreator):
        payment_reject(payment=held, reason="重复结算", operator=clerk)
    held.refresh_from_db()
    assert held.status == PaymentStatus.HELD


def test_rejection_needs_reason_and_releases_reservation(held, li_ming, li_xiaoming, reviewer):
    with pytest.raises(ReasonRequired):
        payment_reject(payment=held, reason=" ", operator=reviewer)
    payment = payment_reject(payment=held, reason="重复结算", operator=reviewer)
    assert (payment.status, payment.reject_reason) == (PaymentStatus.REJECTED, "重复结算")
    assert balance(li_ming) == Decimal("5500.00")
    receive(li_ming, li_xiaoming, "4999.00", operator=reviewer, sid="after")
    assert balance(li_ming) == Decimal("501.00")
    assert ledger_mismatches() == []
