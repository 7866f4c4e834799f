"""The JSON API under /api/v1/. Every router scopes its querysets like the pages do."""

from django.db import DataError
from django.http import Http404
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, Throttled, ValidationError

from .auth import SessionAuth, TokenAuth
from .common import ApiError
from .routers import areas, claims, contributions, coverage, funding, memberships, outreach, workers
from .throttles import AnonymousRateLimit, UserRateLimit

api = NinjaAPI(
    title="Lindung API",
    version="1",
    description=(
        "API Lindung untuk wilayah, pekerja, kepesertaan, pendanaan, sosialisasi, klaim dan "
        "cakupan UCJ. Autentikasi: header `Authorization: Bearer <token>` (buat token di "
        "halaman Token API) atau sesi peramban. Data dibatasi ke wilayah kerja pengguna."
    ),
    # Rates: LINDUNG_API_USER_RATE and LINDUNG_API_ANON_RATE in settings.
    auth=[TokenAuth(), SessionAuth(csrf=True), AnonymousRateLimit()],
    throttle=[UserRateLimit()],
    urls_namespace="api",
    # validatorUrl off: Swagger UI would otherwise send the schema to validator.swagger.io.
    docs=Swagger(settings={"validatorUrl": None}),
)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": "Data tidak ditemukan."}, status=404)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(
        request, {"detail": "Perlu autentikasi: token tidak valid atau belum masuk."}, status=401
    )


@api.exception_handler(Throttled)
def throttled(request, exc: Throttled):
    response = api.create_response(
        request,
        {"detail": "Terlalu banyak permintaan. Tunggu sebentar lalu coba lagi."},
        status=429,
    )
    if exc.wait:
        response["Retry-After"] = str(int(exc.wait))
    return response


@api.exception_handler(ApiError)
def refused(request, exc: ApiError):
    body = {"detail": exc.detail}
    if exc.errors:
        body["errors"] = exc.errors
    return api.create_response(request, body, status=exc.status)


@api.exception_handler(OverflowError)
@api.exception_handler(DataError)
def out_of_range(request, exc):
    # An id or number beyond what the database stores (e.g. 2**70) cannot exist: say so, no 500.
    return api.create_response(
        request, {"detail": "Angka di luar jangkauan yang dapat disimpan."}, status=422
    )


@api.exception_handler(ValidationError)
def invalid(request, exc):
    return api.create_response(
        request, {"detail": "Data tidak valid.", "errors": exc.errors}, status=422
    )


api.add_router("/areas", areas.router)
api.add_router("/workers", workers.router)
api.add_router("/memberships", memberships.router)
api.add_router("/contributions", contributions.router)
api.add_router("/funding", funding.router)
api.add_router("/outreach", outreach.router)
api.add_router("/claims", claims.router)
api.add_router("/coverage", coverage.router)
