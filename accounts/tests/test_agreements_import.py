"""Agreements files (SPREADSHEETS.md §3): the counter's rules per row, all or nothing."""

import datetime as dt
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation

from accounts.imports import AgreementsImport, PersonsImport
from accounts.models import AgreementStatus, EndReason, ProvincePolicy, Scheme, SharingAgreement
from accounts.services.regions import policy_update
from accounts.tests.factories import make_agreement, make_id_number, make_person
from core.importing import import_run
from core.tests.files import csv_file, xlsx_file

HEADER = ["共济人身份号码", "被共济人身份号码", "关系", "证明材料类型", "证明材料编号", "生效日期"]

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def grandmother(db, clerk):
    return make_person(
        name="王秀英", scheme=Scheme.RESIDENT, birth=dt.date(1930, 1, 1), gender="F", operator=clerk
    )


def row(grantor, beneficiary, relationship="子女", evidence="户口簿", effective=""):
    return [grantor.id_number, beneficiary.id_number, relationship, evidence, "", effective]


def run(rows, *, operator, dry_run=False, approved_by=None, fmt=csv_file):
    importer = AgreementsImport(approved_by=approved_by)
    return import_run(importer, fmt([HEADER, *rows]), operator=operator, dry_run=dry_run)


def test_agreements_file_registers_pending_agreements_and_a_second_import_changes_nothing(
    clerk, li_ming, li_xiaoming, grandmother
):
    rows = [
        row(li_ming, li_xiaoming, effective="2025-01-01"),
        row(li_ming, grandmother, "外祖父母", "亲属关系证明"),
    ]
    preview = run(rows, operator=clerk, dry_run=True)
    assert (preview.accepted, preview.created) == (True, 2)
    assert not SharingAgreement.objects.exists()
    report = run(rows, operator=clerk, fmt=xlsx_file)
    assert report.written, report.errors
    agreements = SharingAgreement.objects.order_by("pk")
    assert [(a.beneficiary, a.status) for a in agreements] == [
        (li_xiaoming, AgreementStatus.PENDING),
        (grandmother, AgreementStatus.PENDING),
    ]
    assert agreements[0].effective_from == dt.date(2025, 1, 1)
    again = run(rows, operator=clerk)
    assert (again.created, again.skipped) == (0, 2)
    assert SharingAgreement.objects.count() == 2


def test_a_refused_row_names_row_column_and_province_and_nothing_is_written(
    clerk, supervisor, li_ming, li_xiaoming, grandmother
):
    policy_update(
        policy=ProvincePolicy.objects.get(province_id="32"),
        extension_since=None,
        operator=supervisor,
    )
    report = run([row(li_ming, li_xiaoming), row(li_ming, grandmother, "外祖父母")], operator=clerk)
    assert not report.written
    [error] = report.errors
    assert (error.row, error.column) == (3, "关系")
    assert "江苏省" in error.message
    assert not SharingAgreement.objects.exists()


def test_unknown_grantor_is_reported_in_the_grantor_column(clerk, li_xiaoming):
    number = make_id_number()  # valid, and nobody is registered with it
    report = run([[number, li_xiaoming.id_number, "子女", "户口簿", "", ""]], operator=clerk)
    assert [(e.row, e.column) for e in report.errors] == [(2, "共济人身份号码")]


def test_unknown_relationship_word_is_refused(clerk, li_ming, li_xiaoming):
    report = run([row(li_ming, li_xiaoming, "儿子")], operator=clerk)
    assert [(e.row, e.column) for e in report.errors] == [(2, "关系")]


def test_batch_approved_by_a_second_user(clerk, reviewer, li_ming, li_xiaoming):
    report = run([row(li_ming, li_xiaoming)], operator=clerk, approved_by=reviewer)
    assert report.written
    agreement = SharingAgreement.objects.get()
    assert (agreement.status, agreement.reviewed_by) == (AgreementStatus.APPROVED, reviewer)


def import_agreements(path, operator, approver):
    out = StringIO()
    call_command(
        "import_agreements",
        str(path),
        "--operator",
        operator,
        "--approved-by",
        approver,
        stdout=out,
    )
    return out.getvalue()


def test_command_with_approved_by_and_refusal_of_self_approval(
    tmp_path, supervisor, reviewer, li_ming, li_xiaoming
):
    path = tmp_path / "agreements.csv"
    path.write_bytes(csv_file([HEADER, row(li_ming, li_xiaoming)]))
    with translation.override("zh-hans"), pytest.raises(CommandError) as refused:
        import_agreements(path, supervisor.username, supervisor.username)
    assert str(refused.value) == (
        "supervisor1 不能批准自己导入的批次，须由另一位用户批准（--approved-by）。"
    )
    with pytest.raises(CommandError, match="lacks the permission"):
        import_agreements(path, supervisor.username, "clerk1")
    assert "1 created" in import_agreements(path, supervisor.username, reviewer.username)
    assert SharingAgreement.objects.get().status == AgreementStatus.APPROVED


def test_status_imported_as_suspended_ends_the_persons_agreements(
    clerk, reviewer, supervisor, li_ming, li_xiaoming
):
    agreement = make_agreement(li_ming, li_xiaoming, operator=clerk, reviewer=reviewer)
    header = ["姓名", "公民身份号码", "险种类型", "参保状态", "参保统筹区"]
    person = [li_xiaoming.name, li_xiaoming.id_number, "390", "暂停", "320500"]
    report = import_run(
        PersonsImport(), csv_file([header, person]), operator=supervisor, dry_run=False
    )
    assert report.written, report.errors
    agreement.refresh_from_db()
    assert (agreement.status, agreement.end_reason, agreement.ended_by) == (
        AgreementStatus.ENDED,
        EndReason.ENROLMENT_STOPPED,
        supervisor,
    )


def test_supervisor_previews_an_agreements_file_in_the_admin(
    client, supervisor, li_ming, li_xiaoming
):
    client.force_login(supervisor)
    content = csv_file([HEADER, row(li_ming, li_xiaoming)])
    response = client.post(
        reverse("admin:accounts_sharingagreement_import"),
        {"file": SimpleUploadedFile("agreements.csv", content, "text/csv")},
    )
    assert response.status_code == 200
    assert response.context["report"].created == 1
    assert not SharingAgreement.objects.exists()
