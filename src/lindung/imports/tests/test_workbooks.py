"""Worker lists as offices send them: one sheet per dusun, a compiled regency workbook with
kecamatan blocks, a TTL column. Each layout must give the same decisions as the same rows in
a plain one-sheet file."""

import datetime as dt
import io
import json
from io import StringIO

import openpyxl
import pytest
from django.core.management import call_command

from lindung.core import testing
from lindung.imports.services import run_import
from lindung.workers.models import Worker

from .helpers import HEADER, person
from .layouts import (
    block_order,
    compiled_regency,
    plain_csv,
    sample_groups,
    sheet_per_dusun,
)

pytestmark = pytest.mark.usefixtures("setup_import")
TODAY = dt.date(2026, 11, 24)
ACCEPTED = ["nik", "name", "sex", "birth_date", "village", "sector_id", "income", "phone", "flags"]


def decisions(outcome, positions) -> dict:
    """What the import decided, by NIK and without row numbers: the codes of every row, the
    accepted rows as they would be stored, and the counts."""
    by_nik: dict[str, list[str]] = {}
    for problem in (*outcome.errors, *outcome.warnings):
        nik = positions[(problem.sheet, problem.row)]
        by_nik.setdefault(nik, []).append(problem.code)
    accepted = outcome.accepted_frame.select(ACCEPTED).sort("nik").rows()
    return {
        "codes": sorted((nik, sorted(codes)) for nik, codes in by_nik.items()),
        "accepted": accepted,
        "counts": (outcome.rows, outcome.accepted_count, outcome.rejected),
        "pairs": sorted((p.nik, p.other.nik) for p in outcome.pairs),
    }


def _run(name, data, **kw):
    outcome, _ = run_import(name, data, today=TODAY, **kw)
    return outcome


def test_the_sample_covers_errors_warnings_and_duplicates_across_groups():
    content, positions = plain_csv(sample_groups())
    outcome = _run("plain.csv", content)
    found = {p.code for p in (*outcome.errors, *outcome.warnings)}
    assert found == {
        "birthdate_invalid", "duplicate_in_file", "nik_format", "village_unknown",
        "phone_invalid", "income_adjusted", "possible_duplicate",
    }  # fmt: skip
    assert outcome.rows == 12 and outcome.accepted_count == 8


@pytest.mark.parametrize("ttl", [False, True], ids=["date", "ttl"])
def test_sheet_per_dusun_decides_like_the_plain_file(ttl):
    groups = sample_groups()
    plain = decisions(_run("plain.csv", plain_csv(groups)[0]), plain_csv(groups)[1])
    content, positions = sheet_per_dusun(groups, ttl=ttl)
    outcome = _run("desa.xlsx", content)
    assert decisions(outcome, positions) == plain
    assert [s["name"] for s in outcome.sheets] == ["Dusun Lauq", "Dusun Daya", "Dusun Tengak"]
    assert [s["rows"] for s in outcome.sheets] == [4, 4, 4]
    assert outcome.skipped_sheets == [
        ["Catatan", "tidak berisi daftar pekerja (tidak ada kolom NIK dan nama)"],
        ["REKAP", "tidak berisi daftar pekerja (tidak ada kolom NIK dan nama)"],
        ["Pivot", "tidak berisi daftar pekerja (tidak ada kolom NIK dan nama)"],
    ]
    # column numbers, the subtotal and the signature block of each sheet are left out
    assert outcome.sheets[0]["skipped"] == {"numbering": 1, "subtotal": 1, "signature": 4}


def test_compiled_regency_workbook_decides_like_the_plain_file():
    groups = sample_groups()
    ordered = block_order(groups)
    reference, reference_positions = plain_csv(ordered)
    plain = decisions(_run("plain.csv", reference), reference_positions)
    content, positions = compiled_regency(groups)
    outcome = _run("kabupaten.xlsx", content)
    assert decisions(outcome, positions) == plain
    assert outcome.skipped_sheets == [
        ["REKAP", "tidak berisi daftar pekerja (tidak ada kolom NIK dan nama)"],
        ["Pivot", "tidak berisi daftar pekerja (tidak ada kolom NIK dan nama)"],
    ]
    skipped = outcome.sheets[0]["skipped"]
    assert skipped == {"block": 2, "header": 1, "subtotal": 3, "signature": 4}
    villages = set(outcome.accepted_frame["village"].to_list())
    assert villages == {testing.VILLAGE_A, testing.VILLAGE_A2, testing.VILLAGE_B}


def test_the_block_title_gives_the_kecamatan_when_there_is_no_kecamatan_column():
    rows = [person(serial=720, **{"Desa/Kelurahan": "Tanjung Luar", "Kecamatan": "Selong"})]
    groups = [("x", rows)]
    # In the plain file the kecamatan column says Selong: Tanjung Luar is not there.
    plain = _run("plain.csv", plain_csv(groups)[0])
    assert [p.code for p in plain.errors] == ["village_unknown"]
    content, _positions = compiled_regency(groups)  # block "KECAMATAN SELONG" says the same
    outcome = _run("kabupaten.xlsx", content)
    assert [p.code for p in outcome.errors] == ["village_unknown"]


def test_problems_carry_the_sheet_and_the_row_the_operator_sees():
    content, positions = sheet_per_dusun(sample_groups())
    outcome = _run("desa.xlsx", content)
    dup = next(p for p in outcome.errors if p.code == "duplicate_in_file")
    assert (dup.sheet, dup.row) == ("Dusun Daya", 7)  # title 1-2, blank 3, header 4, numbers 5
    assert "baris 6 (lembar 'Dusun Lauq')" in dup.message
    possible = next(p for p in outcome.warnings if p.code == "possible_duplicate")
    assert (possible.sheet, possible.row) == ("Dusun Daya", 8)
    assert "baris 6 (lembar 'Dusun Lauq')" in possible.message
    assert all(positions[(p.sheet, p.row)] for p in (*outcome.errors, *outcome.warnings))


def test_duplicates_across_sheets_are_refused_on_commit():
    content, _positions = sheet_per_dusun(sample_groups())
    outcome = _run("desa.xlsx", content, commit=True)
    assert Worker.objects.count() == outcome.accepted_count == 8
    assert Worker.objects.filter(nik=sample_groups()[0][1][0]["NIK"]).count() == 1


def test_compiled_workbook_refuses_rows_outside_the_operators_area():
    content, _positions = compiled_regency(sample_groups())
    outcome = _run("kabupaten.xlsx", content, commit=True, scope_code=testing.KECAMATAN_A)
    out_of_scope = [p for p in outcome.errors if "di luar wilayah kerja Anda" in p.message]
    # Tanjung Luar (Keruak): two rows, both refused with the reason, none written.
    assert len(out_of_scope) == 2
    assert {p.sheet for p in out_of_scope} == {"REKAP KABUPATEN"}
    assert not Worker.objects.filter(village_id=testing.VILLAGE_B).exists()
    assert set(Worker.objects.values_list("village_id", flat=True)) == {
        testing.VILLAGE_A, testing.VILLAGE_A2,
    }  # fmt: skip


def _cli(tmp_path, name: str, content: bytes) -> dict:
    path = tmp_path / name
    path.write_bytes(content)
    out = StringIO()
    call_command("import_workers", str(path), "--json", stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.parametrize("layout", ["dusun", "compiled"])
def test_cli_json_adds_the_sheet_to_every_problem(tmp_path, layout):
    groups = sample_groups()
    if layout == "dusun":
        content, positions = sheet_per_dusun(groups)
        reference = plain_csv(groups)
    else:
        content, positions = compiled_regency(groups)
        reference = plain_csv(block_order(groups))
    result = _cli(tmp_path, "daftar.xlsx", content)
    plain = _cli(tmp_path, "daftar.csv", reference[0])
    assert list(result) == ["rows", "accepted", "rejected", "errors", "warnings"]
    for problem in (*result["errors"], *result["warnings"]):
        assert list(problem) == ["row", "column", "code", "message", "sheet"]
        assert positions[(problem["sheet"], problem["row"])]
    for problem in (*plain["errors"], *plain["warnings"]):
        assert "sheet" not in problem
    assert [result[k] for k in ("rows", "accepted", "rejected")] == [
        plain[k] for k in ("rows", "accepted", "rejected")
    ]

    def by_nik(res, where):
        return sorted(
            (where[(p.get("sheet"), p["row"])], p["code"], p["column"])
            for p in (*res["errors"], *res["warnings"])
        )

    plain_columns = by_nik(plain, reference[1])
    got = by_nik(result, positions)
    assert [(nik, code) for nik, code, _c in got] == [(n, c) for n, c, _c in plain_columns]


def test_a_sheet_laid_out_like_the_main_one_is_read_even_with_unknown_headers():
    header = ["Nomor KTP Warga", "Nama", "Tgl Lahir", "Desa"]  # the NIK header is not known
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, serial in (("A", 730), ("B", 731)):
        sheet = book.create_sheet(name)
        sheet.append(header)
        row = person(serial=serial)
        sheet.append([row["NIK"], row["Nama Lengkap"], row["Tgl Lahir"], row["Desa/Kelurahan"]])
    out = io.BytesIO()
    book.save(out)
    outcome = _run("x.xlsx", out.getvalue(), mapping={"nik": 0, "name": 1, "birth_date": 2,
                                                     "village": 3})  # fmt: skip
    assert outcome.errors == [] and outcome.accepted_count == 2
    assert [s["name"] for s in outcome.sheets] == ["A", "B"]


def test_a_worker_sheet_missing_a_required_column_refuses_the_file():
    book = openpyxl.Workbook()
    good = book.active
    good.title = "Dusun A"
    good.append(HEADER)
    row = person(serial=740)
    good.append([row.get(h, "") for h in HEADER])
    bad = book.create_sheet("Dusun B")
    bad.append(["NIK", "Nama Lengkap", "Desa/Kelurahan"])  # no birth date column
    bad.append([person(serial=741)["NIK"], "Budi", "Danggen Timur"])
    out = io.BytesIO()
    book.save(out)
    outcome = _run("x.xlsx", out.getvalue(), commit=True)
    assert [(p.sheet, p.code) for p in outcome.errors] == [("Dusun B", "column_missing")]
    assert outcome.accepted_count == 0 and Worker.objects.count() == 0


def test_cli_text_names_sheets_left_out_and_the_sheet_of_each_problem(tmp_path):
    content, _positions = sheet_per_dusun(sample_groups())
    path = tmp_path / "desa.xlsx"
    path.write_bytes(content)
    out = StringIO()
    call_command("import_workers", str(path), stdout=out)
    text = out.getvalue()
    assert text.startswith("12 baris: 8 diterima, 4 ditolak, 3 peringatan")
    assert "Lembar 'REKAP' dilewati: tidak berisi daftar pekerja" in text
    assert "GALAT lembar 'Dusun Daya' baris 7 [NIK] duplicate_in_file:" in text


def test_hidden_sheets_are_left_out_and_named():
    book = openpyxl.Workbook()
    shown = book.active
    shown.title = "Data"
    shown.append(HEADER)
    row = person(serial=760)
    shown.append([row.get(h, "") for h in HEADER])
    hidden = book.create_sheet("Lama")
    hidden.append(HEADER)
    hidden.append([person(serial=761).get(h, "") for h in HEADER])
    hidden.sheet_state = "hidden"
    out = io.BytesIO()
    book.save(out)
    outcome = _run("x.xlsx", out.getvalue())
    assert outcome.accepted_count == 1
    assert outcome.skipped_sheets == [
        ["Lama", "lembar tersembunyi; tampilkan lembar ini di Excel bila isinya ingin diimpor"]
    ]


def test_the_hidden_lists_of_our_template_are_not_mentioned():
    from lindung.imports.report import template_workbook

    content = template_workbook(testing.VILLAGE_A, testing.REGENCY)
    book = openpyxl.load_workbook(io.BytesIO(content))
    book["Data pekerja"].append([person(serial=765).get(h, "") for h in HEADER] + [""])
    out = io.BytesIO()
    book.save(out)
    outcome = _run("templat.xlsx", out.getvalue())
    assert outcome.accepted_count == 1, outcome.as_json()
    assert outcome.skipped_sheets == []


def test_a_date_cell_in_the_ttl_column_is_read():
    header = ["NIK", "Nama", "TTL", "Desa"]
    row = person(birth=dt.date(1985, 8, 12), serial=770)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    sheet.append([row["NIK"], row["Nama Lengkap"], dt.datetime(1985, 8, 12), "Danggen Timur"])
    sheet.append([person(serial=771)["NIK"], "Siti", "Selong, 12 Agustus 1985", "Danggen Timur"])
    out = io.BytesIO()
    book.save(out)
    outcome = _run("x.xlsx", out.getvalue(), commit=True)
    assert outcome.accepted_count == 2, outcome.as_json()
    worker = Worker.objects.get(nik=row["NIK"])
    assert (worker.birth_date, worker.birthplace) == (dt.date(1985, 8, 12), "")


def test_a_csv_with_subtotals_leaves_them_out_like_a_workbook():
    rows = [person(serial=780), person(serial=781)]
    content = plain_csv([("x", rows)])[0] + b"JUMLAH;;;;;;;;2\r\n"
    outcome = _run("d.csv", content)
    assert outcome.rows == 2 and outcome.errors == []
    assert outcome.sheets == [{"name": "", "rows": 2, "skipped": {"subtotal": 1}}]


@pytest.mark.parametrize("layout", ["dusun", "compiled"])
def test_workbooks_give_the_same_result_column_wise_and_row_by_row(layout):
    from lindung.imports.pipeline import validate_workbook
    from lindung.imports.sheets import read_workbook

    groups = sample_groups()
    content = (sheet_per_dusun if layout == "dusun" else compiled_regency)(groups)[0]
    fast = validate_workbook(read_workbook("x.xlsx", content), today=TODAY)
    slow = validate_workbook(read_workbook("x.xlsx", content), today=TODAY, vectorised=False)
    assert fast.as_json() == slow.as_json()
    assert fast.accepted == slow.accepted and fast.pairs == slow.pairs
    assert fast.rejected_rows == slow.rejected_rows


def test_the_row_limit_holds_for_all_sheets_together(monkeypatch):
    from lindung.imports import sheets

    monkeypatch.setattr(sheets, "MAX_ROWS", 10)
    content, _positions = sheet_per_dusun(sample_groups())  # 3 sheets of 12+ rows each
    outcome = _run("desa.xlsx", content)
    assert outcome.rows == 0 and outcome.errors[0].code == "column_missing"
    assert "Berkas terlalu besar: lebih dari 10 baris." in outcome.errors[0].message
