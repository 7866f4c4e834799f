"""Reading an uploaded worker list into a table of text cells, refusing damaged or hostile files.

CSV goes through polars (fast for a million rows); XLSX/XLS/ODS through python-calamine.
Every failure is a `FileProblem` with a message an operator can act on.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from .columns import find_header_row, header_score
from .normalise import cell_text

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
TEXT_SUFFIXES = {".csv", ".txt"}
MAX_ROWS = 2_000_000
# A spreadsheet is a zip; refuse one that would inflate past this (zip bombs), or whose parts
# inflate by more than MAX_RATIO (real sheets compress 5-20x, bombs 1000x).
MAX_UNZIPPED = 1536 * 1024 * 1024
MAX_RATIO = 150
HEADER_SCAN_ROWS = 30


class FileProblem(ValueError):
    """The file as a whole cannot be imported; the message is for the operator."""


@dataclass
class Table:
    header_index: int  # 0-based row of the header in the sheet
    headers: list[str]
    frame: pl.DataFrame  # columns c0..cN (text) + "__row" (row number as the user sees it)
    kind: str  # "csv" or "sheet"
    head_rows: list[list[str]] = field(default_factory=list)  # rows up to and with the header
    sheet_name: str = ""
    delimiter: str = ","
    encoding: str = "utf-8"


def decode_csv(data: bytes) -> tuple[str, str]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4096]:
        raise FileProblem(
            "Berkas CSV memakai encoding UTF-16/Unicode. Simpan ulang dari Excel sebagai "
            "'CSV UTF-8 (dipisah koma)' lalu unggah lagi."
        )
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise FileProblem(
            "Encoding berkas CSV tidak dikenali (bukan UTF-8 atau Windows-1252). "
            "Simpan ulang sebagai 'CSV UTF-8' lalu unggah lagi."
        ) from exc
    return text, "cp1252"


def sniff_delimiter(lines: list[str]) -> str:
    """The delimiter that splits the sample lines most consistently (';' from Indonesian Excel)."""
    best, best_key = ",", (-1, -1)
    for delim in (";", ",", "\t", "|"):
        counts = [len(next(csv.reader([line], delimiter=delim))) - 1 for line in lines if line]
        if not counts or max(counts) == 0:
            continue
        top = max(counts)
        key = (sum(1 for c in counts if c == top), top)
        if key > best_key:
            best, best_key = delim, key
    return best


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    if not sample:
        return False
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\r\n\t")
    return control > len(sample) * 0.01


def read_csv(data: bytes) -> Table:
    text, encoding = decode_csv(data)
    if _looks_binary(text):
        raise FileProblem(
            "Berkas ini bukan CSV atau lembar kerja: isinya data biner. "
            "Unggah berkas XLSX, XLS, ODS atau CSV asli."
        )
    head_lines = text[:200_000].splitlines()[:HEADER_SCAN_ROWS]
    delimiter = sniff_delimiter(head_lines)
    sample = list(csv.reader(head_lines, delimiter=delimiter))
    header_index = find_header_row(sample)
    if header_index is None or not text.strip():
        raise FileProblem("Berkas kosong: tidak ada baris judul maupun data.")
    width = max(len(r) for r in sample[header_index:])
    payload = data if encoding == "utf-8" else text.encode("utf-8")
    if payload.startswith(b"\xef\xbb\xbf"):
        payload = payload[3:]
    try:
        frame = pl.read_csv(
            io.BytesIO(payload),
            separator=delimiter,
            has_header=False,
            skip_rows=header_index + 1,
            schema={f"c{i}": pl.String for i in range(width)},
            truncate_ragged_lines=True,
            quote_char='"',
            encoding="utf8-lossy",
        )
    except pl.exceptions.NoDataError:
        frame = pl.DataFrame(schema={f"c{i}": pl.String for i in range(width)})
    except Exception as exc:  # polars reports malformed quoting and similar as several types
        raise FileProblem(
            f"Berkas CSV rusak dan tidak dapat dibaca ({exc.__class__.__name__})."
        ) from exc
    if frame.height > MAX_ROWS:
        raise FileProblem(f"Berkas terlalu besar: lebih dari {MAX_ROWS:,} baris.".replace(",", "."))
    headers = [c.strip() for c in sample[header_index]]
    frame = frame.with_row_index("__row", offset=header_index + 2)
    return Table(
        header_index, headers, frame, "csv", head_rows=sample[: header_index + 1],
        delimiter=delimiter, encoding=encoding,
    )  # fmt: skip


def _check_zip(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileProblem(
            "Berkas lembar kerja rusak (arsip XLSX/ODS tidak utuh). Buka dan simpan ulang di "
            "Excel/LibreOffice, lalu unggah lagi."
        ) from exc
    total = sum(i.file_size for i in infos)
    for info in infos:
        if info.file_size > 50 * 1024 * 1024 and info.file_size > MAX_RATIO * max(
            info.compress_size, 1
        ):
            raise FileProblem(
                "Berkas ditolak: isinya mengembang tidak wajar saat dibuka "
                "(kemungkinan 'zip bomb')."
            )
    if total > MAX_UNZIPPED:
        raise FileProblem("Berkas ditolak: lembar kerja terlalu besar setelah dibuka (> 1,5 GB).")


def read_sheet(data: bytes) -> Table:
    from python_calamine import CalamineWorkbook

    if data.startswith(b"PK"):
        _check_zip(data)
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises several error types for damaged files
        raise FileProblem(
            "Berkas tidak dapat dibuka sebagai lembar kerja Excel/ODS. Pastikan berkas tidak "
            "rusak dan bukan berkas lain yang diganti namanya."
        ) from exc
    best = None
    for name in book.sheet_names[:20]:
        try:
            rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception as exc:
            raise FileProblem(f"Lembar '{name}' rusak dan tidak dapat dibaca.") from exc
        if len(rows) > MAX_ROWS + HEADER_SCAN_ROWS:
            raise FileProblem(
                f"Berkas terlalu besar: lebih dari {MAX_ROWS:,} baris.".replace(",", ".")
            )
        head = [[cell_text(c) for c in r] for r in rows[:HEADER_SCAN_ROWS]]
        score = max((header_score(r) for r in head), default=0)
        if not any(any(c for c in r) for r in head):
            continue
        if best is None or score > best[0]:
            best = (score, name, rows, head)
    if best is None:
        raise FileProblem(
            "Semua lembar kerja di berkas ini kosong: tidak ada baris judul dan data."
        )
    _score, name, rows, head = best
    width = max(len(r) for r in rows) if rows else 0
    columns = {f"c{i}": [None] * len(rows) for i in range(width)}
    for r_index, row in enumerate(rows):
        for c_index, value in enumerate(row):
            text = cell_text(value)
            if text:
                columns[f"c{c_index}"][r_index] = text
    frame = pl.DataFrame(columns, schema={k: pl.String for k in columns})
    return _finish(frame, head, "sheet", sheet_name=name)


def _finish(frame: pl.DataFrame, head: list[list[str]], kind: str, **extra) -> Table:
    if frame.height > MAX_ROWS + HEADER_SCAN_ROWS:
        raise FileProblem(f"Berkas terlalu besar: lebih dari {MAX_ROWS:,} baris.".replace(",", "."))
    header_index = find_header_row(head)
    if header_index is None:
        raise FileProblem("Berkas kosong: tidak ada baris judul maupun data.")
    header_cells = frame.row(header_index) if header_index < frame.height else ()
    headers = [(c or "").strip() for c in header_cells]
    head_rows = [
        [c or "" for c in frame.row(i)] for i in range(min(header_index + 1, frame.height))
    ]
    frame = frame.with_row_index("__row", offset=1).slice(header_index + 1)
    return Table(header_index, headers, frame, kind, head_rows=head_rows, **extra)


def read_table(name: str, data: bytes) -> Table:
    """Pick the reader by content first (renamed files are common), then by file name."""
    suffix = Path(name).suffix.lower()
    if not data:
        raise FileProblem("Berkas kosong (0 byte).")
    if data.startswith(b"PK") or data.startswith(b"\xd0\xcf\x11\xe0"):
        return read_sheet(data)
    if suffix in SPREADSHEET_SUFFIXES:
        head = data[:512].lstrip().lower()
        if head.startswith((b"<html", b"<!doctype", b"<?xml", b"<table")):
            raise FileProblem(
                "Berkas ini halaman web/XML yang diberi nama Excel, bukan lembar kerja. "
                "Buka di Excel lalu 'Simpan sebagai' XLSX."
            )
        try:
            text, _enc = decode_csv(data[:65536])
        except FileProblem:
            text = ""
        if not text or _looks_binary(text):
            raise FileProblem(
                f"Berkas bernama {suffix} tetapi isinya bukan lembar kerja "
                "(data biner atau rusak). "
                "Unggah berkas Excel/ODS asli."
            )
        return read_csv(data)  # a CSV saved with a spreadsheet name
    if suffix in TEXT_SUFFIXES or suffix == "":
        return read_csv(data)
    raise FileProblem("Format berkas tidak didukung. Gunakan XLSX, XLS, ODS atau CSV.")


def sheet_table(name: str, rows: list[list]) -> Table:
    """The Table of one worksheet's cells (as python-calamine gives them); for `sheets`,
    which reads the other sheets of a workbook."""
    width = max((len(r) for r in rows), default=0)
    columns = {f"c{i}": [None] * len(rows) for i in range(width)}
    for r_index, row in enumerate(rows):
        for c_index, value in enumerate(row):
            text = cell_text(value)
            if text:
                columns[f"c{c_index}"][r_index] = text
    frame = pl.DataFrame(columns, schema={k: pl.String for k in columns})
    head = [[cell_text(c) for c in r] for r in rows[:HEADER_SCAN_ROWS]]
    return _finish(frame, head, "sheet", sheet_name=name)
