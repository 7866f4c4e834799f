"""Field collection with KoboToolbox / ODK Collect: the XLSForm, and import of submissions.

The form is generated per user (villages of their area, active sectors), so what is collected
already fits Lindung's codes. Submissions go through the import pipeline like any spreadsheet.
"""

from __future__ import annotations

import io

from django.utils import timezone

from lindung.imports.normalise import parse_sex
from lindung.workers.models import Sector

from . import bridge, files
from .models import ExchangeImport, ImportKind
from .opensid import target_villages

GROUP = "pekerja"
NIK_REGEX = "^[0-9]{16}$"
PHONE_REGEX = "^08[0-9]{8,11}$"
CONSENT = (
    "Data ini dipakai pemerintah daerah untuk mendaftarkan Anda ke BPJS Ketenagakerjaan "
    "(JKK dan JKM). NIK dan nomor HP adalah data pribadi (UU 27/2022) dan hanya dilihat "
    "petugas yang berwenang. Apakah Anda setuju data Anda dicatat?"
)
SURVEY_HEADER = ["type", "name", "label", "hint", "required", "constraint",
                 "constraint_message", "relevant", "appearance"]  # fmt: skip


def _digits(code: str) -> str:
    return code.replace(".", "")


def xlsform_sheets(user) -> dict[str, list[list]]:
    show = "${setuju} = 'ya'"
    survey = [
        SURVEY_HEADER,
        ["note", "info_persetujuan", CONSENT, "", "", "", "", "", ""],
        ["select_one ya_tidak", "setuju", "Setuju data dicatat?", "", "yes", "", "", "", ""],
        ["begin_group", GROUP, "Data pekerja", "", "", "", "", show, ""],
        ["text", "nik", "NIK (16 digit)", "Lihat KTP/KK", "yes", f"regex(., '{NIK_REGEX}')",
         "NIK harus 16 digit angka.", "", "numbers"],
        ["text", "nama", "Nama lengkap sesuai KTP", "", "yes", "", "", "", ""],
        ["select_one jk", "jenis_kelamin", "Jenis kelamin", "", "yes", "", "", "", ""],
        ["date", "tgl_lahir", "Tanggal lahir", "", "yes", ". < today()",
         "Tanggal lahir tidak boleh di masa depan.", "", ""],
        ["select_one desa", "desa", "Desa/kelurahan domisili", "", "yes", "", "", "",
         "minimal"],
        ["select_one sektor", "pekerjaan", "Pekerjaan", "", "yes", "", "", "", "minimal"],
        ["integer", "penghasilan", "Penghasilan per bulan (Rp)", "Perkiraan rata-rata", "",
         ". >= 0", "Penghasilan tidak boleh negatif.", "", ""],
        ["text", "no_hp", "Nomor HP", "Contoh 081234567890", "", f"regex(., '{PHONE_REGEX}')",
         "Nomor HP 10–13 digit diawali 08.", "", "numbers"],
        ["text", "alamat", "Alamat (dusun, RT/RW)", "", "", "", "", "", ""],
        ["end_group", "", "", "", "", "", "", "", ""],
    ]  # fmt: skip
    choices = [["list_name", "name", "label"], ["ya_tidak", "ya", "Ya"],
               ["ya_tidak", "tidak", "Tidak"], ["jk", "L", "Laki-laki"],
               ["jk", "P", "Perempuan"]]  # fmt: skip
    for village in target_villages(user).select_related("parent"):
        parent = f" (Kec. {village.parent.name})" if village.parent_id else ""
        choices.append(["desa", _digits(village.code), f"{village.name}{parent}"])
    for sector in Sector.objects.filter(is_active=True).order_by("priority", "name"):
        choices.append(["sektor", sector.code, sector.name])
    scope = _digits(user.scope_code or "semua") or "semua"
    settings = [
        ["form_title", "form_id", "version", "default_language"],
        [
            "Pendataan pekerja rentan (Lindung)",
            f"lindung_pendataan_{scope}",
            timezone.localtime().strftime("%Y%m%d%H"),
            "Indonesian (id)",
        ],
    ]
    return {"survey": survey, "choices": choices, "settings": settings}


def xlsform(user) -> bytes:
    import xlsxwriter

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False})
    for name, rows in xlsform_sheets(user).items():
        ws = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                ws.write_string(r, c, str(value))
    book.close()
    return buf.getvalue()


# ---------------------------------------------------------------------------------------------
# Submissions
# ---------------------------------------------------------------------------------------------


class KoboError(ValueError):
    """A refused import; the message is for the user."""


def _village(raw: str) -> str:
    digits = raw.replace(".", "").strip()
    if len(digits) == 10 and digits.isdigit():
        return f"{digits[:2]}.{digits[2:4]}.{digits[4:6]}.{digits[6:]}"
    return raw.strip()  # a name: the pipeline matches village names too


def prepare(name: str, data: bytes):
    table = files.read_table(name, data, header_hint=("nik",))
    sectors = {s.code: s.name for s in Sector.objects.all()}
    prepared, skipped = [], []
    has_consent = table.find("setuju") is not None
    for number, v in table.rows:
        who = " ".join(v.get("nama", "").split())
        if has_consent and v.get("setuju", "").strip().lower() not in ("ya", "yes", "1"):
            skipped.append({"row": number, "name": who, "reason": "Tidak menyetujui pendataan"})
            continue
        birth = v.get("tgllahir", "")
        if len(birth) >= 19 and birth[10:] in (" 00:00:00", "T00:00:00"):
            birth = birth[:10]
        sector = v.get("pekerjaan", "")
        prepared.append(
            {
                "row": number,
                "values": [
                    v.get("nik", ""), who, parse_sex(v.get("jeniskelamin", "")) or "", birth,
                    _village(v.get("desa", "")), sectors.get(sector, sector),
                    v.get("penghasilan", ""), v.get("nohp", ""), v.get("alamat", ""),
                ],
            }
        )  # fmt: skip
    return prepared, skipped


def preview(user, name: str, data: bytes) -> ExchangeImport:
    if not user.can_edit:
        raise KoboError("Peran Anda hanya dapat melihat data.")
    if not user.area_id:
        raise KoboError("Akun Anda belum memiliki wilayah kerja.")
    prepared, skipped = prepare(name, data)
    if not prepared and not skipped:
        raise KoboError("Berkas tidak berisi kiriman formulir.")
    return bridge.preview(user, ImportKind.KOBO, name, data, prepared, skipped)
