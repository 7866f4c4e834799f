"""Cross-regency deduplication: the same person registered in two regencies.

Each regency keeps NIK unique inside its own registry (and its own partition, see
`partitioning`), but nobody checks across regencies: a seasonal worker from Lombok Timur
registered again in Lombok Barat with one digit of the NIK mistyped and "Muhamad" for
"Muhammad" is two participants and two contributions. The pairs are scored by the one
person-matching model of the project (`lindung.national.model`: NIK and birth date by segment,
names on tokens with regional variants, prior from the data size), the same model as the
import-time check and the regency run.

    records = worker_records(Worker.objects.all())          # or rows from each regency's export
    matches = find_duplicates(records, backend="spark")     # Spark: the national run
    groups = clusters(matches)

Backends: `spark` (pyspark, local mode in tests, a cluster for 90 million rows) and `duckdb`
(one machine; same SQL, same scores). Install with `pip install -e '.[national]'`; Spark needs a
Java runtime (Debian: default-jre-headless).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from lindung.core import personnames as names

from . import model

COLUMNS = ("unique_id", "regency", "nik", "name", "birth_date", "sex")


@dataclass(frozen=True)
class Match:
    left: str
    right: str
    probability: float
    nik_level: str  # level key of the NIK + birth date comparison, e.g. "nik_transposed"
    name_level: str  # level key of the name comparison, e.g. "name_first_respelled"


def normalise_name(name: str) -> str:
    """The comparable form of a name: canonical spellings, titles set aside."""
    return names.normalise(name).core


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
        return model.duckdb_api()
    if backend == "spark":
        import tempfile

        from splink import SparkAPI

        spark = spark or spark_session()
        spark.sparkContext.setCheckpointDir(checkpoint_dir or tempfile.mkdtemp(prefix="splink-"))
        return SparkAPI(spark_session=spark)
    raise ValueError(f"backend tidak dikenal: {backend!r} (pilih spark atau duckdb)")


def _checked(records: Iterable[dict]) -> list[dict]:
    records = list(records)
    missing = [c for c in COLUMNS if records and c not in records[0]]
    if missing:
        raise ValueError(f"kolom wajib tidak ada: {', '.join(missing)}")
    ids = [r["unique_id"] for r in records]
    if len(set(ids)) != len(ids):
        raise ValueError("unique_id harus unik")
    return records


def find_duplicates(
    records: Iterable[dict],
    *,
    backend: str = "spark",
    spark=None,
    threshold: float = model.THRESHOLD,
    across_regencies_only: bool = True,
) -> list[Match]:
    """Pairs of records that are probably the same person, most probable first."""
    records = _checked(records)
    if len(records) < 2:
        return []
    api = _db_api(backend, spark)
    regency = {str(r["unique_id"]): r["regency"] for r in records}
    out = []
    for p in model.predict(records, db_api=api, threshold=threshold):
        if across_regencies_only and regency[p.left] == regency[p.right]:
            continue
        out.append(Match(p.left, p.right, p.probability, p.levels["nik_birth"], p.levels["name"]))
    return sorted(out, key=lambda m: (-m.probability, m.left, m.right))


def count_pairs(records: Iterable[dict], *, backend: str = "duckdb", spark=None) -> int:
    """Exact number of pairs the model's blocking rules would score (check before a national
    run: pairs, not records, set the time)."""
    from splink.blocking_analysis import count_comparisons_from_blocking_rules

    api = _db_api(backend, spark)
    table = api.register(model.arrow_table(_checked(records)))
    counts = count_comparisons_from_blocking_rules(
        table,
        blocking_rules=model.blocking_rules(),
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
