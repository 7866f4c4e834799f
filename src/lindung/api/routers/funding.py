"""Funding sources (budget lines) and commitments of members to them (lindung.funding)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from ninja import Router, Schema, Status
from ninja.pagination import CursorPagination, paginate

from lindung.accounts.scoping import get_scoped_or_404, scoped
from lindung.enrollment.models import FundingType, Membership
from lindung.funding import services
from lindung.funding.forms import FundingSourceForm
from lindung.funding.models import Commitment, CommitmentStatus, FundingSource

from ..common import READ_ERRORS, WRITE_ERRORS, ApiError, check_form, invalid, require_editor

router = Router(tags=["funding"])


class SourceOut(Schema):
    id: int
    name: str
    source_type: str
    wadah_code: str
    fiscal_year: int
    start_month: dt.date
    months: int
    owner_area_id: str
    amount: int
    allocated: int
    spent: int
    remaining: int
    eligible_sectors: list[str]
    eligible_areas: list[str]
    max_poverty_desil: int | None
    legal_basis: str
    note: str
    is_active: bool

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "id": 3,
                    "name": "Dana Desa Danggen Timur 2026",
                    "source_type": "DANA_DESA",
                    "wadah_code": "SD",
                    "fiscal_year": 2026,
                    "start_month": "2026-01-01",
                    "months": 12,
                    "owner_area_id": "52.03.07.2012",
                    "amount": 20160000,
                    "allocated": 2016000,
                    "spent": 0,
                    "remaining": 18144000,
                    "eligible_sectors": [],
                    "eligible_areas": [],
                    "max_poverty_desil": None,
                    "legal_basis": "Perdes APBDes 2026",
                    "note": "",
                    "is_active": True,
                }
            ]
        }
    }

    @staticmethod
    def resolve_eligible_sectors(obj) -> list[str]:
        return [s.code for s in obj.eligible_sectors.all()]

    @staticmethod
    def resolve_eligible_areas(obj) -> list[str]:
        return [a.code for a in obj.eligible_areas.all()]


class SourceIn(Schema):
    name: str
    source_type: FundingType
    fiscal_year: int
    start_month: dt.date
    months: int
    owner_area: str
    amount: int
    wadah_code: str = ""
    eligible_sectors: list[str] = []
    eligible_areas: list[str] = []
    max_poverty_desil: int | None = None
    legal_basis: str = ""
    note: str = ""
    is_active: bool = True

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "name": "Dana Desa Danggen Timur 2026",
                    "source_type": "DANA_DESA",
                    "fiscal_year": 2026,
                    "start_month": "2026-01-01",
                    "months": 12,
                    "owner_area": "52.03.07.2012",
                    "amount": 20160000,
                }
            ]
        }
    }


class SourcePatch(Schema):
    name: str | None = None
    amount: int | None = None
    wadah_code: str | None = None
    legal_basis: str | None = None
    note: str | None = None
    is_active: bool | None = None

    model_config = {"json_schema_extra": {"examples": [{"amount": 18000000}]}}


class CommitmentOut(Schema):
    id: int
    source_id: int
    membership_id: int
    start_month: dt.date
    months: int
    end_month: dt.date
    cost: int
    status: str
    note: str

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "id": 5,
                    "source_id": 3,
                    "membership_id": 42,
                    "start_month": "2026-01-01",
                    "months": 12,
                    "end_month": "2026-12-01",
                    "cost": 201600,
                    "status": "dialokasikan",
                    "note": "",
                }
            ]
        }
    }


class CommitmentIn(Schema):
    """Commit members to a source; all or none (budget, eligibility and overlap checked)."""

    source_id: int
    membership_ids: list[int]
    start_month: dt.date | None = None
    months: int | None = None
    note: str = ""

    model_config = {
        "json_schema_extra": {"examples": [{"source_id": 3, "membership_ids": [42, 43]}]}
    }


class CommitmentAction(Schema):
    action: str

    model_config = {"json_schema_extra": {"examples": [{"action": "cancel"}]}}


def _sources(user):
    return (
        services.visible_sources(user)
        .select_related("owner_area")
        .prefetch_related("eligible_sectors", "eligible_areas")
    )


def _source_or_404(user, pk: int) -> FundingSource:
    # Visible: inside the user's area, plus read-only the budgets above it (as on the pages).
    found = _sources(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def _source_form_data(values: dict) -> dict:
    from lindung.areas.models import Area
    from lindung.workers.models import Sector

    data = dict(values)
    sectors = data.pop("eligible_sectors", None) or []
    sector_ids = list(Sector.objects.filter(code__in=sectors).values_list("pk", flat=True))
    if len(sector_ids) != len(set(sectors)):
        raise ApiError(422, "Data tidak valid.", {"eligible_sectors": ["Sektor tidak dikenal."]})
    data["eligible_sectors"] = sector_ids
    areas = data.pop("eligible_areas", None) or []
    data["eligible_areas"] = list(Area.objects.filter(code__in=areas).values_list("pk", flat=True))
    for key, value in list(data.items()):
        if value is None:
            data[key] = ""
        elif isinstance(value, dt.date):
            data[key] = value.strftime("%Y-%m")
    return data


@router.get("/sources", response=list[SourceOut], summary="Daftar sumber dana")
@paginate(CursorPagination, ordering=("id",), page_size=50)
def list_sources(
    request,
    fiscal_year: int | None = None,
    source_type: str | None = None,
    owner_area: str | None = None,
):
    qs = _sources(request.auth)
    if fiscal_year:
        qs = qs.filter(fiscal_year=fiscal_year)
    if source_type:
        qs = qs.filter(source_type=source_type)
    if owner_area:
        qs = qs.filter(owner_area_id=owner_area)
    return qs


@router.get(
    "/sources/{source_id}", response={200: SourceOut, **READ_ERRORS}, summary="Satu sumber dana"
)
def get_source(request, source_id: int):
    return _source_or_404(request.auth, source_id)


@router.post("/sources", response={201: SourceOut, **WRITE_ERRORS}, summary="Buat sumber dana")
def create_source(request, payload: SourceIn):
    require_editor(request.auth)
    form = FundingSourceForm(data=_source_form_data(payload.model_dump()), user=request.auth)
    check_form(form)
    obj = form.save(commit=False)
    if not services.can_manage(request.auth, obj):
        raise ApiError(403, "Wilayah pemilik anggaran di luar wewenang Anda.")
    obj.created_by = request.auth
    with transaction.atomic():
        obj.save()
        form.save_m2m()
    return Status(201, _source_or_404(request.auth, obj.pk))


@router.patch(
    "/sources/{source_id}", response={200: SourceOut, **WRITE_ERRORS}, summary="Ubah sumber dana"
)
def update_source(request, source_id: int, payload: SourcePatch):
    """A budget change never goes below what is already committed (services.set_amount)."""
    require_editor(request.auth)
    src = _source_or_404(request.auth, source_id)
    if not services.can_manage(request.auth, src):
        raise ApiError(403, "Anda tidak dapat mengubah sumber dana ini.")
    changes = payload.model_dump(exclude_unset=True)
    if "wadah_code" in changes:
        from lindung.funding.wadah import allowed_codes

        if changes["wadah_code"] and changes["wadah_code"] not in allowed_codes(src.source_type):
            raise ApiError(
                422,
                "Data tidak valid.",
                {
                    "wadah_code": [
                        "Kode wadah untuk jenis ini: "
                        + (", ".join(allowed_codes(src.source_type)) or "-")
                    ]
                },
            )
    amount = changes.pop("amount", None)
    try:
        with transaction.atomic():
            for key, value in changes.items():
                if value is None and key != "wadah_code":
                    continue
                setattr(src, key, value if value is not None else "")
            if changes:
                src.save()
            if amount is not None:
                services.set_amount(src, amount)
    except ValidationError as exc:
        raise invalid(exc, "amount") from exc
    return _source_or_404(request.auth, src.pk)


@router.get("/commitments", response=list[CommitmentOut], summary="Daftar komitmen pendanaan")
@paginate(CursorPagination, ordering=("id",), page_size=50)
def list_commitments(
    request,
    source_id: int | None = None,
    membership_id: int | None = None,
    status: str | None = None,
):
    qs = scoped(Commitment.objects.all(), request.auth)
    if source_id:
        qs = qs.filter(source_id=source_id)
    if membership_id:
        qs = qs.filter(membership_id=membership_id)
    if status:
        qs = qs.filter(status=status)
    return qs


@router.get(
    "/commitments/{commitment_id}",
    response={200: CommitmentOut, **READ_ERRORS},
    summary="Satu komitmen",
)
def get_commitment(request, commitment_id: int):
    return get_scoped_or_404(Commitment.objects.all(), request.auth, pk=commitment_id)


@router.post(
    "/commitments",
    response={201: list[CommitmentOut], **WRITE_ERRORS},
    summary="Alokasikan peserta ke sumber dana",
)
def create_commitments(request, payload: CommitmentIn):
    require_editor(request.auth)
    src = _source_or_404(request.auth, payload.source_id)
    if not services.can_manage(request.auth, src):
        raise ApiError(403, "Anda tidak dapat mengalokasikan sumber dana ini.")
    ids = list(dict.fromkeys(payload.membership_ids))
    members = list(
        scoped(Membership.objects.select_related("worker__sector"), request.auth).filter(pk__in=ids)
    )
    if len(members) != len(ids) or not ids:
        raise Http404
    if payload.months is not None and not 1 <= payload.months <= 12:
        raise ApiError(422, "Data tidak valid.", {"months": ["Jumlah bulan harus 1 sampai 12."]})
    try:
        created = services.commit_many(
            members,
            src,
            start_month=payload.start_month,
            months=payload.months,
            by=request.auth,
            note=payload.note,
        )
    except services.OverCommitment as exc:
        raise invalid(exc, status=409) from exc
    except ValidationError as exc:
        raise invalid(exc) from exc
    return Status(201, created)


@router.post(
    "/commitments/{commitment_id}/action",
    response={200: CommitmentOut, **WRITE_ERRORS},
    summary="Batalkan (cancel) atau tandai dibayar (paid) sebuah komitmen",
)
def commitment_action(request, commitment_id: int, payload: CommitmentAction):
    require_editor(request.auth)
    c = get_scoped_or_404(
        Commitment.objects.select_related("source"), request.auth, pk=commitment_id
    )
    if not services.can_manage(request.auth, c.source):
        raise ApiError(403, "Anda tidak dapat mengubah komitmen ini.")
    actions = {"cancel": services.cancel, "paid": services.mark_paid}
    if payload.action not in actions:
        raise ApiError(422, "Data tidak valid.", {"action": ["Pilih 'cancel' atau 'paid'."]})
    try:
        return actions[payload.action](c, by=request.auth)
    except ValidationError as exc:
        raise invalid(exc, status=409) from exc


__all__ = ["router", "CommitmentStatus"]
