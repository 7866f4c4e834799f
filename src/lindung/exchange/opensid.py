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
from .models import ExchangeImport, ImportKind

# OpenSID "pekerjaan" values (Permendagri list as OpenSID spells it) -> our sector codes.
# Anything not listed (PNS, TNI, karyawan swasta, pelajar, mengurus rumah tangga, ...) is not
# an informal worker and is skipped with its occupation named in the report.
OCCUPATIONS: dict[str, str] = {
    "petani pekebun": "petani", "petani": "petani", "peternak": "petani",
    "buruh tani perkebunan": "buruh-tani", "buruh tani": "buruh-tani",
    "buruh peternakan": "buruh-tani",
    "nelayan perikanan": "nelayan", "nelayan": "nelayan", "buruh nelayan perikanan": "nelayan",
    "pedagang": "pedagang",
    "wiraswasta": "pelaku-umkm", "industri": "pelaku-umkm", "pengrajin": "pelaku-umkm",
    "penata rias": "pelaku-umkm", "penata busana": "pelaku-umkm", "penjahit": "pelaku-umkm",
    "tukang jahit": "pelaku-umkm", "tukang cukur": "pelaku-umkm", "penata rambut": "pelaku-umkm",
    "buruh harian lepas": "buruh-harian-lepas", "tukang batu": "buruh-harian-lepas",
    "tukang kayu": "buruh-harian-lepas", "tukang las pandai besi": "buruh-harian-lepas",
    "tukang listrik": "buruh-harian-lepas", "tukang sol sepatu": "buruh-harian-lepas",
    "tukang gigi": "buruh-harian-lepas", "montir": "buruh-harian-lepas",
    "pembantu rumah tangga": "buruh-harian-lepas", "mekanik": "buruh-harian-lepas",
    "sopir": "ojek", "juru masak": "pekerja-dapur-mbg",
    "imam masjid": "marbot-masjid", "ustadz mubaligh": "guru-ngaji",
}  # fmt: skip
ALIVE = {"", "hidup", "aktif"}

NIK_H = ("nik", "no nik")
NAME_H = ("nama", "nama lengkap")
BIRTH_H = ("tanggal lahir", "tgl lahir", "tanggallahir", "tgl_lahir")
SEX_H = ("jenis kelamin", "jk", "sex", "kelamin")
JOB_H = ("pekerjaan", "nama pekerjaan")
STATUS_H = ("status dasar", "status", "status penduduk")
ADDRESS_H = ("alamat", "alamat sekarang")
DUSUN_H = ("dusun",)
RT_H = ("rt",)
RW_H = ("rw",)
PHONE_H = ("telepon", "no telepon", "no hp", "nomor telepon")


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


def prepare(name: str, data: bytes, village_code: str, today: dt.date):
    table = files.read_table(name, data, header_hint=NIK_H)
    col = {
        k: table.find(*h)
        for k, h in {
            "nik": NIK_H, "name": NAME_H, "birth": BIRTH_H, "sex": SEX_H, "job": JOB_H,
            "status": STATUS_H, "address": ADDRESS_H, "dusun": DUSUN_H, "rt": RT_H, "rw": RW_H,
            "phone": PHONE_H,
        }.items()
    }  # fmt: skip
    missing = [label for k, label in (("nik", "NIK"), ("name", "NAMA"), ("job", "PEKERJAAN"))
               if not col[k]]  # fmt: skip
    if missing:
        raise OpensidError(
            "Kolom " + ", ".join(missing) + " tidak ditemukan. Gunakan ekspor data penduduk "
            "OpenSID (menu Kependudukan > Penduduk > Unduh)."
        )
    bounds = current_bounds(today)
    sectors = {s.code: s.name for s in Sector.objects.all()}
    prepared, skipped = [], []
    for number, values in table.rows:

        def get(k: str, values=values) -> str:
            return values.get(col[k], "") if col[k] else ""

        name_text = " ".join(get("name").split())
        job = get("job")
        status = normalise_word(get("status"))
        if status not in ALIVE:
            skipped.append({"row": number, "name": name_text, "reason": f"Status {get('status')}"})
            continue
        sector_code = OCCUPATIONS.get(normalise_word(job))
        if sector_code is None or sector_code not in sectors:
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
        if get("dusun"):
            parts.append(f"Dusun {get('dusun')}")
        if get("rt") or get("rw"):
            parts.append(f"RT {get('rt') or '-'} / RW {get('rw') or '-'}")
        address = ", ".join(p for p in parts if p)[:255]
        sex = parse_sex(get("sex")) or ""
        prepared.append(
            {
                "row": number,
                "values": [
                    clean_nik(get("nik")), name_text, sex,
                    born.strftime("%d-%m-%Y") if born else get("birth"), village_code,
                    sectors[sector_code], "", get("phone"), address,
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

STATUS_HEADER = ["NIK", "NAMA", "STATUS KEPESERTAAN", "KPJ", "SUMBER DANA", "DIBAYAR SAMPAI"]


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
    return files.to_csv(STATUS_HEADER, rows)
