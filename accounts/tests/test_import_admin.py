"""The import screens on the persons and ledger changelists: upload, preview, confirm."""

import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import InsuredPerson, LedgerEntry
from accounts.selectors import ledger_mismatches
from accounts.tests.factories import make_id_number, make_person
from core.tests.files import csv_file, xlsx_file

PERSON_HEADER = ["姓名", "公民身份号码", "险种类型", "参保状态", "参保统筹区"]


@pytest.fixture(autouse=True)
def uploads_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path / "imports"


@pytest.fixture
def supervisor_client(client, supervisor):
    client.force_login(supervisor)
    return client


def upload(client, url_name, content, name="file.xlsx"):
    return client.post(reverse(url_name), {"file": SimpleUploadedFile(name, content)})


def test_supervisor_previews_then_confirms_a_person_file(supervisor_client, supervisor):
    numbers = [make_id_number(), make_id_number()]
    content = xlsx_file(
        [PERSON_HEADER, *[["张伟", n, "310", "参保缴费", "320500"] for n in numbers]]
    )
    changelist = supervisor_client.get(reverse("admin:accounts_insuredperson_changelist"))
    assert reverse("admin:accounts_insuredperson_import").encode() in changelist.content

    preview = upload(supervisor_client, "admin:accounts_insuredperson_import", content)
    assert preview.status_code == 200
    report = preview.context["report"]
    assert (report.accepted, report.created, report.written) == (True, 2, False)
    assert InsuredPerson.objects.count() == 0
    assert numbers[0] not in preview.content.decode()  # the preview masks ID numbers

    confirm = supervisor_client.post(
        reverse("admin:accounts_insuredperson_import_confirm", args=[preview.context["token"]])
    )
    assert confirm.status_code == 302
    assert set(InsuredPerson.objects.values_list("id_number", flat=True)) == set(numbers)
    assert InsuredPerson.objects.filter(created_by=supervisor).count() == 2
    again = supervisor_client.post(
        reverse("admin:accounts_insuredperson_import_confirm", args=[preview.context["token"]])
    )
    assert again.status_code == 404  # the stored upload is gone once imported


def test_rejected_file_lists_every_error_and_offers_no_confirm(supervisor_client, uploads_in_tmp):
    rows = [
        PERSON_HEADER,
        ["张伟", make_id_number(), "310", "参保缴费", "320500"],
        ["王芳", make_id_number()[:17] + "Z", "310", "参保缴费", "99999"],
    ]
    preview = upload(
        supervisor_client, "admin:accounts_insuredperson_import", csv_file(rows, "gb18030"), "a.csv"
    )
    report = preview.context["report"]
    assert [(e.row, e.column) for e in report.errors] == [(3, "公民身份号码"), (3, "参保统筹区")]
    assert preview.context["token"] is None
    page = preview.content.decode()
    assert "参保统筹区" in page and report.errors[1].message in page
    # Nothing kept but the errors workbook offered for download.
    notes = [json.loads(p.read_text()) for p in uploads_in_tmp.glob("*.json")]
    assert "/confirm" not in page and [n["importer"] for n in notes] == [
        "accounts_insuredperson_import_errors"
    ]
    assert InsuredPerson.objects.count() == 0


def test_credit_file_through_the_ledger_changelist(supervisor_client, clerk):
    people = [make_person(name=f"职工{i}", operator=clerk) for i in range(2)]
    rows = [["批次号", "公民身份号码", "划入年月", "金额"]]
    rows += [["2025-03-320500-01", p.id_number, "2025-03", "88.00"] for p in people]
    changelist = supervisor_client.get(reverse("admin:accounts_ledgerentry_changelist"))
    assert reverse("admin:accounts_ledgerentry_import").encode() in changelist.content
    assert reverse("admin:accounts_ledgerentry_import_template").encode() in changelist.content
    preview = upload(
        supervisor_client, "admin:accounts_ledgerentry_import", csv_file(rows, "utf-8-sig"), "c.csv"
    )
    assert preview.context["report"].created == 2
    supervisor_client.post(
        reverse("admin:accounts_ledgerentry_import_confirm", args=[preview.context["token"]])
    )
    assert LedgerEntry.objects.filter(amount=Decimal("88.00")).count() == 2
    assert ledger_mismatches() == []


def test_confirm_token_of_another_user_is_not_found(supervisor_client, client, django_user_model):
    content = xlsx_file([PERSON_HEADER, ["张伟", make_id_number(), "310", "参保缴费", "320500"]])
    token = upload(supervisor_client, "admin:accounts_insuredperson_import", content).context[
        "token"
    ]
    other = django_user_model.objects.create_superuser("boss", password="pw-test-123")
    client.force_login(other)
    response = client.post(reverse("admin:accounts_insuredperson_import_confirm", args=[token]))
    assert response.status_code == 404
    assert InsuredPerson.objects.count() == 0


def test_clerk_without_import_permission_sees_no_button_and_is_refused(client, clerk):
    client.force_login(clerk)
    changelist = client.get(reverse("admin:accounts_insuredperson_changelist"))
    assert reverse("admin:accounts_insuredperson_import").encode() not in changelist.content
    assert client.get(reverse("admin:accounts_insuredperson_import")).status_code == 403


def test_blank_template_has_the_format_headers(supervisor_client):
    response = supervisor_client.get(reverse("admin:accounts_ledgerentry_import_template"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == ["批次号", "公民身份号码", "划入年月", "金额", "摘要"]


def test_upload_of_other_file_type_refused_by_the_form(supervisor_client):
    response = upload(
        supervisor_client, "admin:accounts_insuredperson_import", b"hello", "notes.txt"
    )
    assert response.context["form"].errors["file"]


def test_import_and_export_buttons_side_by_side(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("boss", password="pw-1234567"))
    page = client.get(reverse("admin:accounts_insuredperson_changelist")).content.decode()
    assert reverse("admin:accounts_insuredperson_import") in page
    assert reverse("admin:accounts_insuredperson_export", args=["xlsx"]) in page
