"""The counter's batch: one grantor, several beneficiaries, all registered or none."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.errors import AgreementBatchRefused, PersonNotFound, SamePerson
from accounts.models import AgreementStatus, Scheme, SharingAgreement
from accounts.services.agreements import agreements_register_batch
from accounts.tests.factories import make_person

pytestmark = pytest.mark.django_db


def _item(person_or_number, **extra) -> dict:
    number = getattr(person_or_number, "id_number", person_or_number)
    return {
        "beneficiary_id_number": number,
        "relationship": "child",
        "evidence_type": "household_register",
        "effective_from": dt.date(2025, 1, 1),
        **extra,
    }


@pytest.fixture
def daughter(clerk):
    return make_person(
        name="李晓", scheme=Scheme.RESIDENT, birth=dt.date(2012, 6, 1), gender="F", operator=clerk
    )


def test_every_beneficiary_is_registered_pending_by_the_operator(
    li_ming, li_xiaoming, daughter, clerk
):
    created = agreements_register_batch(
        grantor_id_number=li_ming.id_number,
        beneficiaries=[_item(li_xiaoming), _item(daughter)],
        operator=clerk,
    )
    assert [(a.beneficiary, a.status, a.created_by) for a in created] == [
        (li_xiaoming, AgreementStatus.PENDING, clerk),
        (daughter, AgreementStatus.PENDING, clerk),
    ]


def test_one_refusal_registers_none_and_names_each_refused_beneficiary(
    li_ming, li_xiaoming, daughter, clerk, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    scan = SimpleUploadedFile("户口簿.png", b"\x89PNG\r\n\x1a\n0000", "image/png")
    unknown = "110101199003070011"  # valid check digit (GB 11643: 1), not registered
    with pytest.raises(AgreementBatchRefused) as refused:
        agreements_register_batch(
            grantor_id_number=li_ming.id_number,
            beneficiaries=[
                _item(li_xiaoming, evidence_scan=scan),
                _item(li_ming),
                _item(daughter),
                _item(unknown),
            ],
            operator=clerk,
        )
    assert [(p, type(e)) for p, _n, e in refused.value.refusals] == [
        (2, SamePerson),
        (4, PersonNotFound),
    ]
    message = str(refused.value)
    assert message.startswith("未登记任何共济关系。被拒绝的：第 2 位被共济人（")
    assert "第 4 位被共济人（110101********0011）" in message
    assert not SharingAgreement.objects.exists()
    assert not list(tmp_path.rglob("*.png"))
