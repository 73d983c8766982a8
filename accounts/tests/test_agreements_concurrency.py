"""Registrations racing each other or a change of the person: the rules still hold."""

import datetime as dt
import threading

import pytest
from django.db import connections

from accounts.errors import AgreementExists, BeneficiaryNotActive
from accounts.models import EnrolmentStatus, Scheme, SharingAgreement
from accounts.services.agreements import agreement_register
from accounts.services.people import person_update
from accounts.tests.factories import make_person, make_user


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_of_one_pair_give_one_agreement_and_one_refusal():
    clerks = [make_user("clerk"), make_user("clerk")]
    grantor = make_person(name="李明")
    beneficiary = make_person(name="李小明", scheme=Scheme.RESIDENT, birth=dt.date(2010, 3, 1))
    barrier = threading.Barrier(2)
    outcomes = []

    def register(clerk):
        try:
            barrier.wait()
            agreement_register(
                grantor_id_number=grantor.id_number,
                beneficiary_id_number=beneficiary.id_number,
                relationship="child",
                evidence_type="household_register",
                operator=clerk,
            )
            outcomes.append("registered")
        except AgreementExists:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(c,)) for c in clerks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["refused", "registered"]
    assert SharingAgreement.objects.live().count() == 1


@pytest.mark.django_db(transaction=True)
def test_registration_racing_a_suspension_never_leaves_a_live_agreement():
    """Whichever commits first, a suspended beneficiary ends with no live agreement."""
    clerk = make_user("clerk")
    grantor = make_person(name="李明")
    beneficiary = make_person(name="李小明", scheme=Scheme.RESIDENT, birth=dt.date(2010, 3, 1))
    barrier = threading.Barrier(2)

    def register():
        try:
            barrier.wait()
            agreement_register(
                grantor_id_number=grantor.id_number,
                beneficiary_id_number=beneficiary.id_number,
                relationship="child",
                evidence_type="household_register",
                operator=clerk,
            )
        except BeneficiaryNotActive:
            pass
        finally:
            connections.close_all()

    def suspend():
        try:
            barrier.wait()
            person_update(person=beneficiary, status=EnrolmentStatus.SUSPENDED, operator=clerk)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register), threading.Thread(target=suspend)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not SharingAgreement.objects.live().exists()
