"""Village league table for the Bupati's award.

Ranking is *standard competition ranking* ("1224"): villages with equal values share a rank and
the next rank skips accordingly; inside a tie villages are listed by name and marked as tied.
Ranking by coverage % needs a denominator: villages without one are listed apart ("belum ada
penyebut") instead of being ranked as 0 %.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from lindung.areas.models import Area

from .indicators import books_for, build, snapshot_counts
from .periods import ref_day

METRICS = {
    "peserta": "Jumlah peserta aktif",
    "persen": "Cakupan (%)",
    "pertumbuhan": "Pertumbuhan peserta",
}


@dataclass
class LeagueRow:
    rank: int
    tied: bool
    code: str
    name: str
    kecamatan: str
    participants: int
    participants_start: int
    growth: int
    percent: Decimal | None
    percent_start: Decimal | None
    denominator: int | None
    denominator_source: str
    band: str

    def value(self, metric: str):
        return {"peserta": self.participants, "persen": self.percent, "pertumbuhan": self.growth}[
            metric
        ]


@dataclass
class League:
    metric: str
    start: dt.date
    end: dt.date
    ranked: list[LeagueRow]
    without_denominator: list[LeagueRow]

    def winners(self, places: int = 3) -> list[LeagueRow]:
        return [r for r in self.ranked if r.rank <= places]


def competition_ranks(values: list) -> list[tuple[int, bool]]:
    """Ranks for values already sorted best first: equal values share the rank (1, 2, 2, 4)."""
    out: list[tuple[int, bool]] = []
    for i, v in enumerate(values):
        rank = out[i - 1][0] if i and values[i - 1] == v else i + 1
        tied = (i > 0 and values[i - 1] == v) or (i + 1 < len(values) and values[i + 1] == v)
        out.append((rank, tied))
    return out


def league_table(area: Area, metric: str, start: dt.date, end: dt.date) -> League:
    """Villages inside `area` ranked by `metric`, growth measured from `start` to `end` months."""
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric}")
    villages = list(Area.objects.within(area.code).villages().order_by("code"))
    kecamatan = dict(
        Area.objects.filter(code__in={v.parent_id for v in villages}).values_list("code", "name")
    )
    codes = [v.code for v in villages]
    end_counts = snapshot_counts(codes, end)
    start_counts = snapshot_counts(codes, start)
    end_books = books_for(area.code, end, ref_day(end))
    start_books = books_for(area.code, start, ref_day(start))
    rows: list[LeagueRow] = []
    for v in villages:
        now = build(v, end, ref_day(end), end_counts.get(v.code, (0, 0, 0))[0], 0, end_books)
        then = build(
            v, start, ref_day(start), start_counts.get(v.code, (0, 0, 0))[0], 0, start_books
        )
        rows.append(
            LeagueRow(
                rank=0,
                tied=False,
                code=v.code,
                name=v.name,
                kecamatan=kecamatan.get(v.parent_id, ""),
                participants=now.numerator.combined,
                participants_start=then.numerator.combined,
                growth=now.numerator.combined - then.numerator.combined,
                percent=now.percent,
                percent_start=then.percent,
                denominator=now.denominator.value,
                denominator_source=now.denominator.source_label,
                band=now.band.label if now.band else "",
            )
        )
    without: list[LeagueRow] = []
    if metric == "persen":
        without = sorted((r for r in rows if r.percent is None), key=lambda r: r.name)
        rows = [r for r in rows if r.percent is not None]
    rows.sort(key=lambda r: (-r.value(metric), r.name, r.code))
    for row, (rank, tied) in zip(
        rows, competition_ranks([r.value(metric) for r in rows]), strict=True
    ):
        row.rank, row.tied = rank, tied
    return League(metric, start, end, rows, without)


def league_rows(league: League) -> tuple[list[str], list[list]]:
    header = [
        "peringkat",
        "seri",
        "kode",
        "desa",
        "kecamatan",
        f"peserta_{league.end:%Y_%m}",
        f"peserta_{league.start:%Y_%m}",
        "pertumbuhan",
        "cakupan_persen",
        "penyebut",
        "sumber_penyebut",
        "kategori",
    ]

    def line(r: LeagueRow, rank):
        return [
            rank,
            r.tied,
            r.code,
            r.name,
            r.kecamatan,
            r.participants,
            r.participants_start,
            r.growth,
            r.percent,
            r.denominator,
            r.denominator_source,
            r.band,
        ]

    body = [line(r, r.rank) for r in league.ranked]
    body += [line(r, "belum ada penyebut") for r in league.without_denominator]
    return header, body
