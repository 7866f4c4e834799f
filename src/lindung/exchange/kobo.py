"""Field collection with KoboToolbox / ODK Collect: the XLSForm, and import of submissions.

The form is generated per user (villages of their area, active sectors), so what is collected
already fits Lindung's codes. Submissions go through the import pipeline like any spreadsheet;
every KoboToolbox export option is read back through the generated form (FormKey).
"""

from __future__ import annotations

import io

from django.utils import timezone

from lindung.imports.normalise import parse_sex
from lindung.imports.rules import current_bounds
from lindung.workers.models import Sector

from . import bridge, files
from .bpjs_status import normalise_word
from .models import ExchangeImport, ImportKind
from .opensid import target_villages

GROUP = "pekerja"
GROUP_LABEL = "Data pekerja"
NIK_REGEX = "^[0-9]{16}$"
PHONE_REGEX = "^08[0-9]{8,11}$"
CONSENT = (
    "Data ini dipakai pemerintah daerah untuk mendaftarkan Anda ke BPJS Ketenagakerjaan "
    "(JKK dan JKM). NIK dan nomor HP adalah data pribadi (UU 27/2022) dan hanya dilihat "
    "petugas yang berwenang. Apakah Anda setuju data Anda dicatat?"
)
SURVEY_HEADER = ["type", "name", "label", "hint", "required", "constraint",
                 "constraint_message", "relevant", "appearance", "choice_filter",
                 "calculation"]  # fmt: skip
# Digits 7-12 of a NIK are the birth date DDMMYY, with 40 added to the day for women.
NIK_DAY = "int(substr(${nik}, 6, 8))"
NIK_MATCHES_BIRTH = (
    "if(. = 'P', " + NIK_DAY + " - 40, " + NIK_DAY + ") = int(format-date(${tgl_lahir}, '%d'))"
    " and substr(${nik}, 8, 12) = format-date(${tgl_lahir}, '%m%y')"
)
# Select questions whose exported value may be the label («Labels» export) or the code.
SELECTS = {"setuju": "ya_tidak", "jenis_kelamin": "jk", "kecamatan": "kecamatan",
           "desa": "desa", "pekerjaan": "sektor"}  # fmt: skip


def _digits(code: str) -> str:
    return code.replace(".", "")


def _age_constraint(today) -> tuple[str, str]:
    """Birth date not in the future and, when the rules set them, inside the working ages."""
    bounds = current_bounds(today)
    age = "int((today() - decimal-date-time(.)) div 365.25)"
    parts, words = [". <= today()"], ["Tanggal lahir tidak boleh di masa depan"]
    if bounds.min_age is not None:
        parts.append(f"{age} >= {bounds.min_age}")
    if bounds.max_age is not None:
        parts.append(f"{age} <= {bounds.max_age}")
    low, high = bounds.min_age, bounds.max_age
    if low is not None and high is not None:
        words.append(f"usia harus {low}–{high} tahun (usia kerja)")
    elif low is not None:
        words.append(f"usia minimal {low} tahun (usia kerja)")
    elif high is not None:
        words.append(f"usia maksimal {high} tahun (usia kerja)")
    return " and ".join(parts), "; ".join(words) + "."


def xlsform_sheets(user) -> dict[str, list[list]]:
    show = "${setuju} = 'ya'"
    age_rule, age_message = _age_constraint(timezone.localdate())

    def row(*cells):
        return list(cells) + [""] * (len(SURVEY_HEADER) - len(cells))

    survey = [
        SURVEY_HEADER,
        # Metadata ODK/Kobo fills in itself: when the interview ran and who sent it.
        row("start", "start"),
        row("end", "end"),
        row("username", "username"),
        row("note", "info_persetujuan", CONSENT),
        row("select_one ya_tidak", "setuju", "Setuju data dicatat?", "", "yes"),
        row("begin_group", GROUP, GROUP_LABEL, "", "", "", "", show),
        row("text", "nik", "NIK (16 digit)", "Lihat KTP/KK", "yes", f"regex(., '{NIK_REGEX}')",
            "NIK harus 16 digit angka.", "", "numbers"),
        row("text", "nama", "Nama lengkap sesuai KTP", "", "yes"),
        row("date", "tgl_lahir", "Tanggal lahir", "", "yes", age_rule, age_message),
        row("select_one jk", "jenis_kelamin", "Jenis kelamin", "", "yes", NIK_MATCHES_BIRTH,
            "NIK tidak cocok dengan tanggal lahir dan jenis kelamin (digit ke-7 sampai 12 NIK "
            "adalah tanggal, bulan, tahun lahir; untuk perempuan tanggal ditambah 40). "
            "Periksa NIK, tanggal lahir atau jenis kelamin."),
        row("select_one kecamatan", "kecamatan", "Kecamatan domisili", "", "yes", "", "", "",
            "minimal"),
        row("select_one desa", "desa", "Desa/kelurahan domisili", "", "yes", "", "", "",
            "minimal", "kecamatan=${kecamatan}"),
        row("select_one sektor", "pekerjaan", "Pekerjaan", "", "yes", "", "", "", "minimal"),
        row("integer", "penghasilan", "Penghasilan per bulan (Rp)", "Perkiraan rata-rata", "",
            ". >= 0", "Penghasilan tidak boleh negatif."),
        row("text", "no_hp", "Nomor HP", "Contoh 081234567890", "", f"regex(., '{PHONE_REGEX}')",
            "Nomor HP 10–13 digit diawali 08.", "", "numbers"),
        row("text", "alamat", "Alamat (dusun, RT/RW)"),
        row("end_group"),
    ]  # fmt: skip
    choices = [["list_name", "name", "label", "kecamatan"], ["ya_tidak", "ya", "Ya", ""],
               ["ya_tidak", "tidak", "Tidak", ""], ["jk", "L", "Laki-laki", ""],
               ["jk", "P", "Perempuan", ""]]  # fmt: skip
    villages = list(target_villages(user).select_related("parent"))
    districts = {v.parent_id: v.parent for v in villages if v.parent_id}
    for code, district in sorted(districts.items()):
        choices.append(["kecamatan", _digits(code), district.name, ""])
    for village in villages:
        choices.append(
            ["desa", _digits(village.code), village.name, _digits(village.parent_id or "")]
        )
    for sector in Sector.objects.filter(is_active=True).order_by("priority", "name"):
        choices.append(["sektor", sector.code, sector.name, ""])
    scope = _digits(user.scope_code or "semua") or "semua"
    settings = [
        ["form_title", "form_id", "version", "default_language", "instance_name"],
        [
            "Pendataan pekerja rentan (Lindung)",
            f"lindung_pendataan_{scope}",
            timezone.localtime().strftime("%Y%m%d%H"),
            "Indonesian (id)",
            "concat(${nama}, ' - ', ${nik})",
        ],
    ]
    return {"survey": survey, "choices": choices, "settings": settings}


def xlsform(user) -> bytes:
    import xlsxwriter

    buf = io.BytesIO()
    # Its own writer, not core.export: KoboToolbox reads this form with fixed sheet layouts.
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


def _norm(text: object) -> str:
    return normalise_word(text)


class FormKey:
    """Reads any Kobo export of the generated form back into field names and codes.

    Kobo offers XML values or labels, for headers and for answers, with group names joined by
    «/» or «.» (or left out). Labels are mapped back through the form Lindung generated.
    """

    def __init__(self, user):
        sheets = xlsform_sheets(user)
        self.fields: dict[str, str] = {}
        for line in sheets["survey"][1:]:
            kind, name, label = line[0], line[1], line[2]
            if name and kind not in ("begin_group", "end_group", "note"):
                self.fields[_norm(name)] = name
                if label:
                    self.fields.setdefault(_norm(label), name)
        self.prefixes = [GROUP, GROUP_LABEL]
        self.choices: dict[str, dict[str, str]] = {}
        # Two villages of one regency may share a name: a label is read with its kecamatan.
        self.villages: dict[tuple[str, str], str] = {}
        labels_seen: dict[tuple[str, str], int] = {}
        for list_name, name, label, district, *_ in sheets["choices"][1:]:
            options = self.choices.setdefault(list_name, {})
            options[_norm(name)] = name
            options.setdefault(_norm(label), name)
            labels_seen[list_name, _norm(label)] = labels_seen.get((list_name, _norm(label)), 0) + 1
            if list_name == "desa":
                self.villages[district, _norm(label)] = name
        for (list_name, label), count in labels_seen.items():
            if count > 1 and self.choices[list_name].get(label) != label:
                self.choices[list_name].pop(label, None)
        # Older forms listed a village as «Name (Kec. District)».
        for village in target_villages(user).select_related("parent"):
            if village.parent_id:
                label = f"{village.name} (Kec. {village.parent.name})"
                self.choices["desa"].setdefault(_norm(label), _digits(village.code))

    def field(self, header: str) -> str | None:
        text = header.strip()
        for prefix in self.prefixes:
            for sep in ("/", "."):
                if text.lower().startswith((prefix + sep).lower()):
                    text = text[len(prefix) + 1 :]
                    break
        found = self.fields.get(_norm(text))
        for sep in ("/", "."):  # a group Kobo named itself (group_ab12/nik)
            if found is None and sep in text:
                found = self.fields.get(_norm(text.rsplit(sep, 1)[1]))
        return found

    def value(self, field: str, raw: str, district: str = "") -> str:
        if field == "desa" and (district, _norm(raw)) in self.villages:
            return self.villages[district, _norm(raw)]
        options = self.choices.get(SELECTS.get(field, ""), {})
        return options.get(_norm(raw), raw.strip()) if options else raw.strip()


VALIDATION_HEADERS = ("_validation_status", "validation status", "_validation_status.label")
NOT_APPROVED = {"validation status not approved", "not approved", "tidak disetujui"}


def _rows(name: str, data: bytes, key: FormKey) -> list[tuple[int, dict]]:
    raw = files.read_grid(name, data)
    start = next(
        (i for i, row in enumerate(raw[:10]) if "nik" in [key.field(h) for h in row]), None
    )
    if start is None:
        raise KoboError(
            "Kolom NIK tidak ditemukan. Unggah ekspor data dari formulir Lindung "
            "(KoboToolbox: Data > Downloads, XLS atau CSV; pilihan label apa pun)."
        )
    header = raw[start]
    fields = [key.field(h) for h in header]
    validation = next(
        (i for i, h in enumerate(header) if _norm(h) in {_norm(v) for v in VALIDATION_HEADERS}),
        None,
    )
    rows = []
    for number, cells in enumerate(raw[start + 1 :], start=start + 2):
        if not any(str(c).strip() for c in cells):
            continue
        values: dict[str, str] = {}
        for field, cell in zip(fields, cells, strict=False):
            if field and field not in values:
                values[field] = files.unwrap(str(cell)).strip()
        for field in [f for f in values if f != "desa"] + (["desa"] if "desa" in values else []):
            values[field] = key.value(field, values[field], values.get("kecamatan", ""))
        if validation is not None and validation < len(cells):
            values["_validation"] = _norm(cells[validation])
        rows.append((number, values))
    return rows


def prepare(name: str, data: bytes, user, *, skip_not_approved: bool = True):
    key = FormKey(user)
    rows = _rows(name, data, key)
    sectors = {s.code: s.name for s in Sector.objects.all()}
    prepared, skipped = [], []
    for number, v in rows:
        who = " ".join(v.get("nama", "").split())
        if skip_not_approved and v.get("_validation") in NOT_APPROVED:
            skipped.append(
                {"row": number, "name": who, "reason": "Ditandai «Not approved» di Kobo"}
            )
            continue
        if "setuju" in v and v["setuju"].strip().lower() not in ("ya", "yes", "1"):
            skipped.append({"row": number, "name": who, "reason": "Tidak menyetujui pendataan"})
            continue
        birth = v.get("tgl_lahir", "")
        if len(birth) >= 19 and birth[10:] in (" 00:00:00", "T00:00:00"):
            birth = birth[:10]
        sector = v.get("pekerjaan", "")
        prepared.append(
            {
                "row": number,
                "values": [
                    v.get("nik", ""), who, parse_sex(v.get("jenis_kelamin", "")) or "", birth,
                    _village(v.get("desa", "")), sectors.get(sector, sector),
                    v.get("penghasilan", ""), v.get("no_hp", ""), v.get("alamat", ""),
                ],
            }
        )  # fmt: skip
    return prepared, skipped


def preview(user, name: str, data: bytes, *, skip_not_approved: bool = True) -> ExchangeImport:
    if not user.can_edit:
        raise KoboError("Peran Anda hanya dapat melihat data.")
    if not user.area_id:
        raise KoboError("Akun Anda belum memiliki wilayah kerja.")
    prepared, skipped = prepare(name, data, user, skip_not_approved=skip_not_approved)
    if not prepared and not skipped:
        raise KoboError("Berkas tidak berisi kiriman formulir.")
    return bridge.preview(user, ImportKind.KOBO, name, data, prepared, skipped)
