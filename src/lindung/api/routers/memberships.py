import datetime as dt

from django.core.exceptions import ValidationError
from ninja import Router, Schema, Status
from ninja.pagination import CursorPagination, paginate

from lindung.accounts.scoping import get_scoped_or_404, scoped
from lindung.enrollment import services
from lindung.enrollment.models import FundingType, Membership, MembershipStatus
from lindung.enrollment.permissions import transitions_for
from lindung.workers.models import Worker

from ..common import READ_ERRORS, WRITE_ERRORS, ApiError, invalid, require_editor

router = Router(tags=["memberships"])

MEMBERSHIP_EXAMPLE = {
    "id": 42,
    "worker_id": 17,
    "village_id": "52.03.07.2012",
    "status": "aktif",
    "end_reason": "",
    "with_jht": False,
    "kpj": "23093456789",
    "bpjs_registered": True,
    "declared_income": 1000000,
    "funding_type": "DANA_DESA",
    "payment_period_months": 1,
    "coverage_start": "2026-01-01",
    "paid_until": "2026-06-30",
    "coverage_end": None,
    "version": 4,
}


class MembershipOut(Schema):
    id: int
    worker_id: int
    village_id: str
    status: str
    end_reason: str
    with_jht: bool
    kpj: str
    bpjs_registered: bool | None
    declared_income: int
    funding_type: str
    payment_period_months: int
    coverage_start: dt.date | None
    paid_until: dt.date | None
    coverage_end: dt.date | None
    version: int

    model_config = {"json_schema_extra": {"examples": [MEMBERSHIP_EXAMPLE]}}


class MembershipIn(Schema):
    """Record a worker for membership (status didata), like the enrolment page."""

    worker_id: int
    declared_income: int
    funding_type: FundingType = FundingType.MANDIRI
    with_jht: bool = False
    payment_period_months: int = 1
    kpj: str = ""
    bpjs_registered: bool | None = None
    note: str = ""

    model_config = {
        "json_schema_extra": {
            "examples": [{"worker_id": 17, "declared_income": 1000000, "funding_type": "DANA_DESA"}]
        }
    }


class TransitionIn(Schema):
    """Move the membership one lifecycle step (didata -> diverifikasi -> diajukan -> aktif...)."""

    to_status: MembershipStatus
    note: str = ""
    end_reason: str = ""
    on: dt.date | None = None
    kpj: str | None = None
    version: int | None = None

    model_config = {
        "json_schema_extra": {
            "examples": [{"to_status": "aktif", "kpj": "23093456789", "version": 3}]
        }
    }


@router.get("/", response=list[MembershipOut], summary="Daftar kepesertaan")
@paginate(CursorPagination, ordering=("id",), page_size=50)
def list_memberships(
    request,
    status: str | None = None,
    village: str | None = None,
    funding_type: str | None = None,
    active_on: dt.date | None = None,
    worker_id: int | None = None,
):
    qs = scoped(Membership.objects.all(), request.auth)
    if status:
        qs = qs.filter(status=status)
    if village:
        qs = qs.filter(village_id=village)
    if funding_type:
        qs = qs.filter(funding_type=funding_type)
    if active_on:
        qs = qs.active_on(active_on)
    if worker_id:
        qs = qs.filter(worker_id=worker_id)
    return qs


@router.get(
    "/{membership_id}", response={200: MembershipOut, **READ_ERRORS}, summary="Satu kepesertaan"
)
def get_membership(request, membership_id: int):
    return get_scoped_or_404(Membership.objects.all(), request.auth, pk=membership_id)


@router.post("/", response={201: MembershipOut, **WRITE_ERRORS}, summary="Catat kepesertaan")
def create_membership(request, payload: MembershipIn):
    require_editor(request.auth)
    worker = get_scoped_or_404(Worker.objects.all(), request.auth, pk=payload.worker_id)
    try:
        membership = services.enrol(
            worker,
            by=request.auth,
            declared_income=payload.declared_income,
            funding_type=payload.funding_type,
            with_jht=payload.with_jht,
            payment_period_months=payload.payment_period_months,
            kpj=payload.kpj,
            bpjs_registered=payload.bpjs_registered,
            note=payload.note,
        )
    except ValidationError as exc:
        raise invalid(exc) from exc
    return Status(201, membership)


@router.post(
    "/{membership_id}/transition",
    response={200: MembershipOut, **WRITE_ERRORS},
    summary="Ubah status kepesertaan",
)
def transition_membership(request, membership_id: int, payload: TransitionIn):
    """Illegal steps answer 409 with the reason; steps not open to the role answer 403."""
    require_editor(request.auth)
    m = get_scoped_or_404(Membership.objects.all(), request.auth, pk=membership_id)
    if payload.version is not None and payload.version != m.version:
        raise ApiError(
            409,
            "Kepesertaan ini sudah diubah orang lain setelah Anda membacanya; muat ulang datanya.",
            {"version": [str(m.version)]},
        )
    target = str(payload.to_status)
    if target in services.allowed_next(m) and target not in transitions_for(request.auth, m):
        raise ApiError(403, "Peran Anda tidak dapat melakukan perubahan status ini.")
    try:
        return services.transition(
            m,
            target,
            by=request.auth,
            note=payload.note,
            end_reason=payload.end_reason,
            on=payload.on,
            kpj=payload.kpj,
        )
    except services.TransitionError as exc:
        illegal = target not in services.allowed_next(m)
        raise invalid(exc, "to_status", 409 if illegal else 422) from exc
