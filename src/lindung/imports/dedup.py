"""Possible duplicates at import time: the same person under another NIK or a respelled name.

Rows are blocked on (birth date, village) so a million rows cost about a million comparisons,
and each pair in a block is scored by the project's one person-matching model
(lindung.national.model: NIK and birth date by segment, names with regional variants, the
prior from the registry size): a similar name alone is not enough. People registered in another
village of the regency are found by a second pass over the regency's registry with the model's
own blocking rules (see `RegencyCandidates`); pairs of two rows of one file in different
villages are left to the regency run of the same model (`lindung find_duplicates`, nightly).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Q
from rapidfuzz import fuzz, utils

from lindung.national import model
from lindung.workers.models import Worker


@dataclass(frozen=True)
class Candidate:
    key: object  # row number (file) or worker id (registry)
    nik: str
    name: str
    in_file: bool
    record: dict = field(default_factory=dict, compare=False, repr=False)  # model.prepare()
    village: str = field(default="", compare=False)


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
        self.blocks[(birth, village)].append(
            Candidate(worker_id, nik, name, False, record, village)
        )

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


# The model's blocking rules other than the exact NIK (an exact NIK is refused earlier as
# already registered): the NIK's region and date digits, or the birth date with the first or
# the last word of the normalised name. One typo anywhere leaves one of them standing.
NIK_PREFIX = 12
QUERY_BATCH = 500
# PostgreSQL: a LATERAL subquery with OFFSET 0 is not merged into the join, so every key of
# the file is one index lookup. As a plain join, from ~50,000 keys the planner sorted the
# whole registry for a merge join instead (0.68 s at 980k workers, growing with the table).
LOOKUP_EACH = "OFFSET 0"


def _keys(record: dict) -> list[tuple]:
    keys = [("nik", record["nik"][:NIK_PREFIX])]
    born = record["birth_date"]
    if born and record["name_first"]:
        keys.append(("first", born, record["name_first"]))
    if born and record["name_last"]:
        keys.append(("last", born, record["name_last"]))
    return keys


class RegencyCandidates:
    """Registered workers anywhere in the regency who share a blocking key with a file row.

    Only the registry rows that can pair with the file are read: NIKs in the ranges of the
    file's 12-digit prefixes (the NIK index), and people born on a file row's birth date whose
    stored first or last name word is that row's (the (birth date, word) indexes). Both reads
    follow the file's keys, not the size of the registry.
    """

    def __init__(self, finder: DuplicateFinder, regency_code: str):
        self.finder = finder
        self.regency_prefix = regency_code + "."
        self.by_key: dict[tuple, list[Candidate]] = defaultdict(list)

    FIELDS = ("id", "nik", "name", "birth_date", "village_id", "sex")

    def _registry(self) -> object:
        # No ORDER BY: with the default (name, id) order SQLite walks the name index instead
        # of the NIK and birth-date indexes (2.8 s instead of 0.04 s at 100k workers). No
        # regency filter in SQL either: right after a large import PostgreSQL's statistics
        # still call it selective and the plan goes wrong; rows are kept by _add instead.
        return Worker.objects.order_by().values_list(*self.FIELDS)

    def _by_nik_prefix(self, prefixes: list[str]):
        if connection.vendor == "postgresql":
            # One index range per prefix, joined from an array: the cost follows the file,
            # not the registry. An OR of 500 NIK ranges took PostgreSQL 1-6 s at 100k
            # workers; `left(nik, 12) = ANY(...)` scans the whole table on every import.
            yield from self._select(
                "unnest(%s::text[]) AS q(p)", "w.nik >= q.p AND w.nik < q.p || ':'", [prefixes]
            )
            return
        for start in range(0, len(prefixes), QUERY_BATCH):
            ranges = Q()
            for prefix in prefixes[start : start + QUERY_BATCH]:
                # ':' sorts right after '9': [prefix, prefix + ':') is every NIK starting so.
                ranges |= Q(nik__gte=prefix, nik__lt=prefix + ":")
            yield from self._registry().filter(ranges).iterator(chunk_size=5000)

    def _select(self, source: str, condition: str, params: list):
        """PostgreSQL: registry rows for the keys in arrays (`source`), one index lookup each,
        kept to the regency in SQL: with many regencies in one database the rows of the
        others would otherwise come to Python only to be dropped (the lookups stay on the
        join's index; the village range only filters what they find)."""
        table = connection.ops.quote_name(Worker._meta.db_table)
        columns = ", ".join("w." + connection.ops.quote_name(f) for f in self.FIELDS)
        sql = (
            f"SELECT {columns} FROM {source} CROSS JOIN LATERAL (SELECT {columns} FROM {table} w"
            f" WHERE {condition} AND w.village_id >= %s AND w.village_id < %s {LOOKUP_EACH}) w"
        )
        # '/' sorts right after '.': [prefix, prefix[:-1] + '/') is every code under it.
        bounds = [self.regency_prefix, self.regency_prefix[:-1] + "/"]
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, *bounds])
            yield from cursor.fetchall()

    def _by_birth_and_word(self, column: str, pairs: list[tuple[str, str]]):
        """Registered workers born on a date whose stored first (or last) word is the one
        paired with that date; the (birth_date, word) index answers each pair."""
        if connection.vendor == "postgresql":
            births = [dt.date.fromisoformat(born) for born, _ in pairs]
            yield from self._select(
                "unnest(%s::date[], %s::text[]) AS q(b, word)",
                f"w.birth_date = q.b AND w.{column} = q.word",
                [births, [word for _, word in pairs]],
            )
            return
        step = QUERY_BATCH // 2  # two parameters a pair
        for start in range(0, len(pairs), step):
            match = Q()
            for born, word in pairs[start : start + step]:
                match |= Q(birth_date=born, **{column: word})
            yield from self._registry().filter(match).iterator(chunk_size=5000)

    def _unfilled(self, births: list[dt.date]):
        """Workers born on these dates whose words no writer has stored yet (rows written
        by raw INSERTs, e.g. `demo --no-steps`); a partial index keeps this read empty."""
        if connection.vendor == "postgresql":
            yield from self._select(
                "unnest(%s::date[]) AS q(b)",
                "w.birth_date = q.b AND w.name_first_word IS NULL",
                [births],
            )
            return
        for start in range(0, len(births), QUERY_BATCH):
            rows = self._registry().filter(
                birth_date__in=births[start : start + QUERY_BATCH], name_first_word__isnull=True
            )
            yield from rows.iterator(chunk_size=5000)

    def load(self, records: list[dict]) -> None:
        wanted = {key for record in records for key in _keys(record)}
        prefixes = sorted({key[1] for key in wanted if key[0] == "nik" and key[1]})
        seen: set[int] = set()
        self._add(self._by_nik_prefix(prefixes), wanted, seen)
        for kind, column in (("first", "name_first_word"), ("last", "name_last_word")):
            pairs = sorted((key[1], key[2]) for key in wanted if key[0] == kind)
            self._add(self._by_birth_and_word(column, pairs), wanted, seen)
        births = sorted({dt.date.fromisoformat(key[1]) for key in wanted if key[0] != "nik"})
        self._add(self._unfilled(births), wanted, seen)

    def _add(self, rows, wanted: set[tuple], seen: set[int]) -> None:
        for worker_id, nik, name, birth, village, sex in rows:
            if worker_id in seen or not village.startswith(self.regency_prefix):
                continue
            record = self.finder._record(worker_id, nik, name, birth, sex)
            keys = [key for key in _keys(record) if key in wanted]
            if not keys:
                continue
            seen.add(worker_id)
            candidate = Candidate(worker_id, nik, name, False, record, village)
            for key in keys:
                self.by_key[key].append(candidate)

    def best(self, row: int, record: dict) -> Pair | None:
        best: Pair | None = None
        compared: set[int] = set()
        for key in _keys(record):
            for other in self.by_key.get(key, ()):
                if other.key in compared or other.nik == record["nik"]:
                    continue
                compared.add(other.key)
                scored = model.score_pair(record, other.record, n_records=self.finder.n_records)
                if scored.probability < model.THRESHOLD:
                    continue
                if best is None or scored.probability > best.probability:
                    levels = {a.comparison: a.level for a in scored.agreements}
                    best = Pair(
                        row,
                        record["nik"],
                        other,
                        similarity(record["name"] or "", other.name),
                        nik_distance(record["nik"], other.nik),
                        scored.probability,
                        levels,
                    )
        return best


def regency_pairs(rows, regency_code: str, n_records: int) -> list[Pair]:
    """Pairs between file rows (row, nik, name, birth, village, sex) and registered workers in
    any village of the regency, found through the model's blocking rules."""
    finder = DuplicateFinder(n_records)
    records = [(row, finder._record(row, nik, name, birth, sex or "")) for row, nik, name, birth,
               _village, sex in rows]  # fmt: skip
    if not records:
        return []
    candidates = RegencyCandidates(finder, regency_code)
    candidates.load([record for _, record in records])
    pairs = []
    for row, record in records:
        pair = candidates.best(row, record)
        if pair is not None:
            pairs.append(pair)
    return pairs
