"""Journey 8: an API user makes a token in the UI, reads and writes with it like curl would
(inside their area and outside it), then uses the interactive docs, which must work without
internet: every file of Swagger UI, favicon included, comes from the app itself."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest

from lindung.workers import testing
from lindung.workers.models import Worker

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def call(base: str, token: str, method: str, path: str, body: dict | None = None):
    """One HTTP call with the token, as `curl -H "Authorization: Bearer …"` would make it."""
    request = urllib.request.Request(
        base + path,
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def test_api_user_token_scoped_calls_and_offline_docs(journey, live_server):
    testing.load_lombok_timur()
    operator = testing.make_user("operator_desa", testing.VILLAGE_A)
    own = testing.make_worker(testing.VILLAGE_A, name="Amaq Sinar", phone="081200000001")
    other = testing.make_worker(testing.VILLAGE_B, name="Inaq Luar", phone="081200000002")

    j = journey("api", "desktop")
    requests: list[str] = []
    j.page.on("request", lambda r: requests.append(r.url))
    j.login(operator)

    # 1. A token, made in the UI and shown once.
    j.menu("Administrasi", "Token API")
    j.page.fill("#id_name", "Aplikasi desa")
    j.button("Buat token")
    token = j.page.locator("#new-token").inner_text().strip()
    j.step("token dibuat")
    assert len(token) > 20 and "Aplikasi desa" in j.text()

    # 2. Reads: the own village's workers, not another village's.
    base = live_server.url + "/api/v1"
    status, page = call(base, token, "GET", "/workers/")
    assert status == 200
    names = {w["name"] for w in page["results"]}
    assert names == {"Amaq Sinar"}
    assert call(base, token, "GET", f"/workers/{own.pk}")[0] == 200
    assert call(base, token, "GET", f"/workers/{other.pk}")[0] == 404

    # 3. Writes: a change inside the area is saved; outside it is refused and changes nothing.
    version = call(base, token, "GET", f"/workers/{own.pk}")[1]["version"]
    status, saved = call(
        base, token, "PATCH", f"/workers/{own.pk}", {"version": version, "phone": "081299999999"}
    )
    assert status == 200, saved
    own.refresh_from_db()
    assert own.phone == "081299999999"
    status, _ = call(base, token, "PATCH", f"/workers/{other.pk}", {"version": 1, "phone": "0"})
    assert status == 404
    other.refresh_from_db()
    assert other.phone == "081200000002"
    before = Worker.objects.count()
    status, _ = call(
        base,
        token,
        "POST",
        "/workers/",
        {"nik": "5203012001850001", "name": "Luar Wilayah", "village": testing.VILLAGE_B,
         "sector": own.sector.code},
    )  # fmt: skip
    assert status in {403, 422} and Worker.objects.count() == before

    # 4. The interactive docs, reached from the token page, served by the app alone.
    j.menu("Administrasi", "Token API")
    requests.clear()
    j.click("Dokumentasi API interaktif")
    j.page.wait_for_selector(".opblock-tag")
    j.step("dokumentasi api")
    host = urlsplit(live_server.url).netloc
    foreign = [url for url in requests if urlsplit(url).netloc != host]
    assert foreign == []
    assert any(url.endswith(".js") for url in requests)  # Swagger UI's bundle, from us
    assert j.page.locator("link[rel=icon][href^='/static/']").count() >= 1  # favicon: ours

    # 5. "Try it out" on one GET, with the browser session: the answer shows 200 and the area.
    areas = j.page.locator(".opblock-get", has_text="Wilayah di dalam wilayah kerja").first
    areas.locator(".opblock-summary").click()
    areas.get_by_role("button", name="Try it out").click()
    j.step("coba")
    areas.get_by_role("button", name="Execute").click()
    status_cell = areas.locator(".live-responses-table tbody .response-col_status").first
    status_cell.wait_for()
    j.step("hasil")
    assert status_cell.inner_text().strip() == "200"
    assert (
        testing.VILLAGE_A in areas.locator(".live-responses-table .microlight").first.inner_text()
    )
    assert [url for url in requests if urlsplit(url).netloc != host] == []
