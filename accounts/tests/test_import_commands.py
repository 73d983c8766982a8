"""``import_persons`` and ``import_credits``: exit status and what they print."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import InsuredPerson, LedgerEntry
from accounts.selectors import ledger_mismatches
from accounts.tests.factories import make_id_number, make_person
from core.tests.files import csv_file, xlsx_file
from core.tests.oracles import gb11643_check_character

PERSON_HEADER = ["姓名", "公民身份号码", "险种类型", "参保状态", "参保统筹区"]


pytestmark = pytest.mark.usefixtures("english")


def run(command, path, *args):
    out, err = StringIO(), StringIO()
    call_command(command, str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def person_file(tmp_path, rows, name="persons.xlsx"):
    path = tmp_path / name
    path.write_bytes(xlsx_file([PERSON_HEADER, *rows]))
    return path


def test_import_persons_accepts_and_records_the_operator(db, tmp_path, supervisor):
    number = make_id_number()
    path = person_file(tmp_path, [["张伟", number, "310", "参保缴费", "320500"]])
    out, err = run("import_persons", path, "--operator", supervisor.username)
    assert "imported 1 row(s): 1 created" in out and err == ""
    assert InsuredPerson.objects.get(id_number=number).created_by == supervisor


def test_import_persons_dry_run_writes_nothing(db, tmp_path):
    path = person_file(tmp_path, [["张伟", make_id_number(), "310", "参保缴费", "320500"]])
    out, _err = run("import_persons", path, "--dry-run", "-v", "2")
    assert "1 row(s) would import: 1 created" in out
    assert "row 2: create: new: 张伟" in out
    assert InsuredPerson.objects.count() == 0


def test_rejected_file_prints_each_row_and_exits_1(db, tmp_path):
    bad = make_id_number()[:17] + "Z"
    path = person_file(
        tmp_path,
        [
            ["张伟", make_id_number(), "310", "参保缴费", "320500"],
            ["王芳", bad, "390", "参保缴费", "1"],
        ],
    )
    err = StringIO()
    with pytest.raises(CommandError, match="rejected, 2 error") as raised:
        call_command("import_persons", str(path), stdout=StringIO(), stderr=err)
    assert raised.value.returncode == 1
    assert err.getvalue().splitlines() == [
        "row 3, column 公民身份号码: An ID number is 17 digits followed by a digit or X.",
        "row 3, column 参保统筹区: 1 is not a known pooling region.",
    ]
    assert InsuredPerson.objects.count() == 0


def test_dry_run_of_a_rejected_file_exits_1(db, tmp_path):
    path = tmp_path / "credits.csv"
    path.write_bytes(csv_file([["批次号", "公民身份号码", "金额"], ["b", make_id_number(), "1"]]))
    with pytest.raises(CommandError):
        run("import_credits", path, "--dry-run")


def test_import_credits_twice_posts_once(db, tmp_path, clerk):
    person = make_person(operator=clerk)
    path = tmp_path / "credits.csv"
    rows = [
        ["批次号", "公民身份号码", "划入年月", "金额"],
        ["B1", person.id_number, "2025-03", "83"],
    ]
    path.write_bytes(csv_file(rows, "gb18030"))
    assert "1 created" in run("import_credits", path)[0]
    assert "0 created, 0 updated, 1 unchanged" in run("import_credits", path)[0]
    person.account.refresh_from_db()
    assert person.account.balance == Decimal("83.00")
    assert LedgerEntry.objects.count() == 1
    assert ledger_mismatches() == []


def test_operator_without_the_permission_is_refused(db, tmp_path, clerk):
    path = person_file(tmp_path, [["张伟", make_id_number(), "310", "参保缴费", "320500"]])
    with pytest.raises(CommandError, match="lacks the permission accounts.import_persons"):
        run("import_persons", path, "--operator", clerk.username)
    with pytest.raises(CommandError, match="no active user"):
        run("import_persons", path, "--operator", "nobody")


def test_oracle_the_standards_example_and_random_valid_numbers_import(db, tmp_path, supervisor):
    """The standard's printed example and numbers made by its formula (not by the
    project) are registered by ``import_persons`` as they are written."""
    import random

    rng = random.Random(20261201)
    bodies = [
        f"320505{rng.randint(1950, 2015)}0{rng.randint(1, 9)}1{rng.randint(0, 9)}"
        f"{rng.randint(0, 999):03d}"
        for _ in range(40)
    ]
    numbers = ["11010519491231002X"] + [body + gb11643_check_character(body) for body in bodies]
    numbers = list(dict.fromkeys(numbers))
    rows = [[f"参保人{i}", number, "310", "参保缴费", "320500"] for i, number in enumerate(numbers)]
    out, err = run("import_persons", person_file(tmp_path, rows), "--operator", supervisor.username)
    assert f"imported {len(numbers)} row(s)" in out and err == ""
    assert set(InsuredPerson.objects.values_list("id_number", flat=True)) == set(numbers)
