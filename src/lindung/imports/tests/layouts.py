"""Worker lists laid out as offices send them, built from the same rows as a plain file.

Each builder returns the file's bytes and `positions`: (sheet, row as the operator sees it)
-> NIK, so the problems of any layout can be compared with those of the plain file.
"""

from __future__ import annotations

import datetime as dt
import io

import openpyxl

from .helpers import HEADER, person

Positions = dict[tuple[str | None, int], str]
SELONG = {"Desa/Kelurahan": "Danggen Timur", "Kecamatan": "Selong"}
PANCOR = {"Desa/Kelurahan": "Pancor", "Kecamatan": "Selong"}
TANJUNG = {"Desa/Kelurahan": "Tanjung Luar", "Kecamatan": "Keruak"}


def sample_groups() -> list[tuple[str, list[dict]]]:
    """Three groups (dusun or village) with good rows, rejected rows, warnings, a NIK given
    twice in different groups and a possible duplicate across groups."""
    born = dt.date(1984, 2, 3)
    twin = person(birth=born, name="Muhammad Zainul Arifin", serial=700, **SELONG)
    lauq = [
        twin,
        person(serial=701, **SELONG),
        person(serial=702, **SELONG, **{"Tgl Lahir": "kemarin"}),  # birthdate_invalid
        person(serial=703, **SELONG, **{"No HP": "0812"}),  # phone_invalid (warning)
    ]
    daya = [
        person(serial=704, **SELONG),
        dict(twin),  # the same NIK again, in another sheet: duplicate_in_file
        person(birth=born, name="Muhamad Zainul Arifin", serial=705, **SELONG),  # possible dup
        person(serial=706, **SELONG, NIK="5203071403850"),  # nik_format
    ]
    keruak = [
        person(serial=707, **TANJUNG),
        person(serial=708, **TANJUNG, Penghasilan="Rp 300.000"),  # income_adjusted
        person(serial=709, **PANCOR),
        person(serial=710, **{**TANJUNG, "Desa/Kelurahan": "Atlantis"}),  # village_unknown
    ]
    return [("Dusun Lauq", lauq), ("Dusun Daya", daya), ("Dusun Tengak", keruak)]


def _save(book: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _append(sheet, values) -> int:
    sheet.append(list(values))
    return sheet.max_row


def plain_csv(groups) -> tuple[bytes, Positions]:
    """All rows in one plain sheet (CSV), in group order: the reference."""
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    positions: Positions = {}
    row = 1
    for _name, rows in groups:
        for values in rows:
            writer.writerow([values.get(h, "") for h in HEADER])
            row += 1
            positions[(None, row)] = values["NIK"]
    return buffer.getvalue().encode(), positions


def _signature(sheet, width: int) -> None:
    pad = [None] * (width - 2)
    sheet.append([])
    sheet.append([*pad, "Selong, 24 November 2026"])
    sheet.append([None, "Mengetahui,", *pad[:-1], "Yang membuat,"])
    sheet.append([None, "Kepala Desa Danggen Timur", *pad[:-1], "Operator Desa"])
    sheet.append([])
    sheet.append([None, "(H. LALU MUHAMMAD)", *pad[:-1], "(BAIQ NURUL)"])


def _notes(book) -> None:
    notes = book.create_sheet("Catatan")
    notes.append(["Petunjuk pengisian"])
    notes.append(["1. NIK diketik sebagai teks, 16 digit."])
    notes.append(["2. Tanggal lahir hh-bb-tttt."])


def _recap(book, groups) -> None:
    recap = book.create_sheet("REKAP")
    recap.append(["REKAPITULASI PER DUSUN"])
    recap.append(["No", "Dusun", "Desa", "Jumlah"])
    for number, (name, rows) in enumerate(groups, start=1):
        recap.append([number, name, "Danggen Timur", len(rows)])
    pivot = book.create_sheet("Pivot")
    pivot.append(["Row Labels", "Count of NIK"])
    pivot.append(["Danggen Timur", 9])
    pivot.append(["Grand Total", 12])


def sheet_per_dusun(groups, header=HEADER, ttl: bool = False) -> tuple[bytes, Positions]:
    """One sheet per dusun with titles, column numbers, a subtotal and a signature; plus
    notes, recap and pivot sheets. With `ttl`, birth date as 'Place, date' under 'TTL'."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    _notes(book)
    positions: Positions = {}
    columns = ["No", *(("TTL" if ttl and h == "Tgl Lahir" else h) for h in header)]
    for name, rows in groups:
        sheet = book.create_sheet(name)
        sheet.append([f"DAFTAR PEKERJA RENTAN {name.upper()}"])
        sheet.append(["DESA DANGGEN TIMUR KECAMATAN SELONG"])
        sheet.append([])
        sheet.append(columns)
        sheet.append([f"({i})" for i in range(1, len(columns) + 1)])
        for number, values in enumerate(rows, start=1):
            cells = [values.get(h, "") for h in header]
            if ttl:
                born = values["Tgl Lahir"]
                cells[header.index("Tgl Lahir")] = f"Selong, {born}"
            positions[(name, _append(sheet, [number, *cells]))] = values["NIK"]
        sheet.append(["JUMLAH", None, None, None, None, None, None, None, len(rows)])
        _signature(sheet, len(columns))
    _recap(book, groups)
    return _save(book), positions


COMPILED_HEADER = [
    "NO", "NIK", "NAMA LENGKAP", "L/P", "TEMPAT/TGL LAHIR", "DESA/KEL", "PEKERJAAN",
    "PENGHASILAN", "NO HP",
]  # fmt: skip


def compiled_regency(groups) -> tuple[bytes, Positions]:
    """One sheet for the regency: kecamatan blocks one after another (title, header again,
    rows, subtotal), a DESA/KEL column and no Kecamatan column, TTL birth column; then a
    grand total and a signature; plus a recap sheet."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "REKAP KABUPATEN"
    sheet.append(["DAFTAR PEKERJA RENTAN KABUPATEN LOMBOK TIMUR TAHUN 2026"])
    sheet.append([])
    sheet.append(COMPILED_HEADER)
    positions: Positions = {}
    rows = [values for _name, group in groups for values in group]
    blocks: dict[str, list[dict]] = {}
    for values in rows:  # kecamatan blocks, rows in their order within each block
        blocks.setdefault(values["Kecamatan"], []).append(values)
    first = True
    for kecamatan, block in blocks.items():
        sheet.append([f"KECAMATAN {kecamatan.upper()}"])
        if not first:
            sheet.append(COMPILED_HEADER)
        first = False
        for number, values in enumerate(block, start=1):
            cells = [
                number, values["NIK"], values["Nama Lengkap"], values["L/P"],
                f"LOTIM, {values['Tgl Lahir']}", values["Desa/Kelurahan"], values["Pekerjaan"],
                values["Penghasilan"], values["No HP"],
            ]  # fmt: skip
            positions[("REKAP KABUPATEN", _append(sheet, cells))] = values["NIK"]
        sheet.append([None, f"JUMLAH KEC. {kecamatan.upper()}", None, None, None, None, None,
                      len(block)])  # fmt: skip
    sheet.append([None, "TOTAL", None, None, None, None, None, len(rows)])
    _signature(sheet, len(COMPILED_HEADER))
    _recap(book, groups)
    return _save(book), positions


def block_order(groups) -> list[tuple[str, list[dict]]]:
    """The groups' rows in the order `compiled_regency` writes them (by kecamatan block)."""
    blocks: dict[str, list[dict]] = {}
    for _name, group in groups:
        for values in group:
            blocks.setdefault(values["Kecamatan"], []).append(values)
    return list(blocks.items())
