"""The audit trail: what the database records of every change, and how it reads.

The sentences are written out here as an auditor reads them (Chinese, local time
of the database's own clock, masked personal data); the minute is the one the
database gives for the test's transaction (``now()`` in Asia/Shanghai), which is
when every change of the test was recorded.
"""

import pytest
from django.contrib.auth.models import Group
from django.db import ProgrammingError, connection, transaction
from pghistory.core import event_models

from accounts.imports import PersonsImport
from accounts.models import InsuredPerson
from accounts.services.accounts import account_freeze
from accounts.services.people import person_update
from accounts.tests.factories import make_id_number
from core.audit import disclosure_record
from core.importing import import_run
from core.models import DisclosureLog
from core.tests.files import csv_file
from core.trail import trail_events, trail_lines

from .conftest import database_minute


def sentences(events) -> list[str]:
    return [line.sentence for line in trail_lines(events)]


def test_oracle_a_changed_phone_reads_as_one_sentence_with_who_and_hall(
    zhang_san, li_ming_registered
):
    person_update(person=li_ming_registered, operator=zhang_san, phone="13956785678")

    assert sentences(trail_events().tracks(li_ming_registered)) == [
        f"{database_minute()} 窗口经办 张三（苏州市姑苏区服务大厅）将 参保人 "
        "李明（110105********002X） 的 联系电话 由 138****1234 改为 139****5678",
        f"{database_minute()} 窗口经办 张三（苏州市姑苏区服务大厅）新增 参保人 "
        "李明（110105********002X）",
    ]


def test_oracle_codes_read_as_their_labels_and_nothing_as_empty(zhang_san, li_ming_registered):
    person_update(
        person=li_ming_registered, operator=zhang_san, status="suspended", category="1101"
    )

    latest = sentences(trail_events().tracks(li_ming_registered))[0]

    assert latest == (
        f"{database_minute()} 窗口经办 张三（苏州市姑苏区服务大厅）将 参保人 "
        "李明（110105********002X） 的 人员类别 由 空 改为 在职职工；"
        "参保状态 由 参保缴费 改为 暂停"
    )
    assert "None" not in latest and "suspended" not in latest


def test_oracle_a_frozen_account_reads_with_its_reason(zhang_san, li_ming_registered):
    account_freeze(account=li_ming_registered.account, reason="涉嫌冒用", operator=zhang_san)

    latest = sentences(trail_events().tracks(li_ming_registered.account))[0]

    assert latest.startswith(
        f"{database_minute()} 窗口经办 张三（苏州市姑苏区服务大厅）将 个人账户 "
        f"{li_ming_registered.account.number} 的 "
    )
    assert "状态 由 正常 改为 冻结" in latest
    assert "状态原因 由 空 改为 涉嫌冒用" in latest


def test_a_raw_sql_update_leaves_an_audit_row_without_a_user(li_ming_registered):
    before = trail_events().tracks(li_ming_registered).count()

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE accounts_insuredperson SET phone = '13700001111' WHERE id = %s",
            [li_ming_registered.pk],
        )

    events = trail_events().tracks(li_ming_registered)
    assert events.count() == before + 1
    assert sentences(events)[0] == (
        f"{database_minute()} （未记录操作人）将 参保人 李明（110105********002X） 的 "
        "联系电话 由 138****1234 改为 137****1111"
    )


def test_a_bulk_import_leaves_audit_rows_naming_the_importer(supervisor):
    numbers = [make_id_number(), make_id_number()]
    rows = [
        ["姓名", "公民身份号码", "险种类型", "人员类别", "参保状态", "参保统筹区", "联系电话"],
        ["王芳", numbers[0], "310", "1101", "参保缴费", "320500", "13812345678"],
        ["赵强", numbers[1], "390", "1501", "参保缴费", "320500", ""],
    ]

    report = import_run(PersonsImport(), csv_file(rows), operator=supervisor, dry_run=False)

    assert report.written, [str(e) for e in report.errors]
    persons = list(InsuredPerson.objects.filter(id_number__in=numbers))
    inserts = trail_events().references(persons).filter(pgh_label="insert")
    assert inserts.filter(pgh_obj_model="accounts.InsuredPerson").count() == 2
    assert {e.pgh_context["user"] for e in inserts} == {supervisor.pk}


def test_bulk_update_and_bulk_create_leave_audit_rows(li_ming_registered):
    li_ming_registered.phone = "13600002222"
    InsuredPerson.objects.bulk_update([li_ming_registered], ["phone"])
    group = Group.objects.bulk_create([Group(name="临时组")])[0]

    assert (
        "联系电话 由 138****1234 改为 136****2222"
        in sentences(trail_events().tracks(li_ming_registered))[0]
    )
    assert sentences(trail_events().tracks(group))[0].endswith("（未记录操作人）新增 组 临时组")


@pytest.mark.parametrize(
    "statement", ["UPDATE {table} SET {column} = {column}", "DELETE FROM {table}"]
)
@pytest.mark.parametrize(
    ("table", "column"),
    [("accounts_insuredpersonevent", "phone"), ("accounts_disclosurelog", "subject")],
)
def test_the_trail_and_the_disclosure_log_refuse_update_and_delete(
    statement, table, column, li_ming_registered, auditor
):
    """Refused to the application's role by its grants (core/roles.py), and to the
    owner by the trigger (core/tests/test_roles.py)."""
    disclosure_record(user=auditor, action=DisclosureLog.Action.VIEW, subject="person 1")

    with pytest.raises(ProgrammingError, match="permission denied"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(statement.format(table=table, column=column))


def test_every_event_table_has_the_append_only_trigger(db):
    tables = sorted(m._meta.db_table for m in event_models())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = 'audit_append_only' AND t.tgenabled = 'O'"
        )
        guarded = {row[0] for row in cursor.fetchall()}

    assert len(tables) == 17
    assert [t for t in tables if t not in guarded] == []
    assert "accounts_disclosurelog" in guarded
