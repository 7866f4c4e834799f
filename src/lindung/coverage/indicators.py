"""The UCJ indicator: numerator, denominator, percent, target, gap and grade for an area.

Coverage % = active participants / working population x 100. The
numerator has two sources kept apart: Lindung memberships (BPU registered by the programme)
and BPJS aggregate reports (PU, BPU, Jakon). The denominator is `WorkforceDenominator` with
its source and year shown, because several inconsistent denominators are in use (§4.1, §7.3).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from typing import NamedTuple

from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr

from lindung.areas.models import Area, WorkforceDenominator
from lindung.core.areacodes import ancestor_codes
from lindung.core.months import add_months_to_first, month_start
from lindung.enrollment.models import Membership

from .models import (
    BpjsReportCount,
    BpjsSegment,
    BpuOverlap,
    CoverageConfig,
    CoverageSnapshot,
    CoverageTarget,
    GradeBand,
)
from .periods import ref_day
from .snapshots import lapse_risk_q

# A BPJS report older than this is not carried forward into a later month.
BPJS_MAX_AGE_MONTHS = 12
HUNDRED = Decimal(100)


def within_q(code: str, field: str = "area") -> Q:
    """The FK `field` points at `code` or below (on the Area primary key, no join)."""
    return Q(**{f"{field}__code": code}) | Q(**{f"{field}__code__startswith": code + "."})


# --- Denominator ---------------------------------------------------------------------------


@dataclass
class DenominatorValue:
    value: int | None = None
    year: int | None = None
    source: str | None = None
    source_label: str = ""
    note: str = ""
    parts: int = 0  # >0: summed from this many child areas (no figure of its own)

    def as_dict(self) -> dict:
        return {
            "value": self.value,
            "year": self.year,
            "source": self.source,
            "source_label": self.source_label,
            "note": self.note or None,
            "summed_from_children": self.parts,
        }


class _DenominatorRow(NamedTuple):
    area_id: str
    year: int
    source: str
    working_population: int
    source_note: str


class DenominatorBook:
    """Denominators for an area and everything below it, for a year (latest year <= it)."""

    def __init__(self, root: str, year: int, order: list[str] | None = None):
        self.root, self.year = root, year
        order = order or CoverageConfig.current().source_order()
        rank = {s: i for i, s in enumerate(order)}
        self._best: dict[str, _DenominatorRow] = {}
        rows = WorkforceDenominator.objects.filter(within_q(root), year__lte=year)
        # Plain tuples: a regency has thousands of rows and model instances cost 10x more.
        fields = ("area_id", "year", "source", "working_population", "source_note")
        for row in map(
            _DenominatorRow._make, rows.order_by("area_id", "-year").values_list(*fields)
        ):
            cur = self._best.get(row.area_id)
            key = (-row.year, rank.get(row.source, 99))
            if cur is None or key < (-cur.year, rank.get(cur.source, 99)):
                self._best[row.area_id] = row
        self._children: dict[str, list[str]] | None = None
        self._memo: dict[str, DenominatorValue] = {}

    def _tree(self) -> dict[str, list[str]]:
        if self._children is None:
            self._children = {}
            for code, parent in Area.objects.filter(code__startswith=self.root + ".").values_list(
                "code", "parent_id"
            ):
                self._children.setdefault(parent, []).append(code)
        return self._children

    def get(self, code: str) -> DenominatorValue:
        if code not in self._memo:
            self._memo[code] = self._compute(code)
        return self._memo[code]

    def _compute(self, code: str) -> DenominatorValue:
        own = self._best.get(code)
        if own is not None:
            return DenominatorValue(
                value=own.working_population,
                year=own.year,
                source=own.source,
                source_label=str(WorkforceDenominator.Source(own.source).label),
                note=own.source_note,
            )
        children = self._tree().get(code, [])
        if not children:
            return DenominatorValue()
        parts = [self.get(c) for c in children]
        if any(p.value is None for p in parts):
            return DenominatorValue()
        sources = sorted({p.source for p in parts if p.source})
        labels = sorted({p.source_label for p in parts if p.source_label})
        return DenominatorValue(
            value=sum(p.value for p in parts),
            year=min(p.year for p in parts),
            source=sources[0] if len(sources) == 1 else "campuran",
            source_label="; ".join(labels),
            note=f"Jumlah penyebut {len(parts)} wilayah di bawahnya",
            parts=len(parts),
        )


# --- BPJS aggregate reports ----------------------------------------------------------------


class BpjsBook:
    """BPJS-reported participants per area, for the latest reported month <= the period.

    `first` widens the loaded window so one book answers a whole trend (one query).
    """

    def __init__(self, root: str, period: dt.date, first: dt.date | None = None):
        self.period = period
        oldest = add_months_to_first(first or period, -(BPJS_MAX_AGE_MONTHS - 1))
        self.rows = list(
            BpjsReportCount.objects.filter(
                within_q(root), period__lte=period, period__gte=oldest
            ).values_list("area_id", "period", "segment", "participants")
        )

    def get(
        self, code: str, at: dt.date | None = None
    ) -> tuple[dict[str, int] | None, dt.date | None]:
        at = at or self.period
        oldest = add_months_to_first(at, -(BPJS_MAX_AGE_MONTHS - 1))
        mine = [
            r
            for r in self.rows
            if oldest <= r[1] <= at and (r[0] == code or r[0].startswith(code + "."))
        ]
        if not mine:
            return None, None
        latest = max(r[1] for r in mine)
        current = [r for r in mine if r[1] == latest]
        reported = {(r[0], r[2]) for r in current}
        totals: dict[str, int] = {}
        for area_code, _period, segment, n in current:
            # A total reported for a larger area wins over its own breakdown (no double count).
            covered_above = any(
                (a, segment) in reported
                for a in ancestor_codes(area_code)
                if a == code or a.startswith(code + ".")
            )
            if not covered_above:
                totals[segment] = totals.get(segment, 0) + n
        return totals, latest


# --- Numerator -----------------------------------------------------------------------------


@dataclass
class NumeratorValue:
    lindung: int = 0
    bpjs: dict[str, int] | None = None
    bpjs_period: dt.date | None = None
    rule: str = BpuOverlap.MAX

    @property
    def combined(self) -> int:
        return combine(self.lindung, self.bpjs, self.rule)

    @property
    def bpjs_total(self) -> int | None:
        return None if self.bpjs is None else sum(self.bpjs.values())

    def as_dict(self) -> dict:
        return {
            "combined": self.combined,
            "lindung_bpu": self.lindung,
            "bpjs_report": None
            if self.bpjs is None
            else {
                "period": self.bpjs_period.strftime("%Y-%m"),
                **{s.value.lower(): self.bpjs.get(s.value) for s in BpjsSegment},
                "total": self.bpjs_total,
            },
            "bpu_overlap_rule": self.rule,
        }


def combine(lindung: int, bpjs: dict[str, int] | None, rule: str) -> int:
    """Lindung's BPU members plus BPJS-reported PU/BPU/Jakon without double-counting BPU."""
    if not bpjs:
        return lindung
    other = bpjs.get(BpjsSegment.PU, 0) + bpjs.get(BpjsSegment.JAKON, 0)
    if BpjsSegment.BPU not in bpjs:
        return other + lindung
    bpu = bpjs[BpjsSegment.BPU]
    return other + (max(bpu, lindung) if rule == BpuOverlap.MAX else bpu + lindung)


# --- Targets and grades --------------------------------------------------------------------


@dataclass
class TargetValue:
    percent: Decimal
    year: int
    source: str
    area_code: str | None  # None: national

    def as_dict(self) -> dict:
        return {
            "percent": float(self.percent),
            "year": self.year,
            "source": self.source,
            "set_for": self.area_code or "nasional",
        }


class TargetBook:
    def __init__(self, year: int):
        self.year = year
        self.rows = {t.area_id: t for t in CoverageTarget.objects.filter(year=year)}

    def get(self, code: str) -> TargetValue | None:
        for c in [code, *ancestor_codes(code), None]:
            t = self.rows.get(c)
            if t is not None:
                return TargetValue(t.percent, t.year, t.source, t.area_id)
        return None


@dataclass
class BandValue:
    code: str
    label: str
    colour: str
    source: str
    verified: bool

    def as_dict(self) -> dict:
        return {"code": self.code, "label": self.label, "source_verified": self.verified}


class BandBook:
    def __init__(self, day: dt.date):
        latest = (
            GradeBand.objects.filter(valid_from__lte=day)
            .order_by("-valid_from")
            .values_list("valid_from", flat=True)
            .first()
        )
        self.bands = (
            list(GradeBand.objects.filter(valid_from=latest).order_by("min_percent"))
            if latest
            else []
        )

    def get(self, percent: Decimal | None) -> BandValue | None:
        if percent is None:
            return None
        chosen = None
        for band in self.bands:
            if percent >= band.min_percent:
                chosen = band
        if chosen is None:
            return None
        return BandValue(
            chosen.code, chosen.label, chosen.colour, chosen.source, chosen.source_verified
        )


# --- The indicator -------------------------------------------------------------------------


def percent_of(numerator: int, denominator: int | None) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) * HUNDRED / Decimal(denominator)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def workers_to_enrol(target: Decimal, denominator: int, numerator: int) -> int:
    """Participants still needed so that numerator / denominator reaches the target."""
    needed = (target * Decimal(denominator) / HUNDRED).to_integral_value(rounding=ROUND_CEILING)
    return max(0, int(needed) - numerator)


@dataclass
class Indicator:
    code: str
    name: str
    label: str
    level: int
    period: dt.date
    ref_day: dt.date
    numerator: NumeratorValue
    denominator: DenominatorValue
    target: TargetValue | None
    band: BandValue | None = None
    lapse_risk: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def percent(self) -> Decimal | None:
        return percent_of(self.numerator.combined, self.denominator.value)

    @property
    def gap_points(self) -> Decimal | None:
        if self.target is None or self.percent is None:
            return None
        return self.target.percent - self.percent

    @property
    def to_enrol(self) -> int | None:
        if self.target is None or not self.denominator.value:
            return None
        return workers_to_enrol(
            self.target.percent, self.denominator.value, self.numerator.combined
        )

    @property
    def progress(self) -> float:
        """Share of the target reached, 0-100, for progress bars."""
        if self.percent is None or self.target is None or not self.target.percent:
            return 0.0
        return float(min(HUNDRED, self.percent * HUNDRED / self.target.percent))

    def as_dict(self) -> dict:
        pct = self.percent
        gap = self.gap_points
        return {
            "code": self.code,
            "name": self.name,
            "level": self.level,
            "date": self.ref_day.isoformat(),
            "numerator": self.numerator.as_dict(),
            "denominator": self.denominator.as_dict(),
            "percent": None if pct is None else float(pct),
            "grade": None if self.band is None else self.band.as_dict(),
            "target": None if self.target is None else self.target.as_dict(),
            "gap": {
                "percentage_points": None if gap is None else float(gap),
                "workers_to_enrol": self.to_enrol,
            },
            "lapse_risk": self.lapse_risk,
        }


@dataclass
class Books:
    denominators: DenominatorBook
    bpjs: BpjsBook
    targets: TargetBook
    bands: BandBook
    rule: str


def books_for(root: str, period: dt.date, day: dt.date) -> Books:
    config = CoverageConfig.current()
    return Books(
        denominators=DenominatorBook(root, period.year, config.source_order()),
        bpjs=BpjsBook(root, period),
        targets=TargetBook(period.year),
        bands=BandBook(day),
        rule=config.bpu_overlap,
    )


def build(area: Area, period: dt.date, day: dt.date, lindung: int, lapse: int, books: Books):
    bpjs, bpjs_period = books.bpjs.get(area.code)
    ind = Indicator(
        code=area.code,
        name=area.name,
        label=str(area),
        level=area.level,
        period=period,
        ref_day=day,
        numerator=NumeratorValue(lindung, bpjs, bpjs_period, books.rule),
        denominator=books.denominators.get(area.code),
        target=books.targets.get(area.code),
        lapse_risk=lapse,
    )
    ind.band = books.bands.get(ind.percent)
    return ind


# --- Lindung counts: from snapshots (dashboards) or live from memberships (CLI, checks) ------


def snapshot_counts(codes: list[str], period: dt.date) -> dict[str, tuple[int, int, int]]:
    """code -> (active, lapse_risk, new_members) for the month, read from snapshots."""
    rows = (
        CoverageSnapshot.objects.filter(area_id__in=codes, period=period)
        .values("area_id")
        .annotate(a=Sum("active"), lr=Sum("lapse_risk"), n=Sum("new_members"))
    )
    return {r["area_id"]: (r["a"], r["lr"], r["n"]) for r in rows}


def live_counts(area: Area, children: list[Area], day: dt.date, lapse_days: int):
    """code -> (active, lapse_risk) on `day`, counted from memberships (no snapshots)."""
    qs = Membership.objects.active_on(day).filter(within_q(area.code, "village"))
    agg = qs.aggregate(a=Count("id"), lr=Count("id", filter=lapse_risk_q(day, lapse_days)))
    out = {area.code: (agg["a"], agg["lr"])}
    if children:
        length = len(children[0].code)
        grouped = (
            qs.annotate(child=Substr("village_id", 1, length))
            .values("child")
            .annotate(a=Count("id"), lr=Count("id", filter=lapse_risk_q(day, lapse_days)))
        )
        out.update({r["child"]: (r["a"], r["lr"]) for r in grouped})
    return out


def area_indicators(
    area: Area, period: dt.date, *, live_day: dt.date | None = None, on: dt.date | None = None
) -> tuple[Indicator, list[Indicator]]:
    """The indicator for `area` and each child area.

    With `live_day` the Lindung count is taken from memberships on exactly that day (CLI);
    otherwise from the snapshots of `period` (dashboards).
    """
    children = list(area.children.order_by("code"))
    if live_day is not None:
        day = live_day
        period = month_start(live_day)
        lapse_days = CoverageConfig.current().lapse_risk_days
        counts = {k: (*v, 0) for k, v in live_counts(area, children, day, lapse_days).items()}
    else:
        day = ref_day(period, on)
        counts = snapshot_counts([area.code, *(c.code for c in children)], period)
    books = books_for(area.code, period, day)
    zero = (0, 0, 0)
    head = build(
        area, period, day, counts.get(area.code, zero)[0], counts.get(area.code, zero)[1], books
    )
    rows = []
    for child in children:
        a, lr, n = counts.get(child.code, zero)
        ind = build(child, period, day, a, lr, books)
        ind.extra["new_members"] = n
        rows.append(ind)
    head.extra["new_members"] = counts.get(area.code, zero)[2]
    return head, rows
