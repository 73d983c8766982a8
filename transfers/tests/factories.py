"""Test data of the transfers app, built through the services as the product builds it:
settlements received, wallet transfers made and accepted, wallet spendings, and the
settlement file's rows. Agreements come from ``accounts.tests.factories.make_agreement``."""

import datetime as dt

from django.utils import timezone

from accounts.models import Use
from accounts.tests.factories import make_user
from core.importing import import_run
from core.tests.files import xlsx_file
from transfers.imports import SettlementsImport
from transfers.services.payments import settlement_receive
from transfers.services.wallets import wallet_spend, wallet_transfer_accept, wallet_transfer_create


def local(*args) -> dt.datetime:
    """An aware local (Asia/Shanghai) time: ``local(2025, 3, 10, 9, 30)``."""
    return timezone.make_aware(dt.datetime(*args))


HOSPITAL = {"institution_code": "H32050000012", "institution_name": "苏州市立医院"}


PHARMACY = {"institution_code": "P32050000031", "institution_name": "老百姓大药房"}


def receive(grantor, beneficiary, amount="100.00", *, operator, sid="JS20250310000001", **extra):
    row = {
        "settlement_id": sid,
        "settled_at": local(2025, 3, 10, 9, 30),
        "use": Use.MEDICAL,
        **HOSPITAL,
        "beneficiary_id_number": beneficiary.id_number,
        "grantor_id_number": grantor.id_number,
        "amount": amount,
        "operator": operator,
    }
    row.update(extra)
    return settlement_receive(**row)


def logged_in(client, user):
    client.force_login(user)
    return client


def settlement_form(grantor, beneficiary, **changes):
    """The counter's manual settlement form, filled in (a ¥100.00 hospital bill)."""
    return {
        "settlement_id": "MANUAL-1",
        "settled_at": "2025-03-10T09:30",
        "use": "medical",
        "institution_code": "H32050000012",
        "institution_name": "苏州市立医院",
        "beneficiary_id_number": beneficiary.id_number,
        "paid_from": "account",
        "grantor_id_number": grantor.id_number,
        "amount": "100.00",
        "note": "结算文件漏传",
        **changes,
    }


def balance(person):
    person.account.refresh_from_db()
    return person.account.balance


def pay_from_wallet(patient, amount, sid, *, operator=None, **changes):
    row = {
        "settlement_id": sid,
        "settled_at": local(2025, 3, 12, 10, 0),
        "use": "购药",
        **PHARMACY,
        "beneficiary_id_number": patient.id_number,
        "grantor_id_number": "",
        "amount": amount,
        "paid_from": "wallet",
        "operator": operator,
        **changes,
    }
    return settlement_receive(**row)


_numbers = iter(range(1, 10_000))


def transfer(sender, recipient, amount="300.00", *, operator, at=None, number=None):
    return wallet_transfer_create(
        transfer_number=number or f"WT{next(_numbers):08d}",
        transferred_at=at or local(2025, 3, 10, 10, 0),
        sender_id_number=sender.id_number,
        recipient_id_number=recipient.id_number,
        amount=amount,
        operator=operator,
    )


def accept(transfer_, *, operator=None):
    """The recipient accepts an hour after the transfer, well before its cut-off, at
    the counter of a clerk other than the one who entered it (by default a new one,
    of the recipient's region: regional scope)."""
    region = transfer_.wallet.person.region_id
    return wallet_transfer_accept(
        transfer=transfer_,
        operator=operator or make_user("clerk", region=region),
        now=transfer_.transferred_at + dt.timedelta(hours=1),
    )


def spend(person, amount, sid, use=Use.PHARMACY, operator=None, **extra):
    return wallet_spend(
        settlement_id=sid,
        settled_at=local(2025, 3, 12, 10, 0),
        institution_code="P32050000031",
        institution_name="老百姓大药房",
        use=use,
        beneficiary_id_number=person.id_number,
        amount=amount,
        operator=operator,
        **extra,
    )


SETTLEMENT_HEADER = [
    "结算ID",
    "结算时间",
    "定点机构编码",
    "定点机构名称",
    "用途",
    "被共济人身份号码",
    "共济人身份号码",
    "共济支付金额",
]


def settlement_row(grantor, beneficiary, sid="JS-1", amount="100.00", **changes):
    row = {
        "sid": sid,
        "at": "2025-03-10 09:30:00",
        "code": "H32050000012",
        "name": "苏州市立医院",
        "use": "就医",
        "beneficiary": beneficiary.id_number,
        "grantor": grantor.id_number,
        "amount": amount,
        **changes,
    }
    return list(row.values())


def import_settlements(rows, operator, dry_run=False):
    content = xlsx_file([SETTLEMENT_HEADER, *rows])
    return import_run(
        SettlementsImport(), content, filename="s.xlsx", operator=operator, dry_run=dry_run
    )
