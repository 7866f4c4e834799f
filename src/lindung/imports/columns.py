"""Recognising the column headers villages really use, and finding the header row."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

# Field -> (label shown to users, headers seen in village spreadsheets).
FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "nik": ("NIK", ("nik", "no ktp", "nomor ktp", "no nik", "nik ktp", "nomor nik",
                    "nomor induk kependudukan", "no induk kependudukan", "ktp", "no identitas")),
    "name": ("Nama", ("nama", "nama lengkap", "nama pekerja", "nama peserta",
                      "nama sesuai ktp", "nama tenaga kerja", "nama anggota")),
    "sex": ("Jenis Kelamin", ("l/p", "lp", "jenis kelamin", "jk", "kelamin", "gender",
                              "sex", "jns kelamin", "l p")),
    "birth_date": ("Tanggal Lahir", ("tgl lahir", "tanggal lahir", "tgl lhr", "tgl. lahir",
                                     "tanggal lhr", "lahir", "tgllahir", "tanggal kelahiran")),
    # One cell with place and date: "Selong, 12 Agustus 1985" (TTL = tempat, tanggal lahir).
    "birth_ttl": ("Tempat/Tgl Lahir", ("ttl", "tempat/tgl lahir", "tempat tgl lahir",
                                       "tempat tanggal lahir", "tempat/tanggal lahir",
                                       "tmp/tgl lahir", "tmpt/tgl lahir", "tmp tgl lahir",
                                       "tempat/tgl lhr", "tempat lahir/tgl lahir",
                                       "tempat lahir/tanggal lahir", "tempat dan tanggal lahir",
                                       "tempat/ttl", "t4/tgl lahir", "ttl/umur", "t t l")),
    "birthplace": ("Tempat Lahir", ("tempat lahir", "tmp lahir", "tmpt lahir", "tempat lhr")),
    "village": ("Desa/Kelurahan", ("desa", "desa/kelurahan", "kelurahan", "desa/kel",
                                   "kel/desa", "nama desa", "desa kelurahan", "kelurahan/desa")),
    "kecamatan": ("Kecamatan", ("kecamatan", "kec", "nama kecamatan")),
    "sector": ("Pekerjaan", ("pekerjaan", "jenis pekerjaan", "profesi", "sektor",
                             "sektor pekerjaan", "mata pencaharian", "jenis usaha")),
    "income": ("Penghasilan", ("penghasilan", "penghasilan per bulan", "pendapatan",
                               "penghasilan/bulan", "gaji", "upah", "pendapatan per bulan")),
    "phone": ("No HP", ("no hp", "nomor hp", "hp", "no telp", "no telepon", "telepon",
                        "no wa", "nomor wa", "whatsapp", "no hp/wa", "kontak")),
    "address": ("Alamat", ("alamat", "alamat lengkap", "dusun", "alamat rumah")),
}  # fmt: skip
REQUIRED = ("nik", "name", "birth_date", "village")
# A required field that another column can stand in for: the date inside a TTL column.
STANDS_IN = {"birth_date": "birth_ttl"}
# Below this similarity a header is ignored; between it and an exact match we ask the user.
FUZZY_MIN = 82

_PAREN = re.compile(r"\(.*?\)")
_JUNK = re.compile(r"[^0-9a-z/]+")
_SLASH = re.compile(r"\s*/\s*")


def header_key(text: object) -> str:
    """'Tgl. Lahir (dd-mm-yyyy)' -> 'tgl lahir'."""
    raw = _PAREN.sub(" ", str(text or "").lower())
    return _SLASH.sub("/", _JUNK.sub(" ", raw).strip())


_EXACT = {header_key(h): f for f, (_, hs) in FIELDS.items() for h in hs}
_ALL = list(_EXACT)


def label(field_name: str) -> str:
    return FIELDS[field_name][0]


@dataclass
class Mapping:
    columns: dict[str, int] = field(default_factory=dict)  # field -> column index
    unsure: dict[str, int] = field(default_factory=dict)  # fuzzy guesses that need a human

    @property
    def missing(self) -> list[str]:
        return [
            f for f in REQUIRED if f not in self.columns and STANDS_IN.get(f) not in self.columns
        ]

    def as_json(self) -> dict[str, int]:
        return dict(self.columns)


def guess_mapping(headers: list[str]) -> Mapping:
    mapping = Mapping()
    fuzzy: list[tuple[float, str, int]] = []
    for index, header in enumerate(headers):
        key = header_key(header)
        if not key:
            continue
        if key in _EXACT:
            mapping.columns.setdefault(_EXACT[key], index)
            continue
        best = process.extractOne(key, _ALL, scorer=fuzz.ratio)
        if best and best[1] >= FUZZY_MIN:
            fuzzy.append((best[1], _EXACT[best[0]], index))
    for _score, field_name, index in sorted(fuzzy, reverse=True):
        if field_name not in mapping.columns and field_name not in mapping.unsure:
            mapping.unsure[field_name] = index
    return mapping


def header_score(row: list[str]) -> int:
    return len({_EXACT[k] for k in map(header_key, row) if k in _EXACT})


def find_header_row(rows: list[list[str]]) -> int | None:
    """Index of the row that looks most like a header (title rows above it are skipped)."""
    best, best_score = None, 0
    for index, row in enumerate(rows):
        score = header_score(row)
        if score > best_score:
            best, best_score = index, score
    if best is None:
        return next((i for i, r in enumerate(rows) if any(str(c).strip() for c in r)), None)
    return best
