"""Demo step: socialisation teams, activities before the demo registrations, and their links.

Invented data for `lindung demo`. Activities are dated shortly before demo workers were
registered so that attribution follows the same window rule as real use; about one in six
teams went quiet more than the policy threshold ago so the camat's flag list is not empty.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from lindung.areas.models import Area
from lindung.workers.models import Worker

from .forms import normalise_phone
from .models import (
    Activity,
    ActivityKind,
    ActivityRegistration,
    MemberRole,
    OutreachPolicy,
    OutreachTarget,
    Team,
    TeamMember,
)

TEAM_SHARE = 0.85
DECREE_SHARE = 0.8
QUIET_SHARE = 0.17
PLACES = {
    ActivityKind.DOOR_TO_DOOR: ["Dusun {d}", "Rumah warga Dusun {d}"],
    ActivityKind.VILLAGE_MEETING: ["Kantor Desa {v}", "Balai Dusun {d}", "Musyawarah Dusun {d}"],
    ActivityKind.MOSQUE: ["Masjid Nurul Huda Dusun {d}", "Masjid Al-Ikhlas {v}", "Musala {d}"],
    ActivityKind.MARKET: ["Pasar {v}", "Pasar pagi Dusun {d}"],
    ActivityKind.FARMER_GROUP: ["Poktan Tunas Harapan {d}", "Gapoktan {v}", "Sawah Dusun {d}"],
}
ATTENDEES = {
    ActivityKind.DOOR_TO_DOOR: (5, 25),
    ActivityKind.VILLAGE_MEETING: (30, 120),
    ActivityKind.MOSQUE: (40, 200),
    ActivityKind.MARKET: (15, 80),
    ActivityKind.FARMER_GROUP: (15, 60),
}


def demo_outreach(rng: random.Random, context: dict) -> str:
    from lindung.core.demo import names

    today: dt.date = context["today"]
    users = context.get("users", {})
    admin = users.get("admin_kabupaten")
    operator = users.get("operator_desa")
    window = OutreachPolicy.current(today).attribution_window_days
    threshold = OutreachPolicy.current(today).inactive_days
    codes = sorted(set(context.get("villages", [])))
    villages = {a.code: a for a in Area.objects.filter(code__in=codes)}
    registered: dict[str, list[tuple[int, dt.date]]] = defaultdict(list)
    # The created rows as an id range: `pk__in=worker_ids` exceeds SQLite's parameter limit
    # at 1,000,000 workers ("too many SQL variables").
    created = context.get("workers")
    if created is None:
        created = Worker.objects.filter(pk__in=context.get("worker_ids", []))
    for pk, village, created_at in created.values_list("pk", "village_id", "created_at"):
        registered[village].append((pk, timezone.localdate(created_at)))

    teams, members = [], []
    for code in codes:
        area = villages.get(code)
        if area is None or rng.random() > TEAM_SHARE:
            continue
        formed = today - dt.timedelta(days=rng.randint(90, 400))
        with_decree = rng.random() < DECREE_SHARE
        owner = operator if operator and operator.area_id == code else admin
        team = Team(
            village=area,
            name=f"Tim Sosialisasi Jamsostek {area.get_kind_display()} {area.name}",
            decree_number=f"141/{rng.randint(10, 99)}/{area.digits[-4:]}/{formed.year}"
            if with_decree
            else "",
            decree_date=formed if with_decree else None,
            created_by=owner,
        )
        teams.append(team)
    bulk_create_with_history(teams, Team, default_user=admin)
    teams = list(Team.objects.filter(village_id__in=codes).select_related("village"))

    activities: list[Activity] = []
    for team in teams:
        size = rng.randint(3, 6)
        for i in range(size):
            sex = rng.choice("LP")
            role = MemberRole.KETUA if i == 0 else rng.choice(list(MemberRole)[1:])
            members.append(
                TeamMember(
                    team=team,
                    name=names.person_name(rng, sex, rng.randint(25, 60), rng.random() < 0.07),
                    role=role,
                    phone=normalise_phone(names.phone(rng)),
                )
            )
        quiet = rng.random() < QUIET_SHARE
        latest = today - dt.timedelta(days=threshold + rng.randint(3, 60)) if quiet else today
        dates = _activity_dates(rng, registered.get(team.village_id, []), latest, today)
        owner = operator if operator and operator.area_id == team.village_id else admin
        for day in dates:
            kind = rng.choice(list(ActivityKind))
            dusun = f"{rng.choice(names.DUSUN_HEAD)} {rng.choice(names.DUSUN_TAIL)}"
            place = rng.choice(PLACES[kind]).format(d=dusun, v=team.village.name)
            low, high = ATTENDEES[kind]
            activities.append(
                Activity(
                    team=team,
                    village_id=team.village_id,
                    date=day,
                    kind=kind,
                    place=place,
                    attendees=rng.randint(low, high),
                    notes="Penjelasan manfaat JKK dan JKM serta iuran Rp16.800 per bulan.",
                    created_by=owner,
                )
            )
    bulk_create_with_history(members, TeamMember, default_user=admin)
    bulk_create_with_history(activities, Activity, default_user=admin)

    links = _links(rng, registered, window)
    ActivityRegistration.objects.bulk_create(links, batch_size=2000)

    targets = [
        OutreachTarget(
            village_id=team.village_id,
            year=today.year,
            activities_target=12,
            registrations_target=rng.choice([40, 60, 80, 100]),
            note="Target contoh (data demo).",
        )
        for team in teams
    ]
    bulk_create_with_history(targets, OutreachTarget, default_user=admin)
    return f"{len(teams)} tim, {len(activities)} kegiatan, {len(links)} pendaftaran tertaut"


def _activity_dates(
    rng: random.Random, registrations: list[tuple[int, dt.date]], latest: dt.date, today: dt.date
) -> list[dt.date]:
    """A few dates shortly before some registrations (so they can yield), none after `latest`."""
    days = sorted({day for _, day in registrations if day <= latest})
    chosen: set[dt.date] = set()
    for day in rng.sample(days, min(len(days), rng.randint(2, 8))):
        chosen.add(day - dt.timedelta(days=rng.randint(0, 10)))
    while len(chosen) < 2:
        chosen.add(latest - dt.timedelta(days=rng.randint(0, 150)))
    return sorted(d for d in chosen if d <= min(latest, today))


def _links(
    rng: random.Random, registered: dict[str, list[tuple[int, dt.date]]], window: int
) -> list[ActivityRegistration]:
    """Credit some workers registered within the window after an activity (each worker once)."""
    taken: set[int] = set(ActivityRegistration.objects.values_list("worker_id", flat=True))
    links = []
    for activity in Activity.objects.filter(village_id__in=list(registered)).order_by("date"):
        last = activity.date + dt.timedelta(days=window)
        pool = [
            pk
            for pk, day in registered[activity.village_id]
            if activity.date <= day <= last and pk not in taken
        ]
        share = rng.uniform(0.1, 0.45)
        for pk in rng.sample(pool, min(len(pool), int(len(pool) * share), 25)):
            taken.add(pk)
            links.append(ActivityRegistration(activity=activity, worker_id=pk))
    return links
