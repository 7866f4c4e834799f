"""OpenSID's own layouts: the «Impor Penduduk» columns (coded and labelled) and the «Unduh»
file, an HTML table saved as .xls. Files are generated here in OpenSID's exact layouts."""

import datetime as dt
import html
import io

import openpyxl
import pytest

from lindung.core import testing
from lindung.exchange import bridge, files, opensid
from lindung.exchange.models import OccupationMapping
from lindung.exchange.opensid_ref import OCCUPATIONS
from lindung.workers.models import Sector, Worker
from lindung.workers.nik import compose_nik

pytestmark = pytest.mark.django_db
REGION = testing.VILLAGE_A[:8]
ADULT = dt.date(1980, 5, 17)
CHILD = dt.date(2015, 2, 3)

# Impor_model::$daftar_kolom, the header row of OpenSID's FormatImporExcel template.
IMPORT_COLUMNS = [
    "alamat", "dusun", "rw", "rt", "nama", "no_kk", "nik", "sex", "tempatlahir", "tanggallahir",
    "agama_id", "pendidikan_kk_id", "pendidikan_sedang_id", "pekerjaan_id", "status_kawin",
    "kk_level", "warganegara_id", "ayah_nik", "nama_ayah", "ibu_nik", "nama_ibu",
    "golongan_darah_id", "akta_lahir", "dokumen_pasport", "tanggal_akhir_paspor",
    "dokumen_kitas", "akta_perkawinan", "tanggalperkawinan", "akta_perceraian",
    "tanggalperceraian", "cacat_id", "cara_kb_id", "hamil", "ktp_el", "status_rekam",
    "alamat_sekarang", "status_dasar", "suku", "tag_id_card", "id_asuransi", "no_asuransi",
    "lat", "lng",
]  # fmt: skip
# The «Unduh» table (penduduk_cetak.php); the hamlet header is the village's own word.
UNDUH_COLUMNS = [
    "No", "No. KK", "NIK", "Tag Id Card", "Nama", "Alamat", "Lingkungan", "RW", "RT",
    "Jenis Kelamin", "Tempat Lahir", "Tanggal Lahir", "Umur", "Agama", "Pendidikan (dlm KK)",
    "Pekerjaan", "Kawin", "Hub. Keluarga", "Nama Ayah", "Nama Ibu", "Status",
]  # fmt: skip

# (name, sex, birth, occupation code, occupation name, status dasar code/name, serial)
PEOPLE = [
    ("LALU AHMAD", "L", ADULT, 9, "PETANI/PEKEBUN", 1, 11),
    ("BAIQ AMINAH", "P", ADULT, 8, "PERDAGANGAN", 1, 12),
    ("AMAQ SAHLI", "L", ADULT, 13, "KONSTRUKSI", 1, 13),
    ("INAQ RUM", "P", ADULT, 14, "TRANSPORTASI", 1, 14),
    ("MUHAMMAD YUSUF", "L", ADULT, 5, "PEGAWAI NEGERI SIPIL (PNS)", 1, 15),
    ("SITI HAJAR", "P", CHILD, 3, "PELAJAR/MAHASISWA", 1, 16),
    ("AMAQ RIADI", "L", ADULT, 19, "BURUH HARIAN LEPAS", 2, 17),
    ("LALU WIRAWAN", "L", ADULT, 88, "WIRASWASTA", 3, 18),
]
CANDIDATES = {"LALU AHMAD", "BAIQ AMINAH", "AMAQ SAHLI", "INAQ RUM"}
STATUS_NAMES = {1: "HIDUP", 2: "MATI", 3: "PINDAH"}


def _nik(birth, sex, serial):
    return compose_nik(REGION, birth, sex, serial)


def import_layout(coded: bool) -> bytes:
    """An XLSX in the Impor Penduduk layout, with OpenSID codes or with their names.

    Like OpenSID's own template and sample, codes are number cells and dates date cells; a
    blank template line with only a prefilled cell follows the data.
    """
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Data Penduduk"
    ws.append(IMPORT_COLUMNS)
    for i, (name, sex, born, job, job_name, status, serial) in enumerate(PEOPLE):
        row = dict.fromkeys(IMPORT_COLUMNS, "")
        row.update(
            alamat="JL. RAYA SELONG", dusun="LAUK_RURUNG", rw="002", rt="001", nama=name,
            no_kk=f"52030701010100{i:02d}", nik=_nik(born, sex, serial),
            sex=(1 if sex == "L" else 2) if coded else sex,
            tempatlahir="SELONG", tanggallahir=born if coded else born.strftime("%d-%m-%Y"),
            pekerjaan_id=float(job) if coded else job_name,
            status_dasar=status if coded else STATUS_NAMES[status],
            agama_id=1 if coded else "ISLAM",
        )  # fmt: skip
        if i == 0:
            row["rw"] = "-"  # OpenSID's sample writes «-» for an empty field
        ws.append([row[c] for c in IMPORT_COLUMNS])
    ws.append(["" for _ in IMPORT_COLUMNS[:-3]] + ["1", "", ""])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember"]  # fmt: skip


def unduh_file(statuses=("Tetap", "Pendatang"), masked: bool = False) -> bytes:
    """The «Unduh» penduduk file: an HTML page with a title and one table, named .xls.

    OpenSID's default filter exports living residents only; its «Status» is Tetap/Pendatang.
    """
    body = []
    living = [p for p in PEOPLE if p[5] == 1]
    for i, (name, sex, born, _job, job_name, _status, serial) in enumerate(living, 1):
        nik = _nik(born, sex, serial)
        # The Unduh file puts a no-break space after the NIK so Excel keeps it as text.
        nik = nik[:8] + "X" * 9 if masked else nik + "\u00a0"
        cells = [
            i, f"52030701010100{i:02d}", nik, "", name, "JL. RAYA SELONG",
            "LAUK RURUNG", "002", "001", "LAKI-LAKI" if sex == "L" else "PEREMPUAN", "SELONG",
            f"{born.day:02d} {MONTHS[born.month - 1]} {born.year}", 46, "ISLAM",
            "SLTA/SEDERAJAT", job_name, "KAWIN", "KEPALA KELUARGA", "AMAQ X", "INAQ Y",
            statuses[i % len(statuses)],
        ]  # fmt: skip
        body.append("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells) + "</tr>")
    head = "".join(f"<th>{html.escape(h)}</th>" for h in UNDUH_COLUMNS)
    page = (
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
        '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Data Penduduk</title>'
        '<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">'
        '<style>.textx{mso-number-format:"\\@";}</style></head><body><div id="container">'
        '<div class="header" align="center"><label align="left">DESA DANGGEN TIMUR</label>'
        "<h3> DATA PENDUDUK </h3></div><br>"
        f'<table class="border thick"><thead><tr class="border thick">{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
        "<label>Tanggal cetak : &nbsp; </label>4 Desember 2026</div></body></html>"
    )
    return page.encode()


def _run(users, name: str, data: bytes):
    operator = users["operator_desa"]
    imp = opensid.preview(operator, name, data, testing.VILLAGE_A)
    skipped = {s["name"]: s["reason"] for s in imp.report[0]["skipped"]}
    bridge.apply(imp, operator)
    return {w.name.upper(): w for w in Worker.objects.select_related("sector")}, skipped


@pytest.mark.parametrize("coded", [True, False], ids=["kode", "nama"])
def test_import_layout_coded_and_labelled(users, coded):
    workers, skipped = _run(users, "FormatImporExcel.xlsx", import_layout(coded))
    assert set(workers) == CANDIDATES
    assert workers["LALU AHMAD"].sector.code == "petani"
    assert workers["BAIQ AMINAH"].sector.code == "pedagang"  # PERDAGANGAN
    assert workers["AMAQ SAHLI"].sector.code == "buruh-harian-lepas"  # KONSTRUKSI
    assert workers["INAQ RUM"].sector.code == "ojek"  # TRANSPORTASI
    assert workers["BAIQ AMINAH"].sex == "P" and workers["LALU AHMAD"].sex == "L"
    assert workers["LALU AHMAD"].birth_date == ADULT
    assert "Dusun LAUK RURUNG" in workers["LALU AHMAD"].address
    assert "PEGAWAI NEGERI SIPIL" in skipped["MUHAMMAD YUSUF"]
    assert "MATI" in skipped["AMAQ RIADI"] and "PINDAH" in skipped["LALU WIRAWAN"]
    assert "PELAJAR" in skipped["SITI HAJAR"]
    assert len(skipped) == 4  # the blank template line is not reported


def test_unduh_html_xls_with_residence_status(users):
    """«Pendatang» is a newcomer, not a dead resident: both kinds become candidates."""
    workers, skipped = _run(users, "Penduduk_2026-12-04.xls", unduh_file())
    assert set(workers) == CANDIDATES
    assert not any("Status" in r for r in skipped.values())
    assert workers["INAQ RUM"].birth_date == ADULT  # «17 Mei 1980»
    assert "Dusun LAUK RURUNG" in workers["INAQ RUM"].address
    assert workers["INAQ RUM"].nik == _nik(ADULT, "P", 14)


def test_masked_niks_are_explained(users):
    imp = opensid.preview(
        users["operator_desa"], "Penduduk.xls", unduh_file(masked=True), testing.VILLAGE_A
    )
    reasons = {s["reason"] for s in imp.report[0]["skipped"]}
    assert len(imp.report[0]["skipped"]) == 6 and imp.summary["candidates"] == 0
    assert reasons == {"NIK disensor (XXXX): unduh ulang dari OpenSID tanpa «Sensor NIK/No. KK»"}


def test_html_table_reader_reads_only_the_table():
    table = files.read_table("Penduduk.xls", unduh_file(), header_hint=("nik",))
    assert table.headers == UNDUH_COLUMNS
    assert len(table.rows) == 6
    assert table.rows[0][1]["status"] == "Pendatang"


def test_mapping_table_is_editable(users):
    """The regency moves KONSTRUKSI to another sector and drops TRANSPORTASI."""
    OccupationMapping.objects.filter(code=13).update(sector=Sector.objects.get(code="lainnya"))
    OccupationMapping.objects.filter(code=14).update(sector=None)
    workers, skipped = _run(users, "FormatImporExcel.xlsx", import_layout(True))
    assert workers["AMAQ SAHLI"].sector.code == "lainnya"
    assert "INAQ RUM" not in workers and "TRANSPORTASI" in skipped["INAQ RUM"]


def test_seeded_list_is_opensids_own():
    seeded = dict(OccupationMapping.objects.filter(code__isnull=False).values_list("code", "name"))
    assert len(seeded) == 89 and seeded[8] == "PERDAGANGAN" and seeded[88] == "WIRASWASTA"
    known = set(Sector.objects.values_list("code", flat=True))
    assert {s for _, _, s in OCCUPATIONS if s} <= known  # every mapped sector exists
