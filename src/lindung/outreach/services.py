"""Outreach domain logic: attribution of registrations, inactive-village flags, yield summaries.

No HTTP here. Functions taking an `area_code` trust the caller to have checked that the user
covers that area (views do, with user_covers_area / scoped querysets).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, Max, QuerySet, Sum
from django.utils import timezone

from lindung.accounts.masking import mask_phone  # noqa: F401  (the one phone mask)
from lindung.accounts.scoping import area_q
from lindung.areas.models import Area
from lindung.core.formatting import format_date
from lindung.workers.models import Worker

from .models import (
    Activity,
    ActivityKind,
    ActivityRegistration,
    OutreachPolicy,
    OutreachTarget,
    Team,
)


class AttributionError(ValueError):
    """A worker cannot be linked to an activity; the message is for the user."""


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def attribution_window(activity: Activity) -> tuple[dt.date, dt.date]:
    """First and last day (inclusive) on which a registration can come from this activity."""
    days = OutreachPolicy.current(activity.date).attribution_window_days
    return activity.date, activity.date + dt.timedelta(days=days)


def attribution_candidates(activity: Activity) -> QuerySet[Worker]:
    """Workers of the activity's village registered within the window and not yet attributed."""
    first, last = attribution_window(activity)
    return (
        Worker.objects.filter(
            village_id=activity.village_id,
            created_at__gte=_day_start(first),
            created_at__lt=_day_start(last + dt.timedelta(days=1)),
            outreach_registration__isnull=True,
        )
        .select_related("sector")
        .order_by("created_at", "id")
    )


def attribute(activity: Activity, workers: Iterable[Worker], by=None) -> int:
    """Link workers registered through `activity`; all or nothing. Returns how many were linked.

    Refuses workers of another village, workers registered outside the attribution window and
    workers already credited to another activity (each registration counts once).
    """
    workers = list(workers)
    if not workers:
        raise AttributionError("Pilih minimal satu pekerja.")
    first, last = attribution_window(activity)
    problems: list[str] = []
    taken = dict(
        ActivityRegistration.objects.filter(worker__in=workers).values_list(
            "worker_id", "activity_id"
        )
    )
    for worker in workers:
        if worker.village_id != activity.village_id:
            problems.append(f"{worker.name}: bukan warga desa tempat kegiatan ini.")
            continue
        registered = timezone.localdate(worker.created_at)
        if not first <= registered <= last:
            problems.append(
                f"{worker.name}: didaftarkan {format_date(registered)}, di luar jendela "
                f"{format_date(first)} s.d. {format_date(last)}."
            )
            continue
        if worker.pk in taken:
            where = "kegiatan ini" if taken[worker.pk] == activity.pk else "kegiatan lain"
            problems.append(f"{worker.name}: sudah tercatat sebagai hasil {where}.")
    if problems:
        raise AttributionError(" ".join(problems))
    with transaction.atomic():
        ActivityRegistration.objects.bulk_create(
            [ActivityRegistration(activity=activity, worker=w, linked_by=by) for w in workers]
        )
    return len(workers)


def unattribute(activity: Activity, worker_id: int) -> bool:
    deleted, _ = ActivityRegistration.objects.filter(
        activity=activity, worker_id=worker_id
    ).delete()
    return bool(deleted)


def activities_for_worker_registration(village_code: str, on: dt.date) -> QuerySet[Activity]:
    """Activities a registration made on `on` in this village may be credited to (newest first).

    For the worker registration form: lets the operator pick "registered through" at entry time.
    """
    days = OutreachPolicy.current(on).attribution_window_days
    return Activity.objects.filter(
        village_id=village_code, date__lte=on, date__gte=on - dt.timedelta(days=days)
    ).select_related("team")


# --- flags ----------


def inactive_villages(area_code: str, today: dt.date | None = None) -> list[dict]:
    """Villages within `area_code` with no activity in the last N days (N from the policy).

    An activity exactly N days ago still counts as recent. Villages that never had one come
    first, then the longest silent.
    """
    today = today or timezone.localdate()
    threshold = OutreachPolicy.current(today).inactive_days
    return village_rows(quiet_villages(area_code, today, threshold), today, threshold)


def village_rows(
    quiet: list[tuple[str, dt.date | None]], today: dt.date, threshold: int
) -> list[dict]:
    """The rows of inactive_villages for these (village code, last activity) pairs."""
    codes = [code for code, _last in quiet]
    teams = set(
        Team.objects.filter(village_id__in=codes, is_active=True).values_list(
            "village_id", flat=True
        )
    )
    areas = Area.objects.select_related("parent").in_bulk(codes, field_name="code")
    return [
        {
            "village": areas[code],
            "kecamatan": areas[code].parent,
            "last_date": last_date,
            "days_since": (today - last_date).days if last_date else None,
            "has_team": code in teams,
            "threshold": threshold,
        }
        for code, last_date in quiet
    ]


def quiet_villages(
    area_code: str, today: dt.date, threshold: int
) -> list[tuple[str, dt.date | None]]:
    """(village code, day of its last activity) of the villages of inactive_villages, in its
    order, read as plain values (a regency has 254 villages; only the shown ones become rows)."""
    cutoff = today - dt.timedelta(days=threshold)
    villages = Area.objects.villages().within(area_code)
    last = dict(
        Activity.objects.filter(village__in=villages, date__lte=today)
        .values_list("village_id")
        .annotate(last=Max("date"))
    )
    quiet = [
        (code, last.get(code))
        for code in villages.order_by("code").values_list("code", flat=True)
        if last.get(code) is None or last[code] < cutoff
    ]
    quiet.sort(key=lambda row: (row[1] is not None, row[1] or dt.date.min))
    return quiet


# --- summaries ----------


def _ratio(numerator: float, denominator: float) -> float | None:
    return round(numerator / denominator, 2) if denominator else None


def _percent(numerator: float, denominator: float) -> float | None:
    return round(100 * numerator / denominator, 1) if denominator else None


def _targets(village_codes: list[str], start: dt.date, end: dt.date) -> dict[str, tuple[int, int]]:
    """(activities, registrations) target per village for the years the period touches.

    A village-level target wins; without one, the targets of its teams are added up.
    """
    years = range(start.year, end.year + 1)
    village_level: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    team_level: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    rows = OutreachTarget.objects.filter(village_id__in=village_codes, year__in=years).values_list(
        "village_id", "team_id", "activities_target", "registrations_target"
    )
    for village, team, acts, regs in rows:
        bucket = team_level if team else village_level
        bucket[village][0] += acts
        bucket[village][1] += regs
    out = {}
    for code in village_codes:
        chosen = village_level.get(code) or team_level.get(code)
        if chosen:
            out[code] = (chosen[0], chosen[1])
    return out


def outreach_summary(area_code: str, start: dt.date, end: dt.date) -> list[dict]:
    """One row per village inside `area_code`: activities, attendees, registrations and yield.

    Registrations count by the date of the activity they are attributed to, so a period's yield
    belongs to that period's activities. Target progress compares with the targets of the
    calendar years the period touches (a partial year is not prorated).
    """
    villages = list(Area.objects.villages().within(area_code).select_related("parent"))
    codes = [v.code for v in villages]
    in_period = Activity.objects.filter(village_id__in=codes, date__gte=start, date__lte=end)
    acts = {
        row["village_id"]: row
        for row in in_period.values("village_id").annotate(n=Count("id"), people=Sum("attendees"))
    }
    regs = dict(
        ActivityRegistration.objects.filter(activity__in=in_period)
        .values_list("activity__village_id")
        .annotate(n=Count("id"))
    )
    last = dict(
        Activity.objects.filter(village_id__in=codes, date__lte=end)
        .values_list("village_id")
        .annotate(last=Max("date"))
    )
    teams = dict(
        Team.objects.filter(village_id__in=codes, is_active=True)
        .values_list("village_id")
        .annotate(n=Count("id"))
    )
    targets = _targets(codes, start, end)
    rows = []
    for village in villages:
        n_acts = acts.get(village.code, {}).get("n", 0)
        people = acts.get(village.code, {}).get("people") or 0
        n_regs = regs.get(village.code, 0)
        act_target, reg_target = targets.get(village.code, (None, None))
        rows.append(
            {
                "code": village.code,
                "name": village.name,
                "kind": village.get_kind_display(),
                "kecamatan_code": village.parent_id,
                "kecamatan_name": village.parent.name if village.parent else "",
                "active_teams": teams.get(village.code, 0),
                "activities": n_acts,
                "attendees": people,
                "registrations": n_regs,
                "yield_per_activity": _ratio(n_regs, n_acts),
                "activities_target": act_target,
                "registrations_target": reg_target,
                "activities_progress": _percent(n_acts, act_target) if act_target else None,
                "registrations_progress": _percent(n_regs, reg_target) if reg_target else None,
                "last_activity": last.get(village.code),
            }
        )
    return rows


def summary_by_kecamatan(village_rows: list[dict]) -> list[dict]:
    """Add up village rows per kecamatan (same keys, plus `villages` and `villages_active`)."""
    groups: dict[str, dict] = {}
    for row in village_rows:
        group = groups.setdefault(
            row["kecamatan_code"],
            {
                "code": row["kecamatan_code"],
                "name": row["kecamatan_name"],
                "kind": "Kecamatan",
                "villages": 0,
                "villages_active": 0,
                "active_teams": 0,
                "activities": 0,
                "attendees": 0,
                "registrations": 0,
                "activities_target": None,
                "registrations_target": None,
                "last_activity": None,
            },
        )
        group["villages"] += 1
        group["villages_active"] += 1 if row["activities"] else 0
        for key in ("active_teams", "activities", "attendees", "registrations"):
            group[key] += row[key]
        for key in ("activities_target", "registrations_target"):
            if row[key] is not None:
                group[key] = (group[key] or 0) + row[key]
        if row["last_activity"] and (
            group["last_activity"] is None or row["last_activity"] > group["last_activity"]
        ):
            group["last_activity"] = row["last_activity"]
    out = []
    for group in sorted(groups.values(), key=lambda g: g["code"] or ""):
        group["yield_per_activity"] = _ratio(group["registrations"], group["activities"])
        group["activities_progress"] = (
            _percent(group["activities"], group["activities_target"])
            if group["activities_target"]
            else None
        )
        group["registrations_progress"] = (
            _percent(group["registrations"], group["registrations_target"])
            if group["registrations_target"]
            else None
        )
        out.append(group)
    return out


def totals(rows: list[dict]) -> dict:
    out = {k: sum(r[k] for r in rows) for k in ("activities", "attendees", "registrations")}
    out["yield_per_activity"] = _ratio(out["registrations"], out["activities"])
    return out


def paritrana_evidence(area_code: str, start: dt.date, end: dt.date) -> dict:
    """Figures for the Paritrana dossier's implementation and innovation aspects (§4.4).

    Implementation: teams formed by decree, villages reached, people reached. Innovation: the
    measured link from socialisation to registrations, broken down by activity type.
    """
    villages = Area.objects.villages().within(area_code)
    n_villages = villages.count()
    teams = Team.objects.filter(village__in=villages, is_active=True)
    acts = Activity.objects.filter(village__in=villages, date__gte=start, date__lte=end)
    by_kind = {
        row["kind"]: row
        for row in acts.values("kind").annotate(
            n=Count("id", distinct=True),
            regs=Count("registrations", distinct=True),
        )
    }
    kinds = []
    people = dict(acts.values_list("kind").annotate(s=Sum("attendees")))
    for kind in ActivityKind:
        row = by_kind.get(kind.value, {})
        n, regs = row.get("n", 0), row.get("regs", 0)
        kinds.append(
            {
                "kind": kind.value,
                "label": str(kind.label),
                "activities": n,
                "attendees": people.get(kind.value) or 0,
                "registrations": regs,
                "yield_per_activity": _ratio(regs, n),
            }
        )
    villages_with_team = teams.values("village_id").distinct().count()
    villages_reached = acts.values("village_id").distinct().count()
    registrations = ActivityRegistration.objects.filter(activity__in=acts).count()
    attendees = acts.aggregate(s=Sum("attendees"))["s"] or 0
    return {
        "area_code": area_code,
        "start": start,
        "end": end,
        "villages": n_villages,
        "active_teams": teams.count(),
        "teams_with_decree": teams.exclude(decree_number="").count(),
        "villages_with_team": villages_with_team,
        "villages_with_team_percent": _percent(villages_with_team, n_villages),
        "villages_reached": villages_reached,
        "villages_reached_percent": _percent(villages_reached, n_villages),
        "activities": acts.count(),
        "attendees": attendees,
        "registrations": registrations,
        "yield_per_activity": _ratio(registrations, acts.count()),
        "registrations_per_100_attendees": _percent(registrations, attendees),
        "by_kind": kinds,
    }


# --- calendar ----------


def month_grid(year: int, month: int, activities: Iterable[Activity]) -> list[list[dict]]:
    """Weeks (Monday first) of day cells {date, in_month, activities} for a server-rendered grid."""
    by_day: dict[dt.date, list[Activity]] = defaultdict(list)
    for activity in activities:
        by_day[activity.date].append(activity)
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        weeks.append(
            [
                {"date": d, "in_month": d.month == month, "activities": by_day.get(d, [])}
                for d in week
            ]
        )
    return weeks


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, 1), dt.date(year, month, last)


def recent_counts(area_code: str, days: int = 30, today: dt.date | None = None) -> dict:
    """Activities and attributed registrations in the last `days` days (home-page figures)."""
    today = today or timezone.localdate()
    since = today - dt.timedelta(days=days)
    acts = Activity.objects.filter(
        area_q("village", area_code),
        date__gte=since,
        date__lte=today,
    )
    return {
        "activities": acts.count(),
        "registrations": ActivityRegistration.objects.filter(activity__in=acts).count(),
    }


def yield_by_village(village_codes: list[str], first: dt.date, last: dt.date) -> dict[str, int]:
    """Registrations credited to activities held from `first` to `last`, per village."""
    rows = (
        ActivityRegistration.objects.filter(
            activity__village_id__in=village_codes, activity__date__range=(first, last)
        )
        .values_list("activity__village_id")
        .annotate(n=Count("id"))
    )
    return dict(rows)


def monthly_counts(area_code: str, months: int = 12, today: dt.date | None = None) -> list[dict]:
    """Activities and their registrations per month, the last `months` months up to today."""
    today = today or timezone.localdate()
    first = today.replace(day=1)
    for _ in range(months - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    acts = Activity.objects.filter(area_q("village", area_code), date__gte=first, date__lte=today)
    by_month: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    for day, regs in acts.annotate(n=Count("registrations")).values_list("date", "n"):
        entry = by_month[(day.year, day.month)]
        entry[0] += 1
        entry[1] += regs
    out, month = [], first
    while month <= today:
        activities, registrations = by_month.get((month.year, month.month), (0, 0))
        out.append({"month": month, "activities": activities, "registrations": registrations})
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return out
