"""read -> map columns -> normalise -> validate -> deduplicate: the dry run of an import.

`validate_table` never writes; `commit.commit_outcome` writes what it accepted. Row numbers
are the spreadsheet's own (header = the row the header sits on, counted from 1).
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl
from django.conf import settings

from lindung.workers.models import Worker
from lindung.workers.nik import known_region_prefix, mask_nik, parse_nik

from . import codes
from .codes import Problem
from .columns import FIELDS, REQUIRED, Mapping, guess_mapping, label
from .dedup import DuplicateFinder, Pair
from .lookups import SectorIndex, VillageIndex
from .normalise import clean_name, parse_date, parse_income, parse_phone, parse_sex
from .readers import FileProblem, Table
from .rules import Bounds, current_bounds

Progress = Callable[[str, int, int], None]
EXISTING_CHUNK = 2000
MIN_BIRTH_YEAR = 1900


@dataclass(slots=True)
class Accepted:
    row: int
    nik: str
    name: str
    sex: str
    birth_date: dt.date
    village: str
    sector_id: int
    sector_priority: int
    income: int | None
    phone: str
    address: str
    flags: list[str]


@dataclass
class Outcome:
    rows: int = 0
    accepted: list[Accepted] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    rejected_rows: set[int] = field(default_factory=set)
    pairs: list[Pair] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    header_row: int | None = None
    mapping: dict[str, int] = field(default_factory=dict)
    unsure: dict[str, int] = field(default_factory=dict)
    default_sector_rows: int = 0
    nik_rows: list[tuple[str, int]] = field(default_factory=list, repr=False)

    @property
    def rejected(self) -> int:
        return len(self.rejected_rows) if self.rows else 0

    def as_json(self) -> dict:
        """Exactly the DESIGN.md contract of `lindung import_workers --json`."""
        return {
            "rows": self.rows,
            "accepted": self.rows - self.rejected,
            "rejected": self.rejected,
            "errors": [p.as_dict() for p in self.errors],
            "warnings": [p.as_dict() for p in self.warnings],
        }

    def problems_by_row(self) -> dict[int, list[Problem]]:
        out: dict[int, list[Problem]] = {}
        for problem in (*self.errors, *self.warnings):
            if problem.row is not None:
                out.setdefault(problem.row, []).append(problem)
        return out


def file_failure(message: str) -> Outcome:
    """A file that cannot be read at all: no rows, one error (no column could be found)."""
    return Outcome(errors=[Problem(None, None, "column_missing", message)])


def _noop(stage: str, done: int, total: int) -> None:
    return None


class _Columns:
    """The mapped columns as Python lists (None for absent cells) plus their labels."""

    def __init__(self, frame: pl.DataFrame, mapping: dict[str, int], headers: list[str]):
        self.values: dict[str, list] = {}
        self.labels: dict[str, str] = {}
        for name in FIELDS:
            index = mapping.get(name)
            column = f"c{index}" if index is not None else None
            if column and column in frame.columns:
                self.values[name] = frame[column].to_list()
                header = headers[index] if index < len(headers) else ""
                self.labels[name] = header or label(name)
            else:
                self.values[name] = [None] * frame.height
                self.labels[name] = label(name)


def _drop_empty(frame: pl.DataFrame, mapping: dict[str, int]) -> pl.DataFrame:
    cols = [f"c{i}" for i in mapping.values() if f"c{i}" in frame.columns]
    if not cols:
        return frame.clear()
    filled = [pl.col(c).str.strip_chars().fill_null("") != "" for c in cols]
    return frame.filter(pl.any_horizontal(filled))


def resolve_mapping(table: Table, chosen: dict[str, int] | None) -> Mapping:
    guessed = guess_mapping(table.headers)
    if chosen:
        return Mapping(columns={k: int(v) for k, v in chosen.items() if v is not None and v != ""})
    # Without a human (CLI), fuzzy guesses are taken: they are close spellings of known headers.
    merged = dict(guessed.columns)
    for name, index in guessed.unsure.items():
        merged.setdefault(name, index)
    return Mapping(columns=merged, unsure=guessed.unsure)


def age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def validate_table(
    table: Table,
    *,
    mapping: dict[str, int] | None = None,
    scope_code: str = "",
    today: dt.date | None = None,
    progress: Progress = _noop,
) -> Outcome:
    today = today or dt.date.today()
    resolved = resolve_mapping(table, mapping)
    header_row = table.header_index + 1
    out = Outcome(
        headers=table.headers,
        header_row=header_row,
        mapping=resolved.as_json(),
        unsure=resolved.unsure,
    )
    frame = _drop_empty(table.frame, resolved.columns)
    out.rows = frame.height
    if out.rows == 0 and not resolved.missing:
        out.errors.append(
            Problem(
                None,
                None,
                "column_missing",
                f"Tidak ada baris data di bawah baris judul (baris {header_row}). Isi data mulai "
                f"baris {header_row + 1}; sel berisi rumus harus sudah dihitung (simpan di Excel).",
            )  # fmt: skip
        )
        return out
    if resolved.missing:
        for name in resolved.missing:
            out.errors.append(
                Problem(
                    header_row,
                    label(name),
                    "column_missing",
                    codes.message("column_missing", found=label(name)) + " " + _header_hint(name),
                )
            )
        out.rejected_rows = set(frame["__row"].to_list())
        return out

    sectors = SectorIndex()
    if sectors.default is None:
        raise FileProblem("Belum ada sektor pekerjaan di sistem; minta admin mengisinya dulu.")
    villages = VillageIndex(settings.LINDUNG_REGENCY_CODE, scope_code)
    bounds = current_bounds(today)
    cols = _Columns(frame, resolved.columns, table.headers)
    row_numbers: list[int] = frame["__row"].to_list()
    # The row loop allocates millions of small objects and frees none of them: the cyclic
    # garbage collector would only rescan them again and again (a third of the run time).
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        _validate_rows(out, cols, row_numbers, villages, sectors, bounds, today, progress)
    finally:
        if gc_was_enabled:
            gc.enable()
    _check_existing(out, cols, progress)
    _find_possible_duplicates(out, cols, progress)
    out.errors.sort(key=lambda p: p.row or 0)
    out.warnings.sort(key=lambda p: p.row or 0)
    progress("validate", out.rows, out.rows)
    return out


def _header_hint(name: str) -> str:
    examples = ", ".join(f"'{h.title()}'" for h in FIELDS[name][1][:3])
    return f"Judul yang dikenali antara lain {examples}."


def _validate_rows(
    out: Outcome,
    cols: _Columns,
    row_numbers: list[int],
    villages: VillageIndex,
    sectors: SectorIndex,
    bounds: Bounds,
    today: dt.date,
    progress: Progress,
) -> None:
    v, lab = cols.values, cols.labels
    date_cache: dict[object, dt.date | None] = {}
    sex_cache: dict[object, str | None] = {}
    income_cache: dict[object, tuple[int | None, bool]] = {}
    first_row_of: dict[str, int] = {}
    floor = bounds.income_floor
    rule_name = bounds.source or "aturan kelayakan"
    errors, warnings = out.errors, out.warnings
    nik_rows = out.nik_rows
    total = len(row_numbers)
    for i, row in enumerate(row_numbers):
        if i % 20000 == 0:
            progress("validate", i, total)
        row_errors: list[Problem] = []
        row_warnings: list[Problem] = []

        name, name_problem = clean_name(v["name"][i])
        if name_problem:
            row_errors.append(
                Problem(
                    row, lab["name"], "name_missing", codes.message(name_problem, found=name[:40])
                )
            )

        raw_birth = v["birth_date"][i]
        if raw_birth in date_cache:
            birth = date_cache[raw_birth]
        else:
            birth = date_cache[raw_birth] = parse_date(raw_birth, today)
        if birth is None:
            key = "birthdate_invalid" if raw_birth else "birthdate_missing"
            row_errors.append(
                Problem(
                    row, lab["birth_date"], "birthdate_invalid", codes.message(key, found=raw_birth)
                )
            )
        elif birth > today:
            row_errors.append(
                Problem(
                    row,
                    lab["birth_date"],
                    "birthdate_invalid",
                    codes.message("birthdate_future", found=birth.strftime("%d-%m-%Y")),
                )  # fmt: skip
            )
            birth = None
        elif birth.year < MIN_BIRTH_YEAR:
            row_errors.append(
                Problem(
                    row,
                    lab["birth_date"],
                    "birthdate_invalid",
                    codes.message("birthdate_too_old", found=birth.strftime("%d-%m-%Y")),
                )  # fmt: skip
            )
            birth = None
        elif bounds.min_age is not None or bounds.max_age is not None:
            age = age_on(birth, today)
            if (bounds.min_age is not None and age < bounds.min_age) or (
                bounds.max_age is not None and age > bounds.max_age
            ):
                row_errors.append(
                    Problem(
                        row,
                        lab["birth_date"],
                        "age_out_of_range",
                        codes.message(
                            "age_out_of_range",
                            age=age,
                            min_age=bounds.min_age or 0,
                            max_age=bounds.max_age or "…",
                            rule=rule_name,
                        ),
                    )  # fmt: skip
                )

        raw_sex = v["sex"][i]
        if raw_sex in sex_cache:
            sex = sex_cache[raw_sex]
        else:
            sex = sex_cache[raw_sex] = parse_sex(raw_sex)

        raw_nik = v["nik"][i]
        result = parse_nik(
            raw_nik if raw_nik is not None else "",
            today=today,
            entered_birth_date=birth,
            entered_sex=sex,
            region_known=known_region_prefix,
        )
        for issue in result.issues:
            target = row_errors if issue.severity == "error" else row_warnings
            target.append(Problem(row, lab["nik"], issue.code, issue.message))
        nik = result.nik if result.ok else None
        if nik is not None:
            nik_rows.append((nik, row))
            first = first_row_of.get(nik)
            if first is None:
                first_row_of[nik] = row
            else:
                row_errors.append(
                    Problem(
                        row,
                        lab["nik"],
                        "duplicate_in_file",
                        codes.message("duplicate_in_file", first=first),
                    )  # fmt: skip
                )

        match = villages.match(v["village"][i], v["kecamatan"][i])
        if match.problem:
            where = f"di {villages.regency_name}" if villages.regency_name else ""
            found = (v["village"][i] or "").strip()[:60]
            row_errors.append(
                Problem(
                    row,
                    lab["village"],
                    "village_unknown",
                    codes.message(match.problem, found=found, where=where),
                )  # fmt: skip
            )

        raw_phone = v["phone"][i]
        phone, phone_ok = parse_phone(raw_phone)
        if not phone_ok:
            row_warnings.append(
                Problem(
                    row,
                    lab["phone"],
                    "phone_invalid",
                    codes.message("phone_invalid", found=str(raw_phone)[:30]),
                )  # fmt: skip
            )

        raw_income = v["income"][i]
        if raw_income in income_cache:
            income, income_ok = income_cache[raw_income]
        else:
            income, income_ok = income_cache[raw_income] = parse_income(raw_income)
        if not income_ok:
            row_warnings.append(
                Problem(
                    row,
                    lab["income"],
                    "income_adjusted",
                    codes.message("income_unreadable", found=str(raw_income)[:30]),
                )  # fmt: skip
            )
        elif income is not None and floor is not None and income < floor:
            row_warnings.append(
                Problem(
                    row,
                    lab["income"],
                    "income_adjusted",
                    codes.message("income_adjusted", found=_rp(income), floor=_rp(floor)),
                )  # fmt: skip
            )
            income = floor

        errors.extend(row_errors)
        warnings.extend(row_warnings)
        if row_errors:
            out.rejected_rows.add(row)
            continue
        sector, is_default = sectors.match(v["sector"][i])
        flags = [w.code for w in row_warnings]
        if is_default:
            out.default_sector_rows += 1
            flags.append("sector_default")
        out.accepted.append(
            Accepted(
                row=row,
                nik=nik,
                name=name,
                sex=sex or result.sex,
                birth_date=birth,
                village=match.code,
                sector_id=sector.pk,
                sector_priority=sector.priority,
                income=income,
                phone=phone or "",
                address=(v["address"][i] or "")[:255],
                flags=flags,
            )
        )


def _rp(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


def _check_existing(out: Outcome, cols: _Columns, progress: Progress) -> None:
    """duplicate_existing for every row (accepted or not) whose valid NIK is in the registry."""
    nik_rows = out.nik_rows
    keys = list({nik for nik, _row in nik_rows})
    existing: set[str] = set()
    for start in range(0, len(keys), EXISTING_CHUNK):
        chunk = keys[start : start + EXISTING_CHUNK]
        existing.update(Worker.objects.filter(nik__in=chunk).values_list("nik", flat=True))
        progress("registry", start, len(keys))
    out.nik_rows = []
    if not existing:
        return
    hit_rows = {row for nik, row in nik_rows if nik in existing}
    for row in sorted(hit_rows):
        out.errors.append(
            Problem(
                row, cols.labels["nik"], "duplicate_existing", codes.message("duplicate_existing")
            )
        )
    out.rejected_rows |= hit_rows
    out.accepted = [a for a in out.accepted if a.row not in hit_rows]


def _find_possible_duplicates(out: Outcome, cols: _Columns, progress: Progress) -> None:
    if not out.accepted:
        return
    finder = DuplicateFinder()
    villages = {a.village for a in out.accepted}
    births = {a.birth_date for a in out.accepted}
    existing = Worker.objects.filter(village_id__in=villages).values_list(
        "id", "nik", "name", "birth_date", "village_id"
    )
    for worker_id, nik, name, birth, village in existing.iterator(chunk_size=20000):
        if birth in births:
            finder.add_existing(worker_id, nik, name, birth, village)
    total = len(out.accepted)
    warnings = []
    for i, a in enumerate(out.accepted):
        if i % 50000 == 0:
            progress("duplicates", i, total)
        pair = finder.check(a.row, a.nik, a.name, a.birth_date, a.village)
        if pair is None:
            continue
        out.pairs.append(pair)
        a.flags.append("possible_duplicate")
        if pair.other.in_file:
            other = f"baris {pair.other.key} ({pair.other.name}, NIK {mask_nik(pair.other.nik)})"
        else:
            other = f"pekerja terdaftar {pair.other.name} (NIK {mask_nik(pair.other.nik)})"
        warnings.append(
            Problem(
                a.row,
                cols.labels["name"],
                "possible_duplicate",
                codes.message("possible_duplicate", other=other),
            )
        )
    out.warnings.extend(warnings)


def required_fields() -> tuple[str, ...]:
    return REQUIRED
