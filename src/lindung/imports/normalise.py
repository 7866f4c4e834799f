"""Scalar normalisers for what villages type into spreadsheets: dates, rupiah, phones, names.

Each takes the cell as text (or None) and never raises; the pipeline applies them to the
distinct values of a column, so they run once per value, not once per row.
"""

from __future__ import annotations

import datetime as dt
import re

EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 = 1900-01-01 (with Excel's 1900 leap-year bug)
# Serial numbers read as dates: 1908-03-18 .. 2099-12-31. Smaller numbers are refused so that
# a bare year such as "1985" is never taken for a serial day in 1905.
SERIAL_MIN, SERIAL_MAX = 3000, 73415

MONTHS = {
    "jan": 1, "januari": 1, "january": 1,
    "feb": 2, "februari": 2, "pebruari": 2, "february": 2, "peb": 2,
    "mar": 3, "maret": 3, "march": 3,
    "apr": 4, "april": 4,
    "mei": 5, "may": 5,
    "jun": 6, "juni": 6, "june": 6,
    "jul": 7, "juli": 7, "july": 7,
    "agu": 8, "agt": 8, "agus": 8, "agustus": 8, "aug": 8, "august": 8, "ags": 8,
    "sep": 9, "sept": 9, "september": 9,
    "okt": 10, "oktober": 10, "oct": 10, "october": 10,
    "nov": 11, "nop": 11, "november": 11, "nopember": 11,
    "des": 12, "desember": 12, "dec": 12, "december": 12,
}  # fmt: skip

_ISO = re.compile(
    r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_DMY = re.compile(r"^(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{4}|\d{2})$")
_NAMED = re.compile(r"^(\d{1,2})[\s\-/.]+([a-z]+)[\s\-/.,]+(\d{4})$")
_SERIAL = re.compile(r"^\d{1,5}(?:\.0+)?$")


def _make_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_date(raw: object, today: dt.date | None = None) -> dt.date | None:
    """dd-mm-yyyy, dd/mm/yyyy, dd.mm.yyyy, ISO, '14 Maret 1985', Excel serials; else None."""
    if raw is None:
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = str(raw).strip().lower()
    if not text:
        return None
    if m := _ISO.match(text):
        return _make_date(int(m[1]), int(m[2]), int(m[3]))
    if m := _DMY.match(text):
        year = int(m[3])
        if len(m[3]) == 2:  # two-digit year: the latest century not in the future
            this_year = (today or dt.date.today()).year
            year = 2000 + year if 2000 + year <= this_year else 1900 + year
        return _make_date(year, int(m[2]), int(m[1]))
    if m := _NAMED.match(text):
        month = MONTHS.get(m[2])
        return _make_date(int(m[3]), month, int(m[1])) if month else None
    if _SERIAL.match(text):
        serial = int(float(text))
        if SERIAL_MIN <= serial <= SERIAL_MAX:
            return EXCEL_EPOCH + dt.timedelta(days=serial)
    return None


# A date written at the end of a place/date of birth cell (TTL): "Selong, 12 Agustus 1985".
# The place is matched lazily, so the date takes as many characters as it can.
_TTL = re.compile(
    r"^(?P<place>.*?)[\s,;/\-]*"
    r"(?P<date>\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
    r"|\d{1,2}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*(?:\d{4}|\d{2})"
    r"|\d{1,2}[\s\-/.]+[^\W\d_]+[\s\-/.,]+\d{4})$"
)
_PLACE_JUNK = " ,;/-\t"


def split_ttl(raw: object) -> tuple[str, str]:
    """A place/date of birth cell -> (place, date text for `parse_date`).

    'Selong, 12 Agustus 1985' -> ('Selong', '12 Agustus 1985'); a cell holding only a date
    (or a date cell) gives no place. When no date can be found the whole cell is returned as
    the date text, so the error message shows what was typed.
    """
    text = "" if raw is None else _SPACES.sub(" ", str(raw)).strip()
    if not text or parse_date(text) is not None:
        return "", text
    m = _TTL.match(text)
    if m is None or parse_date(m["date"]) is None:
        return "", text
    return m["place"].strip(_PLACE_JUNK)[:100], m["date"]


_INCOME_UNITS = (
    ("juta", 1_000_000), ("jt", 1_000_000), ("ribu", 1_000), ("rb", 1_000), ("k", 1_000),
)  # fmt: skip
_DOT_THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+(,\d*)?$")
_COMMA_THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d*)?$")
_PLAIN = re.compile(r"^\d+([.,]\d+)?$")


def parse_income(raw: object) -> tuple[int | None, bool]:
    """'Rp 1.500.000', '1,500,000', '1,5 jt', '750rb' -> rupiah. Returns (amount, readable)."""
    if raw is None:
        return None, True
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return (int(round(raw)), True) if raw >= 0 else (None, False)
    text = str(raw).strip().lower().replace("\u00a0", " ")
    if text in {"", "-", "0-"}:
        return None, True
    text = re.sub(r"^(rp\.?|idr)\s*", "", text)
    text = re.sub(r"\s*(per|/)\s*(bulan|bln)$", "", text)
    text = re.sub(r"[,.]-+$|-+$", "", text).replace(" ", "")
    unit = 1
    for suffix, factor in _INCOME_UNITS:
        if text.endswith(suffix) and len(text) > len(suffix):
            text, unit = text[: -len(suffix)], factor
            break
    if _DOT_THOUSANDS.match(text) and unit == 1:
        number = float(text.replace(".", "").replace(",", ".") or 0)
    elif _COMMA_THOUSANDS.match(text) and unit == 1:
        number = float(text.replace(",", ""))
    elif _PLAIN.match(text):
        number = float(text.replace(",", "."))
    else:
        return None, False
    return int(round(number * unit)), True


_PHONE_JUNK = re.compile(r"[\s\-().\u00a0/]")


def parse_phone(raw: object) -> tuple[str | None, bool]:
    """Indonesian phone numbers to +62 form: '0812-3456-7890' -> '+6281234567890'."""
    if raw is None:
        return None, True
    text = str(raw).strip()
    if text.endswith(".0") and text[:-2].isdigit():  # a number cell read back as float
        text = text[:-2]
    if text in {"", "-"}:
        return None, True
    digits = _PHONE_JUNK.sub("", text)
    if digits.startswith("+"):
        digits = digits[1:]
        if not digits.startswith("62"):
            return None, False  # a foreign number cannot be an Indonesian HP
    if not digits.isascii() or not digits.isdigit():
        return None, False
    if digits.startswith("0062"):
        national = digits[4:]
    elif digits.startswith("62"):
        national = digits[2:]
    elif digits.startswith("0"):
        national = digits[1:]
    else:
        national = digits
    if not national or national[0] == "0":
        return None, False
    # Mobile numbers (8xx) have 9-12 digits after the country code; fixed lines 8-11.
    low, high = (9, 12) if national.startswith("8") else (8, 11)
    if not low <= len(national) <= high:
        return None, False
    return "+62" + national, True


_SPACES = re.compile(r"\s+")
_LETTER = re.compile(r"[^\W\d_]")
FORMULA_START = ("=", "+", "@")


def clean_name(raw: object) -> tuple[str, str | None]:
    """Collapse spaces; return (name, problem) where problem is a message key or None."""
    text = "" if raw is None else _SPACES.sub(" ", str(raw)).strip()
    if not text:
        return "", "name_missing"
    if text.startswith(FORMULA_START):
        return text, "name_formula"
    if not _LETTER.search(text):
        return text, "name_no_letters"
    return text[:150], None


_SEX = {
    "l": "L", "lk": "L", "laki": "L", "laki-laki": "L", "laki laki": "L", "lakilaki": "L",
    "pria": "L", "m": "L", "male": "L", "1": "L",
    "p": "P", "pr": "P", "pr.": "P", "perempuan": "P", "wanita": "P", "w": "P", "f": "P",
    "female": "P", "2": "P",
}  # fmt: skip


def parse_sex(raw: object) -> str | None:
    if raw is None:
        return None
    return _SEX.get(_SPACES.sub(" ", str(raw)).strip().lower().rstrip("."))


_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_AREA_PREFIX = re.compile(r"^(?:desa|ds|kel|kelurahan|kec|kecamatan|kab|kabupaten)(?:\s+|$)")


def area_key(raw: object) -> str:
    """'Ds. Danggen  TIMUR' -> 'danggen timur': lower case, no punctuation, no Desa/Kel. prefix."""
    if raw is None:
        return ""
    text = _NON_ALNUM.sub(" ", str(raw).lower()).strip()
    previous = None
    while previous != text:
        previous = text
        text = _AREA_PREFIX.sub("", text).strip()
    return text


def cell_text(value: object) -> str:
    """Spreadsheet cell -> the text the pipeline works on (floats keep '.0' for NIK checks)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value) if value.is_integer() else str(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()
