"""Sharing payments, wallet transfers, reversals and credits, made through the services.

The statements read only the ledger; their tests make the entries the way the hall
does: credits through the credits import, settlements through ``settlement_receive``
(a held one approved by a reviewer), transfers through ``wallet_transfer_create``,
reversals requested and approved. Each is booked on the day given (the test's clock,
10:00 local); ``settled`` / ``month`` is the day the money is for when it differs (a
settlement or a credit imported late). A payment needs an agreement: the first
payment or transfer between two persons registers one, in force from 2022-01-01
(the first day the sample policy allows children).
"""

import datetime as dt
import itertools

from django.utils import timezone

from accounts.imports import CreditsImport
from accounts.models import SharingAgreement, Use
from accounts.tests.factories import make_agreement, make_user
from core.importing import import_run
from core.tests.clock import clock_at
from core.tests.files import csv_file
from transfers.models import PaymentStatus
from transfers.services.payments import payment_approve, settlement_receive
from transfers.services.reversals import reversal_approve, reversal_request
from transfers.services.wallets import wallet_transfer_create

_serial = itertools.count(1)
INSTITUTIONS = {
    Use.MEDICAL: ("H32050000012", "苏州市立医院"),
    Use.PHARMACY: ("P32050000031", "老百姓大药房"),
}
AGREED_FROM = dt.date(2022, 1, 1)  # when the sample policy allows children


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    """An aware moment of ``day`` in the hall's time zone."""
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def post_credit(account, amount, day: dt.date, operator=None, *, month: dt.date | None = None):
    """个人账户划入 of the credits import, booked on ``day``, for the month of ``month``
    (default: ``day``'s); returns its ledger entry."""
    month = (month or day).strftime("%Y-%m")
    batch = f"B{next(_serial):06d}"
    header = ["批次号", "公民身份号码", "划入年月", "金额", "摘要"]
    row = [batch, account.person.id_number, month, str(amount), "月度划入"]
    with clock_at(at(day)):
        report = import_run(
            CreditsImport(), csv_file([header, row]), operator=operator, dry_run=False
        )
    assert report.written and not report.errors, [str(e) for e in report.errors]
    return account.entries.get(reference=batch)


def _agreed(grantor, beneficiary) -> None:
    if not SharingAgreement.objects.live().filter(grantor=grantor, beneficiary=beneficiary):
        make_agreement(grantor, beneficiary, effective_from=AGREED_FROM)


def post_sharing_payment(
    account,
    beneficiary,
    amount,
    day: dt.date,
    *,
    use=Use.MEDICAL,
    institution: tuple[str, str] | None = None,
    operator=None,
    settled: dt.date | None = None,
):
    """共济支付 received on ``day``: the grantor's account pays ``amount`` of the
    beneficiary's cost, settled on ``settled`` (default: ``day``), at a hospital (a
    pharmacy for 购药) unless ``institution``; returns the payment."""
    _agreed(account.person, beneficiary)
    code, name = institution or INSTITUTIONS.get(use, INSTITUTIONS[Use.MEDICAL])
    with clock_at(at(day)):
        payment = settlement_receive(
            settlement_id=f"JS{next(_serial):012d}",
            settled_at=at(settled or day, 9),
            institution_code=code,
            institution_name=name,
            use=use,
            beneficiary_id_number=beneficiary.id_number,
            grantor_id_number=account.person.id_number,
            amount=str(amount),
            operator=operator,
        )
        if payment.status == PaymentStatus.HELD:
            payment = payment_approve(payment=payment, operator=make_user("reviewer"))
    return payment


def post_wallet_transfer(account, recipient, amount, day: dt.date, *, operator=None):
    """钱包转账 made on ``day``: out of the grantor's account, into the recipient's wallet."""
    _agreed(account.person, recipient)
    with clock_at(at(day, 11)):
        return wallet_transfer_create(
            transfer_number=f"WT{next(_serial):08d}",
            transferred_at=at(day),
            sender_id_number=account.person.id_number,
            recipient_id_number=recipient.id_number,
            amount=str(amount),
            operator=operator,
        )


def post_reversal(payment, day: dt.date, operator=None):
    """冲正 of ``payment`` requested and approved on ``day``; returns the reversal."""
    with clock_at(at(day)):
        reversal = reversal_request(
            payment=payment, reason="医院重复上传", operator=operator or make_user("clerk")
        )
        return reversal_approve(reversal=reversal, operator=make_user("reviewer"))
