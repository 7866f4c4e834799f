"""Cross-regency deduplication with Splink: the same person registered in two regencies.

Each regency keeps NIK unique inside its own registry (and its own partition, see
`partitioning`), but nobody checks across regencies: a seasonal worker from Lombok Timur
registered again in Lombok Barat with one digit of the NIK mistyped and "Muhamad" for
"Muhammad" is two participants and two contributions. This module scores candidate pairs with a
Fellegi-Sunter model (Splink) and returns those above a threshold.

    records = worker_records(Worker.objects.all())          # or rows from each regency's export
    matches = find_duplicates(records, backend="spark")     # Spark: the national run
    groups = clusters(matches)

Backends: `spark` (pyspark, local mode in tests, a cluster for 90 million rows) and `duckdb`
(one machine; same SQL, same scores). Install with `pip install -e '.[national]'`; Spark needs a
Java runtime (Debian: default-jre-headless).

Candidate pairs (blocking, see `blocking_rules`): same birth date or same NIK on samples; NIK
prefix, NIK, or birth date + name prefix for the national run. Comparisons: NIK (exact, 1 or 2
edits), normalised name (Jaro-Winkler >= 0.92 / 0.80), sex, birth date. The m/u probabilities
below are priors set from how registries go wrong (a NIK typed with one wrong digit, a respelled
name); `train=True` re-estimates them from the data (u by random sampling, m by EM), which needs
tens of thousands of records to be stable.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

COLUMNS = ("unique_id", "regency", "nik", "name", "birth_date", "sex")
# Spellings of the same given name seen in village sheets; mapped to one form before comparing.
NAME_VARIANTS = {
    "muhamad": "muhammad",
    "mohammad": "muhammad",
    "mohamad": "muhammad",
    "moh": "muhammad",
    "muh": "muhammad",
    "md": "muhammad",
    "m": "muhammad",
    "abd": "abdul",
    "siti": "siti",
    "st": "siti",
    "nurul": "nurul",
    "hj": "",
    "h": "",
    "haji": "",
    "hajjah": "",
}


@dataclass(frozen=True)
class Match:
    left: str
    right: str
    probability: float
    nik_level: str  # "sama", "beda 1 digit", "beda 2 digit", "lain"
    name_level: str


def normalise_name(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = [NAME_VARIANTS.get(w, w) for w in re.findall(r"[a-z]+", text)]
    return " ".join(w for w in words if w)


def worker_records(workers) -> list[dict]:
    """Records from Worker rows (any iterable with nik, name, birth_date, sex, village_id, pk)."""
    return [
        {
            "unique_id": f"{w.village_id[:5]}:{w.pk}",
            "regency": w.village_id[:5],
            "nik": w.nik,
            "name": w.name,
            "birth_date": w.birth_date.isoformat(),
            "sex": w.sex,
        }
        for w in workers
    ]


def blocking_rules(kind: str = "sample") -> list:
    """Which pairs get scored at all.

    sample:   same birth date, or same NIK (fine for thousands of records);
    national: same first 12 NIK digits (issuing kecamatan + birth date, so serial typos meet),
              same NIK, or same birth date and first four letters of the normalised name. Birth
              date alone gives blocks of thousands of people at 90 M records, and pairs grow
              with the square of the block.
    """
    from splink import block_on

    if kind == "sample":
        return [block_on("birth_date"), block_on("nik")]
    if kind == "national":
        return [
            block_on("substr(nik, 1, 12)"),
            block_on("nik"),
            block_on("birth_date", "substr(name_norm, 1, 4)"),
        ]
    raise ValueError(f"aturan blocking tidak dikenal: {kind!r} (pilih sample atau national)")


def settings(*, priors: bool = True, blocking: str = "sample"):
    import splink.comparison_library as cl
    from splink import SettingsCreator

    nik = cl.LevenshteinAtThresholds("nik", [1, 2])
    name = cl.JaroWinklerAtThresholds("name_norm", [0.92, 0.80])
    sex = cl.ExactMatch("sex")
    birth = cl.ExactMatch("birth_date")
    if priors:
        # Levels: exact, <=1 edit, <=2 edits, else (NIK); >=0.92, >=0.80, else (name).
        # A NIK one digit away is weaker evidence than it looks: twins and neighbours born on
        # the same day in the same kecamatan differ only in the serial, so the name decides.
        nik.configure(m_probabilities=[0.70, 0.20, 0.05, 0.05],
                      u_probabilities=[1e-7, 1e-4, 1e-3, 1 - 1.1001e-3])  # fmt: skip
        name.configure(m_probabilities=[0.60, 0.30, 0.09, 0.01],
                       u_probabilities=[0.002, 0.01, 0.05, 0.938])  # fmt: skip
        sex.configure(m_probabilities=[0.98, 0.02], u_probabilities=[0.5, 0.5])
        birth.configure(m_probabilities=[0.95, 0.05], u_probabilities=[1 / 15000, 1 - 1 / 15000])
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        blocking_rules_to_generate_predictions=blocking_rules(blocking),
        comparisons=[nik, name, sex, birth],
        probability_two_random_records_match=1e-5,
        retain_intermediate_calculation_columns=False,
    )


def spark_session(master: str = "local[2]", app_name: str = "lindung-dedup"):
    """A Spark session with Splink's similarity UDFs (Jaro-Winkler) on the class path."""
    from pyspark.sql import SparkSession
    from splink.internals.spark.jar_location import similarity_jar_location

    spark = (
        SparkSession.builder.master(master)
        .appName(app_name)
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.default.parallelism", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _db_api(backend: str, spark=None, checkpoint_dir: str | None = None):
    if backend == "duckdb":
        from splink import DuckDBAPI

        return DuckDBAPI()
    if backend == "spark":
        import tempfile

        from splink import SparkAPI

        spark = spark or spark_session()
        spark.sparkContext.setCheckpointDir(checkpoint_dir or tempfile.mkdtemp(prefix="splink-"))
        return SparkAPI(spark_session=spark)
    raise ValueError(f"backend tidak dikenal: {backend!r} (pilih spark atau duckdb)")


def _table(records: Sequence[dict]):
    import pyarrow as pa

    missing = [c for c in COLUMNS if records and c not in records[0]]
    if missing:
        raise ValueError(f"kolom wajib tidak ada: {', '.join(missing)}")
    ids = [r["unique_id"] for r in records]
    if len(set(ids)) != len(ids):
        raise ValueError("unique_id harus unik")
    data = {c: [str(r[c]) for r in records] for c in COLUMNS}
    data["name_norm"] = [normalise_name(r["name"]) for r in records]
    return pa.table(data)


NIK_LEVELS = {3: "sama", 2: "beda 1 digit", 1: "beda 2 digit", 0: "lain", -1: "kosong"}
NAME_LEVELS = {3: "sangat mirip", 2: "mirip", 1: "agak mirip", 0: "lain", -1: "kosong"}


def find_duplicates(
    records: Iterable[dict],
    *,
    backend: str = "spark",
    spark=None,
    threshold: float = 0.95,
    across_regencies_only: bool = True,
    train: bool = False,
    blocking: str = "sample",
) -> list[Match]:
    """Pairs of records that are probably the same person, most probable first."""
    from splink import Linker

    records = list(records)
    if len(records) < 2:
        return []
    api = _db_api(backend, spark)
    table = api.register(_table(records))
    linker = Linker(table, settings(priors=True, blocking=blocking), log_level="WARNING")
    if train:
        from splink import block_on

        linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
        linker.training.estimate_parameters_using_expectation_maximisation(block_on("birth_date"))
        linker.training.estimate_parameters_using_expectation_maximisation(block_on("nik"))
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    regency = {r["unique_id"]: r["regency"] for r in records}
    out = []
    for row in predictions.as_record_list():
        left, right = sorted((row["unique_id_l"], row["unique_id_r"]))
        if across_regencies_only and regency[left] == regency[right]:
            continue
        out.append(
            Match(
                left,
                right,
                float(row["match_probability"]),
                NIK_LEVELS[int(row["gamma_nik"])],
                NAME_LEVELS[int(row["gamma_name_norm"])],
            )
        )
    return sorted(out, key=lambda m: (-m.probability, m.left, m.right))


def count_pairs(records: Iterable[dict], *, blocking: str = "sample", backend: str = "duckdb",
                spark=None) -> int:  # fmt: skip
    """Exact number of pairs the blocking rules would score (check before a national run)."""
    from splink.blocking_analysis import count_comparisons_from_blocking_rules

    table = _db_api(backend, spark).register(_table(list(records)))
    counts = count_comparisons_from_blocking_rules(
        table,
        blocking_rules=blocking_rules(blocking),
        link_type="dedupe_only",
        record_sample_proportion=1.0,
    )
    return int(counts[-1]["cumulative_comparison_count"])


def clusters(matches: Iterable[Match]) -> list[list[str]]:
    """Connected groups of records (A~B and B~C: one person in three registries)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for m in matches:
        a, b = find(m.left), find(m.right)
        if a != b:
            parent[max(a, b)] = min(a, b)
    groups: dict[str, list[str]] = {}
    for x in parent:
        groups.setdefault(find(x), []).append(x)
    return sorted(sorted(g) for g in groups.values())
