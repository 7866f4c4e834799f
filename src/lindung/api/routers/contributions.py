import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import CursorPagination, paginate

from lindung.accounts.scoping import get_scoped_or_404, scoped
from lindung.enrollment import services
from lindung.enrollment.models import ContributionPayment, FundingType, Membership
from lindung.enrollment.tariffs import TariffMissing, monthly_contribution

from ..common import READ_ERRORS, WRITE_ERRORS, ErrorOut, invalid, require_editor

router = Router(tags=["contributions"])
# A monthly income above Rp1 trillion is a typo, not a person; it would also overflow pricing.
MAX_RUPIAH = 10**12


class PaymentOut(Schema):
    id: int
    membership_id: int
    period_start: dt.date
    period_end: dt.date
    months: int
    amount: int
    expected_amount: int
    funding_type: str
    paid_on: dt.date
    note: str

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "id": 9,
                    "membership_id": 42,
                    "period_start": "2026-01-01",
                    "period_end": "2026-03-31",
                    "months": 3,
                    "amount": 50400,
                    "expected_amount": 50400,
                    "funding_type": "DANA_DESA",
                    "paid_on": "2026-01-10",
                    "note": "",
                }
            ]
        }
    }


class PaymentIn(Schema):
    """Contribution months paid, continuing from the last paid month (amount from tariffs)."""

    membership_id: int
    months: int
    paid_on: dt.date
    amount: int | None = None
    note: str = ""

    model_config = {
        "json_schema_extra": {
            "examples": [{"membership_id": 42, "months": 3, "paid_on": "2026-01-10"}]
        }
    }


class QuoteIn(Schema):
    income: int = Field(..., ge=0, le=MAX_RUPIAH, description="Penghasilan per bulan (Rp)")
    on: dt.date | None = None
    with_jht: bool = False
    funding_type: FundingType = FundingType.MANDIRI
    transport: bool = False


class QuoteOut(Schema):
    month: dt.date
    nominal_income: int
    jkk: int
    jkm: int
    jht: int
    discount: int
    total: int
    tariff_code: str
    tariff_regulation: str
    discount_code: str
    discount_regulation: str
    estimated: bool
    notes: list[str]

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "month": "2026-01-01",
                    "nominal_income": 1000000,
                    "jkk": 10000,
                    "jkm": 6800,
                    "jht": 0,
                    "discount": 0,
                    "total": 16800,
                    "tariff_code": "PP44-2015",
                    "tariff_regulation": "PP 44/2015 jo. PP 82/2019",
                    "discount_code": "",
                    "discount_regulation": "",
                    "estimated": False,
                    "notes": [],
                }
            ]
        }
    }


@router.get("/", response=list[PaymentOut], summary="Daftar pembayaran iuran")
@paginate(CursorPagination, ordering=("id",), page_size=50)
def list_payments(
    request,
    membership_id: int | None = None,
    village: str | None = None,
    paid_from: dt.date | None = None,
    paid_to: dt.date | None = None,
):
    qs = scoped(ContributionPayment.objects.all(), request.auth)
    if membership_id:
        qs = qs.filter(membership_id=membership_id)
    if village:
        qs = qs.filter(membership__village_id=village)
    if paid_from:
        qs = qs.filter(paid_on__gte=paid_from)
    if paid_to:
        qs = qs.filter(paid_on__lte=paid_to)
    return qs


@router.get(
    "/quote",
    response={200: QuoteOut, 422: ErrorOut},
    summary="Hitung iuran satu bulan menurut tabel tarif",
)
def quote(request, filters: Query[QuoteIn]):
    """The same calculation as the contribution calculator page (tariff tables, discounts)."""
    try:
        result = monthly_contribution(
            filters.income,
            filters.on or timezone.localdate(),
            with_jht=filters.with_jht,
            funding_type=filters.funding_type,
            transport=filters.transport,
        )
    except (TariffMissing, ValidationError) as exc:
        raise invalid(exc, "on") from exc
    return {**result.__dict__, "notes": list(result.notes)}


@router.get(
    "/{payment_id}", response={200: PaymentOut, **READ_ERRORS}, summary="Satu pembayaran iuran"
)
def get_payment(request, payment_id: int):
    return get_scoped_or_404(ContributionPayment.objects.all(), request.auth, pk=payment_id)


@router.post("/", response={201: PaymentOut, **WRITE_ERRORS}, summary="Catat pembayaran iuran")
def create_payment(request, payload: PaymentIn):
    require_editor(request.auth)
    m = get_scoped_or_404(Membership.objects.all(), request.auth, pk=payload.membership_id)
    try:
        payment = services.record_payment(
            m,
            months=payload.months,
            paid_on=payload.paid_on,
            by=request.auth,
            amount=payload.amount,
            note=payload.note,
        )
    except ValidationError as exc:
        raise invalid(exc) from exc
    return Status(201, payment)
