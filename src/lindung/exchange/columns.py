"""The whitelist of fields a BPJS batch profile may export, and the seeded default profile.

Only these keys can appear in a profile, so a profile can never leak a field nobody chose
on purpose. Formats follow docs/domain.md (suggested minimal columns, inferred).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from lindung.funding.wadah import default_code


@dataclass(frozen=True)
class Source:
    label: str
    get: Callable  # (membership, context) -> str | int


def _village_digits(m) -> str:
    return m.village_id.replace(".", "")


def _program(m, ctx) -> str:
    return "JKK+JKM+JHT" if m.with_jht else "JKK+JKM"


def _wadah(m, ctx) -> str:
    source = ctx.get("sources", {}).get(m.pk)
    return (source.wadah_code if source else "") or default_code(m.funding_type)


def _start(m, ctx) -> str:
    source = ctx.get("sources", {}).get(m.pk)
    day = m.coverage_start or (source.start_month if source else None)
    return day.strftime("%d-%m-%Y") if day else ""


def _address(m, ctx) -> str:
    parts = [m.worker.address, f"Desa {m.village.name}"]
    if m.village.parent_id:
        parts.append(f"Kec. {m.village.parent.name}")
    return ", ".join(p for p in parts if p)


SOURCES: dict[str, Source] = {
    "nik": Source(_("NIK"), lambda m, ctx: m.worker.nik),
    "nama": Source(_("Nama (sesuai KTP)"), lambda m, ctx: m.worker.name),
    "tgl_lahir": Source(
        _("Tanggal lahir (dd-mm-yyyy)"), lambda m, ctx: m.worker.birth_date.strftime("%d-%m-%Y")
    ),
    "jenis_kelamin": Source(_("Jenis kelamin (L/P)"), lambda m, ctx: m.worker.sex),
    "alamat": Source(_("Alamat"), _address),
    "kode_desa": Source(_("Kode desa (10 digit Kemendagri)"), lambda m, ctx: _village_digits(m)),
    "nama_desa": Source(_("Nama desa"), lambda m, ctx: m.village.name),
    "no_hp": Source(_("Nomor HP"), lambda m, ctx: m.worker.phone),
    "pekerjaan": Source(_("Jenis pekerjaan"), lambda m, ctx: m.worker.sector.name),
    "penghasilan": Source(_("Penghasilan dilaporkan (Rp)"), lambda m, ctx: m.declared_income),
    "program": Source(_("Program (JKK+JKM, ±JHT)"), _program),
    "periode_bayar": Source(_("Periode bayar (bulan)"), lambda m, ctx: m.payment_period_months),
    "sumber_dana": Source(_("Sumber dana"), lambda m, ctx: m.get_funding_type_display()),
    "kode_wadah": Source(_("Kode wadah (SD/SA/SL/SC/SB/SG)"), _wadah),
    "tanggal_mulai": Source(_("Tanggal mulai (dd-mm-yyyy)"), _start),
    "kpj": Source(_("Nomor KPJ (bila ada)"), lambda m, ctx: m.kpj),
    "id_lindung": Source(_("ID kepesertaan Lindung"), lambda m, ctx: m.pk),
}

# Seeded by migration 0002; docs/domain.md "suggested minimal columns (inferred)".
DEFAULT_PROFILE_NAME = "BPU kolektif (belum dikonfirmasi kantor cabang)"
DEFAULT_COLUMNS = [
    {"header": "NIK", "source": "nik"},
    {"header": "NAMA", "source": "nama"},
    {"header": "TGL_LAHIR", "source": "tgl_lahir"},
    {"header": "JENIS_KELAMIN", "source": "jenis_kelamin"},
    {"header": "ALAMAT", "source": "alamat"},
    {"header": "KODE_DESA", "source": "kode_desa"},
    {"header": "NO_HP", "source": "no_hp"},
    {"header": "PEKERJAAN", "source": "pekerjaan"},
    {"header": "PENGHASILAN", "source": "penghasilan"},
    {"header": "PROGRAM", "source": "program"},
    {"header": "PERIODE_BAYAR", "source": "periode_bayar"},
    {"header": "SUMBER_DANA", "source": "sumber_dana"},
    {"header": "KODE_WADAH", "source": "kode_wadah"},
    {"header": "TGL_MULAI", "source": "tanggal_mulai"},
]
DEFAULT_NOTE = (
    "Susunan kolom ini berisi kolom minimal yang lazim diminta (belum resmi; BPJS "
    "Ketenagakerjaan belum menerbitkan templat publik untuk pendaftaran kolektif BPU). "
    "Konfirmasi ke "
    "Kantor Cabang BPJS Ketenagakerjaan Lombok Timur sebelum dipakai, lalu tandai "
    "'sudah dikonfirmasi'. Kolom nama ibu kandung, tempat lahir dan ahli waris tidak "
    "dicatat di Lindung."
)


def validate_columns(columns: object) -> list[str]:
    """Problems with a profile's column list, as Indonesian messages (empty = fine)."""
    if not isinstance(columns, list) or not columns:
        return ["Profil harus memiliki minimal satu kolom."]
    problems = []
    headers = set()
    for i, col in enumerate(columns, start=1):
        if not isinstance(col, dict) or set(col) != {"header", "source"}:
            problems.append(f"Kolom {i}: harus berisi judul dan sumber data.")
            continue
        header = str(col["header"]).strip()
        if not header:
            problems.append(f"Kolom {i}: judul kolom kosong.")
        elif header.lower() in headers:
            problems.append(f"Kolom {i}: judul «{header}» dipakai dua kali.")
        headers.add(header.lower())
        if col["source"] not in SOURCES:
            problems.append(f"Kolom {i}: sumber data «{col['source']}» tidak dikenal.")
    return problems
