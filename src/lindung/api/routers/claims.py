"""JKK/JKM/JHT claims and heirs (lindung.claims); the workflow decides every status change."""

import datetime as dt

from ninja import Router, Schema, Status
from ninja.pagination import CursorPagination, paginate

from lindung.accounts.scoping import get_scoped_or_404, scoped
from lindung.claims import workflow
from lindung.claims.forms import ClaimForm, HeirForm
from lindung.claims.models import Claim, ClaimStatus, ClaimType, Heir, JkkOutcome, Relationship

from ..common import (
    READ_ERRORS,
    WRITE_ERRORS,
    ApiError,
    check_form,
    form_data,
    require_editor,
    shown_nik,
)

router = Router(tags=["claims"])
HEIR_EDITABLE = (ClaimStatus.DILAPORKAN, ClaimStatus.BERKAS_LENGKAP)


class ClaimOut(Schema):
    id: int
    membership_id: int
    village_id: str
    claim_type: str
    jkk_outcome: str
    event_date: dt.date
    report_date: dt.date
    status: str
    complete_date: dt.date | None
    rejection_reason: str
    recipient_id: int | None
    amount_computed: int
    amount_paid: int | None
    paid_date: dt.date | None
    note: str

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "id": 4,
                    "membership_id": 42,
                    "village_id": "52.03.07.2012",
                    "claim_type": "JKM",
                    "jkk_outcome": "",
                    "event_date": "2026-03-02",
                    "report_date": "2026-03-09",
                    "status": "dilaporkan",
                    "complete_date": None,
                    "rejection_reason": "",
                    "recipient_id": None,
                    "amount_computed": 42000000,
                    "amount_paid": None,
                    "paid_date": None,
                    "note": "",
                }
            ]
        }
    }

    @staticmethod
    def resolve_village_id(obj) -> str:
        return obj.membership.village_id


class ClaimIn(Schema):
    """A new claim for the participant with this NIK (inside your area)."""

    nik: str
    claim_type: ClaimType
    event_date: dt.date
    report_date: dt.date
    jkk_outcome: JkkOutcome | None = None
    stmb_start: dt.date | None = None
    stmb_end: dt.date | None = None
    note: str = ""

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "nik": "5203071403850003",
                    "claim_type": "JKM",
                    "event_date": "2026-03-02",
                    "report_date": "2026-03-09",
                }
            ]
        }
    }


class ClaimTransitionIn(Schema):
    to_status: ClaimStatus
    reason: str = ""

    model_config = {"json_schema_extra": {"examples": [{"to_status": "berkas_lengkap"}]}}


class HeirOut(Schema):
    id: int
    claim_id: int
    name: str
    nik: str
    relationship: str
    birth_date: dt.date | None
    is_married: bool
    is_working: bool
    school_level: str

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "id": 7,
                    "claim_id": 4,
                    "name": "Inaq Sahnun",
                    "nik": "5203074707880002",
                    "relationship": "janda",
                    "birth_date": "1988-07-07",
                    "is_married": True,
                    "is_working": False,
                    "school_level": "",
                }
            ]
        }
    }

    @staticmethod
    def resolve_nik(obj, context) -> str:
        return shown_nik(context["request"].auth, obj.nik)


class HeirIn(Schema):
    name: str
    relationship: Relationship
    nik: str = ""
    birth_date: dt.date | None = None
    is_married: bool = False
    is_working: bool = False
    school_level: str = ""
    notarial_will: bool = False
    court_ruling: str = ""

    model_config = {
        "json_schema_extra": {
            "examples": [
                {"name": "Inaq Sahnun", "relationship": "janda", "nik": "5203074707880002"}
            ]
        }
    }


def _claims(user):
    return scoped(Claim.objects.select_related("membership"), user)


@router.get("/", response=list[ClaimOut], summary="Daftar klaim")
@paginate(CursorPagination, ordering=("id",), page_size=50)
def list_claims(
    request,
    status: str | None = None,
    claim_type: str | None = None,
    village: str | None = None,
    membership_id: int | None = None,
):
    qs = _claims(request.auth)
    if status:
        qs = qs.filter(status=status)
    if claim_type:
        qs = qs.filter(claim_type=claim_type)
    if village:
        qs = qs.filter(membership__village_id=village)
    if membership_id:
        qs = qs.filter(membership_id=membership_id)
    return qs


@router.get("/{claim_id}", response={200: ClaimOut, **READ_ERRORS}, summary="Satu klaim")
def get_claim(request, claim_id: int):
    return get_scoped_or_404(_claims(request.auth), request.auth, pk=claim_id)


@router.post("/", response={201: ClaimOut, **WRITE_ERRORS}, summary="Catat klaim baru")
def create_claim(request, payload: ClaimIn):
    require_editor(request.auth)
    form = ClaimForm(data=form_data(payload), user=request.auth)
    check_form(form)
    claim = workflow.create_claim(form.membership, request.auth, **form.claim_fields())
    return Status(201, _claims(request.auth).get(pk=claim.pk))


@router.post(
    "/{claim_id}/transition",
    response={200: ClaimOut, **WRITE_ERRORS},
    summary="Ubah status klaim",
)
def transition_claim(request, claim_id: int, payload: ClaimTransitionIn):
    """Payment is recorded on the page (amount and date); other steps follow the workflow."""
    require_editor(request.auth)
    claim = get_scoped_or_404(_claims(request.auth), request.auth, pk=claim_id)
    try:
        workflow.transition(claim, str(payload.to_status), request.auth, reason=payload.reason)
    except workflow.ClaimError as exc:
        status = 403 if "Hanya petugas" in str(exc) else 409
        raise ApiError(status, str(exc), {"to_status": [str(exc)]}) from exc
    return _claims(request.auth).get(pk=claim.pk)


@router.get("/{claim_id}/heirs", response={200: list[HeirOut], **READ_ERRORS}, summary="Ahli waris")
def list_heirs(request, claim_id: int):
    claim = get_scoped_or_404(_claims(request.auth), request.auth, pk=claim_id)
    return list(scoped(Heir.objects.filter(claim=claim), request.auth).order_by("id"))


@router.get(
    "/{claim_id}/heirs/{heir_id}",
    response={200: HeirOut, **READ_ERRORS},
    summary="Satu ahli waris",
)
def get_heir(request, claim_id: int, heir_id: int):
    return get_scoped_or_404(Heir.objects.filter(claim_id=claim_id), request.auth, pk=heir_id)


def _save_heir(request, claim_id: int, payload: HeirIn, heir_id: int | None):
    require_editor(request.auth)
    claim = get_scoped_or_404(_claims(request.auth), request.auth, pk=claim_id)
    heir = (
        get_scoped_or_404(Heir.objects.filter(claim=claim), request.auth, pk=heir_id)
        if heir_id
        else None
    )
    if claim.status not in HEIR_EDITABLE:
        raise ApiError(409, "Ahli waris tidak dapat diubah setelah klaim diverifikasi.")
    form = HeirForm(data=form_data(payload), instance=heir, claim=claim)
    check_form(form)
    obj = form.save(commit=False)
    obj.claim = claim
    obj.nik = form.cleaned_data.get("nik", "")
    obj.birth_date = form.cleaned_data.get("birth_date")
    obj.save()
    return obj


@router.post(
    "/{claim_id}/heirs", response={201: HeirOut, **WRITE_ERRORS}, summary="Tambah ahli waris"
)
def create_heir(request, claim_id: int, payload: HeirIn):
    return Status(201, _save_heir(request, claim_id, payload, None))


@router.put(
    "/{claim_id}/heirs/{heir_id}",
    response={200: HeirOut, **WRITE_ERRORS},
    summary="Ubah ahli waris",
)
def update_heir(request, claim_id: int, heir_id: int, payload: HeirIn):
    return _save_heir(request, claim_id, payload, heir_id)
