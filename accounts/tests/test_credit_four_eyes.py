"""Four eyes on credit files (issue 11): a plausibility limit per credit, large files
posted only on a second user's confirmation (service, admin, background job,
command), and idempotency keys that carry no ID number.

The expected figures are counted by hand: three employees credited ¥100.00 each
make a file of 3 credits and ¥300.00; the limits are set below that by the tests.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse

from accounts.imports import CreditsImport
from accounts.models import CreditFileConfirmation, EntryKind, InsuredPerson, LedgerEntry
from accounts.services.ledger import ledger_post
from accounts.tests.factories import make_person, make_user
from core.importing import import_run
from core.tests.files import csv_file
from jobs.tests.helpers import run_queued_jobs

pytestmark = pytest.mark.django_db

HEADER = ["批次号", "公民身份号码", "划入年月", "金额", "摘要"]
BATCH = "2025-03-320500-01"
IMPORT = "admin:accounts_ledgerentry_import"
REASON = "共 3 笔划入，合计 300.00 元；一人单独最多可入账 2 笔或合计 100000.00 元。"


@pytest.fixture(autouse=True)
def uploads_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def workers(clerk):
    return [make_person(name=f"职工{i}", operator=clerk) for i in range(3)]


@pytest.fixture
def second_person_from_three(settings):
    settings.YIBAO_CREDIT_CONFIRM_ROWS = 2


def credit_file(people, amount="100.00", batch=BATCH):
    return csv_file(
        [HEADER, *[[batch, p.id_number, "2025-03", amount, "月度划入"] for p in people]]
    )


def balances(people):
    return [InsuredPerson.objects.get(pk=p.pk).account.balance for p in people]


def test_oracle_a_credit_above_the_limit_is_refused_naming_row_and_column(supervisor, workers):
    """¥20,000.00 (the default limit) passes; ¥20,000.01 and ¥999,999.99 do not."""
    rows = [
        [BATCH, workers[0].id_number, "2025-03", "20000.00", ""],
        [BATCH, workers[1].id_number, "2025-03", "20000.01", ""],
        [BATCH, workers[2].id_number, "2025-03", "999999.99", ""],
    ]
    report = import_run(
        CreditsImport(), csv_file([HEADER, *rows]), operator=supervisor, dry_run=False
    )
    assert [(e.message, e.row, e.column, e.value) for e in report.errors] == [
        (
            "单笔划入金额 20000.01 超过合理上限 20000.00（YIBAO_CREDIT_MAX_AMOUNT），请核对金额。",
            3,
            "金额",
            "20000.01",
        ),
        (
            "单笔划入金额 999999.99 超过合理上限 20000.00（YIBAO_CREDIT_MAX_AMOUNT），请核对金额。",
            4,
            "金额",
            "999999.99",
        ),
    ]
    assert not report.written and not LedgerEntry.objects.filter(reference=BATCH).exists()


def test_the_limit_is_a_setting(settings, supervisor, workers):
    settings.YIBAO_CREDIT_MAX_AMOUNT = Decimal("50.00")
    report = import_run(CreditsImport(), credit_file(workers), operator=supervisor, dry_run=True)
    assert [(e.row, e.column) for e in report.errors] == [(2, "金额"), (3, "金额"), (4, "金额")]


@pytest.mark.usefixtures("second_person_from_three")
def test_oracle_a_large_file_is_posted_only_on_another_users_confirmation(
    supervisor, clerk, workers
):
    content = credit_file(workers)
    preview = import_run(CreditsImport(), content, operator=supervisor, dry_run=True)
    assert (preview.accepted, preview.second_person) == (True, REASON)

    def refused(confirmed_by):
        report = import_run(
            CreditsImport(), content, operator=supervisor, dry_run=False, confirmed_by=confirmed_by
        )
        assert not report.written
        return [error.message for error in report.errors]

    assert refused(None) == [f"此文件须由另一位用户确认：{REASON}"]
    assert refused(supervisor) == ["此文件是您本人导入的，须由另一位用户确认。"]
    assert refused(clerk) == ["clerk1 无权确认此导入。"]
    assert balances(workers) == [Decimal("0.00")] * 3

    second = make_user("supervisor", username="supervisor2")
    report = import_run(
        CreditsImport(), content, operator=supervisor, dry_run=False, confirmed_by=second
    )
    assert (report.written, report.confirmed_by) == (True, "supervisor2")
    assert balances(workers) == [Decimal("100.00")] * 3
    entries = LedgerEntry.objects.filter(reference=BATCH)
    assert {entry.created_by for entry in entries} == {supervisor}
    confirmation = CreditFileConfirmation.objects.get()
    assert (confirmation.credits, confirmation.total) == (3, Decimal("300.00"))
    assert (confirmation.imported_by, confirmation.confirmed_by) == (supervisor, second)
    # Re-imported, nothing would post: one user may do that alone.
    again = import_run(CreditsImport(), content, operator=supervisor, dry_run=False)
    assert (again.written, again.skipped, again.second_person) == (True, 3, "")
    assert LedgerEntry.objects.filter(reference=BATCH).count() == 3
    call_command("verify_ledger")


def test_the_total_threshold_is_a_setting(settings, supervisor, workers):
    settings.YIBAO_CREDIT_CONFIRM_TOTAL = Decimal("299.99")
    preview = import_run(CreditsImport(), credit_file(workers), operator=supervisor, dry_run=True)
    assert preview.second_person == (
        "共 3 笔划入，合计 300.00 元；一人单独最多可入账 1000 笔或合计 299.99 元。"
    )
    settings.YIBAO_CREDIT_CONFIRM_TOTAL = Decimal("300.00")
    preview = import_run(CreditsImport(), credit_file(workers), operator=supervisor, dry_run=True)
    assert preview.second_person == ""


def _upload(client, content):
    return client.post(reverse(IMPORT), {"file": SimpleUploadedFile("credits.csv", content)})


def _confirm_url(token):
    return reverse("admin:accounts_ledgerentry_import_confirm", args=[token])


@pytest.mark.usefixtures("second_person_from_three")
def test_in_the_admin_the_importer_previews_and_another_user_confirms(client, supervisor, workers):
    client.force_login(supervisor)
    preview = _upload(client, credit_file(workers))
    page = preview.content.decode()
    assert preview.context["token"] is None and "确认导入" not in page
    assert f"此文件须由另一位用户确认：{REASON}" in page
    assert "现等待另一位有导入权限的用户确认" in page
    assert client.get(reverse(IMPORT)).context["handed_over"] == []  # not for the uploader

    second = make_user("supervisor", username="supervisor2")
    client.force_login(second)
    listed = client.get(reverse(IMPORT))
    [(upload, uploader, _at)] = listed.context["handed_over"]
    assert (upload.filename, uploader) == ("credits.csv", supervisor)
    assert "等待另一位用户确认的文件" in listed.content.decode()

    client.force_login(supervisor)  # the uploader's own confirm is not found
    assert client.post(_confirm_url(upload.token)).status_code == 404
    assert balances(workers) == [Decimal("0.00")] * 3

    client.force_login(second)
    second_preview = client.get(_confirm_url(upload.token))
    assert second_preview.context["token"] == upload.token
    assert "确认导入" in second_preview.content.decode()
    done = client.post(_confirm_url(upload.token))
    assert done.status_code == 302
    assert balances(workers) == [Decimal("100.00")] * 3
    confirmation = CreditFileConfirmation.objects.get()
    assert (confirmation.imported_by, confirmation.confirmed_by) == (supervisor, second)
    assert client.get(reverse(IMPORT)).context["handed_over"] == []
    call_command("verify_ledger")


@pytest.mark.usefixtures("second_person_from_three")
def test_a_large_file_in_background_jobs_waits_for_the_second_user(
    settings, client, supervisor, workers
):
    settings.YIBAO_IMPORT_BACKGROUND_ROWS = 1
    client.force_login(supervisor)
    queued = _upload(client, credit_file(workers))
    run_queued_jobs()
    preview = client.get(queued.url)
    assert preview.context["token"] is None
    assert REASON in preview.content.decode()

    second = make_user("supervisor", username="supervisor2")
    client.force_login(second)
    [(upload, _uploader, _at)] = client.get(reverse(IMPORT)).context["handed_over"]
    queued = client.get(_confirm_url(upload.token))
    run_queued_jobs()
    assert client.get(queued.url).context["token"] == upload.token
    queued = client.post(_confirm_url(upload.token))
    run_queued_jobs()
    report = client.get(queued.url).context["report"]
    assert (report.written, report.confirmed_by) == (True, "supervisor2")
    assert balances(workers) == [Decimal("100.00")] * 3
    assert {e.created_by for e in LedgerEntry.objects.filter(reference=BATCH)} == {supervisor}
    assert CreditFileConfirmation.objects.get().confirmed_by == second
    call_command("verify_ledger")


@pytest.mark.usefixtures("second_person_from_three")
def test_the_command_takes_the_second_user(tmp_path, supervisor, workers):
    path = tmp_path / "credits.csv"
    path.write_bytes(credit_file(workers))
    with pytest.raises(CommandError):
        call_command("import_credits", str(path), "--operator", supervisor.username)
    with pytest.raises(CommandError):
        call_command(
            "import_credits",
            str(path),
            "--operator",
            supervisor.username,
            "--confirmed-by",
            supervisor.username,
        )
    assert balances(workers) == [Decimal("0.00")] * 3
    second = make_user("supervisor", username="supervisor2")
    call_command(
        "import_credits",
        str(path),
        "--operator",
        supervisor.username,
        "--confirmed-by",
        "supervisor2",
    )
    assert balances(workers) == [Decimal("100.00")] * 3
    assert CreditFileConfirmation.objects.get().confirmed_by == second
    call_command("verify_ledger")


def test_oracle_a_credits_key_names_the_person_by_id_not_by_id_number(supervisor, workers):
    import_run(CreditsImport(), credit_file(workers[:1]), operator=supervisor, dry_run=False)
    entry = LedgerEntry.objects.get(reference=BATCH)
    assert entry.idempotency_key == f"credit:{BATCH}:{workers[0].pk}"
    assert workers[0].id_number not in entry.idempotency_key


def _rekey_migration():
    """The one-off of ``accounts`` ``*_ledger_keys_without_id_numbers`` (found by
    name, whatever number the merge gives it)."""
    loader = MigrationLoader(connection)
    [migration] = [
        migration
        for (app, name), migration in loader.disk_migrations.items()
        if app == "accounts" and name.endswith("_ledger_keys_without_id_numbers")
    ]
    return migration.operations[0].code


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("as_owner")  # the migration disables the ledger's guard: the owner's
def test_oracle_a_file_posted_under_the_old_key_posts_nothing_after_the_migration(
    supervisor, workers
):
    """Posted before: the key as the import wrote it then, ``credit:<批次号>:<ID>``."""
    person = workers[0]
    ledger_post(
        holder=person.account,
        kind=EntryKind.CREDIT,
        amount=Decimal("100.00"),
        idempotency_key=f"credit:{BATCH}:{person.id_number}",
        operator=supervisor,
        reference=BATCH,
        value_date=dt.date(2025, 3, 1),
        memo="月度划入",
    )
    with connection.cursor() as cursor:  # the posting's deferred checks, done now
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with connection.schema_editor() as editor:
        _rekey_migration()(None, editor)
    entry = LedgerEntry.objects.get(reference=BATCH)
    assert entry.idempotency_key == f"credit:{BATCH}:{person.pk}"
    report = import_run(
        CreditsImport(), credit_file(workers[:1]), operator=supervisor, dry_run=False
    )
    assert (report.written, report.created, report.skipped) == (True, 0, 1)
    assert LedgerEntry.objects.filter(reference=BATCH).count() == 1
    assert balances(workers[:1]) == [Decimal("100.00")]
    numbers = InsuredPerson.objects.values_list("id_number", flat=True)
    keys = LedgerEntry.objects.values_list("idempotency_key", flat=True)
    assert not [key for key in keys for number in numbers if number in key]
    call_command("verify_ledger")
