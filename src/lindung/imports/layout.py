"""Rows of an office worksheet that are not workers: column numbers under the header, the
header repeated above each block, block titles ("KECAMATAN SELONG"), subtotals ("JUMLAH")
and the signature block at the end.

Only rows whose NIK cell holds no run of five digits are candidates, so a row with a NIK
(even a damaged one) is always checked. The rest are few, and are classified in Python.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import polars as pl

from .columns import header_score
from .normalise import split_ttl

NUMBERING = "numbering"
HEADER = "header"
BLOCK = "block"
SUBTOTAL = "subtotal"
SIGNATURE = "signature"
# Shown in the preview: why rows were left out.
REASONS = {
    NUMBERING: "baris nomor kolom",
    HEADER: "baris judul yang diulang",
    BLOCK: "judul blok kecamatan/desa",
    SUBTOTAL: "baris jumlah/subtotal",
    SIGNATURE: "blok tanda tangan",
}

_NUMBER_CELL = re.compile(r"^\(?\d{1,2}\)?\.?$")
_SUBTOTAL = re.compile(r"^(?:sub\s*-?\s*total|jumlah|total|grand\s+total|rekap)\b", re.I)
_BLOCK = re.compile(r"^(?:kecamatan|kec\.?|desa|kelurahan|kel\.|dusun)\s*:?\s*\w", re.I)
_KECAMATAN = re.compile(r"^(?:kecamatan|kec\.?)\s*:?\s*(?P<name>\w.*)$", re.I)
_SIGNATURE = re.compile(
    r"^(?:mengetahui|menyetujui|kepala\s+desa|kades|lurah|camat\b|sekretaris|sekdes|"
    r"ttd\b|tertanda|yang\s+membuat|dibuat\s+oleh|pembuat|petugas|operator|a\.?\s?n\.?\s)",
    re.I,
)


@dataclass
class Skipped:
    rows: dict[int, str] = field(default_factory=dict)  # __row -> reason
    # __row -> kecamatan named by the block title above it (when no Kecamatan column).
    kecamatan: dict[int, str] = field(default_factory=dict)


def _kind(cells: list[str]) -> str | None:
    filled = [c for c in cells if c]
    if not filled:
        return None
    if len(filled) >= 3 and all(_NUMBER_CELL.match(c) for c in filled):
        return NUMBERING
    if header_score(filled) >= 3:
        return HEADER
    if any(_SUBTOTAL.match(c) for c in filled[:2]):
        return SUBTOTAL
    if len(filled) <= 2 and _BLOCK.match(filled[0]):
        return BLOCK
    if any(_SIGNATURE.match(c) for c in filled[:3]):
        return SIGNATURE
    return None


def _place_date_line(cells: list[str]) -> bool:
    """'Selong, 24 November 2026' written alone above a signature."""
    filled = [c for c in cells if c]
    return len(filled) == 1 and split_ttl(filled[0])[0] != ""


def find_skipped(frame: pl.DataFrame, nik_column: int | None) -> Skipped:
    """The rows of `frame` (columns c0..cN and __row) that are not workers."""
    out = Skipped()
    data_columns = [c for c in frame.columns if c != "__row"]
    nik = f"c{nik_column}" if nik_column is not None else None
    if nik in frame.columns:
        has_nik = pl.col(nik).fill_null("").str.contains(r"\d{5}")
    else:
        has_nik = pl.lit(False)
    marked = frame.with_columns(has_nik.alias("__has_nik"))
    last_nik = marked.filter(pl.col("__has_nik"))["__row"].max()
    candidates = marked.filter(pl.col("__has_nik").not_())
    rows = candidates["__row"].to_list()
    cells_of = zip(*(candidates[c].fill_null("").to_list() for c in data_columns), strict=True)
    previous: tuple[int, list[str]] | None = None
    in_signature = False
    for row, cells in zip(rows, cells_of, strict=True):
        cells = [c.strip() for c in cells]
        if not any(cells):
            continue
        after_last = last_nik is None or row > last_nik
        kind = SIGNATURE if in_signature else _kind(cells)
        if kind == SIGNATURE and not after_last:
            kind = None  # a signature line inside the data is still checked row by row
        if kind == SIGNATURE:
            in_signature = True
            if previous is not None and _place_date_line(previous[1]):
                out.rows[previous[0]] = SIGNATURE
        if kind == BLOCK:
            name = _KECAMATAN.match(next(c for c in cells if c))
            if name:
                out.kecamatan[row] = name["name"].strip()
        if kind is not None:
            out.rows[row] = kind
        previous = (row, cells)
    return out


def kecamatan_column(rows: pl.Series, skipped: Skipped) -> pl.Series:
    """For every row, the kecamatan of the block title above it ("" before the first)."""
    if not skipped.kecamatan:
        return pl.Series("kecamatan", [""] * len(rows), dtype=pl.String)
    titles = pl.DataFrame(
        {"__row": list(skipped.kecamatan), "kecamatan": list(skipped.kecamatan.values())},
        schema={"__row": rows.dtype, "kecamatan": pl.String},
    )
    joined = rows.to_frame("__row").join(titles, on="__row", how="left", maintain_order="left")
    return joined["kecamatan"].forward_fill().fill_null("")
