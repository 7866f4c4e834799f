# ruff: noqa: E501 (the OOXML boilerplate is clearer on one line per part)
"""A corpus of hostile uploads, generated (never committed): `python scripts/hostile_corpus.py DIR`.

Each entry is (file name, kind, builder); kind is "table" (spreadsheet/CSV uploads) or "photo"
(outreach activity photos). Builders return bytes; the big ones are small on disk because they
are compressed or sparse, except the 2M+1-row CSV (4 MB), built only when asked for.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)
SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _sheet(rows_xml: str, *, dimension: str = "", prolog: str = "") -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}'
        f'<worksheet xmlns="{SHEET_NS}">{dim}<sheetData>{rows_xml}</sheetData></worksheet>'
    )


def xlsx(sheet_xml: str | bytes, extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal workbook around one worksheet part (calamine and Excel open it)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return out.getvalue()


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def sparse_range() -> bytes:
    """One cell at A2 and one at XFD1048576: calamine would allocate 17 billion cells."""
    rows = f'<row r="2">{_cell("A2", "NIK")}</row><row r="1048576">{_cell("XFD1048576", "x")}</row>'
    return xlsx(_sheet(rows))


def sparse_far_down() -> bytes:
    """Columns A..Z used at row 1 and a cell at Z2000000: 52 million cells for 2 values."""
    rows = f'<row r="1">{_cell("A1", "NIK")}</row><row r="2000000">{_cell("Z2000000", "x")}</row>'
    return xlsx(_sheet(rows))


def lying_dimension() -> bytes:
    """A small sheet declaring the whole grid as its dimension."""
    rows = f'<row r="1">{_cell("A1", "NIK")}{_cell("B1", "Nama")}</row>'
    return xlsx(_sheet(rows, dimension="A1:XFD1048576"))


def _bomb_sheet(megabytes: int) -> bytes:
    head = _sheet("").split("<sheetData>")[0].encode() + b"<sheetData>"
    return head + b" " * (megabytes * 1024 * 1024) + b"</sheetData></worksheet>"


def zip_bomb_true_sizes() -> bytes:
    """A worksheet of 120 MB of blanks, declared honestly in the zip headers (~120 KB)."""
    return xlsx(_bomb_sheet(120))


def zip_bomb_false_sizes() -> bytes:
    """The same bomb, but the headers claim the worksheet inflates to 10 KB."""
    data = bytearray(zip_bomb_true_sizes())
    archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = archive.getinfo("xl/worksheets/sheet1.xml")
    fake = struct.pack("<I", 10_240)
    # Local file header: uncompressed size at offset 22.
    data[info.header_offset + 22 : info.header_offset + 26] = fake
    # Central directory entry: find it by its signature and file name.
    name = info.filename.encode()
    at = data.rfind(b"PK\x01\x02", 0, data.rfind(name))
    data[at + 24 : at + 28] = fake
    return bytes(data)


def entity_expansion() -> bytes:
    """Billion laughs in the worksheet's DOCTYPE."""
    entities = '<!ENTITY a0 "ha">' + "".join(
        f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    )
    prolog = f"<!DOCTYPE worksheet [{entities}]>"
    return xlsx(_sheet(f'<row r="1">{_cell("A1", "&a9;")}</row>', prolog=prolog))


def external_entity() -> bytes:
    """An external entity pointing at a server file."""
    prolog = '<!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    return xlsx(_sheet(f'<row r="1">{_cell("A1", "&x;")}</row>', prolog=prolog))


def ods_repeated() -> bytes:
    """An ODS cell with a value, repeated over 16,384 columns and 1,000,000 rows."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
        '<office:body><office:spreadsheet><table:table table:name="Data">'
        '<table:table-row table:number-rows-repeated="1000000">'
        '<table:table-cell table:number-columns-repeated="16384" office:value-type="string">'
        "<text:p>x</text:p></table:table-cell></table:table-row>"
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        archive.writestr("content.xml", content)
        archive.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>',
        )
    return out.getvalue()


HEADER = "NIK,Nama,Jenis Kelamin,Tanggal Lahir,Desa\n"
ROW = "5203071403850001,Budi,L,14-03-1985,Pancor\n"


def html_named_xlsx() -> bytes:
    return b"<html><body><table><tr><td>NIK</td><td>Nama</td></tr></table></body></html>"


def csv_named_xlsx_with_nul() -> bytes:
    """A CSV saved under a spreadsheet name, carrying NUL bytes."""
    return (HEADER + ROW).encode().replace(b"Budi", b"Bu\x00di")


def nul_bytes_csv() -> bytes:
    return (HEADER + ROW * 3).encode().replace(b"Budi", b"Bu\x00\x00di")


def utf16_csv() -> bytes:
    return (HEADER + ROW * 3).encode("utf-16")


def rows_2m_plus_1() -> bytes:
    """2,000,001 data rows (4 MB of CSV): more than any upload may carry."""
    return HEADER.encode() + b"1\n" * 2_000_001


# --- photos ----------------------------------------------------------------------------------


def _png(width: int, height: int) -> bytes:
    """A 1-bit PNG of width x height blank pixels, compressed to almost nothing."""
    raw_row = b"\x00" + b"\x00" * ((width + 7) // 8)
    compressor = zlib.compressobj(9)
    body = b"".join(compressor.compress(raw_row) for _ in range(height)) + compressor.flush()

    def chunk(kind: bytes, payload: bytes) -> bytes:
        crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
    )


def huge_image() -> bytes:
    """A 30,000 x 30,000 pixel PNG (900 megapixels, 2.7 GB as RGB) in ~100 KB."""
    return _png(30_000, 30_000)


def svg_photo() -> bytes:
    return b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'


def _jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (32, 32), (200, 10, 10)).save(out, "JPEG")
    return out.getvalue()


def polyglot_jpeg_html() -> bytes:
    """A real JPEG with an HTML page appended (browsers sniffing content would run it)."""
    return _jpeg() + b"<html><script>alert(document.cookie)</script></html>"


def polyglot_jpeg_zip() -> bytes:
    """A real JPEG with a zip archive appended (GIFAR-style)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("x.html", "<script>alert(1)</script>")
    return _jpeg() + out.getvalue()


TABLES: dict[str, Callable[[], bytes]] = {
    "sparse_range.xlsx": sparse_range,
    "sparse_far_down.xlsx": sparse_far_down,
    "lying_dimension.xlsx": lying_dimension,
    "zip_bomb_true_sizes.xlsx": zip_bomb_true_sizes,
    "zip_bomb_false_sizes.xlsx": zip_bomb_false_sizes,
    "entity_expansion.xlsx": entity_expansion,
    "external_entity.xlsx": external_entity,
    "ods_repeated.ods": ods_repeated,
    "html_named.xlsx": html_named_xlsx,
    "csv_named_nul.xlsx": csv_named_xlsx_with_nul,
    "nul_bytes.csv": nul_bytes_csv,
    "utf16.csv": utf16_csv,
    "rows_2m_plus_1.csv": rows_2m_plus_1,
}
PHOTOS: dict[str, Callable[[], bytes]] = {
    "huge_image.png": huge_image,
    "svg_photo.jpg": svg_photo,
    "polyglot_html.jpg": polyglot_jpeg_html,
    "polyglot_zip.jpg": polyglot_jpeg_zip,
}


def write(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, build in {**TABLES, **PHOTOS}.items():
        path = directory / name
        path.write_bytes(build())
        paths.append(path)
    return paths
