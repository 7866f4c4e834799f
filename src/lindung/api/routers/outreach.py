"""Village socialisation teams and their activities (lindung.outreach)."""

import datetime as dt

from ninja import Router, Schema, Status
from ninja.pagination import CursorPagination, paginate

from lindung.accounts.scoping import get_scoped_or_404, scoped
from lindung.outreach.forms import ActivityForm, TeamForm
from lindung.outreach.models import Activity, ActivityKind, Team

from ..common import READ_ERRORS, WRITE_ERRORS, check_form, form_data, require_editor

router = Router(tags=["outreach"])


class TeamOut(Schema):
    id: int
    village_id: str
    name: str
    decree_number: str
    decree_date: dt.date | None
    is_active: bool

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "id": 2,
                    "village_id": "52.03.07.2012",
                    "name": "Tim Sosialisasi Danggen Timur",
                    "decree_number": "05/SK/DT/2026",
                    "decree_date": "2026-01-06",
                    "is_active": True,
                }
            ]
        }
    }


class TeamIn(Schema):
    village: str
    name: str
    decree_number: str = ""
    decree_date: dt.date | None = None
    is_active: bool = True

    model_config = {
        "json_schema_extra": {
            "examples": [{"village": "52.03.07.2012", "name": "Tim Sosialisasi Danggen Timur"}]
        }
    }


class TeamPatch(Schema):
    name: str | None = None
    decree_number: str | None = None
    decree_date: dt.date | None = None
    is_active: bool | None = None

    model_config = {"json_schema_extra": {"examples": [{"is_active": False}]}}


class ActivityOut(Schema):
    id: int
    team_id: int
    village_id: str
    date: dt.date
    kind: str
    place: str
    attendees: int
    notes: str
    registrations: int

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "id": 11,
                    "team_id": 2,
                    "village_id": "52.03.07.2012",
                    "date": "2026-02-03",
                    "kind": "mosque",
                    "place": "Masjid Nurul Huda",
                    "attendees": 40,
                    "notes": "",
                    "registrations": 6,
                }
            ]
        }
    }

    @staticmethod
    def resolve_registrations(obj) -> int:
        return obj.registrations.count()


class ActivityIn(Schema):
    team_id: int
    date: dt.date
    kind: ActivityKind
    place: str
    attendees: int
    notes: str = ""

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "team_id": 2,
                    "date": "2026-02-03",
                    "kind": "mosque",
                    "place": "Masjid Nurul Huda",
                    "attendees": 40,
                }
            ]
        }
    }


class ActivityPatch(Schema):
    date: dt.date | None = None
    kind: ActivityKind | None = None
    place: str | None = None
    attendees: int | None = None
    notes: str | None = None

    model_config = {"json_schema_extra": {"examples": [{"attendees": 45}]}}


def _team_values(team: Team) -> dict:
    return {
        "village": team.village_id,
        "name": team.name,
        "decree_number": team.decree_number,
        "decree_date": team.decree_date.isoformat() if team.decree_date else "",
        "is_active": team.is_active,
    }


def _activity_values(a: Activity) -> dict:
    return {
        "team": a.team_id,
        "date": a.date.isoformat(),
        "kind": a.kind,
        "place": a.place,
        "attendees": a.attendees,
        "notes": a.notes,
    }


@router.get("/teams", response=list[TeamOut], summary="Daftar tim sosialisasi")
@paginate(CursorPagination, ordering=("id",), page_size=50)
def list_teams(request, village: str | None = None, is_active: bool | None = None):
    qs = scoped(Team.objects.all(), request.auth)
    if village:
        qs = qs.filter(village_id=village)
    if is_active is not None:
        qs = qs.filter(is_active=is_active)
    return qs


@router.get("/teams/{team_id}", response={200: TeamOut, **READ_ERRORS}, summary="Satu tim")
def get_team(request, team_id: int):
    return get_scoped_or_404(Team.objects.all(), request.auth, pk=team_id)


@router.post("/teams", response={201: TeamOut, **WRITE_ERRORS}, summary="Bentuk tim sosialisasi")
def create_team(request, payload: TeamIn):
    require_editor(request.auth)
    form = TeamForm(data=form_data(payload), user=request.auth)
    check_form(form)
    team = form.save(commit=False)
    team.created_by = request.auth
    team.save()
    return Status(201, team)


@router.patch("/teams/{team_id}", response={200: TeamOut, **WRITE_ERRORS}, summary="Ubah tim")
def update_team(request, team_id: int, payload: TeamPatch):
    require_editor(request.auth)
    team = get_scoped_or_404(Team.objects.all(), request.auth, pk=team_id)
    values = _team_values(team)
    values.update(form_data(payload, exclude_unset=True))
    form = TeamForm(data=values, instance=team, user=request.auth)
    check_form(form)
    return form.save()


@router.get("/activities", response=list[ActivityOut], summary="Daftar kegiatan sosialisasi")
@paginate(CursorPagination, ordering=("id",), page_size=50)
def list_activities(
    request,
    village: str | None = None,
    team_id: int | None = None,
    kind: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
):
    qs = scoped(Activity.objects.all(), request.auth)
    if village:
        qs = qs.filter(village_id=village)
    if team_id:
        qs = qs.filter(team_id=team_id)
    if kind:
        qs = qs.filter(kind=kind)
    if date_from:
        qs = qs.filter(date__gte=date_from)
    if date_to:
        qs = qs.filter(date__lte=date_to)
    return qs


@router.get(
    "/activities/{activity_id}",
    response={200: ActivityOut, **READ_ERRORS},
    summary="Satu kegiatan",
)
def get_activity(request, activity_id: int):
    return get_scoped_or_404(Activity.objects.all(), request.auth, pk=activity_id)


@router.post("/activities", response={201: ActivityOut, **WRITE_ERRORS}, summary="Catat kegiatan")
def create_activity(request, payload: ActivityIn):
    """Photos are uploaded on the page; the API records the facts of the activity."""
    require_editor(request.auth)
    get_scoped_or_404(Team.objects.all(), request.auth, pk=payload.team_id)
    data = form_data(payload)
    data["team"] = data.pop("team_id")
    form = ActivityForm(data=data, user=request.auth)
    check_form(form)
    activity = form.save(commit=False)
    activity.created_by = request.auth
    activity.save()
    return Status(201, activity)


@router.patch(
    "/activities/{activity_id}",
    response={200: ActivityOut, **WRITE_ERRORS},
    summary="Ubah kegiatan",
)
def update_activity(request, activity_id: int, payload: ActivityPatch):
    require_editor(request.auth)
    activity = get_scoped_or_404(Activity.objects.all(), request.auth, pk=activity_id)
    values = _activity_values(activity)
    values.update(form_data(payload, exclude_unset=True))
    form = ActivityForm(data=values, instance=activity, user=request.auth)
    check_form(form)
    return form.save()
