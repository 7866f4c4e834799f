import pytest
from django.test import override_settings

from lindung.accounts.tokens import issue_token, revoke_token
from lindung.enrollment.models import Membership
from lindung.workers import testing


def bearer(user):
    _, raw = issue_token(user, "uji")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def data(users):
    a = testing.make_worker(testing.VILLAGE_A)
    b = testing.make_worker(testing.VILLAGE_B)
    ma = Membership.objects.create(worker=a, village_id=a.village_id, declared_income=1_000_000)
    mb = Membership.objects.create(worker=b, village_id=b.village_id, declared_income=1_000_000)
    return {"a": a, "b": b, "ma": ma, "mb": mb}


def test_openapi_schema_is_served(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "Lindung API"
    assert "/api/v1/workers/" in schema["paths"]


def test_requires_authentication(client, data):
    assert client.get("/api/v1/workers/").status_code == 401
    bad = client.get("/api/v1/workers/", HTTP_AUTHORIZATION="Bearer lnd_salah")
    assert bad.status_code == 401


def test_revoked_token_is_refused(client, data, users):
    token, raw = issue_token(users["admin_kabupaten"], "x")
    assert client.get("/api/v1/workers/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    assert revoke_token(users["admin_kabupaten"], token.pk)
    assert client.get("/api/v1/workers/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


ENDPOINTS = [
    ("/api/v1/workers/{a}", "/api/v1/workers/{b}", "a", "b"),
    ("/api/v1/memberships/{ma}", "/api/v1/memberships/{mb}", "ma", "mb"),
]


@pytest.mark.parametrize("inside,outside,key_in,key_out", ENDPOINTS)
def test_operator_gets_404_for_other_village(client, data, users, inside, outside, key_in, key_out):
    headers = bearer(users["operator_desa"])
    own = client.get(inside.format(**{key_in: data[key_in].pk}), **headers)
    assert own.status_code == 200
    other = client.get(outside.format(**{key_out: data[key_out].pk}), **headers)
    assert other.status_code == 404
    assert other.json() == {"detail": "Data tidak ditemukan."}


@pytest.mark.parametrize(
    "role,expected_villages",
    [
        ("admin_kabupaten", {testing.VILLAGE_A, testing.VILLAGE_B}),
        ("camat", {testing.VILLAGE_A}),
        ("operator_desa", {testing.VILLAGE_A}),
    ],
)
def test_lists_are_scoped(client, data, users, role, expected_villages):
    headers = bearer(users[role])
    for url in ("/api/v1/workers/", "/api/v1/memberships/"):
        body = client.get(url, **headers).json()
        assert {r["village_id"] for r in body["results"]} == expected_villages


def test_area_endpoints_are_scoped(client, data, users):
    headers = bearer(users["operator_desa"])
    assert client.get(f"/api/v1/areas/{testing.VILLAGE_A}", **headers).status_code == 200
    assert client.get(f"/api/v1/areas/{testing.VILLAGE_B}", **headers).status_code == 404
    codes = [r["code"] for r in client.get("/api/v1/areas/", **headers).json()["results"]]
    assert codes == [testing.VILLAGE_A]


def test_nik_masked_for_viewer(client, data, users):
    full = client.get(f"/api/v1/workers/{data['a'].pk}", **bearer(users["petugas_bpjs"])).json()
    masked = client.get(f"/api/v1/workers/{data['a'].pk}", **bearer(users["viewer"])).json()
    assert full["nik"] == data["a"].nik
    assert masked["nik"] == data["a"].nik[:6] + "*" * 10
    assert masked["birth_date"] is None and masked["age"] == full["age"] is not None


def test_cursor_pagination_walks_everything(client, users):
    for _ in range(7):
        testing.make_worker(testing.VILLAGE_A)
    headers = bearer(users["admin_kabupaten"])
    seen, url = [], "/api/v1/workers/?page_size=3"
    while url:
        body = client.get(url, **headers).json()
        seen += [r["id"] for r in body["results"]]
        url = body["next"]
    assert len(seen) == len(set(seen)) == 7


def test_session_auth_works_for_browser(client, data, users):
    client.force_login(users["camat"])
    assert client.get("/api/v1/workers/").status_code == 200


def test_rate_limit(client, data, users, settings):
    settings.LINDUNG_API_USER_RATE = "3/m"
    headers = bearer(users["admin_kabupaten"])
    codes = [client.get("/api/v1/areas/", **headers).status_code for _ in range(5)]
    assert codes[:3] == [200, 200, 200]
    assert codes[3:] == [429, 429]
    refused = client.get("/api/v1/areas/", **headers)
    assert "Terlalu banyak permintaan" in refused.json()["detail"]
    assert int(refused["Retry-After"]) > 0
    # Another user has a count of their own.
    assert client.get("/api/v1/areas/", **bearer(users["camat"])).status_code == 200


def test_anonymous_requests_are_limited_per_address(client, data, users, settings):
    settings.LINDUNG_API_ANON_RATE = "4/m"
    wrong = {"HTTP_AUTHORIZATION": "Bearer tebakan-token", "REMOTE_ADDR": "10.1.1.1"}
    codes = [client.get("/api/v1/areas/", **wrong).status_code for _ in range(6)]
    assert codes == [401, 401, 401, 401, 429, 429]
    # Another address is not affected, nor is a caller with a valid token from the same one.
    assert client.get("/api/v1/areas/", REMOTE_ADDR="10.1.1.2").status_code == 401
    valid = {**bearer(users["camat"]), "REMOTE_ADDR": "10.1.1.1"}
    assert client.get("/api/v1/areas/", **valid).status_code == 200


@override_settings()
def test_token_page_shows_token_once(client, users):
    client.force_login(users["viewer"])
    page = client.post("/akun/token-api/", {"name": "Aplikasi desa"}).content.decode()
    assert "lnd_" in page
    again = client.get("/akun/token-api/").content.decode()
    assert "Aplikasi desa" in again and "lnd_" not in again.split("<main")[1].split("Awalan")[0]
