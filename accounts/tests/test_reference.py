"""The regions shipped in ``accounts/data/regions.csv`` against an outside table of
division codes: python-stdnum's ``cn/loc`` (GB/T 2260, from the Wikipedia lists)."""

import re

from stdnum import numdb

from accounts.reference import read_csv

ERA = re.compile(r"^\[(\d{4})?-(\d{4})?\]")  # stdnum's "[1997-]" / "[-2010]" validity tags
CORPS = "66"  # 新疆生产建设兵团: its divisions use the stand-ins 66xx00 (docs/DESIGN.md)


def test_oracle_every_region_is_a_current_division_code_of_its_province():
    table = numdb.get("cn/loc")
    rows = [row for row in read_csv("regions.csv") if row["province_code"] != CORPS]
    assert len(rows) == 357 - 14  # 357 regions, 14 of them 兵团 divisions
    for row in rows:
        code = row["region_code"]
        parts = table.info(code)
        assert [part for part, _props in parts] == [code[:2], code[2:]], code
        (_, province), (_, county) = parts
        assert code[:2] == row["province_code"], code
        assert province["province"] == row["province_name"], code
        assert "county" in county, f"{code} is not a division code in stdnum's table"
        latest = county["county"].split(",")[-1]  # "[1986-1989]义马市,[1997-]济源市"
        era = ERA.match(latest)
        assert era is None or era[2] is None, f"{code} was abolished: {county['county']}"
        assert ERA.sub("", latest) == row["region_name"], code


def test_oracle_the_corps_stand_ins_are_the_only_codes_stdnum_does_not_know():
    table = numdb.get("cn/loc")
    corps = [row for row in read_csv("regions.csv") if row["province_code"] == CORPS]
    assert len(corps) == 14
    for row in corps:
        assert re.fullmatch(r"66\d\d00", row["region_code"]), row
        assert table.info(row["region_code"]) == [(row["region_code"], {})]


def test_oracle_every_province_is_a_province_of_stdnums_table():
    table = numdb.get("cn/loc")
    provinces = {(row["province_code"], row["province_name"]) for row in read_csv("regions.csv")}
    assert len(provinces) == 32  # 31 provinces + 新疆生产建设兵团
    for code, name in provinces - {(CORPS, "新疆生产建设兵团")}:
        assert table.info(code + "0000")[0] == (code, {"province": name}), code
