"""Possible duplicates: the same person under another NIK or a respelled name.

Rows are blocked on (birth date, village) — a person's birth date and home village are far
more stable in village lists than the spelling of a name or a typed NIK — and compared by name
with rapidfuzz inside each block only, so a million rows cost about a million comparisons.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz, utils

# Name similarity (0-100) from which two people with the same birth date and village are sent
# to the review queue; tuned on spelling variants such as Muhamad/Muhammad, Baiq Nur/Baiq Nurul.
NAME_THRESHOLD = 88
# Below NAME_THRESHOLD, a NIK one keystroke away still marks a likely duplicate.
NIK_NEAR_THRESHOLD = 75


@dataclass(frozen=True)
class Candidate:
    key: object  # row number (file) or worker id (registry)
    nik: str
    name: str
    in_file: bool


@dataclass(frozen=True)
class Pair:
    row: int
    nik: str
    other: Candidate
    score: int
    nik_distance: int


def nik_distance(a: str, b: str) -> int:
    """Differing positions; an adjacent swap counts as one keystroke."""
    diff = [i for i in range(min(len(a), len(b))) if a[i] != b[i]]
    if (
        len(diff) == 2
        and diff[1] == diff[0] + 1
        and a[diff[0]] == b[diff[1]]
        and a[diff[1]] == b[diff[0]]
    ):
        return 1
    return len(diff) + abs(len(a) - len(b))


def similarity(a: str, b: str) -> int:
    pa, pb = utils.default_process(a), utils.default_process(b)
    return int(max(fuzz.ratio(pa, pb), fuzz.token_sort_ratio(pa, pb)))


class DuplicateFinder:
    def __init__(self):
        self.blocks: dict[tuple[dt.date, str], list[Candidate]] = defaultdict(list)

    def add_existing(self, worker_id: int, nik: str, name: str, birth: dt.date, village: str):
        self.blocks[(birth, village)].append(Candidate(worker_id, nik, name, False))

    def has_block(self, birth: dt.date, village: str) -> bool:
        """Someone (registered, or an earlier row) was already seen in this block."""
        return bool(self.blocks.get((birth, village)))

    def check(self, row: int, nik: str, name: str, birth: dt.date, village: str) -> Pair | None:
        """Compare with everything seen before in the block, then remember this row."""
        block = self.blocks[(birth, village)]
        best: Pair | None = None
        for other in block:
            if other.nik == nik:
                continue
            score = similarity(name, other.name)
            distance = nik_distance(nik, other.nik)
            close = score >= NAME_THRESHOLD or (distance <= 1 and score >= NIK_NEAR_THRESHOLD)
            if close and (best is None or (score, -distance) > (best.score, -best.nik_distance)):
                best = Pair(row, nik, other, score, distance)
        block.append(Candidate(row, nik, name, True))
        return best
