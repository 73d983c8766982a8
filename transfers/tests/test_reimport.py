"""Exported lists re-import cleanly where a format exists: importing the export changes nothing."""

import io

import pytest
from django.utils import translation

from accounts.exports import InsuredPersonExport, SharingAgreementExport
from accounts.imports import AgreementsImport, PersonsImport
from accounts.models import InsuredPerson, LedgerEntry, SharingAgreement
from accounts.selectors import ledger_mismatches
from accounts.tests.factories import credit
from core.exporting import write_xlsx
from core.importing import import_run
from transfers.exports import SharingPaymentExport, WalletTransferExport
from transfers.imports import SettlementsImport, WalletTransfersImport
from transfers.models import SharingPayment, WalletTransfer
from transfers.services.payments import settlement_receive
from transfers.services.wallets import wallet_transfer_create

from .factories import local


def export_then_import(resource, queryset, importer, language):
    out = io.BytesIO()
    with translation.override(language):
        write_xlsx(resource.get_export_headers(), resource.rows(queryset), out)
    return import_run(importer, out.getvalue(), operator=None, dry_run=False)


@pytest.fixture
def records(li_ming, li_xiaoming, son_agreement, clerk):
    """One record of each list with a format, made through the services."""
    credit(li_ming.account, "1000.00")
    settlement_receive(
        settlement_id="JS20250310000001",
        settled_at=local(2025, 3, 10, 9, 30),
        institution_code="H32050000012",
        institution_name="苏州市立医院",
        use="就医",
        beneficiary_id_number=li_xiaoming.id_number,
        grantor_id_number=li_ming.id_number,
        amount="100.00",
        operator=clerk,
    )
    wallet_transfer_create(
        transfer_number="WT00000001",
        transferred_at=local(2025, 3, 10, 10, 0),
        sender_id_number=li_ming.id_number,
        recipient_id_number=li_xiaoming.id_number,
        amount="300.00",
        operator=clerk,
    )


# Each format in each language: the headers and words are the file's, not the UI's.
@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(
    "resource, model, importer",
    [
        (InsuredPersonExport, InsuredPerson, PersonsImport),
        (SharingAgreementExport, SharingAgreement, AgreementsImport),
        (SharingPaymentExport, SharingPayment, SettlementsImport),
        (WalletTransferExport, WalletTransfer, WalletTransfersImport),
    ],
    ids=["persons", "agreements", "settlements", "wallet transfers"],
)
def test_an_exported_list_re_imports_changing_nothing(records, resource, model, importer, language):
    entries, count = LedgerEntry.objects.count(), model.objects.count()
    history = InsuredPerson.pgh_event_model.objects.count()

    report = export_then_import(resource(unmasked=True), model.objects.all(), importer(), language)

    assert report.accepted, [str(e) for e in report.errors]
    assert (report.created, report.updated, report.skipped) == (0, 0, count)
    assert model.objects.count() == count
    assert LedgerEntry.objects.count() == entries
    assert InsuredPerson.pgh_event_model.objects.count() == history
    assert ledger_mismatches() == []
