"""Charts for summary pages, drawn in the browser by the vendored Chart.js. A view builds a
`Chart`; the partial core/_chart.html renders its canvas, its data and a table of the same
figures, so nothing is only in the picture."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Series:
    label: str
    values: list[float | int | None]


@dataclass
class Chart:
    id: str  # unique on the page; also the id of the data script
    title: str
    kind: str  # "bar", "line", "doughnut" or "hbar" (horizontal bars)
    labels: list[str]
    series: list[Series] = field(default_factory=list)
    money: bool = False  # values are rupiah

    @property
    def empty(self) -> bool:
        return not self.labels or not any(v for s in self.series for v in s.values if v)

    def as_json(self) -> dict:
        return asdict(self)

    def rows(self) -> list[tuple[str, list]]:
        """The chart's figures as table rows: one per label, one column per series."""
        return [(label, [s.values[i] for s in self.series]) for i, label in enumerate(self.labels)]
