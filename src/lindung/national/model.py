"""The one person-matching model: import-time checks, the regency run and the national run.

A Fellegi-Sunter model (Splink) over three comparisons, each a list of levels with an m
probability (how often a true duplicate lands there) and a u probability (how often two
different people do):

* NIK with birth date. A NIK is region (digits 1-6), birth date (7-12, day + 40 for women) and
  a serial (13-16) that starts at 0001 for each birth date in each kecamatan. Its date digits
  repeat the birth date, so the two are one comparison: an agreeing birth date is counted once.
  Strangers born the same day in the same kecamatan have serials 0001 and 0002, one digit
  apart, so a one-digit difference is scored per segment (weak in the serial, stronger in the
  region or date digits), an adjacent transposition has its own level, and so has a birth date
  with day and month swapped under the same NIK.
* Name, on tokens after data/name_variants.csv (Bq./Baiq, Moh./Muhammad, Nur/Nurul; titles
  such as H., Hj., Lalu, Amaq set aside): same words; same words reordered; first word
  respelled; near spelling; same first and last word; same words but a different first name
  (siblings, twins: evidence *against*). Exact agreement is weighted by how common the name is
  (term frequency), so "Muhammad Saleh" counts for less than a rare name.
* Sex.

An exact NIK with a different name is not certain: the NIK level and the name level add up,
and a different name takes away more than the prior can spare.

The prior (probability that two random records are one person) follows the data size: with a
share `r` of records being a second entry of someone, N records hold about r*N duplicate pairs
among N(N-1)/2, so the prior is 2r/(N-1).

Candidate pairs (blocking) come from rules that each skip one field, so one typo anywhere
still leaves a rule that brings the pair together: the same NIK; the same NIK region and date
digits; the same birth date and first name word; the same birth date and last name word.

`score_pair` evaluates the same levels in Python for a handful of records (import-time), and
`predict` runs Splink (DuckDB on one machine, Spark for the national size) for many.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rapidfuzz.distance import JaroWinkler, Levenshtein

from lindung.core import personnames as names

# Share of records that are a second entry of someone already registered (import audits of
# village sheets: 1-3%); only sets the prior, see prior().
DUPLICATE_SHARE = 0.02
MIN_RECORDS = 10_000
# Probability above which a pair is proposed as a possible duplicate.
THRESHOLD = 0.8
COLUMNS = ("unique_id", "regency", "nik", "name", "birth_date", "sex")
DERIVED = (
    "birth_swap",
    "name_core",
    "name_first",
    "name_last",
    "name_rest",
    "name_sorted",
    "name_first_raw",
)


@dataclass(frozen=True)
class Level:
    key: str  # stable identifier (stored with review decisions)
    label: str  # shown to officers
    sql: str  # Splink condition over <col>_l / <col>_r
    m: float
    u: float
    test: Callable[[dict, dict], bool]
    strength: str = ""  # "kuat", "sedang", "lemah", "berlawanan": for the review page
    # Splink level when plain SQL is not portable (Jaro-Winkler is a UDF on Spark).
    splink: Callable[[], object] | None = None

    @property
    def weight(self) -> float:
        return math.log2(self.m / self.u)


@dataclass(frozen=True)
class Comparison:
    name: str
    label: str
    levels: tuple[Level, ...]  # most specific first, as Splink evaluates them
    null_sql: str
    is_null: Callable[[dict, dict], bool]
    tf_column: str | None = None


# --- NIK + birth date ------------------------------------------------------------------------


def transposed(a: str, b: str) -> bool:
    """b is a with two adjacent, different characters swapped."""
    if len(a) != len(b) or a == b:
        return False
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    return (
        len(diff) == 2
        and diff[1] == diff[0] + 1
        and a[diff[0]] == b[diff[1]]
        and a[diff[1]] == b[diff[0]]
    )


def nik_segment_typo(a: str, b: str) -> str | None:
    """Which segment holds the one differing digit ("region", "date", "serial"), else None."""
    if len(a) != 16 or len(b) != 16:
        return None
    diff = [i for i in range(16) if a[i] != b[i]]
    if len(diff) != 1:
        return None
    return "region" if diff[0] < 6 else "date" if diff[0] < 12 else "serial"


def _transposed_sql(a: str, b: str) -> str:
    swaps = [
        f"{a} = concat(substr({b}, 1, {i - 1}), substr({b}, {i + 1}, 1), substr({b}, {i}, 1), "
        f"substr({b}, {i + 2}))"
        for i in range(1, 16)
    ]
    return f"({a} <> {b} AND ({' OR '.join(swaps)}))"


def _typo_sql(start: int, length: int) -> str:
    return (
        "levenshtein(nik_l, nik_r) = 1 AND length(nik_l) = 16 AND length(nik_r) = 16 AND "
        f"substr(nik_l, {start}, {length}) <> substr(nik_r, {start}, {length})"
    )


SAME_BIRTH = "birth_date_l = birth_date_r"


def _nik_typo(segment: str, what: str, start: int, length: int, u: float, strength: str) -> Level:
    """One digit of one NIK segment differs (characters start..start+length-1, 1-based), with
    the same birth date; the segments differ only in how often that happens by chance (u)."""
    return Level(
        f"nik_typo_{segment}",
        f"{what}, tanggal lahir sama",
        f"{_typo_sql(start, length)} AND {SAME_BIRTH}",
        0.015,
        u,
        lambda a, b: (
            nik_segment_typo(a["nik"], b["nik"]) == segment and a["birth_date"] == b["birth_date"]
        ),
        strength,
    )


NIK_BIRTH = Comparison(
    "nik_birth",
    "NIK dan tanggal lahir",
    (
        Level(
            "nik_birth_exact",
            "NIK dan tanggal lahir sama",
            f"nik_l = nik_r AND {SAME_BIRTH}",
            0.85,
            7.5e-8,
            lambda a, b: a["nik"] == b["nik"] and a["birth_date"] == b["birth_date"],
            "kuat",
        ),
        Level(
            "nik_exact_dm_swap",
            "NIK sama, tanggal dan bulan lahir tertukar",
            "nik_l = nik_r AND birth_date_l = birth_swap_r",
            0.03,
            1e-10,
            lambda a, b: a["nik"] == b["nik"] and a["birth_date"] == b["birth_swap"],
            "kuat",
        ),
        Level(
            "nik_exact",
            "NIK sama, tanggal lahir berbeda",
            "nik_l = nik_r",
            0.03,
            1e-9,
            lambda a, b: a["nik"] == b["nik"],
            "kuat",
        ),
        Level(
            "nik_transposed",
            "dua digit NIK bersebelahan tertukar, tanggal lahir sama",
            f"{_transposed_sql('nik_l', 'nik_r')} AND {SAME_BIRTH}",
            0.02,
            3e-7,
            lambda a, b: transposed(a["nik"], b["nik"]) and a["birth_date"] == b["birth_date"],
            "kuat",
        ),
        _nik_typo("date", "satu digit tanggal di NIK berbeda", 7, 6, 1e-7, "kuat"),
        _nik_typo("region", "satu digit kode wilayah NIK berbeda", 1, 6, 2e-6, "sedang"),
        _nik_typo("serial", "satu digit nomor urut NIK berbeda", 13, 4, 1.5e-6, "sedang"),
        Level(
            "birth_exact",
            "tanggal lahir sama, NIK berbeda",
            SAME_BIRTH,
            0.01,
            5e-5,
            lambda a, b: a["birth_date"] == b["birth_date"],
            "lemah",
        ),
        Level(
            "nik_region",
            "wilayah NIK sama, lainnya berbeda",
            "substr(nik_l, 1, 6) = substr(nik_r, 1, 6)",
            0.005,
            0.01,
            lambda a, b: a["nik"][:6] == b["nik"][:6],
            "berlawanan",
        ),
        Level(
            "nik_birth_other",
            "NIK dan tanggal lahir berbeda",
            "",
            0.01,
            0.98995,
            lambda a, b: True,
            "berlawanan",
        ),
    ),
    "nik_l IS NULL OR nik_r IS NULL OR birth_date_l IS NULL OR birth_date_r IS NULL",
    lambda a, b: not (a["nik"] and b["nik"] and a["birth_date"] and b["birth_date"]),
)


# --- Name ------------------------------------------------------------------------------------

REST_SAME = "name_rest_l = name_rest_r AND name_rest_l <> ''"
FIRST_NEAR = (
    "levenshtein(name_first_l, name_first_r) <= 1 "
    "OR levenshtein(name_first_raw_l, name_first_raw_r) <= 1"
)


def _respelled_level():
    import splink.comparison_level_library as cll

    return cll.And(
        cll.CustomLevel(REST_SAME, base_dialect_str="duckdb"),
        cll.Or(
            cll.CustomLevel(FIRST_NEAR, base_dialect_str="duckdb"),
            cll.JaroWinklerLevel("name_first", 0.88),
        ),
    )


def _jw(a: str, b: str) -> float:
    return JaroWinkler.similarity(a, b)


NAME = Comparison(
    "name",
    "Nama",
    (
        Level(
            "name_exact",
            "nama sama",
            "name_core_l = name_core_r",
            0.74,
            1e-4,
            lambda a, b: a["name_core"] == b["name_core"],
            "kuat",
        ),
        Level(
            "name_reordered",
            "kata nama sama, urutan lain",
            "name_sorted_l = name_sorted_r",
            0.02,
            1e-6,
            lambda a, b: a["name_sorted"] == b["name_sorted"],
            "kuat",
        ),
        Level(
            "name_first_respelled",
            "kata pertama ditulis lain, sisanya sama",
            f"{REST_SAME} AND ({FIRST_NEAR} OR jaro_winkler_similarity(name_first_l, "
            "name_first_r) >= 0.88)",
            0.1,
            2.5e-4,
            lambda a, b: (
                a["name_rest"] == b["name_rest"] != ""
                and (
                    Levenshtein.distance(a["name_first"], b["name_first"]) <= 1
                    or Levenshtein.distance(a["name_first_raw"], b["name_first_raw"]) <= 1
                    or _jw(a["name_first"], b["name_first"]) >= 0.88
                )
            ),
            "kuat",
            _respelled_level,
        ),
        Level(
            "name_close",
            "nama beda satu huruf",
            "levenshtein(name_core_l, name_core_r) <= 1",
            0.07,
            1e-4,
            lambda a, b: Levenshtein.distance(a["name_core"], b["name_core"]) <= 1,
            "sedang",
        ),
        Level(
            "name_first_last",
            "kata pertama dan terakhir sama",
            "name_first_l = name_first_r AND name_last_l = name_last_r",
            0.02,
            1e-3,
            lambda a, b: a["name_first"] == b["name_first"] and a["name_last"] == b["name_last"],
            "sedang",
        ),
        Level(
            "name_first_differs",
            "nama depan lain, sisanya sama (saudara/kembar?)",
            REST_SAME,
            0.002,
            5e-3,
            lambda a, b: a["name_rest"] == b["name_rest"] != "",
            "berlawanan",
        ),
        Level("name_other", "nama berbeda", "", 0.048, 0.9936, lambda a, b: True, "berlawanan"),
    ),
    "name_core_l IS NULL OR name_core_r IS NULL OR name_core_l = '' OR name_core_r = ''",
    lambda a, b: not (a["name_core"] and b["name_core"]),
    tf_column="name_core",
)

SEX = Comparison(
    "sex",
    "Jenis kelamin",
    (
        Level(
            "sex_same",
            "jenis kelamin sama",
            "sex_l = sex_r",
            0.98,
            0.5,
            lambda a, b: a["sex"] == b["sex"],
            "lemah",
        ),
        Level("sex_other", "jenis kelamin berbeda", "", 0.02, 0.5, lambda a, b: True, "berlawanan"),
    ),
    "sex_l IS NULL OR sex_r IS NULL OR sex_l = '' OR sex_r = ''",
    lambda a, b: not (a["sex"] and b["sex"]),
)

COMPARISONS = (NIK_BIRTH, NAME, SEX)


# --- Records ---------------------------------------------------------------------------------


def swapped_date(iso: str) -> str | None:
    """YYYY-DD-MM for YYYY-MM-DD when that is a real, different date (day <= 12)."""
    try:
        day = dt.date.fromisoformat(iso)
        other = day.replace(month=day.day, day=day.month)
    except (TypeError, ValueError):
        return None
    return other.isoformat() if other != day else None


def prepare(record: dict, cache: dict | None = None) -> dict:
    """A record with the derived columns the comparisons read (normalised name, swap date)."""
    raw = record.get("name") or ""
    name = cache.get(raw) if cache is not None else None
    if name is None:
        name = names.normalise(raw)
        if cache is not None:
            cache[raw] = name
    birth = record.get("birth_date")
    birth = birth.isoformat() if isinstance(birth, dt.date) else (birth or "")
    return {
        **{c: record.get(c) for c in COLUMNS},
        "unique_id": str(record["unique_id"]),
        "nik": (record.get("nik") or "").strip(),
        "birth_date": birth,
        "sex": record.get("sex") or "",
        "birth_swap": swapped_date(birth),
        "name_core": name.core,
        "name_first": name.first,
        "name_last": name.last,
        "name_rest": name.rest,
        "name_sorted": name.sorted,
        "name_first_raw": name.first_raw,
    }


def prior(n_records: int, share: float = DUPLICATE_SHARE) -> float:
    """Probability that two records drawn at random are one person, for N records (at least
    MIN_RECORDS: a handful of rows says nothing about how rare duplicates are, and the u
    probabilities above describe a regency-sized population)."""
    n = max(n_records, MIN_RECORDS)
    return 2 * share / (n - 1)


# --- Python scoring (few records) ------------------------------------------------------------


@dataclass(frozen=True)
class Agreement:
    comparison: str
    label: str  # comparison label
    level: str  # level key
    level_label: str
    strength: str
    weight: float  # bits of evidence


@dataclass(frozen=True)
class Score:
    probability: float
    agreements: tuple[Agreement, ...]


def level_of(comparison: Comparison, a: dict, b: dict) -> Level | None:
    if comparison.is_null(a, b):
        return None
    return next(level for level in comparison.levels if level.test(a, b))


def score_pair(
    a: dict, b: dict, *, n_records: int, name_frequency: Callable[[str], float] | None = None
) -> Score:
    """The model's probability for two prepared records (see prepare), with each comparison's
    level. `name_frequency(core)` gives the share of records with that name (term frequency);
    without it the level's own u is used."""
    p = prior(n_records)
    total = math.log2(p / (1 - p))
    out = []
    for comparison in COMPARISONS:
        level = level_of(comparison, a, b)
        if level is None:
            out.append(Agreement(comparison.name, comparison.label, "null", "tidak diisi", "", 0.0))
            continue
        weight = level.weight
        if comparison.tf_column and level is comparison.levels[0] and name_frequency:
            weight = math.log2(level.m / max(name_frequency(a[comparison.tf_column]), 1e-9))
        total += weight
        out.append(
            Agreement(
                comparison.name, comparison.label, level.key, level.label, level.strength, weight
            )
        )
    return Score(1 / (1 + 2 ** (-total)), tuple(out))


def levels_by_key() -> dict[str, tuple[Comparison, Level]]:
    return {level.key: (c, level) for c in COMPARISONS for level in c.levels}


# --- Splink ----------------------------------------------------------------------------------


def splink_comparisons(term_frequencies: bool = True) -> list:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    out = []
    for comparison in COMPARISONS:
        levels = [
            cll.CustomLevel(comparison.null_sql, "kosong", base_dialect_str="duckdb").configure(
                is_null_level=True
            )
        ]
        for i, level in enumerate(comparison.levels):
            if level.splink:
                creator = level.splink()
            elif level.sql:
                creator = cll.CustomLevel(level.sql, level.key, base_dialect_str="duckdb")
            else:
                creator = cll.ElseLevel()
            extra = {}
            if comparison.tf_column and i == 0 and term_frequencies:
                extra = {"tf_adjustment_column": comparison.tf_column, "tf_adjustment_weight": 1.0}
            levels.append(
                creator.configure(
                    m_probability=level.m,
                    u_probability=level.u,
                    label_for_charts=level.key,
                    **extra,
                )
            )
        out.append(
            cl.CustomComparison(
                levels, output_column_name=comparison.name, comparison_description=comparison.label
            )
        )
    return out


def blocking_rules() -> list:
    """Each rule leaves out one field, so one typo anywhere keeps a rule that pairs them."""
    from splink import block_on

    return [
        block_on("nik"),
        block_on("substr(nik, 1, 12)"),  # serial typo, any name
        block_on("birth_date", "name_first"),  # NIK typo, last word respelled
        block_on("birth_date", "name_last"),  # NIK typo, first word respelled or dropped
    ]


def settings(n_records: int):
    """Splink settings for N records. Below MIN_RECORDS the frequency of a name in the data
    says nothing (two records with one name would make that name "common"): no adjustment."""
    from splink import SettingsCreator

    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        blocking_rules_to_generate_predictions=blocking_rules(),
        comparisons=splink_comparisons(term_frequencies=n_records >= MIN_RECORDS),
        probability_two_random_records_match=prior(n_records),
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=False,
    )


def arrow_table(records):
    """The records with the derived columns, as an Arrow table for Splink: the same values as
    prepare() gives one record, computed a column at a time (a million rows in seconds).
    `records`: dicts with COLUMNS, or an Arrow table holding them."""
    import polars as pl

    if hasattr(records, "num_rows"):
        frame = pl.from_arrow(records)
    else:
        records = list(records)
        frame = pl.DataFrame(
            {c: [r.get(c) for r in records] for c in COLUMNS}, strict=False, nan_to_null=True
        )
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"kolom wajib tidak ada: {', '.join(missing)}")
    if frame["unique_id"].n_unique() != frame.height:
        raise ValueError("unique_id harus unik")
    birth = pl.col("birth_date")
    birth = birth.dt.to_string("%Y-%m-%d") if frame.schema["birth_date"] == pl.Date else birth
    frame = frame.with_columns(
        pl.col("unique_id").cast(pl.String),
        pl.col("regency").cast(pl.String),
        pl.col("nik").cast(pl.String).str.strip_chars().replace("", None),
        birth.cast(pl.String).replace("", None).alias("birth_date"),
        pl.col("sex").cast(pl.String).replace("", None),
        pl.col("name").cast(pl.String).fill_null(""),
    )
    day = pl.col("birth_date").str.to_date("%Y-%m-%d", strict=False)
    frame = frame.with_columns(
        pl.when((day.dt.day() <= 12) & (day.dt.day() != day.dt.month()))
        .then(pl.date(day.dt.year(), day.dt.day(), day.dt.month()).dt.to_string("%Y-%m-%d"))
        .otherwise(None)
        .alias("birth_swap")
    )
    # Names repeat: normalise each distinct spelling once.
    spellings = frame["name"].unique().to_list()
    table = names.table()
    normal = [names.normalise(n, table) for n in spellings]
    lookup = pl.DataFrame(
        {
            "name": spellings,
            "name_core": [n.core for n in normal],
            "name_first": [n.first for n in normal],
            "name_last": [n.last for n in normal],
            "name_rest": [n.rest for n in normal],
            "name_sorted": [n.sorted for n in normal],
            "name_first_raw": [n.first_raw for n in normal],
        }
    )
    frame = frame.join(lookup, on="name", how="left", maintain_order="left")
    return frame.select(*COLUMNS, *DERIVED).to_arrow()


def duckdb_api(threads: int = 2, memory_limit: str | None = None):
    import duckdb
    from splink import DuckDBAPI

    con = duckdb.connect()
    con.execute(f"SET threads = {int(threads)}")
    if memory_limit:
        con.execute(f"SET memory_limit = '{memory_limit}'")
    return DuckDBAPI(connection=con)


@dataclass(frozen=True)
class Prediction:
    left: str
    right: str
    probability: float
    levels: dict[str, str]  # comparison -> level key ("null" when a side is empty)


def _level_from_weight(comparison: Comparison, weight: float | None) -> str:
    """Splink reports each comparison's match weight; every level has its own (null: 0)."""
    if weight is None or abs(weight) < 1e-9:
        return "null"
    return min(comparison.levels, key=lambda level: abs(level.weight - weight)).key


def predict(
    records: Sequence[dict] | object,
    *,
    db_api=None,
    threshold: float = THRESHOLD,
    n_records: int | None = None,
) -> list[Prediction]:
    """Pairs scored at or above `threshold`, most probable first. `records`: dicts with COLUMNS,
    or an Arrow table with COLUMNS (with or without the derived ones of arrow_table())."""
    from splink import Linker

    prepared = hasattr(records, "num_rows") and "name_core" in records.column_names
    table = records if prepared else arrow_table(records)
    n = n_records or table.num_rows
    if n < 2:
        return []
    api = db_api or duckdb_api()
    linker = Linker(api.register(table), settings(n), log_level="WARNING")
    frame = linker.inference.predict(threshold_match_probability=threshold)
    out = []
    for row in frame.as_record_list():
        left, right = sorted((str(row["unique_id_l"]), str(row["unique_id_r"])))
        named = {c.name: _level_from_weight(c, row[f"mw_{c.name}"]) for c in COMPARISONS}
        out.append(Prediction(left, right, float(row["match_probability"]), named))
    return sorted(out, key=lambda p: (-p.probability, p.left, p.right))
