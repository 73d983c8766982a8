"""Every rule on the settlement's own date (DOMAIN.md "Dates that decide"): late
settlements, the enrolment history, the policy dates, the scheme left, the use,
the institution code, and no settlement from the future.

Expected outcomes follow from the dates written in each test: the sample policy's
(Jiangsu: extension 2024-10-01, wallet and cross-province 2024-12-02; Henan
cross-province 2025-02-04), the 参保日期 given, and today (the day a change of a
person is recorded, so a settlement dated before it arrives late).
"""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.errors import PolicyBlocks, RelationshipNotAllowed
from accounts.models import EnrolmentStatus, PoolingRegion, Scheme, Scope, Use
from accounts.selectors import ledger_mismatches
from accounts.services.people import person_update
from accounts.services.regions import policy_update
from accounts.tests.factories import make_agreement, make_person
from core.tests.files import xlsx_file
from transfers.errors import (
    ContributionNotResident,
    GrantorNotEmployeeOn,
    InstitutionDivisionUnknown,
    NoAgreementInForce,
    NotEnrolledOn,
    SettlementInFuture,
)
from transfers.models import PaymentStatus, SharingPayment
from transfers.services.wallets import wallet_transfer_create

from .factories import balance, import_settlements, local, receive, settlement_row

DAY = dt.timedelta(days=1)


def on(day: dt.date, hour=9) -> dt.datetime:
    """A time on a given day (local), for settlements dated relative to today."""
    return local(day.year, day.month, day.day, hour)


def days_ago(n: int) -> dt.datetime:
    """Early on a day n days before today: a settlement that arrives late."""
    return on(timezone.localdate() - n * DAY, 0)


def transfer(sender, recipient, at, *, operator, number="WT-1"):
    """A wallet transfer of ¥50.00: the other path that draws on an agreement."""
    return wallet_transfer_create(
        transfer_number=number,
        transferred_at=at,
        sender_id_number=sender.id_number,
        recipient_id_number=recipient.id_number,
        amount="50.00",
        operator=operator,
    )


def import_persons(tmp_path, operator, rows):
    path = tmp_path / "persons.xlsx"
    header = ["姓名", "公民身份号码", "险种类型", "参保状态", "参保统筹区"]
    path.write_bytes(xlsx_file([header, *rows]))
    call_command("import_persons", str(path), "--operator", operator.username, stdout=StringIO())


# Enrolment: the history, not the current status ------------------------------


def test_settlement_before_the_beneficiarys_enrolment_date_refused(li_ming, clerk, supervisor):
    daughter = make_person(
        name="李丽",
        scheme=Scheme.RESIDENT,
        gender="F",
        birth=dt.date(2012, 8, 8),
        enrolled_on=dt.date(2025, 6, 1),
    )
    make_agreement(li_ming, daughter, effective_from=dt.date(2025, 1, 1))
    with pytest.raises(NotEnrolledOn) as refused:
        receive(li_ming, daughter, operator=clerk, settled_at=local(2025, 5, 31, 18))
    assert str(refused.value) == "李丽 在 2025-05-31 不是参保缴费状态（当日：尚未参保）。"
    # The same refusal as a row of the settlement file, and nothing is written.
    report = import_settlements(
        [settlement_row(li_ming, daughter, at="2025-05-31 18:00:00")], supervisor
    )
    assert [e.message for e in report.errors] == [str(refused.value)]
    with pytest.raises(NotEnrolledOn):  # a wallet transfer asks the same history
        transfer(li_ming, daughter, local(2025, 5, 31, 10), operator=clerk, number="WT-0")
    payment = receive(li_ming, daughter, operator=clerk, settled_at=local(2025, 6, 1, 8))
    assert payment.status == PaymentStatus.POSTED
    assert balance(li_ming) == Decimal("400.00")
    assert ledger_mismatches() == []


def test_late_settlement_for_a_day_before_a_suspension_in_the_persons_file_is_paid(
    tmp_path, li_ming, li_xiaoming, son_agreement, clerk, supervisor
):
    import_persons(
        tmp_path, supervisor, [[li_xiaoming.name, li_xiaoming.id_number, "390", "暂停", "320500"]]
    )
    late = receive(li_ming, li_xiaoming, operator=clerk, sid="late", settled_at=days_ago(40))
    assert late.status == PaymentStatus.POSTED
    with pytest.raises(NotEnrolledOn):
        receive(li_ming, li_xiaoming, operator=clerk, sid="today", settled_at=days_ago(0))
    assert balance(li_ming) == Decimal("400.00")
    assert ledger_mismatches() == []


def test_suspended_and_reactivated_the_same_day_an_earlier_late_settlement_is_paid(
    li_ming, li_xiaoming, son_agreement, clerk
):
    person_update(person=li_xiaoming, status=EnrolmentStatus.SUSPENDED, operator=clerk)
    person_update(person=li_xiaoming, status=EnrolmentStatus.ACTIVE, operator=clerk)
    late = receive(li_ming, li_xiaoming, operator=clerk, sid="late", settled_at=days_ago(3))
    assert late.status == PaymentStatus.POSTED
    # The suspension ended the agreement today: what is dated today needs a new one.
    with pytest.raises(NoAgreementInForce):
        receive(li_ming, li_xiaoming, operator=clerk, sid="today", settled_at=days_ago(0))
    assert balance(li_ming) == Decimal("400.00")


def test_late_settlement_counts_under_the_scope_of_the_regions_then(
    tmp_path, li_ming, li_xiaoming, son_agreement, clerk, supervisor
):
    # 李小明 moves from 苏州 to 南京 (same province): the agreement ends today.
    import_persons(
        tmp_path,
        supervisor,
        [[li_xiaoming.name, li_xiaoming.id_number, "390", "参保缴费", "320100"]],
    )
    late = receive(li_ming, li_xiaoming, operator=clerk, settled_at=days_ago(10))
    assert (late.status, late.scope) == (PaymentStatus.POSTED, Scope.SAME_REGION)
    assert late.ledger_entry.scope == Scope.SAME_REGION


# Policy dates on the settlement's date ----------------------------------------


def test_extension_moved_later_refuses_a_maternal_grandparent_payment_dated_before_it(
    li_ming, clerk, supervisor
):
    grandmother = make_person(
        name="周秀英", scheme=Scheme.RESIDENT, gender="F", birth=dt.date(1935, 2, 3)
    )
    make_agreement(
        li_ming,
        grandmother,
        relationship="maternal_grandparent",
        effective_from=dt.date(2024, 11, 1),
    )
    first = receive(
        li_ming, grandmother, operator=clerk, sid="a", settled_at=local(2024, 11, 20, 9)
    )
    assert first.status == PaymentStatus.POSTED
    jiangsu = PoolingRegion.objects.get(code="320500").province.policy
    policy_update(policy=jiangsu, extension_since=dt.date(2025, 1, 1), operator=supervisor)
    with pytest.raises(RelationshipNotAllowed) as refused:
        receive(li_ming, grandmother, operator=clerk, sid="b", settled_at=local(2024, 12, 10, 9))
    assert str(refused.value) == (
        "江苏省（共济人所在省份）的共济政策在 2024-12-10 不允许“外祖父母”关系："
        "近亲属扩展的生效日期为 2025-01-01。"
    )
    with pytest.raises(RelationshipNotAllowed):  # the wallet asks the same agreement
        transfer(li_ming, grandmother, local(2024, 12, 10, 10), operator=clerk, number="WT-b")
    assert receive(li_ming, grandmother, operator=clerk, sid="c").status == PaymentStatus.POSTED
    assert balance(li_ming) == Decimal("300.00")
    assert ledger_mismatches() == []


def test_cross_province_payment_judged_by_both_policies_on_its_date(li_ming, clerk, supervisor):
    father = make_person(name="李父", region="411300", scheme="390", birth=dt.date(1950, 1, 1))
    make_agreement(li_ming, father, relationship="parent", effective_from=dt.date(2025, 3, 1))
    henan = PoolingRegion.objects.get(code="411300").province.policy
    policy_update(policy=henan, cross_province_since=dt.date(2025, 6, 30), operator=supervisor)
    with pytest.raises(PolicyBlocks, match="河南省"):
        receive(li_ming, father, operator=clerk, sid="a", settled_at=local(2025, 4, 1, 9))
    payment = receive(li_ming, father, operator=clerk, sid="b", settled_at=local(2025, 7, 1, 9))
    assert (payment.status, payment.scope) == (PaymentStatus.POSTED, Scope.CROSS_PROVINCE)


# A grantor who leaves the employee scheme ------------------------------------


def test_grantor_who_left_the_employee_scheme_pays_nothing_from_that_day(
    tmp_path, li_ming, li_xiaoming, son_agreement, clerk, supervisor
):
    import_persons(
        tmp_path, supervisor, [[li_ming.name, li_ming.id_number, "390", "参保缴费", "320500"]]
    )
    with pytest.raises(GrantorNotEmployeeOn) as refused:
        receive(li_ming, li_xiaoming, operator=clerk, sid="today", settled_at=days_ago(0))
    today = timezone.localdate()
    assert str(refused.value) == (
        f"李明 在 {today} 未参加职工基本医疗保险（310），当日个人账户不能为亲属支付。"
    )
    with pytest.raises(GrantorNotEmployeeOn):
        transfer(li_ming, li_xiaoming, days_ago(0).replace(hour=10), operator=clerk, number="WT-1")
    assert balance(li_ming) == Decimal("500.00")
    # A settlement of a day he was still an employee, arriving late, is paid.
    late = receive(li_ming, li_xiaoming, operator=clerk, sid="late", settled_at=days_ago(5))
    assert late.status == PaymentStatus.POSTED
    assert balance(li_ming) == Decimal("400.00")
    assert ledger_mismatches() == []


# What the use needs ----------------------------------------------------------


def contribution(grantor, beneficiary, *, operator, sid, settled_at=None):
    return receive(
        grantor,
        beneficiary,
        "180.00",
        operator=operator,
        sid=sid,
        use="居民医保缴费",
        institution_code="",
        institution_name="",
        **({"settled_at": settled_at} if settled_at else {}),
    )


def test_resident_contribution_only_for_a_beneficiary_in_the_resident_scheme_then(
    li_ming, li_xiaoming, son_agreement, clerk
):
    wife = make_person(name="王芳", gender="F", birth=dt.date(1982, 4, 2))  # employee scheme
    make_agreement(li_ming, wife, relationship="spouse")
    with pytest.raises(ContributionNotResident) as refused:
        contribution(li_ming, wife, operator=clerk, sid="wife")
    assert str(refused.value) == (
        "王芳 在 2025-03-10 参加的是职工医保：居民医保缴费只能为参加城乡居民医保（390）的人支付。"
    )
    paid = contribution(li_ming, li_xiaoming, operator=clerk, sid="son")
    assert (paid.status, paid.use) == (PaymentStatus.POSTED, Use.RESIDENT_CONTRIBUTION)
    # 李小明 starts work today: a contribution for an earlier day still pays, today's not.
    person_update(person=li_xiaoming, scheme=Scheme.EMPLOYEE, operator=clerk)
    assert (
        contribution(
            li_ming, li_xiaoming, operator=clerk, sid="late", settled_at=days_ago(2)
        ).status
        == PaymentStatus.POSTED
    )
    with pytest.raises(ContributionNotResident):
        contribution(li_ming, li_xiaoming, operator=clerk, sid="today", settled_at=days_ago(0))
    assert balance(li_ming) == Decimal("500.00") - 2 * Decimal("180.00")
    assert ledger_mismatches() == []


# The institution code and the settlement time ---------------------------------


@pytest.mark.parametrize(
    "code, known",
    [
        ("H32050000012", True),  # 苏州市
        ("H32050800012", True),  # 姑苏区 (created 2012): any era's code
        ("H66010000012", True),  # 兵团第一师, one of the project's regions
        ("H99999900012", False),
        ("H32999900012", False),  # a Jiangsu prefix, no such division
    ],
)
def test_institution_code_division_must_be_known(
    li_ming, li_xiaoming, son_agreement, clerk, code, known
):
    if known:
        assert receive(li_ming, li_xiaoming, operator=clerk, institution_code=code).pk
        return
    with pytest.raises(InstitutionDivisionUnknown) as refused:
        receive(li_ming, li_xiaoming, operator=clerk, institution_code=code)
    assert str(refused.value) == (
        f"{code} 不是有效的定点机构编码：第 2 至 7 位 {code[1:7]} 不是已知的行政区划代码。"
    )
    assert balance(li_ming) == Decimal("500.00")


def test_unknown_division_refused_in_the_institution_column_of_the_file(
    li_ming, li_xiaoming, son_agreement, supervisor
):
    report = import_settlements(
        [settlement_row(li_ming, li_xiaoming, code="P99999900031", use="购药")], supervisor
    )
    assert [(e.row, e.column) for e in report.errors] == [(2, "定点机构编码")]
    assert not SharingPayment.objects.exists()


def test_settlement_dated_in_the_future_refused(
    li_ming, li_xiaoming, son_agreement, clerk, supervisor
):
    tomorrow = timezone.localtime() + DAY
    with pytest.raises(SettlementInFuture) as refused:
        receive(li_ming, li_xiaoming, operator=clerk, settled_at=tomorrow)
    assert str(refused.value) == f"结算时间 {tomorrow:%Y-%m-%d %H:%M:%S} 晚于当前时间。"
    report = import_settlements(
        [settlement_row(li_ming, li_xiaoming, at=f"{tomorrow:%Y-%m-%d %H:%M:%S}")], supervisor
    )
    assert [(e.row, e.column, e.message) for e in report.errors] == [
        (2, "结算时间", str(refused.value))
    ]
    assert not SharingPayment.objects.exists()
    assert balance(li_ming) == Decimal("500.00")
