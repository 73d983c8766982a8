"""The enrolment history: what the person services, the persons file and the person
form write, and its answer to "enrolled on day D".

Expected periods are written out from each scenario's dates (the 参保日期 in the
test, and today: the day a change is recorded).
"""

import datetime as dt
import importlib
from decimal import Decimal
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.enrolment import enrolment_on, person_enrolled_on, region_on
from accounts.errors import BeneficiaryNotActive
from accounts.imports import PersonsImport
from accounts.models import (
    AgreementStatus,
    EndReason,
    EnrolmentPeriod,
    EnrolmentStatus,
    PersonalAccount,
    PoolingRegion,
    Scheme,
)
from accounts.services.people import person_update
from accounts.tests.factories import make_agreement, make_person, person_form
from core.importing import import_run
from core.tests.files import xlsx_file

ACTIVE, SUSPENDED, TERMINATED = (
    EnrolmentStatus.ACTIVE,
    EnrolmentStatus.SUSPENDED,
    EnrolmentStatus.TERMINATED,
)
HEADER = ["姓名", "公民身份号码", "险种类型", "参保状态", "参保统筹区", "参保日期"]
DAY = dt.timedelta(days=1)


def history(person):
    return [
        (p.valid_from, p.valid_to, p.status, p.scheme, p.region_id)
        for p in EnrolmentPeriod.objects.filter(person=person)
    ]


def fresh(person):
    """The person as a check reads them (periods loaded anew)."""
    return type(person).objects.get(pk=person.pk)


def persons_file(tmp_path, rows):
    path = tmp_path / "persons.xlsx"
    path.write_bytes(xlsx_file([HEADER, *rows]))
    return path


def row(person, *, scheme="310", status="参保缴费", region="320500", enrolled_on=""):
    return [person.name, person.id_number, scheme, status, region, enrolled_on]


def test_oracle_registration_opens_one_period_from_the_enrolment_date(clerk):
    person = make_person(enrolled_on=dt.date(2020, 1, 1), operator=clerk)
    assert history(person) == [(dt.date(2020, 1, 1), None, ACTIVE, "310", "320500")]
    assert not person_enrolled_on(fresh(person), dt.date(2019, 12, 31))
    assert person_enrolled_on(fresh(person), dt.date(2020, 1, 1))


def test_oracle_suspension_ends_the_period_on_the_day_it_is_recorded(clerk):
    person = make_person(enrolled_on=dt.date(2020, 1, 1), operator=clerk)
    person_update(person=person, status=SUSPENDED, operator=clerk)
    today = timezone.localdate()
    assert history(person) == [
        (dt.date(2020, 1, 1), today, ACTIVE, "310", "320500"),
        (today, None, SUSPENDED, "310", "320500"),
    ]
    assert person_enrolled_on(fresh(person), today - DAY)
    assert not person_enrolled_on(fresh(person), today)


def test_suspended_and_reactivated_the_same_day_keeps_one_unbroken_period(clerk):
    person = make_person(enrolled_on=dt.date(2020, 1, 1), operator=clerk)
    person_update(person=person, status=SUSPENDED, operator=clerk)
    person_update(person=person, status=ACTIVE, operator=clerk)
    assert history(person) == [(dt.date(2020, 1, 1), None, ACTIVE, "310", "320500")]
    today = timezone.localdate()
    assert person_enrolled_on(fresh(person), today - 30 * DAY)
    assert person_enrolled_on(fresh(person), today)


def test_two_changes_on_one_day_leave_the_days_last_state(clerk):
    person = make_person(enrolled_on=dt.date(2020, 1, 1), operator=clerk)
    person_update(person=person, status=SUSPENDED, operator=clerk)
    person_update(person=person, status=TERMINATED, operator=clerk)
    today = timezone.localdate()
    assert history(person) == [
        (dt.date(2020, 1, 1), today, ACTIVE, "310", "320500"),
        (today, None, TERMINATED, "310", "320500"),
    ]


def test_scheme_and_region_are_recorded_with_their_days(clerk):
    person = make_person(scheme=Scheme.RESIDENT, enrolled_on=dt.date(2021, 3, 1), operator=clerk)
    nanjing = PoolingRegion.objects.get(code="320100")
    person_update(person=person, scheme=Scheme.EMPLOYEE, region=nanjing, operator=clerk)
    today = timezone.localdate()
    assert history(person) == [
        (dt.date(2021, 3, 1), today, ACTIVE, "390", "320500"),
        (today, None, ACTIVE, "310", "320100"),
    ]
    assert region_on(fresh(person), today - DAY).code == "320500"
    assert region_on(fresh(person), today).code == "320100"
    assert enrolment_on(fresh(person), today - DAY).scheme == Scheme.RESIDENT
    assert enrolment_on(fresh(person), today).scheme == Scheme.EMPLOYEE


def test_enrolment_date_from_a_later_file_moves_the_start_of_the_history(
    tmp_path, clerk, supervisor
):
    person = make_person(operator=clerk)  # registered without 参保日期: unbounded
    assert person_enrolled_on(fresh(person), dt.date(2001, 1, 1))
    path = persons_file(tmp_path, [row(person, enrolled_on="2022-05-01")])
    call_command("import_persons", str(path), "--operator", supervisor.username, stdout=StringIO())
    assert history(person) == [(dt.date(2022, 5, 1), None, ACTIVE, "310", "320500")]
    assert not person_enrolled_on(fresh(person), dt.date(2022, 4, 30))


def test_enrolment_date_after_a_recorded_change_refused_in_its_column_nothing_written(
    clerk, supervisor
):
    person = make_person(enrolled_on=dt.date(2020, 1, 1), operator=clerk)
    person_update(person=person, status=SUSPENDED, operator=clerk)
    before = history(person)
    today = timezone.localdate()
    content = xlsx_file([HEADER, row(person, status="暂停", enrolled_on=today.isoformat())])
    for dry_run in (True, False):
        report = import_run(
            PersonsImport(), content, filename="p.xlsx", operator=supervisor, dry_run=dry_run
        )
        assert [(e.row, e.column, e.message) for e in report.errors] == [
            (
                2,
                "参保日期",
                f"参保日期 {today} 晚于已记录的 {today} 参保变更；参保日期须早于该变更。",
            )
        ]
    assert history(person) == before
    assert fresh(person).enrolled_on == dt.date(2020, 1, 1)


def test_re_enrolment_starts_a_period_on_its_enrolment_date(tmp_path, clerk, supervisor):
    person = make_person(enrolled_on=dt.date(2020, 1, 1), operator=clerk)
    person_update(person=person, status=TERMINATED, operator=clerk)
    today = timezone.localdate()
    again = today + 10 * DAY  # the file announces the enrolment from that day
    path = persons_file(tmp_path, [row(person, enrolled_on=again.isoformat())])
    call_command("import_persons", str(path), "--operator", supervisor.username, stdout=StringIO())
    assert history(person) == [
        (dt.date(2020, 1, 1), today, ACTIVE, "310", "320500"),
        (today, again, TERMINATED, "310", "320500"),
        (again, None, ACTIVE, "310", "320500"),
    ]
    assert not person_enrolled_on(fresh(person), again - DAY)
    assert person_enrolled_on(fresh(person), again)


def test_terminated_and_enrolled_again_from_the_same_day_keeps_one_unbroken_period(
    tmp_path, clerk, supervisor
):
    person = make_person(enrolled_on=dt.date(2020, 1, 1), operator=clerk)
    person_update(person=person, status=TERMINATED, operator=clerk)
    today = timezone.localdate()
    path = persons_file(tmp_path, [row(person, enrolled_on=today.isoformat())])
    call_command("import_persons", str(path), "--operator", supervisor.username, stdout=StringIO())
    assert history(person) == [(dt.date(2020, 1, 1), None, ACTIVE, "310", "320500")]
    assert fresh(person).enrolled_on == today


def test_agreement_refused_for_a_beneficiary_enrolled_only_from_next_month(clerk, li_ming):
    starts = timezone.localdate() + 31 * DAY
    son = make_person(
        name="李小明", scheme=Scheme.RESIDENT, birth=dt.date(2010, 3, 1), enrolled_on=starts
    )
    with pytest.raises(BeneficiaryNotActive) as refused:
        make_agreement(li_ming, son, operator=clerk)
    assert str(refused.value) == "李小明 不能作为被共济人：参保状态为“尚未参保”，不是参保缴费。"


def test_database_refuses_overlapping_periods_of_one_person(clerk):
    person = make_person(enrolled_on=dt.date(2020, 1, 1), operator=clerk)
    other = make_person(name="王芳", enrolled_on=dt.date(2020, 1, 1), operator=clerk)
    inside = {
        "status": SUSPENDED,
        "scheme": "310",
        "region_id": "320500",
        "valid_from": dt.date(2021, 1, 1),
        "valid_to": dt.date(2021, 2, 1),
    }
    with pytest.raises(IntegrityError, match="enrolment_periods_never_overlap"):
        with transaction.atomic():
            EnrolmentPeriod.objects.create(person=person, **inside)
    with pytest.raises(IntegrityError, match="enrolment_period_not_empty"):
        with transaction.atomic():
            EnrolmentPeriod.objects.create(
                person=person,
                **{**inside, "valid_from": dt.date(2019, 1, 1), "valid_to": dt.date(2019, 1, 1)},
            )
    # The same dates for another person overlap nothing of the first one's.
    EnrolmentPeriod.objects.filter(person=other).update(valid_from=dt.date(2021, 2, 1))
    EnrolmentPeriod.objects.create(person=other, **inside)


def test_grantor_leaving_the_employee_scheme_in_a_persons_file_ends_what_they_pay(
    tmp_path, clerk, reviewer, supervisor, li_ming, li_xiaoming
):
    son = make_agreement(li_ming, li_xiaoming, operator=clerk, reviewer=reviewer)
    wife = make_person(name="王芳", gender="F", birth=dt.date(1982, 4, 2), operator=clerk)
    as_beneficiary = make_agreement(
        wife, li_ming, relationship="spouse", operator=clerk, reviewer=reviewer
    )
    path = persons_file(tmp_path, [row(li_ming, scheme="390")])
    call_command("import_persons", str(path), "--operator", supervisor.username, stdout=StringIO())
    son.refresh_from_db()
    as_beneficiary.refresh_from_db()
    assert (son.status, son.end_reason, son.ended_on, son.ended_by) == (
        AgreementStatus.ENDED,
        EndReason.SCHEME_LEFT,
        timezone.localdate(),
        supervisor,
    )
    assert son.get_end_reason_display() == "共济人退出职工医保"
    # A beneficiary may be in either scheme: the wife still shares with him.
    assert as_beneficiary.status == AgreementStatus.APPROVED


def test_scheme_left_on_the_person_form_ends_the_grantors_agreements(
    client, clerk, reviewer, li_ming, li_xiaoming
):
    agreement = make_agreement(li_ming, li_xiaoming, operator=clerk, reviewer=reviewer)
    client.force_login(clerk)
    response = client.post(
        reverse("admin:accounts_insuredperson_change", args=[li_ming.pk]),
        person_form(li_ming, scheme="390"),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    agreement.refresh_from_db()
    assert (agreement.status, agreement.end_reason) == (
        AgreementStatus.ENDED,
        EndReason.SCHEME_LEFT,
    )
    # The balance stays the person's; the history says from when it no longer shares.
    assert PersonalAccount.objects.get(person=li_ming).balance == Decimal("500.00")
    assert history(li_ming)[-1][:4] == (timezone.localdate(), None, ACTIVE, "390")


def test_person_form_shows_the_history_and_refuses_an_enrolment_date_after_it(
    client, clerk, li_ming
):
    person_update(person=li_ming, status=SUSPENDED, operator=clerk)
    person_update(person=li_ming, status=ACTIVE, operator=clerk, enrolled_on=dt.date(2015, 7, 1))
    client.force_login(clerk)
    url = reverse("admin:accounts_insuredperson_change", args=[li_ming.pk])
    page = client.get(url).content.decode()
    today = timezone.localdate()
    assert "参保历史" in page
    assert "<td>2015-07-01</td><td>—</td><td>参保缴费</td>" in page
    person_update(person=li_ming, status=SUSPENDED, operator=clerk)
    response = client.post(url, person_form(fresh(li_ming), enrolled_on=(today + DAY).isoformat()))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["enrolled_on"] == [
        f"参保日期 {today + DAY} 晚于已记录的 {today} 参保变更；参保日期须早于该变更。"
    ]
    assert fresh(li_ming).enrolled_on == dt.date(2015, 7, 1)


# The data migration, on a hand-written change history.

migration = importlib.import_module("accounts.migrations.0005_enrolment_periods")


def at(*args):
    return timezone.make_aware(dt.datetime(*args))


def test_oracle_migration_rebuilds_periods_from_the_change_records():
    person = SimpleNamespace(
        status="active", scheme="310", region_id="320100", enrolled_on=dt.date(2019, 6, 1)
    )
    records = [
        (at(2024, 1, 5, 9), "active", "390", "320500"),  # registered
        (at(2024, 1, 5, 15), "active", "390", "320500"),  # phone changed: same state
        (at(2024, 3, 1, 10), "suspended", "390", "320500"),
        (at(2024, 3, 1, 16), "active", "390", "320500"),  # reactivated the same day
        (at(2025, 2, 10, 11), "active", "310", "320500"),
        (at(2025, 8, 20, 9), "active", "310", "320100"),
    ]
    A, S = ("active", "390", "320500"), ("active", "310", "320500")
    assert migration.periods_of(person, records) == [
        (dt.date(2019, 6, 1), dt.date(2025, 2, 10), A),
        (dt.date(2025, 2, 10), dt.date(2025, 8, 20), S),
        (dt.date(2025, 8, 20), None, ("active", "310", "320100")),
    ]


def test_oracle_migration_without_records_or_with_a_later_enrolment_date():
    person = SimpleNamespace(
        status="suspended", scheme="390", region_id="320500", enrolled_on=dt.date(2023, 1, 1)
    )
    assert migration.periods_of(person, []) == [
        (dt.date(2023, 1, 1), None, ("suspended", "390", "320500"))
    ]
    records = [
        (at(2022, 5, 1, 9), "active", "390", "320500"),
        (at(2022, 9, 1, 9), "suspended", "390", "320500"),
    ]
    # A 参保日期 after the first change cannot start the history: it stays open-ended.
    assert migration.periods_of(person, records) == [
        (None, dt.date(2022, 9, 1), ("active", "390", "320500")),
        (dt.date(2022, 9, 1), None, ("suspended", "390", "320500")),
    ]


def test_histories_read_together_come_per_person_in_date_order_without_the_persons_table(
    clerk,
):
    """Issue 12: ordering the history by "person" joined the persons table (for the
    same order by id) in every read of a history, a settlement's among them."""
    first = make_person(enrolled_on=dt.date(2020, 1, 1), operator=clerk)
    second = make_person(name="王芳", enrolled_on=dt.date(2019, 6, 1), operator=clerk)
    # A period before the first one, written after it (its id is the larger).
    EnrolmentPeriod.objects.create(
        person=first,
        status=TERMINATED,
        scheme="310",
        region_id="320500",
        valid_from=None,
        valid_to=dt.date(2020, 1, 1),
    )
    with CaptureQueriesContext(connection) as captured:
        read = [
            (p.person_id, p.valid_from, p.valid_to)
            for p in EnrolmentPeriod.objects.filter(person__in=[second, first])
        ]
    assert read == [
        (first.pk, None, dt.date(2020, 1, 1)),
        (first.pk, dt.date(2020, 1, 1), None),
        (second.pk, dt.date(2019, 6, 1), None),
    ]
    (query,) = captured.captured_queries
    assert "accounts_insuredperson" not in query["sql"]
