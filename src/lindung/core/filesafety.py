"""The one guard every uploaded table passes before a reader touches it.

`check_upload(name, data)` looks at the bytes without building anything big and refuses:
renamed web pages/XML and binary junk, NUL bytes and UTF-16 text, more rows than the limit,
zip bombs (sizes declared in the archive, and the real inflated size, which a forged header
can hide), XML with a DOCTYPE (entity expansion, external entities) and sheets whose declared
or real extent (rows x columns) would make a reader allocate a giant grid. `read_guarded`
then runs the reader itself in a memory-limited child process (core.sandbox).
Every refusal is a `SpreadsheetError` whose message is for the user, in Indonesian.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
TEXT_SUFFIXES = {".csv", ".txt"}
MAX_ROWS = 2_000_000  # data rows of one upload (a regency's worker list is far below)
MAX_COLUMNS = 1_000
MAX_CELLS = 40_000_000  # rows x columns of the grid a reader would allocate
# A spreadsheet is a zip; refuse one that would inflate past this, or whose parts inflate by
# more than MAX_RATIO (real sheets compress 5-20x, bombs 1000x).
MAX_UNZIPPED = 1536 * 1024 * 1024
MAX_RATIO = 150
RATIO_FROM = 50 * 1024 * 1024  # small parts may compress well (empty styles, shared strings)
CHUNK = 1024 * 1024

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"


class SpreadsheetError(ValueError):
    """A file that cannot be read as a table; the message is for the user."""


def _dotted(n: int) -> str:
    return f"{n:,}".replace(",", ".")


TOO_MANY_ROWS = f"Berkas terlalu besar: lebih dari {_dotted(MAX_ROWS)} baris."
NOT_A_SHEET = (
    "Berkas tidak dapat dibuka sebagai lembar kerja Excel/ODS. Pastikan berkas tidak rusak "
    "dan bukan berkas lain yang diganti namanya."
)
BOMB = "Berkas ditolak: isinya mengembang tidak wajar saat dibuka (kemungkinan 'zip bomb')."
DOCTYPE = (
    "Berkas ditolak: lembar kerja berisi deklarasi XML (DOCTYPE/ENTITY) yang tidak pernah "
    "dibuat Excel atau LibreOffice. Buka dan simpan ulang berkas, lalu unggah lagi."
)
NUL_BYTES = (
    "Berkas CSV berisi byte NUL (karakter kosong) yang tidak ada di teks biasa: berkas rusak "
    "atau bukan CSV. Buka di Excel/LibreOffice, simpan ulang sebagai 'CSV UTF-8', lalu "
    "unggah lagi."
)
CRASHED = (
    "Berkas ditolak: membacanya memerlukan memori atau waktu melebihi batas aman "
    "(berkas rusak atau sengaja dibuat berbahaya). Buka di Excel/LibreOffice, simpan ulang "
    "sebagai XLSX atau CSV, lalu unggah lagi."
)


def _too_wide(rows: int, columns: int, where: str) -> SpreadsheetError | None:
    if rows > MAX_ROWS + 100:
        return SpreadsheetError(f"{where} terlalu besar: lebih dari {_dotted(MAX_ROWS)} baris.")
    if columns > MAX_COLUMNS:
        return SpreadsheetError(
            f"{where} terlalu lebar: sampai kolom ke-{_dotted(columns)} "
            f"(batas {_dotted(MAX_COLUMNS)} kolom). Hapus isi sel yang jauh di kanan, simpan "
            "ulang, lalu unggah lagi."
        )
    if rows * columns > MAX_CELLS:
        return SpreadsheetError(
            f"{where} terlalu besar: {_dotted(rows)} baris x {_dotted(columns)} kolom "
            f"melebihi batas {_dotted(MAX_CELLS)} sel. Hapus isi sel yang jauh di bawah atau "
            "di kanan, simpan ulang, lalu unggah lagi."
        )
    return None


# --- Text ------------------------------------------------------------------------------------


def _utf16(data: bytes) -> bool:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    sample = data[:4096]
    # UTF-16 without a BOM: ASCII text has a NUL in every other byte.
    half = len(sample) // 2
    return half >= 2 and (sample[1::2].count(0) > half * 0.6 or sample[0::2].count(0) > half * 0.6)


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding) of a CSV upload; refuses UTF-16, NUL bytes and unknown encodings."""
    if _utf16(data):
        raise SpreadsheetError(
            "Berkas CSV memakai encoding UTF-16/Unicode. Simpan ulang dari Excel sebagai "
            "'CSV UTF-8 (dipisah koma)' lalu unggah lagi."
        )
    if b"\x00" in data:
        raise SpreadsheetError(NUL_BYTES)
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise SpreadsheetError(
            "Encoding berkas CSV tidak dikenali (bukan UTF-8 atau Windows-1252). "
            "Simpan ulang sebagai 'CSV UTF-8' lalu unggah lagi."
        ) from exc


def looks_binary(text: str) -> bool:
    sample = text[:4096]
    if not sample:
        return False
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\r\n\t")
    return control > len(sample) * 0.01


def _check_text(data: bytes, max_rows: int) -> None:
    text, _encoding = decode_text(data[:65536])
    if looks_binary(text):
        raise SpreadsheetError(
            "Berkas ini bukan CSV atau lembar kerja: isinya data biner. "
            "Unggah berkas XLSX, XLS, ODS atau CSV asli."
        )
    if b"\x00" in data:  # further down than the sample (decoding the rest is the reader's job)
        raise SpreadsheetError(NUL_BYTES)
    # Counting lines is cheap; a parser would first build every row. One line is the header.
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if lines > max_rows + 1:
        raise SpreadsheetError(f"Berkas terlalu besar: lebih dari {_dotted(max_rows)} baris.")


# --- Zip (XLSX, ODS) -------------------------------------------------------------------------

_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*?\bref=\"([A-Za-z]*)(\d*):?([A-Za-z]*)(\d*)\"")
# Row numbers (digits only: cell references start with letters). Literal prefixes keep these
# scans at ~0.1 s per 30 MB of sheet XML.
_ROW_NUMBER = re.compile(rb' r="(\d+)"')
# Cells far right (3+ letters, past column ZZ) or far down (7+ digits): rare, so cheap to find.
_FAR_CELL = re.compile(rb' r="([A-Za-z]{3,}\d+|[A-Za-z]{1,3}\d{7,})"')
_REF = re.compile(r"([A-Za-z]+)(\d+)")
_DECLARATION = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


def column_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _zip(data: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise SpreadsheetError(
            "Berkas lembar kerja rusak (arsip XLSX/ODS tidak utuh). Buka dan simpan ulang di "
            "Excel/LibreOffice, lalu unggah lagi."
        ) from exc
    return archive


def _stream(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: list[int]):
    """The member's bytes in chunks, at most its declared size (zipfile stops there and checks
    the CRC, so a header that understates the size is caught), counted against `budget`."""
    try:
        with archive.open(info) as handle:
            while chunk := handle.read(CHUNK):
                budget[0] -= len(chunk)
                if budget[0] < 0:
                    raise SpreadsheetError(BOMB)
                yield chunk
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
        # Bad CRC-32: the archive lies about its contents (forged sizes) or is damaged.
        raise SpreadsheetError(
            "Berkas ditolak: isi arsip lembar kerja tidak cocok dengan daftar isinya "
            "(rusak atau dimanipulasi). Buka dan simpan ulang berkas, lalu unggah lagi."
        ) from exc


def _scan_xlsx_sheet(chunks, where: str) -> None:
    """Refuse a worksheet whose declared dimension or real cells reach too far."""
    max_row = max_col = rows_seen = 0
    tail = b""
    first = True
    for chunk in chunks:
        window = tail + chunk
        if b"<!" in window and _DECLARATION.search(window):
            raise SpreadsheetError(DOCTYPE)
        if first:
            first = False
            if found := _DIMENSION.search(window):
                c1, r1, c2, r2 = (g.decode() for g in found.groups())
                rows = int(r2 or r1 or 0)
                cols = column_number(c2 or c1)
                if problem := _too_wide(rows, cols, where):
                    raise problem
        numbers = _ROW_NUMBER.findall(window)
        if numbers:
            max_row = max(max_row, max(map(int, numbers)))
        rows_seen += chunk.count(b"<row")  # rows without a number still take a line
        for ref in _FAR_CELL.findall(window):
            letters, digits = _REF.fullmatch(ref.decode()).groups()
            max_col = max(max_col, column_number(letters))
            max_row = max(max_row, int(digits))
        if problem := _too_wide(max(max_row, rows_seen), max(max_col, 1), where):
            raise problem
        tail = window[-256:]


_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"


class _Chunks(io.RawIOBase):
    def __init__(self, chunks):
        self.chunks, self.rest = iter(chunks), b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self.rest:
            self.rest = next(self.chunks, b"")
            if not self.rest:
                return 0
        n = min(len(buffer), len(self.rest))
        buffer[:n], self.rest = self.rest[:n], self.rest[n:]
        return n


def _scan_ods_content(chunks) -> None:
    """Real extent of each ODS table, counting repeated rows/cells that carry a value."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import iterparse

    stream = io.BufferedReader(_Chunks(chunks), CHUNK)
    row = row_repeat = col = max_row = max_col = 0
    row_has_value = False
    try:
        for event, element in iterparse(stream, events=("start", "end"), forbid_dtd=True):
            tag = element.tag
            if event == "start":
                if tag == _TABLE + "table":
                    row = max_row = max_col = 0
                elif tag == _TABLE + "table-row":
                    row_repeat = int(element.get(_TABLE + "number-rows-repeated") or 1)
                    col, row_has_value = 0, False
                continue
            if tag in (_TABLE + "table-cell", _TABLE + "covered-table-cell"):
                repeat = int(element.get(_TABLE + "number-columns-repeated") or 1)
                if element.get(_OFFICE + "value-type") or len(element):
                    max_col = max(max_col, col + repeat)
                    row_has_value = True
                col += repeat
                element.clear()
            elif tag == _TABLE + "table-row":
                if row_has_value:
                    max_row = row + row_repeat
                row += row_repeat
                element.clear()
                if problem := _too_wide(max_row, max(max_col, 1), "Lembar kerja"):
                    raise problem
    except DefusedXmlException as exc:
        raise SpreadsheetError(DOCTYPE) from exc
    except (SyntaxError, ValueError) as exc:  # ParseError, bad repeat counts
        if isinstance(exc, SpreadsheetError):
            raise
        raise SpreadsheetError(NOT_A_SHEET) from exc


def check_zip(data: bytes) -> None:
    archive = _zip(data)
    infos = archive.infolist()
    if sum(i.file_size for i in infos) > MAX_UNZIPPED:
        raise SpreadsheetError(
            "Berkas ditolak: lembar kerja terlalu besar setelah dibuka (> 1,5 GB)."
        )
    for info in infos:
        if info.file_size > RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise SpreadsheetError(BOMB)
    budget = [MAX_UNZIPPED]  # what the parts really inflate to, whatever the headers say
    for info in infos:
        chunks = _stream(archive, info, budget)
        name = info.filename
        if re.fullmatch(r"xl/worksheets/[^/]+\.xml", name):
            _scan_xlsx_sheet(chunks, "Lembar kerja")
        elif name == "content.xml":
            _scan_ods_content(chunks)
        elif name.endswith((".xml", ".rels")):
            tail = b""
            for chunk in chunks:
                if _DECLARATION.search(tail + chunk):
                    raise SpreadsheetError(DOCTYPE)
                tail = chunk[-16:]
        else:
            for _chunk in chunks:  # images and other parts: only their real size counts
                pass


# --- Entry points ----------------------------------------------------------------------------


def check_upload(name: str, data: bytes, *, max_rows: int = MAX_ROWS) -> str:
    """What the upload is ("zip", "ole" or "text"), or a SpreadsheetError saying why not."""
    suffix = Path(name).suffix.lower()
    if not data:
        raise SpreadsheetError("Berkas kosong (0 byte).")
    if data.startswith(ZIP_MAGIC):
        check_zip(data)
        return "zip"
    if data.startswith(OLE_MAGIC):
        return "ole"  # XLS: bounded by the upload size; read in the memory-limited child
    if suffix in SPREADSHEET_SUFFIXES:
        head = data[:512].lstrip().lower()
        if head.startswith((b"<html", b"<!doctype", b"<?xml", b"<table", b"<svg")):
            raise SpreadsheetError(
                "Berkas ini halaman web/XML yang diberi nama Excel, bukan lembar kerja. "
                "Buka di Excel lalu 'Simpan sebagai' XLSX."
            )
        try:
            text, _enc = decode_text(data[:65536])
        except SpreadsheetError:
            text = ""
        if not text or looks_binary(text):
            raise SpreadsheetError(
                f"Berkas bernama {suffix} tetapi isinya bukan lembar kerja (data biner atau "
                "rusak). Unggah berkas Excel/ODS asli."
            )
    elif suffix not in TEXT_SUFFIXES and suffix != "":
        raise SpreadsheetError("Format berkas tidak didukung. Gunakan XLSX, XLS, ODS atau CSV.")
    _check_text(data, max_rows)
    return "text"


def read_guarded(func: Callable[..., Any], *args: Any) -> Any:
    """`func(*args)` in a memory-limited child; a reader that blows up becomes a refusal."""
    from .sandbox import ReaderCrashed, run

    try:
        return run(func, *args)
    except ReaderCrashed as exc:
        raise SpreadsheetError(CRASHED) from exc
