"""Write the demo data set: users, workers, memberships and their transitions, then the
steps other apps registered. Everything runs in one transaction, so a failed run leaves
nothing behind and can simply be repeated.
"""

from __future__ import annotations

import datetime as dt
import operator
import random
import time
import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from lindung.areas.models import Area
from lindung.areas.services import load_areas
from lindung.core.dbstats import analyze
from lindung.core.demo import registry
from lindung.core.sqlite import large_sqlite_cache
from lindung.enrollment.models import (
    EndReason,
    Membership,
    MembershipStatus,
    MembershipTransition,
)
from lindung.workers.models import Worker

from .geography import REGENCY, villages
from .memberships import ACTOR, NOTES, KpjNumbers, plan_person
from .people import generate_people
from .sectors import ensure_sectors
from .users import Login, ensure_demo_users

CHUNK = 2000
Progress = Callable[[str, int, int], None]  # (phase, done, total)


@dataclass
class DemoResult:
    workers: int = 0
    memberships: int = 0
    transitions: int = 0
    history_rows: int = 0
    seconds: float = 0.0
    skipped: bool = False
    logins: list[Login] = field(default_factory=list)
    summaries: list[str] = field(default_factory=list)


def ensure_areas() -> None:
    """The demo lives in Lombok Timur; load its areas if this database lacks them."""
    if not Area.objects.villages().filter(code__startswith=REGENCY + ".").exists():
        load_areas(prefix=REGENCY)


def _chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


class _Clock:
    """Office-hours timestamps on a given day, never later than now."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        self.now = timezone.now()

    def at(self, day: dt.date) -> dt.datetime:
        moment = dt.datetime.combine(
            day,
            dt.time(self.rng.randint(8, 15), self.rng.randrange(60), self.rng.randrange(60)),
            tzinfo=self.tz,
        )
        return min(moment, self.now)


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """Primary keys for `count` new rows, so related rows can be written without reading back.

    PostgreSQL hands them out from the table's sequence. SQLite allows one writer at a
    time and the demo runs inside a write transaction, so max(id) + 1 … is safe there.
    """
    if count == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')
        first = cursor.fetchone()[0] + 1
    return list(range(first, first + count))


class _Inserter:
    """Plain multi-row INSERTs through the database cursor.

    The ORM's bulk_create spends most of its time building a model instance and
    preparing each value field by field; for a few hundred thousand demo rows that alone
    took over a minute. Values here are prepared once per column type instead.
    """

    def __init__(self, model: type[models.Model], columns: list[str]):
        fields = {f.attname: f for f in model._meta.concrete_fields}
        self.columns = columns
        self.adapters = [self._adapter(fields[c]) for c in columns]
        quoted = ", ".join(connection.ops.quote_name(fields[c].column) for c in columns)
        marks = ", ".join(["%s"] * len(columns))
        self.sql = f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} "
        self.sql += f"({quoted}) VALUES ({marks})"

    @staticmethod
    def _adapter(field: models.Field):
        if isinstance(field, models.DateTimeField):
            if connection.vendor == "sqlite" and settings.USE_TZ:
                return _sqlite_utc_text
            return connection.ops.adapt_datetimefield_value
        if isinstance(field, models.DateField):
            return connection.ops.adapt_datefield_value
        if isinstance(field, models.JSONField):
            return lambda value: field.get_db_prep_save(value, connection)
        return None

    def insert(self, rows: list[tuple]) -> None:
        adapters = list(enumerate(self.adapters))
        adapters = [(i, a) for i, a in adapters if a is not None]
        prepared = []
        for row in rows:
            row = list(row)
            for i, adapt in adapters:
                if row[i] is not None:
                    row[i] = adapt(row[i])
            prepared.append(row)
        with connection.cursor() as cursor:
            cursor.executemany(self.sql, prepared)


def _write(
    model: type[models.Model],
    columns: list[str],
    rows: list[tuple],
    phase: str,
    progress: Progress | None,
) -> None:
    inserter = _Inserter(model, columns)
    done = 0
    for chunk in _chunks(rows, CHUNK * 2):
        inserter.insert(chunk)
        done += len(chunk)
        if progress:
            progress(phase, done, len(rows))


def generate(
    count: int,
    seed: int,
    today: dt.date | None = None,
    progress: Progress | None = None,
    history: bool = True,
    run_registered_steps: bool = True,
    report: Callable[[str], None] | None = None,
    skip_steps: set[str] | None = None,
) -> DemoResult:
    """Create `count` workers with memberships, then run the registered demo steps."""
    started = time.monotonic()
    today = today or dt.date.today()
    result = DemoResult()
    with large_sqlite_cache(), transaction.atomic():
        ensure_areas()
        sectors = ensure_sectors()
        result.logins = ensure_demo_users()
        by_role = {login.user.role: login.user for login in result.logins if login.is_demo}
        village_rows = list(
            Area.objects.villages()
            .filter(code__startswith=REGENCY + ".")
            .values_list("code", "kind")
        )
        places = villages(village_rows, set(sectors))
        kpjs = KpjNumbers(
            random.Random(f"{seed}:kpj"),
            set(Membership.objects.exclude(kpj="").values_list("kpj", flat=True)),
        )
        plan_rng = random.Random(f"{seed}:memberships")
        people, plans = [], []
        for person in generate_people(random.Random(seed), places, count, today, _existing_niks()):
            people.append(person)
            plans.append(plan_person(plan_rng, person, today, kpjs))
            if progress and (len(people) % CHUNK == 0 or len(people) == count):
                progress("menyusun data", len(people), count)
        writer = _Writer(random.Random(f"{seed}:clock"), by_role, progress, history)
        worker_ids = writer.workers(people, plans, sectors)
        membership_ids = writer.memberships(worker_ids, people, plans)
        result.workers, result.memberships = len(worker_ids), len(membership_ids)
        result.transitions, result.history_rows = writer.transitions, writer.history_rows
        analyze()  # PostgreSQL: the steps below query tables that were empty a moment ago

        if run_registered_steps:
            context = {
                "seed": seed,
                "today": today,
                "users": by_role,
                "workers_created": len(worker_ids),
                "worker_ids": worker_ids,
                "membership_ids": membership_ids,
                "workers": created_queryset(Worker, worker_ids),
                "memberships": created_queryset(Membership, membership_ids),
                "villages": [v.code for v in places],
                "regency": REGENCY,
            }
            result.summaries = registry.run_steps(
                context, report, skip=skip_steps, progress=progress
            )
    result.seconds = time.monotonic() - started
    return result


def created_queryset(model: type[models.Model], ids: list[int]) -> models.QuerySet:
    """The rows with these ids, as an id range when they are consecutive (they normally
    are): a 100,000-item `IN (...)` list is slow and can exceed database parameter limits."""
    if not ids:
        return model.objects.none()
    if ids[-1] - ids[0] + 1 == len(ids) and ids == sorted(ids):
        return model.objects.filter(pk__range=(ids[0], ids[-1]))
    return model.objects.filter(pk__in=ids)


def _existing_niks() -> set[str]:
    if not Worker.objects.exists():
        return set()
    return set(Worker.objects.filter(nik__startswith="5203").values_list("nik", flat=True))


def _sqlite_utc_text(value: dt.datetime) -> str:
    """What Django's SQLite backend stores for an aware datetime (naive UTC text), without
    its per-value checks: about twenty times faster over a few hundred thousand values."""
    return (value - value.utcoffset()).replace(tzinfo=None).isoformat(" ")


def _rows(model: type[models.Model], values: list[dict]) -> tuple[list[str], list[tuple]]:
    """Every concrete column, taking the field default where a row gives no value
    (a raw INSERT does not apply Django's Python-side defaults)."""
    fields = [f for f in model._meta.concrete_fields if not isinstance(f, models.AutoField)]
    columns = [f.attname for f in fields]
    defaults = {f.attname: f.get_default() for f in fields}
    if len(columns) == 1:
        return columns, [({**defaults, **v}[columns[0]],) for v in values]
    pick = operator.itemgetter(*columns)
    return columns, [pick({**defaults, **v}) for v in values]


class _Writer:
    HISTORY_REASON = "Data demo"

    def __init__(self, rng: random.Random, by_role: dict, progress: Progress | None, history):
        self.clock = _Clock(rng)
        self.by_role = by_role
        self.operator = by_role.get("operator_desa")
        self.progress = progress
        self.history = history
        self.transitions = 0
        self.history_rows = 0

    def _insert(self, model, values: list[dict], phase: str) -> None:
        columns, rows = _rows(model, values)
        _write(
            model,
            ["id", *columns],
            [(v["id"], *r) for v, r in zip(values, rows, strict=True)],
            phase,
            self.progress,
        )
        if self.history:
            self._history(model, values)

    def _history(self, model, values: list[dict]) -> None:
        """Creation entries for django-simple-history, dated when the row was made."""
        historical = model.history.model
        extra = {
            "history_type": "+",
            "history_change_reason": self.HISTORY_REASON,
            "history_user_id": None,
        }
        rows = [{**v, **extra, "history_date": v["created_at"]} for v in values]
        columns, prepared = _rows(historical, rows)
        _write(historical, columns, prepared, "riwayat " + model._meta.model_name, self.progress)
        self.history_rows += len(prepared)

    def workers(self, people, plans, sectors) -> list[int]:
        ids = reserve_ids(Worker, len(people))
        values = []
        for pk, person, plan in zip(ids, people, plans, strict=True):
            sector = sectors[person.sector]
            created = self.clock.at(plan.registered_on)
            own_village = self.operator is not None and self.operator.area_id == person.village
            verified = self._verified(plan)
            values.append(
                {
                    "id": pk,
                    "nik": person.nik,
                    "name": person.name,
                    "sex": person.sex,
                    "birth_date": person.birth_date,
                    "village_id": person.village,
                    "address": person.address,
                    "phone": person.phone,
                    "sector_id": sector.pk,
                    "monthly_income": person.monthly_income,
                    "poverty_desil": person.poverty_desil,
                    "priority_group": sector.priority,
                    "deceased_date": plan.deceased_date,
                    "created_at": created,
                    "updated_at": created,
                    "created_by_id": self.operator.pk if own_village else None,
                    # Used only where the workers app has these columns (see _rows).
                    "verified_at": verified,
                    "verified_by_id": self._admin_id if verified else None,
                }
            )
        self._insert(Worker, values, "pekerja")
        self._created = {v["id"]: v["created_at"] for v in values}
        return ids

    @property
    def _admin_id(self) -> int | None:
        admin = self.by_role.get("admin_kabupaten")
        return admin.pk if admin else None

    def _verified(self, plan) -> dt.datetime | None:
        """When the person's data were checked: the membership's `diverifikasi` step."""
        steps = plan.membership.steps if plan.membership else []
        for step in steps:
            if step.to_status == MembershipStatus.DIVERIFIKASI:
                return self.clock.at(step.on)
        return None

    def memberships(self, worker_ids: list[int], people, plans) -> list[int]:
        chosen = [
            (wid, person, plan.membership)
            for wid, person, plan in zip(worker_ids, people, plans, strict=True)
            if plan.membership
        ]
        ids = reserve_ids(Membership, len(chosen))
        values, transitions = [], []
        for pk, (wid, person, spec) in zip(ids, chosen, strict=True):
            created = self._created[wid]  # registered together with the person
            steps = list(self._steps(pk, person.village, spec, created))
            values.append(
                {
                    "id": pk,
                    "worker_id": wid,
                    "village_id": person.village,
                    "status": spec.status,
                    "end_reason": spec.end_reason,
                    "with_jht": spec.with_jht,
                    "kpj": spec.kpj,
                    "bpjs_registered": spec.bpjs_registered,
                    "declared_income": spec.declared_income,
                    "funding_type": spec.funding_type,
                    "payment_period_months": spec.payment_period_months,
                    "coverage_start": spec.coverage_start,
                    "paid_until": spec.paid_until,
                    "coverage_end": spec.coverage_end,
                    "created_at": created,
                    "updated_at": steps[-1]["at"] if steps else created,
                }
            )
            transitions.extend(steps)
        self._insert(Membership, values, "kepesertaan")
        columns, rows = _rows(MembershipTransition, transitions)
        _write(MembershipTransition, columns, rows, "perubahan status", self.progress)
        self.transitions = len(rows)
        return ids

    def _steps(self, membership_id: int, village: str, spec, created: dt.datetime):
        previous_at = created
        for step in spec.steps:
            at = max(self.clock.at(step.on), previous_at)
            actor = ACTOR.get(step.to_status)
            user = self.by_role.get(actor) if actor else None
            if user is not None and user.role == "operator_desa" and user.area_id != village:
                user = None  # other villages' operators are not demo accounts
            yield {
                "membership_id": membership_id,
                "from_status": step.from_status,
                "to_status": step.to_status,
                "at": at,
                "by_id": user.pk if user else None,
                "note": _note(step.to_status, spec.end_reason),
            }
            previous_at = at


def _note(status: str, end_reason: str) -> str:
    if status == MembershipStatus.BERAKHIR and end_reason:
        return f"{NOTES[status]}: {EndReason(end_reason).label}"
    return NOTES[status]
