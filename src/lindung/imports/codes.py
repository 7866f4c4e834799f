"""Error and warning codes of `import_workers` (DESIGN.md contract) and their messages.

The code strings are part of the public JSON contract: never rename them.
"""

from __future__ import annotations

from dataclasses import dataclass

# Rows with any of these are rejected (not imported).
ERROR_CODES = (
    "nik_format",
    "nik_scientific",
    "nik_date",
    "nik_serial",
    "name_missing",
    "birthdate_invalid",
    "duplicate_in_file",
    "duplicate_existing",
    "age_out_of_range",
    "village_unknown",
    "column_missing",
)
# Rows with only these are imported and flagged for verification.
WARNING_CODES = (
    "nik_birthdate_mismatch",
    "nik_sex_mismatch",
    "nik_region_unknown",
    "possible_duplicate",
    "phone_invalid",
    "income_adjusted",
)

MESSAGES = {
    "name_missing": "Nama wajib diisi.",
    "name_formula": "Kolom nama berisi rumus Excel ({found}), bukan nama orang.",
    "name_no_letters": "Nama tidak berisi huruf ({found}).",
    "birthdate_missing": "Tanggal lahir wajib diisi.",
    "birthdate_invalid": (
        "Tanggal lahir '{found}' tidak dapat dibaca. Gunakan format hh-bb-tttt, "
        "misalnya 14-03-1985."
    ),
    "birthdate_future": "Tanggal lahir {found} belum terjadi.",
    "birthdate_too_old": "Tanggal lahir {found} tidak masuk akal (sebelum tahun 1900).",
    "duplicate_in_file": "NIK ini sudah muncul di baris {first} berkas yang sama.",
    "duplicate_existing": "NIK ini sudah terdaftar di registri pekerja.",
    "age_out_of_range": (
        "Umur {age} tahun di luar batas peserta BPU ({min_age}–{max_age} tahun, {rule})."
    ),
    "village_missing": "Desa/kelurahan wajib diisi.",
    "village_unknown": ("Desa/kelurahan '{found}' tidak ditemukan di daftar Kemendagri {where}."),
    "village_ambiguous": (
        "Nama desa/kelurahan '{found}' ada di beberapa kecamatan; isi kolom Kecamatan."
    ),
    "village_out_of_scope": (
        "Desa/kelurahan '{found}' berada di luar wilayah kerja Anda; "
        "baris ini hanya dapat diimpor oleh petugas wilayah tersebut."
    ),
    "column_missing": "Kolom wajib '{found}' tidak ditemukan di baris judul.",
    "file_unreadable": "{found}",
    "possible_duplicate": (
        "Mungkin orang yang sama dengan {other} (nama, tanggal lahir atau NIK mirip); "
        "masuk antrean periksa duplikat."
    ),
    "phone_invalid": "Nomor HP '{found}' tidak valid; dikosongkan.",
    "income_adjusted": (
        "Penghasilan Rp{found} di bawah jenjang terendah; dinaikkan menjadi Rp{floor}."
    ),
    "income_unreadable": "Penghasilan '{found}' tidak dapat dibaca; dikosongkan.",
}


def message(key: str, **kw) -> str:
    return MESSAGES[key].format(**kw)


@dataclass(frozen=True, slots=True)
class Problem:
    row: int | None
    column: str | None
    code: str
    message: str
    sheet: str | None = None  # the worksheet's name; None for a CSV or the file as a whole

    @property
    def is_error(self) -> bool:
        return self.code in ERROR_CODES

    def as_dict(self) -> dict:
        out = {"row": self.row, "column": self.column, "code": self.code, "message": self.message}
        if self.sheet is not None:
            out["sheet"] = self.sheet
        return out
