"""Role x endpoint x (inside / outside object): every endpoint scopes like the pages.

Test users all sit inside village A's area (camat: its kecamatan; operator: the village; admin,
petugas and viewer: the regency). Village B lies in another kecamatan, so only the
regency-wide roles may see its records; camat and operator must get 404 (never data, never 403).
"""

import pytest

from lindung.core import testing

from .conftest import bearer

ROLES = ["admin_kabupaten", "petugas_bpjs", "camat", "operator_desa", "viewer"]
REGENCY_ROLES = {"admin_kabupaten", "petugas_bpjs", "viewer"}
READ_ONLY = {"camat", "viewer"}

DETAIL = {
    "worker": "/api/v1/workers/{worker.pk}",
    "membership": "/api/v1/memberships/{membership.pk}",
    "payment": "/api/v1/contributions/{payment.pk}",
    "source": "/api/v1/funding/sources/{source.pk}",
    "commitment": "/api/v1/funding/commitments/{commitment.pk}",
    "team": "/api/v1/outreach/teams/{team.pk}",
    "activity": "/api/v1/outreach/activities/{activity.pk}",
    "claim": "/api/v1/claims/{claim.pk}",
    "heirs": "/api/v1/claims/{claim.pk}/heirs",
    "heir": "/api/v1/claims/{claim.pk}/heirs/{heir.pk}",
    "coverage": "/api/v1/coverage/{village}",
    "area": "/api/v1/areas/{village}",
}

LISTS = {
    "/api/v1/workers/": "worker",
    "/api/v1/memberships/": "membership",
    "/api/v1/contributions/": "payment",
    "/api/v1/funding/sources": "source",
    "/api/v1/funding/commitments": "commitment",
    "/api/v1/outreach/teams": "team",
    "/api/v1/outreach/activities": "activity",
    "/api/v1/claims/": "claim",
}


def _url(template: str, objs: dict) -> str:
    return template.format(**objs)


@pytest.mark.parametrize("name", sorted(DETAIL))
def test_detail_matrix(client, world, users, name):
    for role in ROLES:
        headers = bearer(users[role])
        inside = client.get(_url(DETAIL[name], world["in"]), **headers)
        assert inside.status_code == 200, (role, name, inside.content)
        outside = client.get(_url(DETAIL[name], world["out"]), **headers)
        expected = 200 if role in REGENCY_ROLES else 404
        assert outside.status_code == expected, (role, name, outside.content)
        if expected == 404:
            assert outside.json() == {"detail": "Data tidak ditemukan."}


@pytest.mark.parametrize("url", sorted(LISTS))
def test_list_matrix(client, world, users, url):
    key = LISTS[url]
    for role in ROLES:
        ids = set()
        next_url = url
        while next_url:
            body = client.get(next_url, **bearer(users[role])).json()
            ids |= {row["id"] for row in body["results"]}
            next_url = body["next"]
        assert world["in"][key].pk in ids, (role, url)
        assert (world["out"][key].pk in ids) == (role in REGENCY_ROLES), (role, url)


def _writes(objs: dict) -> dict:
    """Write calls aimed at `objs`; bodies are valid enough to pass schema validation."""
    return {
        "worker-patch": ("patch", f"/api/v1/workers/{objs['worker'].pk}", {"version": 99}),
        "membership-create": ("post", "/api/v1/memberships/", {
            "worker_id": objs["worker"].pk, "declared_income": 1_000_000}),
        "membership-transition": (
            "post", f"/api/v1/memberships/{objs['membership'].pk}/transition",
            {"to_status": "menunggak", "version": 999}),
        "payment-create": ("post", "/api/v1/contributions/", {
            "membership_id": objs["membership"].pk, "months": 7, "paid_on": "2026-01-05"}),
        "source-patch": ("patch", f"/api/v1/funding/sources/{objs['source'].pk}",
                         {"amount": 1}),
        "commitment-create": ("post", "/api/v1/funding/commitments", {
            "source_id": objs["source"].pk, "membership_ids": [objs["membership"].pk],
            "months": 13}),
        "commitment-action": ("post",
                              f"/api/v1/funding/commitments/{objs['commitment'].pk}/action",
                              {"action": "tidak-ada"}),
        "team-patch": ("patch", f"/api/v1/outreach/teams/{objs['team'].pk}",
                       {"decree_number": "1/2026"}),
        "activity-patch": ("patch", f"/api/v1/outreach/activities/{objs['activity'].pk}",
                           {"attendees": -1}),
        "activity-create": ("post", "/api/v1/outreach/activities", {
            "team_id": objs["team"].pk, "date": "2999-01-01", "kind": "mosque",
            "place": "Masjid", "attendees": 5}),
        "claim-transition": ("post", f"/api/v1/claims/{objs['claim'].pk}/transition",
                             {"to_status": "dibayar"}),
        "heir-create": ("post", f"/api/v1/claims/{objs['claim'].pk}/heirs",
                        {"name": "Anak", "relationship": "anak", "nik": "123"}),
        "heir-update": ("put", f"/api/v1/claims/{objs['claim'].pk}/heirs/{objs['heir'].pk}",
                        {"name": "Anak", "relationship": "anak", "nik": "123"}),
    }  # fmt: skip


WRITES = [
    "worker-patch", "membership-create", "membership-transition", "payment-create",
    "source-patch", "commitment-create", "commitment-action", "team-patch", "activity-patch",
    "activity-create", "claim-transition", "heir-create", "heir-update",
]  # fmt: skip


@pytest.mark.parametrize("name", WRITES)
def test_write_matrix(client, world, users, name):
    """Read-only roles: 403. Editors: 404 outside their area; inside, the request reaches
    validation (the bodies above are deliberately invalid, so nothing changes)."""
    for role in ROLES:
        headers = bearer(users[role])
        for side in ("in", "out"):
            method, url, body = _writes(world[side])[name]
            response = getattr(client, method)(
                url, body, content_type="application/json", **headers
            )
            if role in READ_ONLY:
                expected = {403}
            elif side == "out" and role not in REGENCY_ROLES:
                expected = {404}
            else:
                expected = {409, 422}
            assert response.status_code in expected, (role, side, name, response.content)


def test_write_refused_for_viewer_leaves_data_untouched(client, world, users):
    worker = world["in"]["worker"]
    response = client.patch(
        f"/api/v1/workers/{worker.pk}",
        {"version": worker.version, "name": "Diubah"},
        content_type="application/json",
        **bearer(users["viewer"]),
    )
    assert response.status_code == 403
    assert "hanya dapat melihat" in response.json()["detail"]
    worker.refresh_from_db()
    assert worker.name != "Diubah"


def test_masked_fields_for_camat(client, world, users):
    heir = world["in"]["heir"]
    url = f"/api/v1/claims/{heir.claim_id}/heirs/{heir.pk}"
    masked = client.get(url, **bearer(users["camat"])).json()["nik"]
    full = client.get(url, **bearer(users["operator_desa"])).json()["nik"]
    assert full == heir.nik
    assert masked != heir.nik and "*" in masked


def test_coverage_outside_kecamatan_for_camat(client, world, users):
    headers = bearer(users["camat"])
    assert client.get(f"/api/v1/coverage/{testing.KECAMATAN_A}", **headers).status_code == 200
    assert client.get(f"/api/v1/coverage/{testing.KECAMATAN_B}", **headers).status_code == 404
    assert client.get(f"/api/v1/coverage/{testing.REGENCY}", **headers).status_code == 404
