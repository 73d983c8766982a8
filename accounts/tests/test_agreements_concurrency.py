"""Registrations racing each other or a change of the person: the rules still hold."""

import datetime as dt

import pytest

from accounts.errors import AgreementExists, BeneficiaryNotActive
from accounts.models import EnrolmentStatus, Scheme, SharingAgreement
from accounts.services.agreements import agreement_register
from accounts.services.people import person_update
from accounts.tests.factories import make_person, make_user
from core.tests.threads import run_at_once


def father_and_son():
    grantor = make_person(name="李明")
    beneficiary = make_person(name="李小明", scheme=Scheme.RESIDENT, birth=dt.date(2010, 3, 1))
    return grantor, beneficiary


def registration(grantor, beneficiary, clerk):
    return lambda: agreement_register(
        grantor_id_number=grantor.id_number,
        beneficiary_id_number=beneficiary.id_number,
        relationship="child",
        evidence_type="household_register",
        operator=clerk,
    )


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_of_one_pair_give_one_agreement_and_one_refusal():
    grantor, beneficiary = father_and_son()
    outcomes = run_at_once(
        *(registration(grantor, beneficiary, make_user("clerk")) for _ in range(2))
    )
    assert sorted(type(o).__name__ for o in outcomes) == [
        AgreementExists.__name__,
        SharingAgreement.__name__,
    ]
    assert SharingAgreement.objects.live().count() == 1


@pytest.mark.django_db(transaction=True)
def test_registration_racing_a_suspension_never_leaves_a_live_agreement():
    """Whichever commits first, a suspended beneficiary ends with no live agreement."""
    clerk = make_user("clerk")
    grantor, beneficiary = father_and_son()
    registered, suspended = run_at_once(
        registration(grantor, beneficiary, clerk),
        lambda: person_update(person=beneficiary, status=EnrolmentStatus.SUSPENDED, operator=clerk),
    )
    assert isinstance(registered, SharingAgreement | BeneficiaryNotActive)
    assert not isinstance(suspended, Exception)
    assert not SharingAgreement.objects.live().exists()
