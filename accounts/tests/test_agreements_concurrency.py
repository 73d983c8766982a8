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


def run_at_once(*actions):
    """Run each action in its own thread (own connection), released together."""
    barrier = threading.Barrier(len(actions))

    def run(action):
        try:
            barrier.wait()
            action()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(a,)) for a in actions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def father_and_son():
    grantor = make_person(name="李明")
    beneficiary = make_person(name="李小明", scheme=Scheme.RESIDENT, birth=dt.date(2010, 3, 1))
    return grantor, beneficiary


def registration(grantor, beneficiary, clerk, outcomes, refusal):
    def register():
        try:
            agreement_register(
                grantor_id_number=grantor.id_number,
                beneficiary_id_number=beneficiary.id_number,
                relationship="child",
                evidence_type="household_register",
                operator=clerk,
            )
            outcomes.append("registered")
        except refusal:
            outcomes.append("refused")

    return register


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_of_one_pair_give_one_agreement_and_one_refusal():
    grantor, beneficiary = father_and_son()
    outcomes = []
    run_at_once(
        *(
            registration(grantor, beneficiary, make_user("clerk"), outcomes, AgreementExists)
            for _ in range(2)
        )
    )
    assert sorted(outcomes) == ["refused", "registered"]
    assert SharingAgreement.objects.live().count() == 1


@pytest.mark.django_db(transaction=True)
def test_registration_racing_a_suspension_never_leaves_a_live_agreement():
    """Whichever commits first, a suspended beneficiary ends with no live agreement."""
    clerk = make_user("clerk")
    grantor, beneficiary = father_and_son()
    outcomes = []
    run_at_once(
        registration(grantor, beneficiary, clerk, outcomes, BeneficiaryNotActive),
        lambda: person_update(person=beneficiary, status=EnrolmentStatus.SUSPENDED, operator=clerk),
    )
    assert len(outcomes) == 1
    assert not SharingAgreement.objects.live().exists()
