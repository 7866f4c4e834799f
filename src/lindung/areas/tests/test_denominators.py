import pytest

from lindung.areas.denominators import import_denominators
from lindung.areas.models import WorkforceDenominator


def test_csv_import_saves_rows(lotim):
    data = (
        "kode_wilayah;tahun;penduduk_bekerja;sumber\n"
        "5203;2024;775.960;bps\n52.03.07;2024;40000;bps\n"
    )
    result = import_denominators("d.csv", data.encode())
    assert result.errors == []
    assert result.saved == 2
    assert WorkforceDenominator.objects.get(area_id="52.03", year=2024).working_population == 775960


def test_one_bad_row_saves_nothing(lotim):
    data = "kode_wilayah,tahun,penduduk_bekerja\n5203,2024,775960\n9999,2024,10\n5203,20x4,1\n"
    result = import_denominators("d.csv", data.encode())
    assert WorkforceDenominator.objects.count() == 0
    assert result.errors == [
        "Baris 3: kode wilayah '99.99' tidak dikenal.",
        "Baris 4: tahun '20x4' tidak valid.",
    ]


def test_scope_is_enforced(lotim):
    data = "kode_wilayah,tahun,penduduk_bekerja\n52.03.01,2024,100\n"
    result = import_denominators("d.csv", data.encode(), scope_code="52.03.07")
    assert "di luar wilayah kerja" in result.errors[0]
    assert not WorkforceDenominator.objects.exists()


def test_xlsx_import(lotim, tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Kode Wilayah", "Tahun", "Penduduk Bekerja", "Sumber"])
    sheet.append(["52.03", 2025, 780000, "potensi"])
    path = tmp_path / "d.xlsx"
    book.save(path)
    result = import_denominators("d.xlsx", path.read_bytes())
    assert result.errors == []
    row = WorkforceDenominator.objects.get()
    assert (row.year, row.working_population, row.source) == (2025, 780000, "bpjs_potensi")


@pytest.mark.parametrize("junk", [b"\x00\x01PK\x03\x04garbage", b""])
def test_junk_xlsx_gives_clear_error(lotim, junk):
    from lindung.core.spreadsheet import SpreadsheetError

    with pytest.raises(SpreadsheetError):
        import_denominators("d.xlsx", junk)
