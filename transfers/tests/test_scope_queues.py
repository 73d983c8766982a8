"""The regional scope of the review queues and the ledger, as a clerk of 苏州市
(320500) and a supervisor of 江苏省 see them: a record is in scope when either of
its persons (grantor or beneficiary; a reversal's payment's; an entry's account
holder, wallet holder or counterpart) lives in one of the user's regions.

``accounts.scope`` asks it of the persons by their ids (EXISTS over
``id IN (grantor_id, beneficiary_id)``, a probe through the payment, the account,
the wallet); the expected rows here are the pairs written out by hand.
"""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.models import Scheme
from accounts.scope import can_act
from accounts.tests.factories import credit, make_agreement, make_person, make_user
from transfers.models import SharingPayment
from transfers.services.reversals import reversal_request

from .factories import accept, receive, transfer

SUZHOU, NANJING, NANYANG = "320500", "320100", "411300"  # 南阳市 is in 河南省
CHILD_BIRTH = dt.date(2010, 3, 1)


def _family(region: str, name: str):
    """A parent with ¥1,000.00 and their child, both of ``region``."""
    parent = make_person(name=f"{name}父", region=region)
    child = make_person(name=f"{name}子", region=region, scheme=Scheme.RESIDENT, birth=CHILD_BIRTH)
    credit(parent.account, "1000.00")
    return parent, child


@pytest.fixture
def pairs(db):
    """Four agreements, parent → child: within 苏州, from 南京 to 苏州, within 南京,
    within 南阳; each with a held payment (``held``) and a posted one whose
    reversal is requested (``reversed``), 结算IDs named after the pair."""
    suzhou_parent, suzhou_child = _family(SUZHOU, "苏")
    nanjing_parent, nanjing_child = _family(NANJING, "宁")
    nanyang_parent, nanyang_child = _family(NANYANG, "宛")
    pairs = {
        "苏苏": (suzhou_parent, suzhou_child),
        "宁苏": (nanjing_parent, suzhou_child),
        "宁宁": (nanjing_parent, nanjing_child),
        "宛宛": (nanyang_parent, nanyang_child),
    }
    for name, (grantor, beneficiary) in pairs.items():
        make_agreement(grantor, beneficiary, relationship="child")
        clerk = make_user("clerk", region=grantor.region_id)
        receive(grantor, beneficiary, "10.00", operator=clerk, sid=f"H-{name}", manual=True)
        posted = receive(grantor, beneficiary, "20.00", operator=clerk, sid=f"P-{name}")
        reversal_request(payment=posted, reason="重复结算", operator=clerk)
    return pairs


def _seen(client, user, name: str, column: str) -> set[str]:
    client.force_login(user)
    response = client.get(reverse(f"admin:transfers_{name}_changelist"))
    assert response.status_code == 200
    cl = response.context["cl"]
    assert cl.result_count == len(cl.result_list)
    return {column(row) for row in cl.result_list}


def test_oracle_a_clerk_sees_a_queued_payment_when_either_party_is_of_the_city(client, pairs):
    clerk = make_user("clerk", region=SUZHOU)
    held = _seen(client, clerk, "heldpayment", lambda p: p.settlement_id)
    reversals = _seen(client, clerk, "requestedreversal", lambda r: r.payment.settlement_id)
    # 苏苏: both of 苏州; 宁苏: only the beneficiary; 宁宁 and 宛宛: neither.
    assert held == {"H-苏苏", "H-宁苏"}
    assert reversals == {"P-苏苏", "P-宁苏"}


def test_oracle_a_supervisor_sees_the_queues_of_the_province(client, pairs):
    supervisor = make_user("supervisor", region=SUZHOU)
    held = _seen(client, supervisor, "heldpayment", lambda p: p.settlement_id)
    reversals = _seen(client, supervisor, "requestedreversal", lambda r: r.payment.settlement_id)
    # Every pair with a person of 江苏 (苏州, 南京); not 南阳's.
    assert held == {"H-苏苏", "H-宁苏", "H-宁宁"}
    assert reversals == {"P-苏苏", "P-宁苏", "P-宁宁"}


def test_oracle_a_reviewer_acts_on_a_payment_only_through_its_grantor(pairs):
    """The other side of an agreement is seen, not acted on: 苏州's reviewer may
    decide the held payment of 苏州's grantor, not that of 南京's grantor to 苏州's
    child; 江苏's supervisor may decide both."""
    reviewer = make_user("reviewer", region=SUZHOU)
    supervisor = make_user("supervisor", region=SUZHOU)
    decides = {
        (sid, who): can_act(user, SharingPayment.objects.get(settlement_id=sid))
        for sid in ("H-苏苏", "H-宁苏", "H-宛宛")
        for who, user in (("reviewer", reviewer), ("supervisor", supervisor))
    }
    assert decides == {
        ("H-苏苏", "reviewer"): True,
        ("H-苏苏", "supervisor"): True,
        ("H-宁苏", "reviewer"): False,
        ("H-宁苏", "supervisor"): True,
        ("H-宛宛", "reviewer"): False,
        ("H-宛宛", "supervisor"): False,
    }


def _holder(entry) -> str:
    return (entry.account or entry.wallet).person.name


def test_oracle_the_ledger_of_a_clerk_holds_entries_by_account_wallet_or_counterpart(
    client, pairs, no_quiet_hours
):
    """Entries of 苏州's persons' accounts and wallets, and entries elsewhere whose
    counterpart is of 苏州; not 南京's own, nor 南阳's."""
    nanjing_parent, suzhou_child = pairs["宁苏"]
    # 南京's parent sends to 苏州's child's wallet: a debit of 南京's account
    # (counterpart: the child) and a credit of the child's wallet.
    sent = transfer(
        nanjing_parent, suzhou_child, "30.00", operator=make_user("clerk", region=NANJING)
    )
    accept(sent)
    client.force_login(make_user("clerk", region=SUZHOU))
    response = client.get(reverse("admin:accounts_ledgerentry_changelist"))
    seen = sorted(
        (_holder(e), e.counterpart.name if e.counterpart else "", str(e.amount))
        for e in response.context["cl"].result_list
    )
    expected = sorted(
        [
            ("李明", "", "500.00"),  # the credit of 苏州's 李明 (of ``no_quiet_hours``)
            ("苏父", "", "1000.00"),  # the credit of 苏州's parent
            ("苏父", "苏子", "-20.00"),  # P-苏苏, from 苏州's parent's account
            ("宁父", "苏子", "-20.00"),  # P-宁苏: 南京's account, counterpart of 苏州
            ("宁父", "苏子", "-30.00"),  # the transfer: 南京's account, counterpart of 苏州
            ("苏子", "宁父", "30.00"),  # the transfer: 苏州's child's wallet
        ]
    )
    assert seen == expected
