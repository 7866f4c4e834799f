"""Person names reduced to comparable tokens: one spelling per given name, titles set aside.

Village sheets write the same person as "Bq. Nur Aini", "Baiq Nurul Aini" or "NURUL AINI";
"H. Moh. Saleh" and "Muhammad Saleh" are one man. The spellings and titles live in
data/name_variants.csv (editable; a row per spelling), not in this code.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

VARIANTS_FILE = Path(__file__).with_name("data") / "name_variants.csv"
_WORD = re.compile(r"[a-z]+")


@dataclass(frozen=True)
class NameTable:
    canonical: dict[str, str]  # spelling -> canonical given name
    titles: frozenset[str]  # spellings of titles (dropped from the comparable name)


@cache
def table(path: Path = VARIANTS_FILE) -> NameTable:
    canonical: dict[str, str] = {}
    titles: set[str] = set()
    with path.open(encoding="utf-8") as fh:
        rows = csv.DictReader(line for line in fh if not line.startswith("#"))
        for row in rows:
            variant = row["variant"].strip().lower()
            if row["kind"].strip() == "title":
                titles.add(variant)
            else:
                canonical[variant] = row["canonical"].strip().lower()
    return NameTable(canonical, frozenset(titles))


def words(name: str) -> list[str]:
    """Lower-case ASCII words ("Bq. Nur'aini" -> ["bq", "nur", "aini"])."""
    text = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().lower()
    return _WORD.findall(text.replace("'", "").replace("`", ""))


@dataclass(frozen=True)
class Name:
    core: str  # canonical given names, titles removed, in order
    first: str
    last: str
    rest: str  # core without its first word
    sorted: str  # core words in alphabetical order
    first_raw: str = ""  # first word as written (before mapping to the canonical spelling)

    @property
    def words(self) -> list[str]:
        return self.core.split()


def normalise(name: str, names: NameTable | None = None) -> Name:
    names = names or table()
    raw = [w for w in words(name) if w not in names.titles] or words(name)
    core = [names.canonical.get(w, w) for w in raw]
    if not core:
        return Name("", "", "", "", "")
    return Name(
        " ".join(core), core[0], core[-1], " ".join(core[1:]), " ".join(sorted(core)), raw[0]
    )


def first_last(name: str) -> tuple[str, str]:
    """The first and last normalised words: the words the duplicate check's birth-date rules
    block on (stored on each worker so that read is an index lookup)."""
    normal = normalise(name)
    return normal.first, normal.last
