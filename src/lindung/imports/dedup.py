"""Possible duplicates at import time: the same person under another NIK or a respelled name.

Rows are blocked on (birth date, village) so a million rows cost about a million comparisons,
and each pair in a block is scored by the project's one person-matching model
(lindung.national.model: NIK and birth date by segment, names with regional variants, the
prior from the registry size): a similar name alone is not enough. People registered in another
village of the regency are found by the regency run of the same model (`lindung
find_duplicates`, nightly).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from rapidfuzz import fuzz, utils

from lindung.national import model


@dataclass(frozen=True)
class Candidate:
    key: object  # row number (file) or worker id (registry)
    nik: str
    name: str
    in_file: bool
    record: dict = field(default_factory=dict, compare=False, repr=False)  # model.prepare()


@dataclass(frozen=True)
class Pair:
    row: int
    nik: str
    other: Candidate
    score: int  # name similarity 0-100 (shown in the queue)
    nik_distance: int
    probability: float = 0.0
    levels: dict = field(default_factory=dict, compare=False)


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
    def __init__(self, n_records: int = 2):
        self.blocks: dict[tuple[dt.date, str], list[Candidate]] = defaultdict(list)
        self.n_records = max(n_records, 2)  # sets the model's prior
        self.names: dict = {}

    def _record(self, key, nik: str, name: str, birth: dt.date, sex: str) -> dict:
        raw = {"unique_id": key, "nik": nik, "name": name, "birth_date": birth, "sex": sex}
        return model.prepare(raw, self.names)

    def add_existing(self, worker_id: int, nik: str, name: str, birth: dt.date, village: str,
                     sex: str = ""):  # fmt: skip
        record = self._record(worker_id, nik, name, birth, sex)
        self.blocks[(birth, village)].append(Candidate(worker_id, nik, name, False, record))

    def has_block(self, birth: dt.date, village: str) -> bool:
        """Someone (registered, or an earlier row) was already seen in this block."""
        return bool(self.blocks.get((birth, village)))

    def check(self, row: int, nik: str, name: str, birth: dt.date, village: str,
              sex: str = "") -> Pair | None:  # fmt: skip
        """Compare with everything seen before in the block, then remember this row."""
        block = self.blocks[(birth, village)]
        record = self._record(row, nik, name, birth, sex)
        best: Pair | None = None
        for other in block:
            if other.nik == nik:
                continue
            scored = model.score_pair(record, other.record, n_records=self.n_records)
            if scored.probability < model.THRESHOLD:
                continue
            if best is None or scored.probability > best.probability:
                levels = {a.comparison: a.level for a in scored.agreements}
                best = Pair(row, nik, other, similarity(name, other.name),
                            nik_distance(nik, other.nik), scored.probability, levels)  # fmt: skip
        block.append(Candidate(row, nik, name, True, record))
        return best
