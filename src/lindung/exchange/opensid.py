"""OpenSID (the village information system most Lombok Timur villages run): import of a
"penduduk" export to seed candidate workers, and the participation status sent back.

Only living, working-age residents with an informal occupation become candidates; the age
limits are the data-driven bounds of the import pipeline (imports.rules.current_bounds).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from lindung.accounts.scoping import in_area, scoped, user_covers_area
from lindung.areas.models import Area, AreaLevel
from lindung.audit.models import AccessLog, log_access
from lindung.enrollment.models import Membership
from lindung.imports.normalise import parse_sex
from lindung.imports.rules import current_bounds
from lindung.workers.models import Sector, Worker
from lindung.workers.nik import clean_nik

from . import bridge, files
from .bpjs_status import _date, normalise_word
from .models import ExchangeImport, ImportKind, OccupationMapping
from .opensid_ref import ALIVE_WORDS, NOT_ALIVE_WORDS, SEX_CODES, STATUS_DASAR

NIK_H = ("nik", "no nik")
NAME_H = ("nama", "nama lengkap")
BIRTH_H = ("tanggallahir", "tanggal lahir", "tgl lahir", "tgl_lahir")
SEX_H = ("sex", "jenis kelamin", "jk", "kelamin")
# Import layout: pekerjaan_id (a code or a name); Unduh file: Pekerjaan (a name).
JOB_H = ("pekerjaan_id", "pekerjaan", "nama pekerjaan")
# Only «status dasar» says alive or dead; the Unduh file's «Status» is Tetap/Pendatang.
STATUS_H = ("status_dasar", "status dasar")
RESIDENCE_H = ("status", "status penduduk")
ADDRESS_H = ("alamat", "alamat_sekarang", "alamat sekarang")
# The Unduh header is the village's own word for its hamlets.
DUSUN_H = ("dusun", "lingkungan", "banjar", "kampung", "gubug", "jorong")
RT_H = ("rt",)
RW_H = ("rw",)
PHONE_H = ("telepon", "no telepon", "no hp", "nomor telepon", "no_hp")


class OpensidError(ValueError):
    """A refused import or export; the message is for the user."""


def target_villages(user):
    qs = Area.objects.filter(level=AreaLevel.DESA).order_by("code")
    code = user.scope_code
    if code is None:
        return qs.none()
    return qs if code == "" else qs.within(code)


def _age(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class OccupationTable:
    """The editable OpenSID occupation -> sector table, looked up by code or by name."""

    def __init__(self) -> None:
        sectors = {s.pk: s for s in Sector.objects.filter(is_active=True)}
        self.by_code: dict[str, OccupationMapping] = {}
        self.by_name: dict[str, OccupationMapping] = {}
        self.sectors = sectors
        for m in OccupationMapping.objects.all():
            if m.code is not None:
                self.by_code[str(m.code)] = m
            self.by_name[normalise_word(m.name)] = m

    def find(self, raw: str) -> tuple[OccupationMapping | None, str]:
        text = raw.strip()
        if text.isdigit():
            mapping = self.by_code.get(str(int(text)))
        else:
            mapping = self.by_name.get(normalise_word(text))
        label = f"{text} {mapping.name}" if mapping and text.isdigit() else text
        return mapping, label

    def sector(self, mapping: OccupationMapping | None) -> Sector | None:
        return self.sectors.get(mapping.sector_id) if mapping and mapping.sector_id else None


def life_status(status: str, residence: str) -> str:
    """'' when alive (or not stated), else the OpenSID status name (MATI, PINDAH, ...).

    `status` is the «status dasar» column (code or name). Without it, a «Status» column counts
    only when it holds a status dasar name; Tetap/Pendatang is residence and says nothing.
    """
    text = status.strip()
    if not text:
        text = residence.strip()
        if normalise_word(text) not in NOT_ALIVE_WORDS:
            return ""
    text = STATUS_DASAR.get(text, text)
    if normalise_word(text) in ALIVE_WORDS:
        return ""
    return text.upper()


def prepare(name: str, data: bytes, village_code: str, today: dt.date):
    table = files.read_table(name, data, header_hint=NIK_H)
    col = {
        k: table.find(*h)
        for k, h in {
            "nik": NIK_H, "name": NAME_H, "birth": BIRTH_H, "sex": SEX_H, "job": JOB_H,
            "status": STATUS_H, "residence": RESIDENCE_H, "address": ADDRESS_H,
            "dusun": DUSUN_H, "rt": RT_H, "rw": RW_H, "phone": PHONE_H,
        }.items()
    }  # fmt: skip
    missing = [label for k, label in (("nik", "NIK"), ("name", "NAMA"), ("job", "PEKERJAAN"))
               if not col[k]]  # fmt: skip
    if missing:
        raise OpensidError(
            "Kolom " + ", ".join(missing) + " tidak ditemukan. Gunakan berkas penduduk dari "
            "OpenSID: menu Kependudukan > Penduduk > Unduh, atau format Impor Penduduk "
            "OpenSID (kolom nik, nama, pekerjaan_id, ...)."
        )
    bounds = current_bounds(today)
    occupations = OccupationTable()
    prepared, skipped = [], []
    for number, values in table.rows:

        def get(k: str, values=values) -> str:
            return values.get(col[k], "") if col[k] else ""

        name_text = " ".join(get("name").split())
        if not name_text and not clean_nik(get("nik")):
            continue  # a blank line of OpenSID's template (its other cells are prefilled)
        if "x" in get("nik").lower():
            # OpenSID's «Sensor NIK/No. KK» option replaces digits by X: nothing to match on.
            reason = "NIK disensor (XXXX): unduh ulang dari OpenSID tanpa «Sensor NIK/No. KK»"
            skipped.append({"row": number, "name": name_text, "reason": reason})
            continue
        dead = life_status(get("status"), get("residence"))
        if dead:
            skipped.append({"row": number, "name": name_text, "reason": f"Status {dead}"})
            continue
        mapping, job = occupations.find(get("job"))
        sector = occupations.sector(mapping)
        if sector is None:
            if mapping is None and job:
                reason = f"Pekerjaan «{job}» tidak ada di tabel pemetaan pekerjaan OpenSID"
            else:
                reason = f"Bukan pekerja informal: {job or 'pekerjaan kosong'}"
            skipped.append({"row": number, "name": name_text, "reason": reason})
            continue
        born = _date(get("birth"))
        if born is not None:
            age = _age(born, today)
            if (bounds.min_age is not None and age < bounds.min_age) or (
                bounds.max_age is not None and age > bounds.max_age
            ):
                skipped.append(
                    {"row": number, "name": name_text, "reason": f"Di luar usia kerja ({age} th)"}
                )
                continue
        parts = [get("address")]
        dusun = get("dusun").replace("_", " ")
        if dusun:
            parts.append(dusun if dusun.lower().startswith("dusun") else f"Dusun {dusun}")
        if get("rt") or get("rw"):
            parts.append(f"RT {get('rt') or '-'} / RW {get('rw') or '-'}")
        address = ", ".join(p for p in parts if p and p != "-")[:255]
        sex_raw = get("sex").strip()
        sex = SEX_CODES.get(sex_raw) or parse_sex(sex_raw) or ""
        phone = get("phone")
        prepared.append(
            {
                "row": number,
                "values": [
                    clean_nik(get("nik")), name_text, sex,
                    born.strftime("%d-%m-%Y") if born else get("birth"), village_code,
                    sector.name, "", "" if phone == "-" else phone, address,
                ],
            }
        )  # fmt: skip
    return prepared, skipped


def preview(user, name: str, data: bytes, village_code: str) -> ExchangeImport:
    if not user.can_edit:
        raise OpensidError("Peran Anda hanya dapat melihat data.")
    if not user.area_id or not user_covers_area(user, village_code):
        raise OpensidError("Desa ini di luar wilayah kerja Anda.")
    if not target_villages(user).filter(code=village_code).exists():
        raise OpensidError("Pilih desa/kelurahan tujuan.")
    prepared, skipped = prepare(name, data, village_code, timezone.localdate())
    return bridge.preview(
        user, ImportKind.OPENSID, name, data, prepared, skipped, {"village": village_code}
    )


# ---------------------------------------------------------------------------------------------
# Participation status back to OpenSID
# ---------------------------------------------------------------------------------------------

# A list for people, not an OpenSID import file: OpenSID has no field for BPJS
# Ketenagakerjaan membership (its id_asuransi/no_asuransi are for BPJS Kesehatan).
STATUS_HEADER = ["NIK", "NAMA", "STATUS KEPESERTAAN", "KPJ", "SUMBER DANA", "DIBAYAR SAMPAI"]
STATUS_SHEET = "Status BPJS Ketenagakerjaan"


def status_rows(user, village_code: str):
    if not user_covers_area(user, village_code):
        raise OpensidError("Desa ini di luar wilayah kerja Anda.")
    latest = Membership.objects.filter(worker=OuterRef("pk")).order_by("-created_at", "-id")
    workers = (
        in_area(scoped(Worker.objects.all(), user), village_code)
        .annotate(m_id=Subquery(latest.values("pk")[:1]))
        .order_by("name", "id")
    )
    memberships = Membership.objects.in_bulk([w.m_id for w in workers if w.m_id])
    for w in workers:
        m = memberships.get(w.m_id)
        yield [
            w.nik,
            w.name,
            m.get_status_display() if m else "Belum terdaftar",
            (m.kpj if m else "") or "",
            m.get_funding_type_display() if m else "",
            m.paid_until.strftime("%d-%m-%Y") if m and m.paid_until else "",
        ]


def export_status(user, village_code: str) -> bytes:
    if not user.sees_personal_data:
        raise OpensidError("Peran Anda tidak dapat mengekspor NIK lengkap.")
    rows = list(status_rows(user, village_code))
    log_access(
        user,
        AccessLog.Action.EXPORT,
        f"Status kepesertaan untuk OpenSID desa {village_code}",
        area_code=village_code,
        record_count=len(rows),
    )
    # NIK and KPJ as text cells: Excel would show 16 digits as 5.2E+15.
    return files.to_xlsx(STATUS_HEADER, rows, STATUS_SHEET, text_columns={0, 3})
