"""The bad-input corpus: every case gives a clear error and leaves the database unchanged.

Row cases put one broken row after a good one and commit: the broken row must be rejected
with its code (the good row is imported, as the contract says). File cases must be refused
whole: no row is written, and the message says what to do.
"""

import datetime as dt
import io
import zipfile

import openpyxl
import pytest

from lindung.imports.services import run_import
from lindung.workers.models import Worker
from lindung.workers.nik import compose_nik

from .helpers import HEADER, csv_bytes, person, xlsx_bytes

pytestmark = pytest.mark.usefixtures("setup_import")
TODAY = dt.date(2026, 11, 24)
B = dt.date(1985, 3, 14)


def _p(**kw):
    return person(birth=B, serial=kw.pop("serial", 77), **kw)


ROW_CASES = {
    # nik_format
    "nik_short": (_p(NIK="520307140385001"), "nik_format"),
    "nik_long": (_p(NIK="52030714038500012"), "nik_format"),
    "nik_letters": (_p(NIK="52O3071403850001"), "nik_format"),
    "nik_empty": (_p(NIK=""), "nik_format"),
    "nik_dash_only": (_p(NIK="-"), "nik_format"),
    "nik_arabic_digits": (_p(NIK="٥٢٠٣٠٧١٤٠٣٨٥٠٠٠١"), "nik_format"),
    "nik_with_text": (_p(NIK="NIK 5203071403850001"), "nik_format"),
    "nik_kk_number_17": (_p(NIK="52030714038500011"), "nik_format"),
    "nik_space_inside_short": (_p(NIK="5203 0714 0385 001"), "nik_format"),
    "nik_question": (_p(NIK="?"), "nik_format"),
    # nik_scientific
    "nik_sci_upper": (_p(NIK="5.20307E+15"), "nik_scientific"),
    "nik_sci_lower": (_p(NIK="5.203071e+15"), "nik_scientific"),
    "nik_sci_comma": (_p(NIK="5,20307E+15"), "nik_scientific"),
    "nik_sci_noplus": (_p(NIK="5.20307E15"), "nik_scientific"),
    "nik_float_zero_tail": (_p(NIK="5203071403850000.0"), "nik_scientific"),
    "nik_float_15_digits": (_p(NIK="520307140385001.0"), "nik_scientific"),
    # nik_date
    "nik_day_00": (_p(NIK="5203070003850001"), "nik_date"),
    "nik_day_35": (_p(NIK="5203073503850001"), "nik_date"),
    "nik_day_72": (_p(NIK="5203077203850001"), "nik_date"),
    "nik_month_13": (_p(NIK="5203071413850001"), "nik_date"),
    "nik_month_00": (_p(NIK="5203071400850001"), "nik_date"),
    "nik_feb_30": (_p(NIK="5203073002850001"), "nik_date"),
    # nik_serial
    "nik_serial_zero": (_p(NIK="5203071403850000"), "nik_serial"),
    "nik_serial_zero_woman": (_p(NIK="5203075403850000", **{"L/P": "P"}), "nik_serial"),
    # name_missing
    "name_empty": (_p(**{"Nama Lengkap": ""}), "name_missing"),
    "name_spaces": (_p(**{"Nama Lengkap": "   "}), "name_missing"),
    "name_hyperlink": (_p(**{"Nama Lengkap": '=HYPERLINK("http://x.id","Budi")'}), "name_missing"),
    "name_formula_sum": (_p(**{"Nama Lengkap": "=SUM(A1:A3)"}), "name_missing"),
    "name_plus_formula": (_p(**{"Nama Lengkap": "+cmd|' /C calc'!A0"}), "name_missing"),
    "name_at_formula": (_p(**{"Nama Lengkap": "@SUM(1+1)"}), "name_missing"),
    "name_digits": (_p(**{"Nama Lengkap": "123456"}), "name_missing"),
    "name_dash": (_p(**{"Nama Lengkap": "-"}), "name_missing"),
    # birthdate_invalid
    "birth_empty": (_p(**{"Tgl Lahir": ""}), "birthdate_invalid"),
    "birth_text": (_p(**{"Tgl Lahir": "kemarin"}), "birthdate_invalid"),
    "birth_31_feb": (_p(**{"Tgl Lahir": "31-02-1985"}), "birthdate_invalid"),
    "birth_month_13": (_p(**{"Tgl Lahir": "14-13-1985"}), "birthdate_invalid"),
    "birth_future": (_p(**{"Tgl Lahir": "01-01-2030"}), "birthdate_invalid"),
    "birth_before_1900": (_p(**{"Tgl Lahir": "01-01-1850"}), "birthdate_invalid"),
    "birth_only_year": (_p(**{"Tgl Lahir": "1985"}), "birthdate_invalid"),
    "birth_american": (_p(**{"Tgl Lahir": "03/14/1985"}), "birthdate_invalid"),
    "birth_bad_month_name": (_p(**{"Tgl Lahir": "14 Maretz 1985"}), "birthdate_invalid"),
    "birth_serial_too_big": (_p(**{"Tgl Lahir": "99999"}), "birthdate_invalid"),
    # age_out_of_range (minimum 15 years from the eligibility rule)
    "age_child": (person(birth=dt.date(2015, 6, 1), serial=78), "age_out_of_range"),
    "age_toddler": (person(birth=dt.date(2024, 1, 2), serial=79), "age_out_of_range"),
    "age_just_under_15": (person(birth=dt.date(2011, 11, 25), serial=80), "age_out_of_range"),
    # village_unknown
    "village_empty": (_p(**{"Desa/Kelurahan": ""}), "village_unknown"),
    "village_made_up": (_p(**{"Desa/Kelurahan": "Atlantis"}), "village_unknown"),
    "village_other_regency": (_p(**{"Desa/Kelurahan": "Cakranegara Barat"}), "village_unknown"),
    "village_wrong_kecamatan": (
        _p(**{"Desa/Kelurahan": "Danggen Timur", "Kecamatan": "Keruak"}), "village_unknown"
    ),
    "village_code_unknown": (_p(**{"Desa/Kelurahan": "52.03.07.9999"}), "village_unknown"),
    "village_typo": (_p(**{"Desa/Kelurahan": "Dangen Timor"}), "village_unknown"),
    "village_only_prefix": (_p(**{"Desa/Kelurahan": "Desa"}), "village_unknown"),
    "village_regency_name": (_p(**{"Desa/Kelurahan": "Kabupaten Lombok Timur"}), "village_unknown"),
    "village_number": (_p(**{"Desa/Kelurahan": "12"}), "village_unknown"),
    "village_out_of_regency_code": (_p(**{"Desa/Kelurahan": "5201012001"}), "village_unknown"),
    "nik_tab_junk": (_p(NIK="5203071403850001\t\t1"), "nik_format"),
    "nik_plus_sign": (_p(NIK="+5203071403850001"), "nik_format"),
    "nik_sci_with_quote": (_p(NIK="'5.20307E+15"), "nik_scientific"),
    "birth_time_only": (_p(**{"Tgl Lahir": "12:30"}), "birthdate_invalid"),
    "birth_day_zero": (_p(**{"Tgl Lahir": "00-03-1985"}), "birthdate_invalid"),
    "birth_iso_bad": (_p(**{"Tgl Lahir": "1985-02-30"}), "birthdate_invalid"),
    "name_formula_hyperlink_lower": (_p(**{"Nama Lengkap": '=hyperlink("a")'}), "name_missing"),
}  # fmt: skip

WARNING_CASES = {
    "warn_birth_mismatch": (_p(**{"Tgl Lahir": "15-03-1985"}), "nik_birthdate_mismatch"),
    "warn_sex_mismatch": (_p(**{"L/P": "P"}), "nik_sex_mismatch"),
    "warn_region": (
        _p(NIK=compose_nik("99.01.01", B, "L", 5)), "nik_region_unknown"
    ),
    "warn_phone_short": (_p(**{"No HP": "0812"}), "phone_invalid"),
    "warn_phone_letters": (_p(**{"No HP": "08xx-1234"}), "phone_invalid"),
    "warn_phone_foreign": (_p(**{"No HP": "+1 202 555 0100"}), "phone_invalid"),
    "warn_phone_too_long": (_p(**{"No HP": "0812345678901234"}), "phone_invalid"),
    "warn_income_low": (_p(Penghasilan="Rp 300.000"), "income_adjusted"),
    "warn_income_zero": (_p(Penghasilan="0"), "income_adjusted"),
    "warn_income_text": (_p(Penghasilan="tidak tentu"), "income_adjusted"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(ROW_CASES))
def test_bad_row_is_rejected_with_its_code(case):
    bad, code = ROW_CASES[case]
    good = person(serial=5000)
    outcome, _ = run_import("d.csv", csv_bytes([good, bad]), commit=True, today=TODAY)
    codes_row3 = [p.code for p in outcome.errors if p.row == 3]
    assert code in codes_row3, outcome.as_json()
    assert all(p.message for p in outcome.errors)
    assert list(Worker.objects.values_list("nik", flat=True)) == [good["NIK"]]


@pytest.mark.parametrize("case", sorted(WARNING_CASES))
def test_warning_row_is_imported_and_flagged(case):
    row, code = WARNING_CASES[case]
    outcome, _ = run_import("d.csv", csv_bytes([row]), commit=True, today=TODAY)
    assert [p.code for p in outcome.warnings] == [code], outcome.as_json()
    assert outcome.errors == []
    worker = Worker.objects.get()
    assert code in worker.verification_flags


def test_duplicate_rows_in_file_and_registry():
    a = person(serial=61)
    run_import("d.csv", csv_bytes([a]), commit=True, today=TODAY)
    b = person(serial=62)
    outcome, _ = run_import("d.csv", csv_bytes([b, a, b, b]), commit=True, today=TODAY)
    assert [(p.row, p.code) for p in outcome.errors] == [
        (3, "duplicate_existing"), (4, "duplicate_in_file"), (5, "duplicate_in_file"),
    ]  # fmt: skip
    assert Worker.objects.count() == 2


# --- whole files that must be refused -------------------------------------------------------


def _xlsx(build) -> bytes:
    book = openpyxl.Workbook()
    build(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _merged_header(book):
    sheet = book.active
    sheet.append(["DAFTAR PEKERJA"])
    sheet.merge_cells("A1:F1")
    sheet.append(["Identitas", None, "Tanggal", None, "Alamat"])
    sheet.merge_cells("A2:B2")
    sheet.append(["Nama", "L/P", "Tgl Lahir", None, "Desa"])  # the NIK column has no title
    sheet.append(["Budi", "L", "14-03-1985", None, "Pancor"])


def _merged_header_nik_in_merge(book):
    sheet = book.active
    sheet.append(["NIK / No. KK", None, "Nama", "Tgl Lahir", "Desa"])
    sheet.merge_cells("A1:B1")  # NIK title merged over two columns: which one is the NIK?
    sheet.append(["5203071403850001", "5203071403850002", "Budi", "14-03-1985", "Pancor"])


def _all_empty(book):
    book.active.title = "Kosong"
    book.create_sheet("Lembar2")


def _header_only(book):
    book.active.append(HEADER)


def _formulas_only(book):
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(["=A1&B1", '=HYPERLINK("http://x.test","Budi")', "L", "=TODAY()", "=C2"])


def _zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        chunk = b" " * (1024 * 1024)
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            for _ in range(200):  # 200 MB of blanks, ~200 KB compressed
                member.write(chunk)
    return out.getvalue()


def _truncated_xlsx() -> bytes:
    return xlsx_bytes([person()])[:700]


def _big_csv_wrong_header() -> bytes:
    line = ("x" * 99 + ";") * 5 + "\n"
    return (
        "Kolom A;Kolom B;Kolom C;Kolom D;Kolom E\n" + line * (50 * 1024 * 1024 // len(line))
    ).encode()


FILE_CASES = {
    "empty_bytes.csv": lambda: b"",
    "only_newlines.csv": lambda: b"\n\n\n",
    "only_header.csv": lambda: csv_bytes([]),
    "only_bom.csv": lambda: b"\xef\xbb\xbf",
    "no_known_header.csv": lambda: b"a;b;c\n1;2;3\n",
    "header_missing_nik.csv": lambda: csv_bytes([person()], header=HEADER[1:]),
    "header_missing_name.csv": lambda: csv_bytes([person()], header=[HEADER[0], *HEADER[2:]]),
    "header_missing_birth.csv": lambda: csv_bytes([person()], header=HEADER[:3] + HEADER[4:]),
    "header_missing_village.csv": lambda: csv_bytes([person()], header=HEADER[:4] + HEADER[5:]),
    "utf16.csv": lambda: csv_bytes([person()]).decode().encode("utf-16"),
    "utf16_no_bom.csv": lambda: csv_bytes([person()]).decode().encode("utf-16-le"),
    "utf32.csv": lambda: csv_bytes([person()]).decode().encode("utf-32"),
    "undefined_cp1252_bytes.csv": lambda: b"NIK;Nama\n\x81\x8d\x8f\x90\x9d;\xe9\x81\n",
    "binary_junk.xlsx": lambda: bytes(range(256)) * 64,
    "binary_junk.csv": lambda: bytes(range(256)) * 64,
    "png_renamed.xlsx": lambda: b"\x89PNG\r\n\x1a\n" + bytes(2000),
    "pdf_renamed.xls": lambda: b"%PDF-1.4\n" + bytes(range(256)) * 8,
    "html_renamed.xls": lambda: b"<html><body><table><tr><td>NIK</td></tr></table></body></html>",
    "xml_renamed.xlsx": lambda: b'<?xml version="1.0"?><root/>',
    "zip_not_xlsx.xlsx": lambda: _zip_with("readme.txt", b"hello"),
    "ole_junk.xls": lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4000),
    "truncated.xlsx": _truncated_xlsx,
    "zip_bomb.xlsx": _zip_bomb,
    "all_sheets_empty.xlsx": lambda: _xlsx(_all_empty),
    "header_only.xlsx": lambda: _xlsx(_header_only),
    "merged_header.xlsx": lambda: _xlsx(_merged_header),
    "merged_nik_header.xlsx": lambda: _xlsx(_merged_header_nik_in_merge),
    "formulas_without_values.xlsx": lambda: _xlsx(_formulas_only),
    "unsupported.pdf": lambda: b"%PDF-1.4 fake",
    "unsupported.docx": lambda: b"just text",
    "big_50mb_wrong_header.csv": _big_csv_wrong_header,
    "big_50mb_junk.xlsx": lambda: b"\x00\xff" * (25 * 1024 * 1024),
}  # fmt: skip


def _zip_with(name: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(name, content)
    return out.getvalue()


@pytest.mark.parametrize("name", sorted(FILE_CASES))
def test_bad_file_is_refused_with_a_clear_message(name):
    before = Worker.objects.count()
    outcome, _ = run_import(name, FILE_CASES[name](), commit=True, today=TODAY)
    result = outcome.as_json()
    assert result["accepted"] == 0, result
    assert result["errors"], result
    message = result["errors"][0]["message"]
    assert len(message) > 15 and message[0].isupper() and message.endswith(".")
    assert Worker.objects.count() == before


def test_corpus_is_large_enough():
    assert len(ROW_CASES) + len(WARNING_CASES) + len(FILE_CASES) >= 100
