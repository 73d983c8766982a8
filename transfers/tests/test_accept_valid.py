"""``--accept-valid`` (SPREADSHEETS.md): the valid rows of a settlement file post,
the refused ones are kept as exceptions (异常) with their reasons, exported for
correcting, and posted once the corrected row is sent again."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.selectors import ledger_mismatches
from accounts.tests.factories import make_person
from core.tests.files import csv_file
from transfers.models import ImportException, SharingPayment

from .factories import SETTLEMENT_HEADER, balance, settlement_row


def send(tmp_path, rows, operator, name="s.csv"):
    path = tmp_path / name
    path.write_bytes(csv_file([SETTLEMENT_HEADER, *rows], "utf-8"))
    with pytest.raises(SystemExit) as stopped:
        call_command(
            "import_settlements", str(path), "--accept-valid", "--operator", operator.username
        )
    return stopped.value.code


def test_valid_rows_post_refused_rows_are_kept_then_posted_when_corrected(
    tmp_path, li_ming, li_xiaoming, son_agreement, supervisor, client
):
    client.force_login(supervisor)
    stranger = make_person(name="王五", birth=dt.date(1975, 1, 1))
    rows = [
        settlement_row(li_ming, li_xiaoming, "JS-1", "100.00"),
        settlement_row(stranger, li_xiaoming, "JS-2", "50.00"),  # no agreement: refused
        settlement_row(li_ming, li_xiaoming, "JS-3", "30.00"),
    ]
    assert send(tmp_path, rows, supervisor) == 3
    assert set(SharingPayment.objects.values_list("settlement_id", flat=True)) == {"JS-1", "JS-3"}
    assert balance(li_ming) == Decimal("370.00")
    kept = ImportException.objects.get()
    assert (kept.key, kept.row, kept.resolved_at) == ("JS-2", 3, None)
    assert "共济关系" in kept.reason  # the refusal in Chinese, as the preview shows it

    listing = client.get(reverse("admin:transfers_importexception_changelist"))
    assert "JS-2" in listing.content.decode()
    exported = client.post(
        reverse("admin:transfers_importexception_changelist"),
        {"action": "export_for_correction", "_selected_action": [kept.pk]},
    )
    text = b"".join(exported.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[0].endswith(",拒绝原因")
    assert "JS-2" in text and stranger.id_number in text

    # Corrected (the grantor was the father after all) and sent again with a row already in.
    corrected = [rows[0], settlement_row(li_ming, li_xiaoming, "JS-2", "50.00")]
    path = tmp_path / "fixed.csv"
    path.write_bytes(csv_file([SETTLEMENT_HEADER, *corrected], "utf-8"))
    call_command(
        "import_settlements", str(path), "--accept-valid", "--operator", supervisor.username
    )
    kept.refresh_from_db()
    assert kept.resolved_at is not None
    assert SharingPayment.objects.count() == 3
    assert balance(li_ming) == Decimal("320.00")  # 500 − 100 − 30 − 50, JS-1 once
    assert ledger_mismatches() == []
