"""Verification flags on a worker: stored as codes (shared with imports), shown as sentences.

NIK-related messages are recomputed from the worker's current data so they name the actual
dates; other apps' codes get a fixed sentence here.
"""

from __future__ import annotations

from lindung.accounts.masking import sees_full

from .nik import parse_nik

# Flags raised elsewhere (imports pipeline, duplicate review) and what they ask of a person.
LABELS = {
    "nik_birthdate_mismatch": "Tanggal lahir berbeda dengan yang tersirat di NIK.",
    "nik_sex_mismatch": "Jenis kelamin berbeda dengan yang tersirat di NIK.",
    "nik_region_unknown": "Kode wilayah NIK tidak dikenal di daftar Kemendagri.",
    "nik_region_elsewhere": "NIK diterbitkan di luar kabupaten domisili; pastikan domisili.",
    "possible_duplicate": (
        "Kemungkinan data ganda dengan pekerja lain: putuskan di antrean duplikat."
    ),
    "phone_invalid": "Nomor HP dari berkas impor tidak valid.",
    "income_adjusted": "Penghasilan dari berkas impor disesuaikan; periksa kembali.",
    "sector_default": "Sektor tidak dikenal di berkas impor; sektor bawaan dipakai.",
}
# Resolved in the duplicate review queue, not by "tandai terverifikasi".
KEPT_ON_VERIFY = {"possible_duplicate"}


def codes(worker) -> list[str]:
    out = []
    for flag in worker.verification_flags or []:
        code = flag.get("code", "") if isinstance(flag, dict) else str(flag)
        if code and code not in out:
            out.append(code)
    return out


def describe(worker) -> list[dict[str, str]]:
    """[{"code", "message"}] for every flag, in stored order."""
    found = codes(worker)
    if not found:
        return []
    nik_messages = {}
    if any(c.startswith("nik_") for c in found):
        result = parse_nik(
            worker.nik,
            entered_birth_date=worker.birth_date,
            entered_sex=worker.sex,
            domicile_code=worker.village_id,
        )
        nik_messages = {i.code: i.message for i in result.warnings}
    return [{"code": c, "message": nik_messages.get(c) or LABELS.get(c, c)} for c in found]


def describe_for(user, worker) -> list[dict[str, str]]:
    """`describe` for a user: NIK sentences name the dates in the NIK, so roles that do not see
    personal data (accounts.masking) get the fixed sentence instead."""
    if sees_full(user):
        return describe(worker)
    return [{"code": c, "message": LABELS.get(c, c)} for c in codes(worker)]
