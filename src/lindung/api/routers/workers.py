import datetime as dt

from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.pagination import CursorPagination, paginate

from lindung.accounts import masking
from lindung.accounts.scoping import get_scoped_or_404, scoped
from lindung.workers import services
from lindung.workers.forms import WorkerForm
from lindung.workers.models import Sector, Worker

from ..common import (
    READ_ERRORS,
    WRITE_ERRORS,
    ApiError,
    check_form,
    require_editor,
    shown_nik,
    shown_phone,
)

router = Router(tags=["workers"])

WORKER_EXAMPLE = {
    "id": 17,
    "nik": "5203075403850007",
    "name": "Baiq Nurhayati",
    "sex": "P",
    "birth_date": "1985-03-14",
    "age": 41,
    "village_id": "52.03.07.2012",
    "address": "Dusun Lauk Rurung RT 002",
    "phone": "081234567890",
    "sector": "buruh-tani",
    "monthly_income": 1500000,
    "poverty_desil": 2,
    "priority_group": 2,
    "deceased_date": None,
    "verification_flags": [],
    "version": 1,
}


class WorkerOut(Schema):
    id: int
    nik: str
    name: str
    sex: str
    # Roles that do not see personal data get the age instead of the birth date (one masking
    # policy: lindung.accounts.masking).
    birth_date: dt.date | None
    age: int | None
    village_id: str
    address: str
    phone: str
    sector: str
    monthly_income: int | None
    poverty_desil: int | None
    priority_group: int
    deceased_date: dt.date | None
    verification_flags: list
    version: int

    model_config = {"json_schema_extra": {"examples": [WORKER_EXAMPLE]}}

    @staticmethod
    def resolve_sector(obj) -> str:
        return obj.sector.code

    @staticmethod
    def resolve_nik(obj, context) -> str:
        return shown_nik(context["request"].auth, obj.nik)

    @staticmethod
    def resolve_phone(obj, context) -> str:
        return shown_phone(context["request"].auth, obj.phone)

    @staticmethod
    def resolve_birth_date(obj, context) -> dt.date | None:
        return obj.birth_date if masking.sees_full(context["request"].auth) else None

    @staticmethod
    def resolve_age(obj) -> int | None:
        return masking.age_on(obj.birth_date, timezone.localdate())


class WorkerIn(Schema):
    """A new worker. `sex` and `birth_date` may be left out: they are read from the NIK."""

    nik: str
    name: str
    village: str
    sector: str
    sex: str | None = None
    birth_date: dt.date | None = None
    address: str = ""
    phone: str = ""
    monthly_income: int | None = None
    poverty_desil: int | None = None

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "nik": "5203075403850007",
                    "name": "Baiq Nurhayati",
                    "village": "52.03.07.2012",
                    "sector": "buruh-tani",
                    "phone": "081234567890",
                    "monthly_income": 1500000,
                }
            ]
        }
    }


class WorkerPatch(Schema):
    """Fields to change; `version` is the one read with the record (optimistic locking)."""

    version: int
    nik: str | None = None
    name: str | None = None
    village: str | None = None
    sector: str | None = None
    sex: str | None = None
    birth_date: dt.date | None = None
    address: str | None = None
    phone: str | None = None
    monthly_income: int | None = None
    poverty_desil: int | None = None

    model_config = {"json_schema_extra": {"examples": [{"version": 1, "phone": "081298765432"}]}}


class WorkerSaved(WorkerOut):
    warnings: list[str] = []


def _form_data(values: dict) -> dict:
    data = {}
    for key, value in values.items():
        if key == "sector" and value is not None:
            sector = Sector.objects.filter(code=value).first()
            if sector is None:
                raise ApiError(422, "Data tidak valid.", {"sector": ["Sektor tidak dikenal."]})
            value = sector.pk
        if value is None:
            value = ""
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        data[key] = value
    return data


def _current_values(worker: Worker) -> dict:
    return {
        "nik": worker.nik,
        "name": worker.name,
        "village": worker.village_id,
        "sector": worker.sector.code,
        "sex": worker.sex,
        "birth_date": worker.birth_date,
        "address": worker.address,
        "phone": worker.phone,
        "monthly_income": worker.monthly_income,
        "poverty_desil": worker.poverty_desil,
    }


def _saved(outcome: services.SaveOutcome) -> Worker:
    worker = Worker.objects.select_related("sector").get(pk=outcome.worker.pk)
    worker.warnings = outcome.warnings
    return worker


@router.get("/", response=list[WorkerOut], summary="Daftar pekerja (terbatas wilayah kerja)")
@paginate(CursorPagination, ordering=("id",), page_size=50)
def list_workers(
    request,
    village: str | None = None,
    sector: str | None = None,
    q: str | None = None,
):
    qs = scoped(Worker.objects.select_related("sector"), request.auth)
    if village:
        qs = qs.filter(village_id=village)
    if sector:
        qs = qs.filter(sector__code=sector)
    if q:
        qs = qs.filter(name__icontains=q) if not q.isdigit() else qs.filter(nik__startswith=q)
    return qs


@router.get("/{worker_id}", response={200: WorkerOut, **READ_ERRORS}, summary="Satu pekerja")
def get_worker(request, worker_id: int):
    return get_scoped_or_404(Worker.objects.select_related("sector"), request.auth, pk=worker_id)


@router.post("/", response={201: WorkerSaved, **WRITE_ERRORS}, summary="Daftarkan pekerja baru")
def create_worker(request, payload: WorkerIn):
    """Validated like the registration page: NIK checks, duplicates, village in scope."""
    require_editor(request.auth)
    form = WorkerForm(data=_form_data(payload.model_dump()), user=request.auth)
    check_form(form)
    try:
        outcome = services.register_worker(form.service_data(), by=request.auth)
    except services.WorkerError as exc:
        raise ApiError(422, "Data tidak valid.", exc.errors) from exc
    return Status(201, _saved(outcome))


@router.patch(
    "/{worker_id}", response={200: WorkerSaved, **WRITE_ERRORS}, summary="Ubah data pekerja"
)
def update_worker(request, worker_id: int, payload: WorkerPatch):
    """Send the `version` you read; if someone saved in between the answer is 409."""
    require_editor(request.auth)
    worker = get_scoped_or_404(Worker.objects.select_related("sector"), request.auth, pk=worker_id)
    values = _current_values(worker)
    values.update(payload.model_dump(exclude_unset=True, exclude={"version"}))
    form = WorkerForm(data=_form_data(values), instance=worker, user=request.auth)
    check_form(form)
    try:
        outcome = services.update_worker(
            worker, form.service_data(), expected_version=payload.version, by=request.auth
        )
    except services.StaleEditError as exc:
        raise ApiError(409, str(exc), {"version": [str(exc.current.version)]}) from exc
    except services.WorkerError as exc:
        raise ApiError(422, "Data tidak valid.", exc.errors) from exc
    return _saved(outcome)
