import csv
import datetime as dt
import io

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lindung.audit.models import AccessLog
from lindung.enrollment.models import Membership
from lindung.exchange import bridge, kobo, opensid
from lindung.exchange.bpjs_status import STATUS_WORDS, normalise_word, parse_status
from lindung.workers import testing
from lindung.workers.models import Worker
from lindung.workers.nik import compose_nik

pytestmark = pytest.mark.django_db
REGION_A = testing.VILLAGE_A[:8]


def _nik(birth: dt.date, sex: str, serial: int) -> str:
    return compose_nik(REGION_A, birth, sex, serial)


def _csv(rows) -> bytes:
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    return buf.getvalue().encode()


def opensid_file() -> bytes:
    adult = dt.date(1980, 5, 17)
    child = dt.date(2015, 2, 3)
    return _csv([
        ["NO", "NIK", "NO KK", "NAMA", "TEMPAT LAHIR", "TANGGAL LAHIR", "JENIS KELAMIN",
         "PEKERJAAN", "ALAMAT", "DUSUN", "RW", "RT", "STATUS DASAR"],
        ["1", _nik(adult, "L", 11), "5203070101010001", "Lalu Ahmad", "Selong", "17-05-1980",
         "LAKI-LAKI", "PETANI/PEKEBUN", "Jl. Raya", "Lauk Rurung", "001", "002", "HIDUP"],
        ["2", _nik(adult, "P", 12), "5203070101010001", "Baiq Aminah", "Selong", "17-05-1980",
         "PEREMPUAN", "BURUH TANI/PERKEBUNAN", "", "Lauk Rurung", "001", "002", "HIDUP"],
        ["3", _nik(adult, "L", 13), "5203070101010002", "Amaq Sahli", "Selong", "17-05-1980",
         "LAKI-LAKI", "NELAYAN/PERIKANAN", "", "Dasan", "002", "001", "HIDUP"],
        ["4", _nik(adult, "L", 14), "5203070101010003", "Muhammad Yusuf", "Mataram",
         "17-05-1980", "LAKI-LAKI", "PEGAWAI NEGERI SIPIL (PNS)", "", "Dasan", "002", "001",
         "HIDUP"],
        ["5", _nik(child, "P", 15), "5203070101010003", "Siti Hajar", "Selong", "03-02-2015",
         "PEREMPUAN", "PELAJAR/MAHASISWA", "", "Dasan", "002", "001", "HIDUP"],
        ["6", _nik(adult, "L", 16), "5203070101010004", "Amaq Riadi", "Selong", "17-05-1980",
         "LAKI-LAKI", "BURUH HARIAN LEPAS", "", "Dasan", "002", "001", "MATI"],
        ["7", _nik(adult, "P", 17), "5203070101010005", "Inaq Rum", "Selong", "17-05-1980",
         "PEREMPUAN", "PEDAGANG", "", "Dasan", "002", "001", "HIDUP"],
        ["8", _nik(adult, "L", 18), "5203070101010006", "Lalu Wirawan", "Selong", "17-05-1980",
         "LAKI-LAKI", "WIRASWASTA", "", "Dasan", "002", "001", "HIDUP"],
    ])  # fmt: skip


def test_opensid_import_creates_informal_working_age_candidates(users):
    operator = users["operator_desa"]
    imp = opensid.preview(operator, "penduduk.csv", opensid_file(), testing.VILLAGE_A)
    assert Worker.objects.count() == 0  # preview only
    assert imp.summary["candidates"] == 5 and imp.summary["accepted"] == 5
    reasons = {s["row"]: s["reason"] for s in imp.report[0]["skipped"]}
    assert "PNS" in reasons[5] and "PELAJAR" in reasons[6] and "MATI" in reasons[7]
    imp = bridge.apply(imp, operator)
    workers = {w.name: w for w in Worker.objects.select_related("sector")}
    assert set(workers) == {"Lalu Ahmad", "Baiq Aminah", "Amaq Sahli", "Inaq Rum", "Lalu Wirawan"}
    assert workers["Lalu Ahmad"].sector.code == "petani"
    assert workers["Baiq Aminah"].sector.code == "buruh-tani"
    assert workers["Amaq Sahli"].sector.code == "nelayan"
    assert workers["Inaq Rum"].sector.code == "pedagang"
    assert workers["Lalu Wirawan"].sector.code == "pelaku-umkm"
    assert "Dusun Lauk Rurung" in workers["Lalu Ahmad"].address
    assert {w.village_id for w in workers.values()} == {testing.VILLAGE_A}
    # Re-running the same export creates nobody twice.
    again = bridge.apply(
        opensid.preview(operator, "penduduk.csv", opensid_file(), testing.VILLAGE_A), operator
    )
    assert again.summary["created"] == 0
    assert Worker.objects.count() == 5
    with pytest.raises(bridge.BridgeError):
        bridge.apply(again, operator)


def test_opensid_refuses_village_outside_scope(users):
    with pytest.raises(opensid.OpensidError):
        opensid.preview(users["operator_desa"], "p.csv", opensid_file(), testing.VILLAGE_B)
    with pytest.raises(opensid.OpensidError):
        opensid.preview(users["viewer"], "p.csv", opensid_file(), testing.VILLAGE_A)


def test_opensid_apply_is_atomic(users, monkeypatch):
    operator = users["operator_desa"]
    imp = opensid.preview(operator, "penduduk.csv", opensid_file(), testing.VILLAGE_A)
    import lindung.imports.commit as commit

    def boom(done):
        raise RuntimeError("listrik padam")

    monkeypatch.setattr(commit, "_after_chunk", boom)
    with pytest.raises(RuntimeError):
        bridge.apply(imp, operator)
    assert Worker.objects.count() == 0
    imp.refresh_from_db()
    assert imp.state == "preview"


def test_opensid_status_export(users):
    a = testing.make_worker(testing.VILLAGE_A, name="Baiq Sumiati")
    Membership.objects.create(
        worker=a, village_id=a.village_id, declared_income=10**6, status="aktif",
        kpj="23001", funding_type="DANA_DESA", paid_until=dt.date(2026, 6, 30),
    )  # fmt: skip
    testing.make_worker(testing.VILLAGE_A, name="Amaq Belum")
    testing.make_worker(testing.VILLAGE_B, name="Orang Desa Lain")
    content = opensid.export_status(users["operator_desa"], testing.VILLAGE_A)
    sheet = openpyxl.load_workbook(io.BytesIO(content))[opensid.STATUS_SHEET]
    rows = [[c if c is not None else "" for c in r] for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == opensid.STATUS_HEADER
    body = {r[1]: r for r in rows[1:]}
    assert set(body) == {"Baiq Sumiati", "Amaq Belum"}
    assert body["Baiq Sumiati"][2:] == ["Aktif", "23001", "Dana Desa / APBDes", "30-06-2026"]
    assert body["Amaq Belum"][2] == "Belum terdaftar"
    assert AccessLog.objects.filter(record_count=2).exists()
    with pytest.raises(opensid.OpensidError):
        opensid.export_status(users["operator_desa"], testing.VILLAGE_B)
    with pytest.raises(opensid.OpensidError):
        opensid.export_status(users["viewer"], testing.VILLAGE_A)


def test_xlsform_structure(users):
    book = openpyxl.load_workbook(io.BytesIO(kobo.xlsform(users["operator_desa"])))
    assert book.sheetnames == ["survey", "choices", "settings"]
    survey = [[c.value for c in row] for row in book["survey"].iter_rows()]
    by_name = {r[1]: r for r in survey[1:]}
    assert by_name["nik"][0] == "text" and "[0-9]{16}" in by_name["nik"][5]
    assert by_name["jenis_kelamin"][0] == "select_one jk"
    assert by_name["tgl_lahir"][0] == "date"
    assert by_name["desa"][0] == "select_one desa"
    assert by_name["desa"][9] == "kecamatan=${kecamatan}"  # cascade from the kecamatan
    assert by_name["kecamatan"][0] == "select_one kecamatan"
    assert {"start", "end", "username"} <= set(by_name)
    assert "substr(${nik}, 6, 8)" in by_name["jenis_kelamin"][5]  # NIK vs birth date
    assert "365.25" in by_name["tgl_lahir"][5]  # working age
    assert by_name["pekerjaan"][0] == "select_one sektor"
    assert by_name["penghasilan"][0] == "integer"
    assert by_name["info_persetujuan"][0] == "note"
    choices = [[c.value for c in row] for row in book["choices"].iter_rows()]
    villages = [r[1] for r in choices if r[0] == "desa"]
    assert villages == [testing.VILLAGE_A.replace(".", "")]  # only the operator's village
    assert any(r[0] == "sektor" and r[1] == "nelayan" for r in choices)
    settings = [[c.value for c in row] for row in book["settings"].iter_rows()]
    assert settings[0][:2] == ["form_title", "form_id"]
    assert settings[1][settings[0].index("instance_name")] == "concat(${nama}, ' - ', ${nik})"
    camat = openpyxl.load_workbook(io.BytesIO(kobo.xlsform(users["camat"])))
    camat_villages = [r[1].value for r in camat["choices"].iter_rows() if r[0].value == "desa"]
    assert len(camat_villages) > 1 and all(v.startswith("520307") for v in camat_villages)


def test_kobo_submissions_with_group_prefixes(users):
    birth = dt.date(1990, 7, 1)
    data = _csv([
        ["start", "end", "setuju", "pekerja/nik", "pekerja/nama", "pekerja/jenis_kelamin",
         "pekerja/tgl_lahir", "pekerja/desa", "pekerja/pekerjaan", "pekerja/penghasilan",
         "pekerja/no_hp", "pekerja/alamat", "_id", "_uuid"],
        ["", "", "ya", _nik(birth, "P", 21), "Baiq Rohani", "P", "1990-07-01",
         testing.VILLAGE_A.replace(".", ""), "buruh-tani", "1500000", "081234567890",
         "Dusun Dasan", "1", "u1"],
        ["", "", "tidak", _nik(birth, "L", 22), "Amaq Tolak", "L", "1990-07-01",
         testing.VILLAGE_A.replace(".", ""), "petani", "", "", "", "2", "u2"],
        ["", "", "ya", "123", "NIK Salah", "L", "1990-07-01",
         testing.VILLAGE_A.replace(".", ""), "petani", "", "", "", "3", "u3"],
        ["", "", "ya", _nik(birth, "L", 23), "Desa Lain", "L", "1990-07-01",
         testing.VILLAGE_B.replace(".", ""), "petani", "", "", "", "4", "u4"],
    ])  # fmt: skip
    operator = users["operator_desa"]
    imp = kobo.preview(operator, "kobo.csv", data)
    assert imp.summary["skipped"] == 1 and imp.summary["accepted"] == 1
    problems = {p["row"]: p["code"] for p in imp.report[0]["problems"] if p["error"]}
    assert problems[4] == "nik_format"
    assert 5 in problems  # village outside the operator's area
    bridge.apply(imp, operator)
    worker = Worker.objects.get()
    assert (worker.name, worker.sector.code, worker.monthly_income) == (
        "Baiq Rohani",
        "buruh-tani",
        1_500_000,
    )
    assert worker.phone == "+6281234567890"  # stored in E.164 by the pipeline


@given(st.sampled_from(sorted(STATUS_WORDS)), st.sampled_from(["", " ", "  "]), st.booleans())
def test_status_spellings_survive_case_and_punctuation(word, pad, upper):
    text = pad + (word.upper() if upper else word).replace(" ", "-") + pad
    assert parse_status(text) == STATUS_WORDS[word]


@given(st.text(max_size=30))
def test_status_parser_never_crashes(text):
    result = parse_status(text)
    assert result is None or result in set(STATUS_WORDS.values())
    assert normalise_word(text) == normalise_word(normalise_word(text))
