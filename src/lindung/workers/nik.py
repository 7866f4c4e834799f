"""The one NIK validator, used by forms, imports and the API.

A NIK is PP KK CC DDMMYY SSSS: province, regency, kecamatan where it was first
issued; birth date with day + 40 for women; a serial starting at 0001
(Dukcapil; docs/domain.md ). The region digits record
where the NIK was issued, not where the person lives, so region problems are
warnings only.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from lindung.core.formatting import format_date

Severity = Literal["error", "warning"]

# Spaces, dots, dashes, and the invisible characters that copy-paste from PDFs/WhatsApp brings.
_STRIP = re.compile(r"[\s.\-\u00a0\u200b\u200c\u200d\ufeff]")
# Integers above 2**53 cannot be held exactly by a float: the last digits are already wrong.
_FLOAT_EXACT_LIMIT = 2**53
_SCIENTIFIC = re.compile(r"^\s*'?\d+([.,]\d+)?\s*[eE]\s*\+?\s*\d+\s*$")
_FLOAT_TAIL = re.compile(r"^\s*'?\s*(\d{15,17})[.,]0+\s*$")

MESSAGES = {
    "nik_format": "NIK harus 16 digit angka (ditemukan: {found}).",
    "nik_scientific": (
        "NIK rusak oleh Excel (tampil sebagai {found}); digit terakhir hilang. "
        "Format kolom NIK sebagai Teks lalu ketik ulang NIK dari KTP/KK."
    ),
    "nik_date": "Tanggal lahir di dalam NIK tidak valid ({found}).",
    "nik_serial": (
        "Nomor urut NIK (4 digit terakhir) tidak boleh 0000. Bila data berasal dari Excel, "
        "digit terakhir mungkin hilang: format kolom NIK sebagai Teks lalu ketik ulang dari KTP/KK."
    ),
    "nik_region_unknown": "Kode wilayah NIK {found} tidak dikenal di daftar Kemendagri.",
    "nik_region_elsewhere": (
        "NIK diterbitkan di wilayah {found}, bukan di kabupaten domisili ({domicile}); "
        "pastikan domisili dengan KK atau surat keterangan desa."
    ),
    "nik_birthdate_mismatch": (
        "Tanggal lahir ({entered}) berbeda dengan tanggal lahir di NIK ({found}); perlu verifikasi."
    ),
    "nik_sex_mismatch": (
        "Jenis kelamin ({entered}) berbeda dengan yang tersirat di NIK ({found}); perlu verifikasi."
    ),
}


SEX_LABELS = {"L": "laki-laki", "P": "perempuan"}


@dataclass(frozen=True)
class NikIssue:
    code: str
    message: str
    severity: Severity


@dataclass(frozen=True)
class NikResult:
    raw: str
    nik: str | None
    birth_date: dt.date | None = None
    sex: str | None = None
    region_code: str | None = None
    issues: tuple[NikIssue, ...] = field(default_factory=tuple)

    @property
    def errors(self) -> list[NikIssue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[NikIssue]:
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def ok(self) -> bool:
        return self.nik is not None and not self.errors

    def codes(self) -> list[str]:
        return [i.code for i in self.issues]


def _issue(code: str, severity: Severity, **kw) -> NikIssue:
    return NikIssue(code, MESSAGES[code].format(**kw), severity)


def clean_nik(raw: object) -> str:
    """Remove spaces, dots, dashes and a leading apostrophe (Excel's text marker)."""
    text = str(raw).strip()
    if text.startswith("'"):
        text = text[1:]
    return _STRIP.sub("", text)


def birth_from_digits(ddmmyy: str, today: dt.date) -> tuple[dt.date | None, str | None]:
    """Birth date and sex encoded in the 6 date digits, or (None, sex) if the date is invalid."""
    day, month, yy = int(ddmmyy[0:2]), int(ddmmyy[2:4]), int(ddmmyy[4:6])
    sex = None
    if 41 <= day <= 71:
        sex, day = "P", day - 40
    elif 1 <= day <= 31:
        sex = "L"
    else:
        return None, None
    # Two-digit year: the most recent century that does not put the birth in the future.
    year = 2000 + yy if 2000 + yy <= today.year else 1900 + yy
    try:
        born = dt.date(year, month, day)
    except ValueError:
        return None, sex
    if born > today:
        # Born in the previous century (the two-digit year is in the future this year).
        try:
            born = dt.date(year - 100, month, day)
        except ValueError:  # 29 Feb that does not exist a century earlier (e.g. 1900)
            return None, sex
    return born, sex


def _judge_number(raw: float | int, raw_text: str) -> NikResult | str:
    """A NIK that arrived as a number: its digits as text, or the reason it is unusable."""
    if isinstance(raw, float):
        if not math.isfinite(raw) or not raw.is_integer() or raw < 0:
            return NikResult(
                raw_text, None, issues=(_issue("nik_format", "error", found=raw_text),)
            )
        value = int(raw)
        # Excel keeps 15 significant digits: a 16-digit NIK typed into a number cell ends in 0.
        if value >= 10**15 and (value % 10 == 0 or value > _FLOAT_EXACT_LIMIT):
            return NikResult(
                raw_text, None, issues=(_issue("nik_scientific", "error", found=f"{raw:.5E}"),)
            )
        return str(value)
    if raw < 0:
        return NikResult(raw_text, None, issues=(_issue("nik_format", "error", found=raw_text),))
    return str(raw)


def parse_nik(
    raw: object,
    *,
    today: dt.date | None = None,
    entered_birth_date: dt.date | None = None,
    entered_sex: str | None = None,
    region_known: Callable[[str], bool] | None = None,
    domicile_code: str | None = None,
) -> NikResult:
    """Validate a NIK as typed or as read from a spreadsheet cell.

    Numbers from spreadsheets (int/float) are judged for Excel damage: Excel keeps
    15 significant digits, so a 16-digit NIK stored as a number lost its last digit.
    `domicile_code` (an area code such as 52.03.07.2012), when given, adds a warning if the
    NIK was issued in another regency: allowed (people move), but residency needs checking.
    """
    today = today or dt.date.today()
    raw_text = "" if raw is None else str(raw)
    if isinstance(raw, bool):
        return NikResult(raw_text, None, issues=(_issue("nik_format", "error", found=raw_text),))
    if isinstance(raw, float | int):
        number = _judge_number(raw, raw_text)
        if isinstance(number, NikResult):
            return number
        raw_text = number
    if _SCIENTIFIC.match(raw_text):
        return NikResult(
            raw_text, None, issues=(_issue("nik_scientific", "error", found=raw_text.strip()),)
        )
    tail = _FLOAT_TAIL.match(raw_text)
    if tail:
        digits = tail.group(1)
        if len(digits) == 16 and not digits.endswith("0"):
            raw_text = digits  # a harmless "5203…1.0" written by a script
        else:
            return NikResult(
                raw_text, None, issues=(_issue("nik_scientific", "error", found=raw_text.strip()),)
            )
    nik = clean_nik(raw_text)
    if len(nik) != 16 or not nik.isascii() or not nik.isdigit():
        shown = nik if len(nik) <= 24 else nik[:24] + "…"
        return NikResult(
            raw_text, None, issues=(_issue("nik_format", "error", found=shown or "kosong"),)
        )
    issues: list[NikIssue] = []
    born, sex = birth_from_digits(nik[6:12], today)
    if born is None:
        issues.append(_issue("nik_date", "error", found=f"{nik[6:8]}-{nik[8:10]}-{nik[10:12]}"))
    if nik[12:] == "0000":
        issues.append(_issue("nik_serial", "error"))
    region = f"{nik[0:2]}.{nik[2:4]}.{nik[4:6]}"
    known = (region_known or known_region_prefix)(region)
    if not known:
        issues.append(_issue("nik_region_unknown", "warning", found=region))
    elif domicile_code and region[:5] != domicile_code[:5]:
        issues.append(
            _issue("nik_region_elsewhere", "warning", found=region[:5], domicile=domicile_code[:5])
        )
    if born and entered_birth_date and entered_birth_date != born:
        issues.append(
            _issue(
                "nik_birthdate_mismatch",
                "warning",
                entered=format_date(entered_birth_date),
                found=format_date(born),
            )
        )
    if sex and entered_sex and entered_sex != sex:
        issues.append(
            _issue(
                "nik_sex_mismatch",
                "warning",
                entered=SEX_LABELS.get(entered_sex, entered_sex),
                found=SEX_LABELS[sex],
            )
        )
    return NikResult(raw_text, nik, born, sex, region, tuple(issues))


@lru_cache(maxsize=1)
def _known_regions() -> frozenset[str]:
    from lindung.areas.fixture import read_fixture

    return frozenset(code for code, *_ in read_fixture() if code.count(".") <= 2)


def known_region_prefix(region: str) -> bool:
    """True if the regency of a NIK region (PP.KK.CC) is in the Kemendagri list.

    Kecamatan codes are not required to exist: older NIKs carry the code of a
    kecamatan before it was split (e.g. Lenek residents with Aikmel's 52.03.09).
    """
    return region[:5] in _known_regions()


def compose_nik(region: str, birth_date: dt.date, sex: str, serial: int) -> str:
    """Build a NIK from its parts (for demo data and tests): region 'PP.KK.CC' or 6 digits."""
    digits = region.replace(".", "")
    if len(digits) != 6 or not digits.isdigit():
        raise ValueError("region must have 6 digits")
    if not 1 <= serial <= 9999:
        raise ValueError("serial must be 1..9999")
    day = birth_date.day + (40 if sex == "P" else 0)
    return f"{digits}{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{serial:04d}"
