"""read -> map columns -> normalise -> validate -> deduplicate: the dry run of an import.

`validate_table` never writes; `commit.commit_outcome` writes what it accepted. Row numbers
are the spreadsheet's own (header = the row the header sits on, counted from 1).

Two paths give the same result (tests/test_vectorised.py compares them row by row):

- `RowChecker` checks one row at a time in Python; it is the reference behaviour.
- `_vector_pass` settles the regular rows (a plain 16-digit NIK without issues, a readable
  name, birth date and village, a phone in a simple form) column-wise with polars: the
  normalisers run once per distinct value and are joined back, the NIK and phone checks are
  polars expressions. Every row it cannot settle goes to `RowChecker`.

The checks that look across rows (NIK twice in the file, NIK already in the registry,
possible duplicates) run on whole columns afterwards. Problems carry a slot (the position of
the check inside a row) so that each row lists its problems in the order the checks run.
"""

from __future__ import annotations

import datetime as dt
import gc
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl
from django.conf import settings
from django.db import connection

from lindung.accounts.masking import mask_nik
from lindung.accounts.scoping import scope_covers
from lindung.workers.models import Worker
from lindung.workers.nik import birth_from_digits, known_region_prefix, parse_nik

from . import codes
from .codes import Problem
from .columns import FIELDS, REQUIRED, Mapping, guess_mapping, label
from .dedup import LOOKUP_EACH, DuplicateFinder, Pair, regency_pairs
from .layout import find_skipped, kecamatan_column
from .lookups import SectorIndex, VillageIndex
from .normalise import clean_name, parse_date, parse_income, parse_phone, parse_sex, split_ttl
from .readers import FileProblem, Table
from .rules import Bounds, current_bounds
from .sheets import NO_SHEETS, SHEET_STRIDE, RowKeys, Workbook, sheet_mapping

Progress = Callable[[str, int, int], None]
EXISTING_CHUNK = 2000
MIN_BIRTH_YEAR = 1900
INT64_MAX = 2**63 - 1
_SPACES = re.compile(r"\s+")

# Position of each check inside a row: a row's problems are listed in this order.
SLOT_NAME, SLOT_BIRTH, SLOT_NIK, SLOT_DUP_FILE, SLOT_VILLAGE = 0, 1, 2, 3, 4
SLOT_PHONE, SLOT_INCOME, SLOT_EXISTING, SLOT_POSSIBLE = 5, 6, 8, 9

ACCEPTED_SCHEMA = {
    "row": pl.Int64,
    "nik": pl.String,
    "name": pl.String,
    "sex": pl.String,
    "birth_date": pl.Date,
    "village": pl.String,
    "sector_id": pl.Int64,
    "sector_priority": pl.Int64,
    "income": pl.Int64,
    "phone": pl.String,
    "address": pl.String,
    "birthplace": pl.String,
    "flags": pl.String,  # codes joined by ","
}


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
    birthplace: str
    flags: list[str]


def empty_accepted() -> pl.DataFrame:
    return pl.DataFrame(schema=ACCEPTED_SCHEMA)


@dataclass
class Outcome:
    rows: int = 0
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    rejected_rows: set[int] = field(default_factory=set)
    pairs: list[Pair] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    header_row: int | None = None
    mapping: dict[str, int] = field(default_factory=dict)
    unsure: dict[str, int] = field(default_factory=dict)
    default_sector_rows: int = 0
    # Accepted rows, column-wise (ACCEPTED_SCHEMA); `accepted` gives them as objects.
    accepted_frame: pl.DataFrame = field(default_factory=empty_accepted, repr=False)
    # Incomes too large for a 64-bit column (row -> amount); the frame holds null for them.
    big_incomes: dict[int, int] = field(default_factory=dict, repr=False)
    # How the first accepted rows were read (raw cell -> stored value), for the preview.
    readings: list[dict] = field(default_factory=list)
    # Each worker sheet (name, "" for a CSV; rows; rows left out by reason) and the sheets
    # left out ([name, why]).
    sheets: list[dict] = field(default_factory=list)
    skipped_sheets: list[list[str]] = field(default_factory=list)
    _accepted: list[Accepted] | None = field(default=None, repr=False)

    @property
    def rejected(self) -> int:
        return len(self.rejected_rows) if self.rows else 0

    @property
    def accepted_count(self) -> int:
        return self.accepted_frame.height

    @property
    def accepted(self) -> list[Accepted]:
        if self._accepted is None:
            self._accepted = materialise(self.accepted_frame, self.big_incomes)
        return self._accepted

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


def materialise(frame: pl.DataFrame, big_incomes: dict[int, int]) -> list[Accepted]:
    cols = [frame[name].to_list() for name in ACCEPTED_SCHEMA]
    flags_of: dict[str, list[str]] = {}
    out = []
    for row, nik, name, sex, birth, village, sid, prio, income, phone, address, place, flags in zip(
        *cols, strict=True
    ):
        if flags not in flags_of:
            flags_of[flags] = flags.split(",") if flags else []
        if income is None and big_incomes:
            income = big_incomes.get(row)
        out.append(
            Accepted(
                row,
                nik,
                name,
                sex,
                birth,
                village,
                sid,
                prio,
                income,
                phone,
                address,
                place,
                list(flags_of[flags]),
            )  # fmt: skip
        )
    return out


READINGS_SHOWN = 8
READINGS_SCANNED = 200
# Fields whose reading a person wants to check: raw column in the field frame -> accepted column.
READ_FIELDS = {"birth_date": "birth_date", "birthplace": "birthplace", "income": "income",
               "sex": "sex", "village": "village", "sector": "sector_id",
               "phone": "phone"}  # fmt: skip


def readings(
    raw: pl.DataFrame, accepted: pl.DataFrame, labels: dict[str, str], keys: RowKeys = NO_SHEETS
) -> list[dict]:
    """The first accepted rows as typed and as stored, so an operator sees how "1,5 jt" or
    "12/05/1990" were understood before saving."""
    raw_rows = {r["__row"]: r for r in raw.iter_rows(named=True)}
    out = []
    for row in accepted.iter_rows(named=True):
        typed = raw_rows.get(row["row"])
        if typed is None:
            continue
        fields = []
        for raw_name, stored_name in READ_FIELDS.items():
            text = (typed.get(raw_name) or "").strip()
            if labels[raw_name] == labels["birth_ttl"] and typed.get("birth_ttl"):
                text = typed["birth_ttl"].strip()  # read from the TTL cell: show all of it
            value = row.get(stored_name)
            if text and value not in (None, ""):
                value = value.isoformat() if isinstance(value, dt.date) else value
                fields.append(
                    {"field": raw_name, "label": labels[raw_name], "raw": text, "value": value}
                )
        reading = {"row": keys.row(row["row"]), "name": row["name"], "fields": fields}
        if keys.sheets:
            reading["sheet"] = keys.sheet(row["row"])
        out.append(reading)
        if len(out) == READINGS_SHOWN:
            break
    return out


def file_failure(message: str) -> Outcome:
    """A file that cannot be read at all: no rows, one error (no column could be found)."""
    return Outcome(errors=[Problem(None, None, "column_missing", message)])


def _noop(stage: str, done: int, total: int) -> None:
    return None


def _drop_empty(frame: pl.DataFrame, mapping: dict[str, int]) -> pl.DataFrame:
    cols = [f"c{i}" for i in mapping.values() if f"c{i}" in frame.columns]
    if not cols:
        return frame.clear()
    filled = [pl.col(c).str.strip_chars().fill_null("") != "" for c in cols]
    return frame.filter(pl.any_horizontal(filled))


def _field_frame(
    frame: pl.DataFrame, mapping: dict[str, int], headers: list[str]
) -> tuple[pl.DataFrame, dict[str, str]]:
    """One text column per field ("" for absent cells and columns) plus "__row"; and labels.

    Every normaliser treats an absent cell and an empty one alike, so nulls become "".
    """
    exprs = [pl.col("__row").cast(pl.Int64)]
    labels: dict[str, str] = {}
    for name in FIELDS:
        index = mapping.get(name)
        column = f"c{index}" if index is not None else None
        if column and column in frame.columns:
            exprs.append(pl.col(column).fill_null("").alias(name))
            header = headers[index] if index < len(headers) else ""
            labels[name] = header or label(name)
        else:
            exprs.append(pl.lit("", dtype=pl.String).alias(name))
            labels[name] = label(name)
    data = frame.select(exprs)
    if "birth_ttl" in mapping:
        data, labels = _split_ttl_column(data, mapping, labels)
    return data, labels


def _split_ttl_column(
    data: pl.DataFrame, mapping: dict[str, int], labels: dict[str, str]
) -> tuple[pl.DataFrame, dict[str, str]]:
    """Date and place of a TTL column into birth_date and birthplace, unless a column of
    their own is mapped (it wins)."""
    parts = _map_unique(
        data.select("birth_ttl"),
        ["birth_ttl"],
        split_ttl,
        {"__place": pl.String, "__date": pl.String},
    )
    replaced = []
    if "birth_date" not in mapping:
        replaced.append(parts["__date"].alias("birth_date"))
        labels = {**labels, "birth_date": labels["birth_ttl"]}
    if "birthplace" not in mapping:
        replaced.append(parts["__place"].alias("birthplace"))
        labels = {**labels, "birthplace": labels["birth_ttl"]}
    return data.with_columns(replaced), labels


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


def validate_table(table: Table, **options) -> Outcome:
    """Check every row of one sheet or CSV (see `validate_workbook`)."""
    return validate_workbook(Workbook([table]), **options)


@dataclass
class _Sheet:
    """One worker sheet made ready for the checks."""

    data: pl.DataFrame | None  # field frame keyed by row key; None when columns are missing
    labels: dict[str, str]
    rows: list[int]  # row keys of the data rows (after empty and non-worker rows)
    info: dict  # for the preview: name, rows, skipped rows by reason


def _prepare_sheet(
    table: Table, resolved: Mapping, offset: int, sheet: str | None, out: Outcome
) -> _Sheet:
    # Before empty rows go: a block title may sit alone in a column that is not mapped.
    frame = table.frame
    skipped = find_skipped(frame, resolved.columns.get("nik"))
    block_kecamatan = bool(skipped.kecamatan) and "kecamatan" not in resolved.columns
    if block_kecamatan:
        frame = frame.with_columns(kecamatan_column(frame["__row"], skipped).alias("__block_kec"))
    frame = _drop_empty(frame, resolved.columns)
    if skipped.rows:
        frame = frame.filter(pl.col("__row").is_in(list(skipped.rows)).not_())
    rows = (frame["__row"].cast(pl.Int64) + offset).to_list()
    reasons: dict[str, int] = {}
    for reason in skipped.rows.values():
        reasons[reason] = reasons.get(reason, 0) + 1
    info = {"name": sheet or "", "rows": len(rows), "skipped": reasons}
    header_row = table.header_index + 1
    if resolved.missing:
        for name in resolved.missing:
            out.errors.append(
                Problem(
                    header_row,
                    label(name),
                    "column_missing",
                    codes.message("column_missing", found=label(name)) + " " + _header_hint(name),
                    sheet,
                )
            )
        return _Sheet(None, {}, rows, info)
    data, labels = _field_frame(frame, resolved.columns, table.headers)
    if block_kecamatan:
        data = data.with_columns(frame["__block_kec"].alias("kecamatan"))
    if offset:
        data = data.with_columns(pl.col("__row") + offset)
    return _Sheet(data, labels, rows, info)


def validate_workbook(
    book: Workbook,
    *,
    mapping: dict[str, int] | None = None,
    scope_code: str = "",
    today: dt.date | None = None,
    progress: Progress = _noop,
    vectorised: bool = True,
) -> Outcome:
    """Check every row of every worker sheet together (duplicates are found across sheets).

    `vectorised=False` runs every row through `RowChecker` (the reference behaviour).
    """
    today = today or dt.date.today()
    first = book.first
    resolved = resolve_mapping(first, mapping)
    header_row = first.header_index + 1
    out = Outcome(
        headers=first.headers,
        header_row=header_row,
        mapping=resolved.as_json(),
        unsure=resolved.unsure,
        skipped_sheets=[list(pair) for pair in book.skipped],
    )
    keys = RowKeys.of(book)
    sheets: list[_Sheet] = []
    for index, table in enumerate(book.tables):
        if index == book.primary:
            sheet_resolved = resolved
        elif mapping:
            sheet_resolved = Mapping(columns=sheet_mapping(table, first, resolved.columns))
        else:
            sheet_resolved = resolve_mapping(table, None)
        sheets.append(
            _prepare_sheet(
                table, sheet_resolved, index * SHEET_STRIDE, keys.sheets and keys.sheets[index], out
            )
        )
    out.sheets = [s.info for s in sheets]
    out.rows = sum(len(s.rows) for s in sheets)
    if out.rows == 0 and not out.errors:
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
    if out.errors:  # a sheet without a required column: the file is refused whole
        out.rejected_rows = {key for s in sheets for key in s.rows}
        return out
    labels = sheets[book.primary].labels
    data = pl.concat([s.data for s in sheets], how="vertical")
    relabel = _relabel(keys, sheets, labels)
    for sheet in sheets:
        sheet.data = None  # `data` holds the rows now; a large file is held once, not twice

    sectors = SectorIndex()
    if sectors.default is None:
        raise FileProblem("Belum ada sektor pekerjaan di sistem; minta admin mengisinya dulu.")
    villages = VillageIndex(settings.LINDUNG_REGENCY_CODE, scope_code)
    bounds = current_bounds(today)
    raw_sample = data.head(READINGS_SCANNED)
    checker = RowChecker(labels, villages, sectors, bounds, today)
    # The row loop allocates many small objects and frees none of them: the cyclic garbage
    # collector would only rescan them again and again.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        problems = _Problems()
        progress("validate", 0, out.rows)
        if vectorised:
            fast = _vector_pass(data, checker, problems)
            slow_data = data.filter(pl.col("__fast").not_())
        else:
            fast = None
            slow_data = data
        slow = _row_pass(slow_data, checker, problems, progress, out.rows)
        del slow_data
        nik_frame = pl.concat(
            [fast.nik_ok if fast is not None else _EMPTY_NIKS, slow.nik_ok], how="vertical"
        ).sort("row")
        accepted = pl.concat(
            [fast.accepted if fast is not None else empty_accepted(), slow.accepted],
            how="vertical",
        ).sort("row")
        default_flags = pl.concat(
            [fast.default_rows if fast is not None else _EMPTY_ROWS, slow.default_rows]
        )
        del data, fast
        rejected = _duplicates_in_file(nik_frame, problems, labels, keys)
        rejected.update(slow.error_rows)
        accepted = accepted.filter(pl.col("row").is_in(list(rejected)).not_())
        out.default_sector_rows = accepted.join(
            default_flags.to_frame(), on="row", how="semi"
        ).height
        out.big_incomes = {r: v for r, v in slow.big_incomes.items() if r not in rejected}
        progress("validate", out.rows, out.rows)
        accepted = _check_existing(nik_frame, accepted, problems, labels, rejected, progress)
        del nik_frame
        out.rejected_rows = rejected
        accepted = _find_possible_duplicates(
            out, accepted, problems, labels, progress, keys, scope_code
        )
        out.accepted_frame = accepted
        out.readings = readings(raw_sample, accepted.head(READINGS_SCANNED), labels, keys)
        out.errors, out.warnings = problems.build(keys, relabel)
    finally:
        if gc_was_enabled:
            gc.enable()
    progress("validate", out.rows, out.rows)
    return out


def _relabel(keys: RowKeys, sheets: list[_Sheet], labels: dict[str, str]) -> dict:
    """Sheet name -> {label on the first sheet: that sheet's own header}, where they differ."""
    out = {}
    for name, sheet in zip(keys.sheets or (), sheets, strict=False):
        changed = {labels[f]: own for f, own in sheet.labels.items() if labels.get(f) != own}
        if changed:
            out[name] = changed
    return out


def _header_hint(name: str) -> str:
    examples = ", ".join(f"'{h.title()}'" for h in FIELDS[name][1][:3])
    return f"Judul yang dikenali antara lain {examples}."


_EMPTY_NIKS = pl.DataFrame(schema={"row": pl.Int64, "nik": pl.String})
_EMPTY_ROWS = pl.Series("row", [], dtype=pl.Int64)


class _Problems:
    """Problems collected column-wise; `build` orders them by (row, slot) like the row loop."""

    def __init__(self):
        self.parts: dict[bool, list[pl.DataFrame]] = {True: [], False: []}
        self.lists: dict[bool, tuple[list, ...]] = {
            True: ([], [], [], [], []),
            False: ([], [], [], [], []),
        }

    def add(self, error: bool, row: int, slot: int, column: str, code: str, message: str):
        rows, slots, columns, codes_, messages = self.lists[error]
        rows.append(row)
        slots.append(slot)
        columns.append(column)
        codes_.append(code)
        messages.append(message)

    def add_frame(self, error: bool, frame: pl.DataFrame) -> None:
        """frame: row, slot, column, code, message."""
        if frame.height:
            self.parts[error].append(frame.select(_PROBLEM_COLUMNS).cast(_PROBLEM_SCHEMA))

    def _frame(self, error: bool) -> pl.DataFrame:
        listed = pl.DataFrame(
            dict(zip(_PROBLEM_COLUMNS, self.lists[error], strict=True)), schema=_PROBLEM_SCHEMA
        )
        # Stable sort: problems of one row and slot keep the order they were found in.
        return pl.concat([listed, *self.parts[error]]).sort(["row", "slot"], maintain_order=True)

    def build(
        self, keys: RowKeys = NO_SHEETS, relabel: dict | None = None
    ) -> tuple[list[Problem], list[Problem]]:
        """Problems with the row (and sheet) the operator sees; `relabel` gives each sheet's
        own header for a column label of the first sheet."""
        out = []
        for error in (True, False):
            frame = self._frame(error)
            found = []
            for key, column, code, text in zip(
                frame["row"].to_list(),
                frame["column"].to_list(),
                frame["code"].to_list(),
                frame["message"].to_list(),
                strict=True,
            ):
                if keys.sheets is None:
                    found.append(Problem(key, column, code, text))
                    continue
                sheet = keys.sheet(key)
                if relabel and sheet in relabel:
                    column = relabel[sheet].get(column, column)
                found.append(Problem(keys.row(key), column, code, text, sheet))
            out.append(found)
        return out[0], out[1]


_PROBLEM_COLUMNS = ("row", "slot", "column", "code", "message")
_PROBLEM_SCHEMA = {
    "row": pl.Int64,
    "slot": pl.Int8,
    "column": pl.String,
    "code": pl.String,
    "message": pl.String,
}


class RowChecker:
    """The checks of one row (the reference behaviour), with caches per distinct value."""

    def __init__(
        self,
        labels: dict[str, str],
        villages: VillageIndex,
        sectors: SectorIndex,
        bounds: Bounds,
        today: dt.date,
    ):
        self.labels, self.villages, self.sectors = labels, villages, sectors
        self.bounds, self.today = bounds, today
        self.floor = bounds.income_floor
        self.rule_name = bounds.source or "aturan kelayakan"
        self.date_cache: dict[str, dt.date | None] = {}
        self.sex_cache: dict[str, str | None] = {}
        self.income_cache: dict[str, tuple[int | None, bool]] = {}

    def birth(self, raw_birth: str) -> tuple[dt.date | None, tuple[str, str] | None]:
        """(birth date or None, (code, message) of the error or None)."""
        cache = self.date_cache
        if raw_birth in cache:
            birth = cache[raw_birth]
        else:
            birth = cache[raw_birth] = parse_date(raw_birth, self.today)
        today, bounds = self.today, self.bounds
        if birth is None:
            key = "birthdate_invalid" if raw_birth else "birthdate_missing"
            return None, ("birthdate_invalid", codes.message(key, found=raw_birth))
        if birth > today:
            found = birth.strftime("%d-%m-%Y")
            return None, ("birthdate_invalid", codes.message("birthdate_future", found=found))
        if birth.year < MIN_BIRTH_YEAR:
            found = birth.strftime("%d-%m-%Y")
            return None, ("birthdate_invalid", codes.message("birthdate_too_old", found=found))
        if bounds.min_age is not None or bounds.max_age is not None:
            age = age_on(birth, today)
            if (bounds.min_age is not None and age < bounds.min_age) or (
                bounds.max_age is not None and age > bounds.max_age
            ):
                return birth, (
                    "age_out_of_range",
                    codes.message(
                        "age_out_of_range",
                        age=age,
                        min_age=bounds.min_age or 0,
                        max_age=bounds.max_age or "…",
                        rule=self.rule_name,
                    ),
                )
        return birth, None

    def sex(self, raw_sex: str) -> str | None:
        cache = self.sex_cache
        if raw_sex in cache:
            return cache[raw_sex]
        found = cache[raw_sex] = parse_sex(raw_sex)
        return found

    def income(self, raw_income: str) -> tuple[int | None, str | None]:
        """(amount after the floor, warning message or None); code is income_adjusted."""
        cache = self.income_cache
        if raw_income in cache:
            income, income_ok = cache[raw_income]
        else:
            income, income_ok = cache[raw_income] = parse_income(raw_income)
        floor = self.floor
        if not income_ok:
            return income, codes.message("income_unreadable", found=str(raw_income)[:30])
        if income is not None and floor is not None and income < floor:
            return floor, codes.message("income_adjusted", found=_rp(income), floor=_rp(floor))
        return income, None

    def village_problem(self, problem: str, raw_village: str) -> str:
        where = f"di {self.villages.regency_name}" if self.villages.regency_name else ""
        found = (raw_village or "").strip()[:60]
        return codes.message(problem, found=found, where=where)

    def check(self, row: int, values: dict[str, str], problems: _Problems):
        """Check one row: (valid NIK or None, has errors, accepted values or None, default
        sector). The check across rows (NIK twice in the file) is not done here."""
        lab = self.labels
        has_error = False
        name, name_problem = clean_name(values["name"])
        if name_problem:
            has_error = True
            message = codes.message(name_problem, found=name[:40])
            problems.add(True, row, SLOT_NAME, lab["name"], "name_missing", message)

        birth, birth_problem = self.birth(values["birth_date"])
        if birth_problem:
            has_error = True
            problems.add(True, row, SLOT_BIRTH, lab["birth_date"], *birth_problem)

        sex = self.sex(values["sex"])
        result = parse_nik(
            values["nik"],
            today=self.today,
            entered_birth_date=birth,
            entered_sex=sex,
            region_known=known_region_prefix,
        )
        flags: list[str] = []
        for issue in result.issues:
            error = issue.severity == "error"
            has_error = has_error or error
            if not error:
                flags.append(issue.code)
            problems.add(error, row, SLOT_NIK, lab["nik"], issue.code, issue.message)
        nik = result.nik if result.ok else None

        match = self.villages.match(values["village"], values["kecamatan"])
        if match.problem:
            has_error = True
            message = self.village_problem(match.problem, values["village"])
            problems.add(True, row, SLOT_VILLAGE, lab["village"], "village_unknown", message)

        raw_phone = values["phone"]
        phone, phone_ok = parse_phone(raw_phone)
        if not phone_ok:
            flags.append("phone_invalid")
            message = codes.message("phone_invalid", found=str(raw_phone)[:30])
            problems.add(False, row, SLOT_PHONE, lab["phone"], "phone_invalid", message)

        income, income_message = self.income(values["income"])
        if income_message:
            flags.append("income_adjusted")
            problems.add(False, row, SLOT_INCOME, lab["income"], "income_adjusted", income_message)

        if has_error:
            return nik, True, None, False
        sector, is_default = self.sectors.match(values["sector"])
        if is_default:
            flags.append("sector_default")
        return (
            nik,
            False,
            (
                row,
                nik,
                name,
                sex or result.sex,
                birth,
                match.code,
                sector.pk,
                sector.priority,
                income,
                phone or "",
                (values["address"] or "")[:255],
                _SPACES.sub(" ", values["birthplace"] or "").strip()[:100],
                ",".join(flags),
            ),
            is_default,
        )


@dataclass
class _Pass:
    nik_ok: pl.DataFrame  # row, nik: rows whose NIK is valid (whatever else is wrong)
    accepted: pl.DataFrame  # ACCEPTED_SCHEMA, before the checks across rows
    default_rows: pl.Series  # rows of `accepted` that got the default sector
    error_rows: set[int] = field(default_factory=set)
    big_incomes: dict[int, int] = field(default_factory=dict)


_VALUE_FIELDS = tuple(FIELDS)


def _row_pass(
    data: pl.DataFrame, checker: RowChecker, problems: _Problems, progress: Progress, total: int
) -> _Pass:
    columns = [data[name].to_list() for name in _VALUE_FIELDS]
    rows = data["__row"].to_list()
    nik_rows, nik_values, accepted, default_rows = [], [], [], []
    error_rows: set[int] = set()
    big: dict[int, int] = {}
    for i, row in enumerate(rows):
        if i % 20000 == 0 and i:
            progress("validate", total - len(rows) + i, total)
        values = {name: column[i] for name, column in zip(_VALUE_FIELDS, columns, strict=True)}
        nik, has_error, record, is_default = checker.check(row, values, problems)
        if nik is not None:
            nik_rows.append(row)
            nik_values.append(nik)
        if has_error:
            error_rows.add(row)
            continue
        if record[8] is not None and record[8] > INT64_MAX:
            big[row] = record[8]
            record = (*record[:8], None, *record[9:])
        accepted.append(record)
        if is_default:
            default_rows.append(row)
    return _Pass(
        nik_ok=pl.DataFrame({"row": nik_rows, "nik": nik_values}, schema=_EMPTY_NIKS.schema),
        accepted=pl.DataFrame(accepted, schema=ACCEPTED_SCHEMA, orient="row"),
        default_rows=pl.Series("row", default_rows, dtype=pl.Int64),
        error_rows=error_rows,
        big_incomes=big,
    )


def _map_unique(
    data: pl.DataFrame,
    keys: list[str],
    fn: Callable,
    schema: dict[str, pl.DataType],
) -> pl.DataFrame:
    """Join to `data` the columns `fn(*key values)` computed once per distinct key."""
    distinct = data.select(keys).unique()
    key_values = [distinct[k].to_list() for k in keys]
    results = [fn(*args) for args in zip(*key_values, strict=True)]
    mapped = pl.DataFrame(results, schema=schema, orient="row")
    table = pl.concat([distinct, mapped], how="horizontal")
    return data.join(table, on=keys, how="left", maintain_order="left", nulls_equal=True)


# A phone in a simple form: digits, spaces and dashes, maybe a leading "+".
_SIMPLE_PHONE = r"^\+?[0-9]([0-9 \-]*[0-9])?$"


def _with_phone(frame: pl.DataFrame) -> pl.DataFrame:
    """parse_phone as expressions for simple phones (`__phone_simple`): the other rows go to
    RowChecker. Mirrors normalise.parse_phone step by step; each step is its own column
    (nested string expressions are evaluated again at every use)."""
    raw = pl.col("phone")
    frame = frame.with_columns(
        ((raw == "") | raw.str.contains(_SIMPLE_PHONE)).alias("__phone_simple"),
        raw.str.replace_all(r"[ \-]", "").alias("__digits"),
    ).with_columns(pl.col("__digits").str.starts_with("+").alias("__plus"))
    frame = frame.with_columns(
        pl.when(pl.col("__plus"))
        .then(pl.col("__digits").str.slice(1))
        .otherwise(pl.col("__digits"))
        .alias("__body")
    )
    body = pl.col("__body")
    frame = frame.with_columns(
        pl.when(body.str.starts_with("0062"))
        .then(body.str.slice(4))
        .when(body.str.starts_with("62"))
        .then(body.str.slice(2))
        .when(body.str.starts_with("0"))
        .then(body.str.slice(1))
        .otherwise(body)
        .alias("__national")
    )
    national = pl.col("__national")
    length = national.str.len_chars()
    ok = (
        (pl.col("__plus").not_() | body.str.starts_with("62"))
        & (national != "")
        & national.str.starts_with("0").not_()
        & pl.when(national.str.starts_with("8"))
        .then(length.is_between(9, 12))
        .otherwise(length.is_between(8, 11))
    )
    frame = frame.with_columns(((raw != "") & ok).alias("__phone_valid"))
    valid = pl.col("__phone_valid")
    return frame.with_columns(
        ((raw == "") | valid).alias("__phone_ok"),
        pl.when(valid).then(pl.lit("+62") + national).otherwise(pl.lit("")).alias("__phone"),
    ).drop("__digits", "__plus", "__body", "__national", "__phone_valid")


def _vector_pass(data: pl.DataFrame, checker: RowChecker, problems: _Problems) -> _Pass:
    """Settle the regular rows column-wise; mark them in data["__fast"] (in place)."""
    lab, today = checker.labels, checker.today

    def name_of(raw):
        name, problem = clean_name(raw)
        return name, problem is None

    def birth_of(raw):
        birth, problem = checker.birth(raw)
        return birth, problem is None

    def village_of(village, kecamatan):
        match = checker.villages.match(village, kecamatan)
        return match.code, match.problem is None

    def income_of(raw):
        income, message = checker.income(raw)
        fits = income is None or income <= INT64_MAX
        return (income if fits else None), message, fits

    def sector_of(raw):
        sector, is_default = checker.sectors.match(raw)
        return sector.pk, sector.priority, is_default

    def nik_birth_of(ddmmyy):
        if ddmmyy is None:
            return None, None
        return birth_from_digits(ddmmyy, today)

    def region_of(digits):
        if digits is None:
            return (False,)
        return (known_region_prefix(f"{digits[0:2]}.{digits[2:4]}.{digits[4:6]}"),)

    d = data.with_columns(
        pl.col("nik").str.contains(r"^[0-9]{16}$").alias("__nik_simple"),
    ).with_columns(
        pl.when(pl.col("__nik_simple")).then(pl.col("nik").str.slice(6, 6)).alias("__ddmmyy"),
        pl.when(pl.col("__nik_simple")).then(pl.col("nik").str.slice(0, 6)).alias("__region"),
    )
    d = _with_phone(d)
    d = _map_unique(d, ["name"], name_of, {"__name": pl.String, "__name_ok": pl.Boolean})
    d = _map_unique(d, ["birth_date"], birth_of, {"__birth": pl.Date, "__birth_ok": pl.Boolean})
    d = _map_unique(d, ["sex"], lambda raw: (checker.sex(raw),), {"__sex": pl.String})
    d = _map_unique(
        d,
        ["village", "kecamatan"],
        village_of,
        {"__village": pl.String, "__village_ok": pl.Boolean},
    )
    d = _map_unique(
        d,
        ["income"],
        income_of,
        {"__income": pl.Int64, "__income_msg": pl.String, "__income_fits": pl.Boolean},
    )
    d = _map_unique(
        d,
        ["sector"],
        sector_of,
        {"__sector": pl.Int64, "__priority": pl.Int64, "__default": pl.Boolean},
    )
    d = _map_unique(d, ["__ddmmyy"], nik_birth_of, {"__born": pl.Date, "__nik_sex": pl.String})
    d = _map_unique(d, ["__region"], region_of, {"__region_ok": pl.Boolean})
    nik_clean = (
        pl.col("__nik_simple")
        & pl.col("__born").is_not_null()
        & (pl.col("nik").str.slice(12, 4) != "0000")
        & pl.col("__region_ok")
        & (pl.col("__birth") == pl.col("__born"))
        & (pl.col("__sex").is_null() | (pl.col("__sex") == pl.col("__nik_sex")))
    )
    fast = (
        nik_clean.fill_null(False)
        & pl.col("__name_ok")
        & pl.col("__birth_ok")
        & pl.col("__village_ok")
        & pl.col("__phone_simple")
        & pl.col("__income_fits")
    )
    d = d.with_columns(fast.alias("__fast"))
    data.insert_column(data.width, d["__fast"])
    f = d.filter(pl.col("__fast"))
    del d
    phone_bad = pl.col("__phone_ok").not_()
    income_bad = pl.col("__income_msg").is_not_null()
    prefix, suffix = codes.MESSAGES["phone_invalid"].split("{found}")
    problems.add_frame(
        False,
        f.filter(phone_bad).select(
            pl.col("__row").alias("row"),
            pl.lit(SLOT_PHONE).alias("slot"),
            pl.lit(lab["phone"]).alias("column"),
            pl.lit("phone_invalid").alias("code"),
            (pl.lit(prefix) + pl.col("phone").str.slice(0, 30) + pl.lit(suffix)).alias("message"),
        ),
    )
    problems.add_frame(
        False,
        f.filter(income_bad).select(
            pl.col("__row").alias("row"),
            pl.lit(SLOT_INCOME).alias("slot"),
            pl.lit(lab["income"]).alias("column"),
            pl.lit("income_adjusted").alias("code"),
            pl.col("__income_msg").alias("message"),
        ),
    )
    flags = pl.concat_str(
        [
            pl.when(phone_bad).then(pl.lit("phone_invalid")),
            pl.when(income_bad).then(pl.lit("income_adjusted")),
            pl.when(pl.col("__default")).then(pl.lit("sector_default")),
        ],
        separator=",",
        ignore_nulls=True,
    ).fill_null("")
    accepted = f.select(
        pl.col("__row").alias("row"),
        pl.col("nik"),
        pl.col("__name").alias("name"),
        pl.coalesce("__sex", "__nik_sex").alias("sex"),
        pl.col("__birth").alias("birth_date"),
        pl.col("__village").alias("village"),
        pl.col("__sector").alias("sector_id"),
        pl.col("__priority").alias("sector_priority"),
        pl.col("__income").alias("income"),
        pl.col("__phone").alias("phone"),
        pl.col("address").str.slice(0, 255).alias("address"),
        pl.col("birthplace")
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
        .str.slice(0, 100)
        .alias("birthplace"),
        flags.alias("flags"),
    ).cast(ACCEPTED_SCHEMA)
    return _Pass(
        nik_ok=f.select(pl.col("__row").alias("row"), "nik"),
        accepted=accepted,
        default_rows=f.filter(pl.col("__default"))["__row"].alias("row"),
    )


def _duplicates_in_file(
    nik_frame: pl.DataFrame, problems: _Problems, labels, keys: RowKeys
) -> set[int]:
    """duplicate_in_file for every later row with a valid NIK seen before; returns the rows."""
    dups = nik_frame.with_columns(pl.col("row").min().over("nik").alias("first")).filter(
        pl.col("row") != pl.col("first")
    )
    if keys.sheets and len(keys.sheets) > 1:
        where = {key: keys.where(key) for key in dups["first"].unique().to_list()}
        dups = dups.with_columns(pl.col("first").replace_strict(where, return_dtype=pl.String))
    prefix, suffix = codes.MESSAGES["duplicate_in_file"].split("{first}")
    problems.add_frame(
        True,
        dups.select(
            "row",
            pl.lit(SLOT_DUP_FILE).alias("slot"),
            pl.lit(labels["nik"]).alias("column"),
            pl.lit("duplicate_in_file").alias("code"),
            (pl.lit(prefix) + pl.col("first").cast(pl.String) + pl.lit(suffix)).alias("message"),
        ),
    )
    return set(dups["row"].to_list())


def _rp(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


def _existing_niks(keys: list[str], progress: Progress) -> set[str]:
    """The NIKs of `keys` already in the registry (plain SQL: no ORM objects per key)."""
    qn = connection.ops.quote_name
    table, column = qn(Worker._meta.db_table), qn("nik")
    limit = getattr(connection.features, "max_query_params", None) or 10000
    chunk_size = max(1, min(limit - 10, 10000))
    found: set[str] = set()
    with connection.cursor() as cursor:
        for start in range(0, len(keys), chunk_size):
            chunk = keys[start : start + chunk_size]
            holders = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"SELECT {column} FROM {table} WHERE {column} IN ({holders})", chunk)
            found.update(nik for (nik,) in cursor.fetchall())
            progress("registry", start, len(keys))
    return found


def _check_existing(
    nik_frame: pl.DataFrame,
    accepted: pl.DataFrame,
    problems: _Problems,
    labels: dict[str, str],
    rejected: set[int],
    progress: Progress,
) -> pl.DataFrame:
    """duplicate_existing for every row (accepted or not) whose valid NIK is in the registry."""
    keys = nik_frame["nik"].unique().sort().to_list()
    existing = _existing_niks(keys, progress)
    if not existing:
        return accepted
    hits = nik_frame.filter(pl.col("nik").is_in(list(existing))).select("row").unique().sort("row")
    message = codes.message("duplicate_existing")
    problems.add_frame(
        True,
        hits.select(
            "row",
            pl.lit(SLOT_EXISTING).alias("slot"),
            pl.lit(labels["nik"]).alias("column"),
            pl.lit("duplicate_existing").alias("code"),
            pl.lit(message).alias("message"),
        ),
    )
    hit_rows = hits["row"].to_list()
    rejected.update(hit_rows)
    return accepted.filter(pl.col("row").is_in(hit_rows).not_())


# Villages whose registry rows are held in memory at once while looking for possible
# duplicates: ~5,000 workers each in a real regency, ~40,000 in the 10M benchmark.
DUPLICATE_VILLAGE_BATCH = 16


def _find_possible_duplicates(
    out: Outcome,
    accepted: pl.DataFrame,
    problems: _Problems,
    labels: dict[str, str],
    progress: Progress,
    keys: RowKeys,
    scope_code: str = "",
) -> pl.DataFrame:
    """Pairs within a (birth date, village) block; only blocks with two or more people (in the
    file or the registry) can hold one, so only their rows are compared. Blocks never cross a
    village, so the registry is read a few villages at a time: memory follows the villages in
    hand, not the size of the registry (a 2M-row file against 8M registered workers held all
    8M in memory, 6.5 GiB). Rows without a pair then meet the registered workers of every
    other village through the model's blocking rules (`regency_pairs`)."""
    if not accepted.height:
        return accepted
    block = ["birth_date", "village"]
    villages = accepted["village"].unique().sort().to_list()
    batch_of = {village: i // DUPLICATE_VILLAGE_BATCH for i, village in enumerate(villages)}
    rows = accepted.select(
        "row",
        "nik",
        "name",
        "birth_date",
        "village",
        "sex",
        (pl.len().over(block) > 1).alias("shared"),
        pl.col("village").replace_strict(batch_of, return_dtype=pl.Int32).alias("batch"),
    )
    total, done = rows.height, 0
    # The model's prior follows the number of people the file and the registry hold.
    n_records = Worker.objects.count() + rows.height
    pairs: list[Pair] = []
    for (_,), in_batch in sorted(rows.partition_by("batch", as_dict=True).items()):
        in_batch = in_batch.drop("batch").sort("row")
        finder = _registry_finder(in_batch, in_batch["village"].unique().to_list(), n_records)
        for row, nik, name, birth, village, sex, shared in in_batch.iter_rows():
            if shared or finder.has_block(birth, village):
                pair = finder.check(row, nik, name, birth, village, sex or "")
                if pair is not None:
                    pairs.append(pair)
        done += in_batch.height
        progress("duplicates", done, total)
    paired = [pair.row for pair in pairs]
    unpaired = rows.filter(pl.col("row").is_in(paired).not_()).drop("shared", "batch")
    regency = settings.LINDUNG_REGENCY_CODE
    pairs.extend(regency_pairs(unpaired.iter_rows(), regency, n_records))
    if not pairs:
        return accepted
    pairs.sort(key=lambda pair: pair.row)
    villages_named = _village_names({p.other.village for p in pairs if not p.other.in_file})
    for pair in pairs:
        problems.add(
            False,
            pair.row,
            SLOT_POSSIBLE,
            labels["name"],
            "possible_duplicate",
            codes.message(
                "possible_duplicate", other=_other_person(pair, keys, scope_code, villages_named)
            ),
        )
    out.pairs.extend(pairs)
    marked = pl.col("row").is_in([pair.row for pair in pairs])
    return accepted.with_columns(
        pl.when(marked & (pl.col("flags") != ""))
        .then(pl.col("flags") + ",possible_duplicate")
        .when(marked)
        .then(pl.lit("possible_duplicate"))
        .otherwise(pl.col("flags"))
        .alias("flags")
    )


def _village_names(codes_: set[str]) -> dict[str, str]:
    from lindung.areas.models import Area

    named = Area.objects.filter(code__in=codes_).values_list(
        "code", "level", "kind", "name", "parent__name"
    )
    return {
        code: f"{Area.label(level, kind, name)}, Kec. {parent}" if parent else name
        for code, level, kind, name, parent in named
    }


def _other_person(pair: Pair, keys: RowKeys, scope_code: str, villages: dict[str, str]) -> str:
    """Who the row may be, told within the uploader's scope: the name of someone registered
    outside it stays hidden, their NIK keeps only its region digits."""
    other = pair.other
    if other.in_file:
        return f"baris {keys.where(other.key)} ({other.name}, NIK {mask_nik(other.nik)})"
    place = villages.get(other.village, other.village)
    if scope_covers(scope_code, other.village):
        return f"pekerja terdaftar {other.name} di {place} (NIK {mask_nik(other.nik)})"
    return f"seseorang yang sudah terdaftar di {place} (NIK {mask_nik(other.nik)})"


def _registry_finder(rows: pl.DataFrame, villages: list[str], n_records: int) -> DuplicateFinder:
    """A finder holding the registered workers of `villages` born on a day some row of the
    file was born on in the same village."""
    births: dict[str, set[dt.date]] = {}
    for village, born in rows.select("village", "birth_date").unique().iter_rows():
        births.setdefault(village, set()).add(born)
    finder = DuplicateFinder(n_records)
    if connection.vendor == "postgresql":
        # Only the file's blocks, one lookup each on the (birth date, village) index: reading
        # the whole villages grew with the registry (every village, at a 200k-row file).
        # In index order: neighbouring lookups share index pages (in file order they jumped
        # across the whole index: 0.6 s into an empty table, 4.9 s at 980k workers, 200k rows).
        pairs = sorted((born, village) for village, days in births.items() for born in days)
        table = connection.ops.quote_name(Worker._meta.db_table)
        columns = "w.id, w.nik, w.name, w.birth_date, w.village_id, w.sex"
        sql = (
            f"SELECT {columns} FROM unnest(%s::date[], %s::text[]) AS q(b, v) CROSS JOIN LATERAL"
            f" (SELECT {columns} FROM {table} w WHERE w.birth_date = q.b AND w.village_id = q.v"
            f" {LOOKUP_EACH}) w"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [[b for b, _ in pairs], [v for _, v in pairs]])
            # (name, id) as the ORM read had it: ties between candidates resolve the same way.
            rows = sorted(cursor.fetchall(), key=lambda r: (r[2], r[0]))
            for worker_id, nik, name, birth, village, sex in rows:
                finder.add_existing(worker_id, nik, name, birth, village, sex)
        return finder
    existing = Worker.objects.filter(village_id__in=villages).values_list(
        "id", "nik", "name", "birth_date", "village_id", "sex"
    )
    for worker_id, nik, name, birth, village, sex in existing.iterator(chunk_size=20000):
        if birth in births.get(village, ()):
            finder.add_existing(worker_id, nik, name, birth, village, sex)
    return finder


def required_fields() -> tuple[str, ...]:
    return REQUIRED
