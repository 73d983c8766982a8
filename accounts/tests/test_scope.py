"""Regional scope in each path a user takes: search, export, statement, import, the
counter's forms, and the other side of an agreement seen read-only.

The users are of 苏州市 (320500, 江苏省) unless said otherwise; 南阳市 (411300) is
in another province, 南京市 (320100) in the same one.
"""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from accounts.imports import CreditsImport, PersonsImport
from accounts.models import Scheme
from accounts.tests.factories import (
    credit,
    make_agreement,
    make_id_number,
    make_person,
    make_user,
    person_form,
)
from core.importing import import_run
from core.tests.files import csv_file

OUT = "不在您所在服务大厅的统筹区范围内"


@pytest.fixture
def people(db):
    """Two persons in 苏州, one in 南京 and one in 南阳, each with ¥100.00."""
    found = {
        "suzhou": make_person(name="苏州甲"),
        "suzhou2": make_person(name="苏州乙"),
        "nanjing": make_person(name="南京丙", region="320100"),
        "nanyang": make_person(name="南阳丁", region="411300"),
    }
    for person in found.values():
        credit(person.account, "100.00")
    return found


def _signed_in(client, role, **placement):
    user = make_user(role, **placement)
    client.force_login(user)
    return user


def test_search_finds_only_the_persons_of_the_scope(client, people):
    _signed_in(client, "clerk")
    url = reverse("admin:accounts_insuredperson_changelist")
    found = client.get(url, {"q": people["suzhou"].id_number}).context["cl"].result_count
    hidden = client.get(url, {"q": people["nanyang"].id_number}).context["cl"].result_count
    assert (found, hidden) == (1, 0)
    names = {p.name for p in client.get(url).context["cl"].result_list}
    assert names == {"苏州甲", "苏州乙"}  # counted by hand: the two of 苏州


def test_a_supervisor_sees_the_province_and_a_user_without_a_hall_sees_nothing(client, people):
    url = reverse("admin:accounts_insuredperson_changelist")
    _signed_in(client, "supervisor")
    names = {p.name for p in client.get(url).context["cl"].result_list}
    assert names == {"苏州甲", "苏州乙", "南京丙"}  # 江苏省
    _signed_in(client, "auditor", hall=False)
    assert client.get(url).context["cl"].result_count == 0


def test_export_holds_only_the_scope(client, people):
    _signed_in(client, "clerk")
    response = client.get(reverse("admin:accounts_insuredperson_export", args=["csv"]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert sorted(r[0] for r in rows[1:]) == ["苏州乙", "苏州甲"]


def test_statement_of_an_account_out_of_scope_is_not_found(client, people):
    _signed_in(client, "clerk")
    inside = client.get(reverse("documents:statement", args=[people["suzhou"].account.pk]))
    outside = client.get(reverse("documents:statement", args=[people["nanyang"].account.pk]))
    assert (inside.status_code, outside.status_code) == (200, 404)
    received = reverse("documents:beneficiary_statement", args=[people["nanyang"].pk])
    assert client.get(received).status_code == 404


def test_credit_row_for_a_person_out_of_scope_is_refused_naming_row_and_column(people):
    supervisor = make_user("supervisor")  # 江苏省: 南京 yes, 南阳 no
    header = ["批次号", "公民身份号码", "划入年月", "金额", "摘要"]
    rows = [
        ["B1", people["nanjing"].id_number, "2025-11", "300.00", ""],
        ["B1", people["nanyang"].id_number, "2025-11", "300.00", ""],
    ]
    report = import_run(
        CreditsImport(), csv_file([header, *rows]), operator=supervisor, dry_run=False
    )
    assert [(e.row, e.column) for e in report.errors] == [(3, "公民身份号码")]
    assert OUT in report.errors[0].message and "南阳丁" in report.errors[0].message
    people["nanjing"].account.refresh_from_db()
    assert people["nanjing"].account.balance == 100  # all or nothing: nothing written


def test_person_row_in_a_region_out_of_scope_is_refused(db):
    clerk = make_user("clerk")
    header = ["姓名", "公民身份号码", "险种类型", "参保状态", "参保统筹区"]
    number = make_id_number("411300")
    report = import_run(
        PersonsImport(),
        csv_file([header, ["张三", number, "310", "参保缴费", "411300"]]),
        operator=clerk,
        dry_run=True,
    )
    assert [(e.row, e.column) for e in report.errors] == [(2, "参保统筹区")]
    assert OUT in report.errors[0].message


def test_registering_a_person_in_another_region_is_refused_next_to_the_region(client, db):
    _signed_in(client, "clerk")
    form = {
        "name": "张三",
        "id_number": make_id_number("411300"),
        "scheme": "310",
        "category": "",
        "status": "active",
        "region": "411300",
        "phone": "",
        "enrolled_on": "",
    }
    response = client.post(reverse("admin:accounts_insuredperson_add"), form)
    assert response.status_code == 200
    assert OUT in " ".join(response.context["adminform"].form.errors["region"])


def test_the_counter_refuses_a_grantor_out_of_scope(client, people):
    _signed_in(client, "clerk")
    counter = reverse("admin:accounts_sharingagreement_counter")
    response = client.post(counter, {"id_number": people["nanyang"].id_number})
    assert OUT in " ".join(response.context["lookup"].errors["id_number"])
    grantor_page = reverse(
        "admin:accounts_sharingagreement_counter_grantor", args=[people["nanyang"].pk]
    )
    assert client.get(grantor_page).status_code == 404


def test_the_other_side_of_an_agreement_is_seen_read_only(client, people):
    """南阳丁 shares with 苏州老人 (跨省): a 苏州 clerk sees 南阳丁's page, but cannot
    change it nor end the agreement (its grantor is of 南阳)."""
    grantor = people["nanyang"]
    parent = make_person(name="苏州老人", scheme=Scheme.RESIDENT, birth=dt.date(1950, 1, 1))
    agreement = make_agreement(
        grantor, parent, relationship="parent", effective_from=dt.date(2025, 3, 1)
    )
    _signed_in(client, "clerk")
    page = reverse("admin:accounts_insuredperson_change", args=[grantor.pk])
    response = client.get(page)
    assert response.status_code == 200
    assert not response.context["has_change_permission"]
    assert grantor.account.number not in response.content.decode()  # nor the balance
    assert client.post(page, person_form(grantor, phone="13900000000")).status_code == 403
    grantor.refresh_from_db()
    assert grantor.phone == ""
    end = reverse("admin:accounts_sharingagreement_end", args=[agreement.pk])
    assert client.get(end).status_code == 200
    assert client.post(end, {"requested_by": "grantor_request", "reason": "x"}).status_code == 403
    agreement.refresh_from_db()
    assert agreement.status == "approved"
    # 南阳丁's account is not the clerk's: only the person is seen.
    account = reverse("admin:accounts_personalaccount_change", args=[grantor.account.pk])
    assert client.get(account).status_code == 404


def test_an_action_leaves_out_the_records_the_user_only_sees(client, people):
    """A 苏州 reviewer selects, in the queue, an agreement whose grantor is of 南阳:
    the approve action applies to none of it (its grantor's hall reviews it)."""
    parent = make_person(name="苏州老人", scheme=Scheme.RESIDENT, birth=dt.date(1950, 1, 1))
    agreement = make_agreement(
        people["nanyang"],
        parent,
        relationship="parent",
        operator=make_user("clerk", region="411300"),
    )
    _signed_in(client, "reviewer")
    queue = reverse("admin:accounts_pendingsharingagreement_changelist")
    assert agreement.pk in {a.pk for a in client.get(queue).context["cl"].result_list}
    client.post(queue, {"action": "approve", "_selected_action": [agreement.pk]})
    agreement.refresh_from_db()
    assert agreement.status == "pending"
