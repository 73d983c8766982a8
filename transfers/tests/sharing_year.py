"""A year of family sharing built through the services, for the statistics' oracle.

Two grantors, as a clerk and a reviewer would enter them (settlements received,
wallet transfers made and accepted, a reversal requested and approved):

李明, 苏州 (江苏省), ¥1,000.00:
  2024-12-31  son 李小明 (苏州)      就医 10.00           outside 2025
  2025-03-10  son                    就医 100.00
  2025-03-20  son                    购药 50.00           reversed
  2025-03-28  son                    购药 35.50           received late, on 2025-04-20
  2025-04-02  son                    居民医保缴费 200.00
  2025-05-01  daughter 李丽 (南京)   购药 60.00           省内跨统筹区
  2026-01-02  son                    就医 7.00            outside 2025
王芳, 南阳 (河南省), ¥1,000.00:
  2025-04-15  father 王老 (苏州)     wallet 300.00        跨省, accepted
  2025-04-16  father                 wallet 250.00        跨省, never accepted
  2025-04-20  daughter 王小丽 (南阳) 就医 80.00

The totals of 2025, added up by hand from these lines, are written out in the
tests; nothing here computes one.
"""

import datetime as dt
import itertools
from dataclasses import dataclass

from accounts.models import InsuredPerson, Scheme, Use
from accounts.tests.factories import credit, make_agreement, make_person
from core.tests.clock import clock_at
from transfers.services.payments import settlement_receive
from transfers.services.reversals import reversal_approve, reversal_request
from transfers.services.wallets import (
    wallet_transfer_accept,
    wallet_transfer_create,
    wallet_transfers_return_unaccepted,
)

from .factories import local

INSTITUTIONS = {
    "suzhou_hospital": ("H32050000012", "苏州市立医院"),
    "suzhou_pharmacy": ("P32050000003", "同仁堂苏州店"),
    "nanjing_pharmacy": ("P32010000007", "南京医药大药房"),
    "nanyang_hospital": ("H41130000001", "南阳市中心医院"),
    "fund": ("", ""),
}
_numbers = itertools.count(1)


@dataclass
class SharingYear:
    li_ming: InsuredPerson
    wang_fang: InsuredPerson
    son: InsuredPerson
    daughter: InsuredPerson
    wang_daughter: InsuredPerson
    wang_father: InsuredPerson


def settle(grantor, beneficiary, amount, settled_at, use, institution, *, operator, received=None):
    """Receive one settlement; ``received`` is the booking time when it came late."""
    code, name = INSTITUTIONS[institution]
    with clock_at(received or settled_at):
        return settlement_receive(
            settlement_id=f"JS{settled_at:%Y%m%d}{next(_numbers):06d}",
            settled_at=settled_at,
            institution_code=code,
            institution_name=name,
            use=use,
            beneficiary_id_number=beneficiary.id_number,
            grantor_id_number=grantor.id_number,
            amount=amount,
            operator=operator,
        )


def send(sender, recipient, amount, transferred_at, *, operator):
    with clock_at(transferred_at):
        return wallet_transfer_create(
            transfer_number=f"WT{next(_numbers):08d}",
            transferred_at=transferred_at,
            sender_id_number=sender.id_number,
            recipient_id_number=recipient.id_number,
            amount=amount,
            operator=operator,
        )


def wang_family_register(*, clerk) -> tuple[InsuredPerson, InsuredPerson, InsuredPerson]:
    """王芳 (南阳), her daughter 王小丽 (南阳) and her father 王老 (苏州), with her two
    agreements: for her daughter from 2024, for her father from the day
    cross-province sharing is in force in 河南省 (2025-02-04, sample policy)."""
    wang_fang = make_person(name="王芳", gender="F", region="411300", operator=clerk)
    daughter = make_person(
        name="王小丽",
        gender="F",
        region="411300",
        scheme=Scheme.RESIDENT,
        birth=dt.date(2010, 6, 1),
    )
    father = make_person(name="王老", region="320500", birth=dt.date(1948, 2, 1))
    make_agreement(wang_fang, daughter)
    make_agreement(wang_fang, father, relationship="parent", effective_from=dt.date(2025, 2, 4))
    return wang_fang, daughter, father


def sharing_year_build(*, clerk, reviewer) -> SharingYear:
    """The lines of the module docstring, in the order they were booked."""
    li_ming = make_person(name="李明", region="320500", operator=clerk)
    son = make_person(name="李小明", scheme=Scheme.RESIDENT, birth=dt.date(2012, 3, 1))
    daughter = make_person(
        name="李丽", gender="F", region="320100", scheme=Scheme.RESIDENT, birth=dt.date(2005, 1, 1)
    )
    make_agreement(li_ming, son)
    make_agreement(li_ming, daughter)
    wang_fang, wang_daughter, wang_father = wang_family_register(clerk=clerk)
    with clock_at(local(2024, 12, 1, 9)):
        credit(li_ming.account, "1000.00", operator=clerk)
        credit(wang_fang.account, "1000.00", operator=clerk)

    def pay(grantor, beneficiary, amount, settled_at, use, institution, **options):
        return settle(
            grantor, beneficiary, amount, settled_at, use, institution, operator=clerk, **options
        )

    pay(li_ming, son, "10.00", local(2024, 12, 31, 9), Use.MEDICAL, "suzhou_hospital")
    pay(li_ming, son, "100.00", local(2025, 3, 10, 9), Use.MEDICAL, "suzhou_hospital")
    wrong = pay(li_ming, son, "50.00", local(2025, 3, 20, 9), Use.PHARMACY, "suzhou_pharmacy")
    with clock_at(local(2025, 3, 21, 9)):
        reversal = reversal_request(payment=wrong, reason="重复结算", operator=clerk)
        reversal_approve(reversal=reversal, operator=reviewer)
    pay(li_ming, son, "200.00", local(2025, 4, 2, 9), Use.RESIDENT_CONTRIBUTION, "fund")
    accepted = send(wang_fang, wang_father, "300.00", local(2025, 4, 15, 10), operator=clerk)
    with clock_at(local(2025, 4, 15, 12)):
        wallet_transfer_accept(transfer=accepted, operator=reviewer)
    send(wang_fang, wang_father, "250.00", local(2025, 4, 16, 10), operator=clerk)
    with clock_at(local(2025, 4, 17, 6, 5)):
        wallet_transfers_return_unaccepted(operator=None, now=local(2025, 4, 17, 6, 5))
    pay(wang_fang, wang_daughter, "80.00", local(2025, 4, 20, 9), Use.MEDICAL, "nanyang_hospital")
    pay(
        li_ming,
        son,
        "35.50",
        local(2025, 3, 28, 9),
        Use.PHARMACY,
        "suzhou_pharmacy",
        received=local(2025, 4, 20, 15),
    )
    pay(li_ming, daughter, "60.00", local(2025, 5, 1, 9), Use.PHARMACY, "nanjing_pharmacy")
    pay(li_ming, son, "7.00", local(2026, 1, 2, 9), Use.MEDICAL, "suzhou_hospital")
    return SharingYear(li_ming, wang_fang, son, daughter, wang_daughter, wang_father)
