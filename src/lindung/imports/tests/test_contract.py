"""The `lindung import_workers` contract of DESIGN.md: keys, codes, row numbers, dedup rules."""

import datetime as dt
import json

import pytest
from django.core.management import call_command

from lindung.imports.codes import ERROR_CODES, WARNING_CODES
from lindung.workers.models import Worker
from lindung.workers.nik import compose_nik

from .helpers import HEADER, csv_bytes, person, xlsx_bytes

pytestmark = pytest.mark.usefixtures("setup_import")


def run_cli(tmp_path, content: bytes, name: str = "daftar.csv", *extra) -> dict:
    path = tmp_path / name
    path.write_bytes(content)
    from io import StringIO

    out = StringIO()
    call_command("import_workers", str(path), "--json", *extra, stdout=out)
    return json.loads(out.getvalue())


def test_json_has_exactly_the_contract_keys(tmp_path):
    result = run_cli(tmp_path, csv_bytes([person(), person()]))
    assert list(result) == ["rows", "accepted", "rejected", "errors", "warnings"]
    assert result["rows"] == 2 and result["accepted"] == 2 and result["rejected"] == 0
    assert result["errors"] == [] and result["warnings"] == []


def test_problem_objects_have_exactly_row_column_code_message(tmp_path):
    bad = person(**{"Nama Lengkap": ""})
    result = run_cli(tmp_path, csv_bytes([person(), bad]))
    assert result["errors"] == [
        {"row": 3, "column": "Nama Lengkap", "code": "name_missing", "message": "Nama wajib diisi."}
    ]
    assert result["rejected"] == 1 and result["accepted"] == 1


def test_dry_run_writes_nothing_and_commit_writes(tmp_path):
    content = csv_bytes([person(), person()])
    run_cli(tmp_path, content)
    assert Worker.objects.count() == 0
    result = run_cli(tmp_path, content, "daftar.csv", "--commit")
    assert result["accepted"] == 2
    assert Worker.objects.count() == 2


def test_row_numbers_count_title_rows_and_blank_rows(tmp_path):
    rows = [person(), {}, person(**{"Tgl Lahir": "31-02-1985"})]
    content = csv_bytes(rows, above=[["DAFTAR PEKERJA RENTAN"], ["Desa Danggen Timur"]])
    result = run_cli(tmp_path, content)
    # title rows 1-2, header row 3, data 4, blank 5, bad row 6
    assert [e["row"] for e in result["errors"]] == [6]
    assert result["rows"] == 2


def test_nik_repeated_keeps_first_row_and_flags_each_later_row(tmp_path):
    first = person(serial=7001)
    later = dict(first, **{"Nama Lengkap": "Orang Lain"})
    result = run_cli(tmp_path, csv_bytes([first, person(), later, dict(later)]))
    dups = [e for e in result["errors"] if e["code"] == "duplicate_in_file"]
    assert [d["row"] for d in dups] == [4, 5]
    assert all("baris 2" in d["message"] for d in dups)
    assert result["accepted"] == 2


def test_possible_duplicate_is_on_the_later_row_and_imported(tmp_path):
    born = dt.date(1979, 8, 17)
    a = person(birth=born, name="Muhammad Saleh", serial=21)
    b = person(birth=born, name="Muhamad Saleh", serial=12)  # other NIK, respelled name
    c = person(birth=born, name="Siti Hajar", serial=33)  # same block, other person
    result = run_cli(tmp_path, csv_bytes([a, b, c]), "d.csv", "--commit")
    flagged = [w for w in result["warnings"] if w["code"] == "possible_duplicate"]
    assert [w["row"] for w in flagged] == [3]
    assert "baris 2" in flagged[0]["message"]
    assert result["accepted"] == 3
    assert Worker.objects.get(nik=b["NIK"]).verification_flags == ["possible_duplicate"]


def test_a_row_lists_every_problem(tmp_path):
    bad = person(**{"NIK": "12345", "Nama Lengkap": "", "Tgl Lahir": "kemarin",
                    "Desa/Kelurahan": "Atlantis"})  # fmt: skip
    result = run_cli(tmp_path, csv_bytes([bad]))
    assert sorted(e["code"] for e in result["errors"]) == sorted(
        ["nik_format", "name_missing", "birthdate_invalid", "village_unknown"]
    )
    assert result["rejected"] == 1


def test_every_code_is_reachable_and_messages_are_indonesian(tmp_path):
    existing = person(serial=9001)
    Worker.objects.create(
        nik=existing["NIK"], name="Sudah Ada", sex="L", birth_date=dt.date(1985, 3, 14),
        village_id="52.03.07.2012", sector_id=_sector_id(),
    )  # fmt: skip
    twin = person(serial=9100, name="Lalu Ahmad")
    rows = [
        person(NIK="52030714038500x1"),  # nik_format
        person(NIK="5.20307E+15"),  # nik_scientific
        person(NIK="5203079913850001"),  # nik_date
        person(NIK="5203071403850000"),  # nik_serial
        person(NIK="5203071403851234", **{"Tgl Lahir": "14-03-1985"}),
        person(**{"Nama Lengkap": ""}),  # name_missing
        person(**{"Tgl Lahir": "99-99-1985"}),  # birthdate_invalid
        twin,
        dict(twin),  # duplicate_in_file
        existing,  # duplicate_existing
        person(birth=dt.date(2020, 1, 1)),  # age_out_of_range (min 15)
        person(**{"Desa/Kelurahan": "Atlantis"}),  # village_unknown
        person(birth=dt.date(1985, 3, 14), **{"Tgl Lahir": "15-03-1985"}),  # nik_birthdate_mismatch
        person(**{"L/P": "P"}),  # nik_sex_mismatch
        dict(person(), NIK=compose_nik("99.01.01", dt.date(1985, 3, 14), "L", 5)),  # region
        person(birth=dt.date(1979, 8, 17), name="Lalu Ahmad", serial=31),
        person(birth=dt.date(1979, 8, 17), name="Lalu Ahmad", serial=32),  # possible_duplicate
        person(**{"No HP": "12"}),  # phone_invalid
        person(Penghasilan="Rp 300.000"),  # income_adjusted
    ]
    result = run_cli(tmp_path, csv_bytes(rows))
    codes = {p["code"] for p in result["errors"] + result["warnings"]}
    assert codes >= (set(ERROR_CODES) - {"column_missing"}) | set(WARNING_CODES)
    missing = run_cli(tmp_path, csv_bytes([person()], header=HEADER[1:]))
    assert missing["errors"][0]["code"] == "column_missing"
    assert missing["errors"][0]["column"] == "NIK" and missing["errors"][0]["row"] == 1
    assert missing["accepted"] == 0 and missing["rejected"] == 1
    for p in result["errors"] + result["warnings"]:
        assert p["message"] and "  " not in p["message"]
        assert not any(w in p["message"].lower() for w in ("invalid ", "error", "missing"))


def _sector_id():
    from lindung.workers.models import Sector

    return Sector.objects.get(code="buruh-tani").pk


def test_xlsx_numeric_nik_damaged_by_excel_is_nik_scientific(tmp_path):
    row = person(serial=12)
    damaged = dict(row, NIK=float(int(row["NIK"]) // 10 * 10))  # Excel kept 15 digits
    intact = dict(person(serial=13), NIK=float(int(person(serial=13)["NIK"])))
    result = run_cli(tmp_path, xlsx_bytes([damaged, intact], raw=True), "d.xlsx")
    assert [(e["row"], e["code"]) for e in result["errors"]] == [(2, "nik_scientific")]
    assert result["accepted"] == 1


def test_human_output_without_json(tmp_path):
    from io import StringIO

    path = tmp_path / "d.csv"
    path.write_bytes(csv_bytes([person(), person(**{"Nama Lengkap": ""})]))
    out = StringIO()
    call_command("import_workers", str(path), stdout=out)
    text = out.getvalue()
    assert "2 baris: 1 diterima, 1 ditolak" in text and "name_missing" in text
    assert Worker.objects.count() == 0
