import csv
import io
import re
from pathlib import Path

import pytest
from django.urls import reverse

from lindung.areas.models import Area
from lindung.outreach import services
from lindung.outreach.models import (
    Activity,
    ActivityRegistration,
    OutreachTarget,
    Team,
    TeamMember,
)
from lindung.workers import testing

from .conftest import image_bytes, make_activity


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def target_a(team_a):
    return OutreachTarget.objects.create(
        village_id=testing.VILLAGE_A, year=2026, activities_target=12, registrations_target=50
    )


def detail_urls(team, activity, target):
    member = team.members.first()
    return [
        ("get", reverse("outreach:activity_detail", args=[activity.pk])),
        ("post", reverse("outreach:activity_detail", args=[activity.pk])),
        ("get", reverse("outreach:activity_edit", args=[activity.pk])),
        ("get", reverse("outreach:activity_photo", args=[activity.pk])),
        ("post", reverse("outreach:activity_unattribute", args=[activity.pk, 1])),
        ("get", reverse("outreach:team_detail", args=[team.pk])),
        ("get", reverse("outreach:team_edit", args=[team.pk])),
        ("get", reverse("outreach:member_create", args=[team.pk])),
        ("get", reverse("outreach:member_edit", args=[member.pk])),
        ("get", reverse("outreach:activity_create") + f"?tim={team.pk}"),
    ]


def test_every_detail_page_is_404_for_another_village(
    client, team_a, activity_a, target_a, other_village_operator
):
    login(client, other_village_operator)
    for method, url in detail_urls(team_a, activity_a, target_a):
        response = getattr(client, method)(url)
        assert response.status_code == 404, (method, url, response.status_code)


def test_target_edit_is_404_for_an_admin_bound_elsewhere(client, target_a, lotim):
    admin_b = testing.make_user("admin_kabupaten", testing.VILLAGE_B)
    login(client, admin_b)
    assert client.get(reverse("outreach:target_edit", args=[target_a.pk])).status_code == 404


def test_detail_pages_open_for_the_own_village(client, users, team_a, activity_a):
    login(client, users["operator_desa"])
    for method, url in detail_urls(team_a, activity_a, None):
        if method != "get" or "foto" in url:
            continue
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("name", ["index", "teams", "calendar", "flags", "report", "targets"])
def test_area_outside_scope_in_query_is_ignored_with_a_warning(
    client, users, team_b, activity_b, name
):
    """An area outside the user's scope (or one that does not exist) is dropped like any bad
    filter value: the user's own area is shown, with a warning, and nothing of the other."""
    login(client, users["operator_desa"])
    url = reverse(f"outreach:{name}")
    for code in (testing.VILLAGE_B, "52.03.07.2012.99", "52.99"):
        response = client.get(url, {"wilayah": code})
        assert response.status_code == 200, code
        body = response.content.decode()
        assert '<li class="msg warning">' in body, code
        assert "Tanjung Luar" not in body, code
        assert response.context["area"].code == testing.VILLAGE_A
    own = client.get(url, {"wilayah": testing.VILLAGE_A})
    assert own.status_code == 200 and '<li class="msg warning">' not in own.content.decode()
    assert client.get(url).status_code == 200


def test_unknown_area_inside_scope_is_ignored_with_a_warning(client, users):
    login(client, users["camat"])
    response = client.get(reverse("outreach:index"), {"wilayah": "52.03.07.2999"})
    assert response.status_code == 200
    assert "Wilayah tidak ditemukan di wilayah Anda." in response.content.decode()
    assert response.context["area"].code == testing.KECAMATAN_A


def test_export_outside_scope_is_404(client, users):
    login(client, users["camat"])
    url = reverse("outreach:report_export", args=["csv"])
    assert client.get(url + f"?wilayah={testing.VILLAGE_B}").status_code == 404
    assert client.get(reverse("outreach:report_export", args=["pdf"])).status_code == 404


def test_lists_show_only_rows_in_scope(client, users, team_a, team_b, activity_a, activity_b):
    a2 = make_activity(Team.objects.create(village_id=testing.VILLAGE_A2, name="Tim Pancor"), 1)
    login(client, users["operator_desa"])
    page = client.get(reverse("outreach:index")).content.decode()
    assert activity_a.place in page
    assert "Pasar Tanjung Luar" not in page
    assert "Tim Pancor" not in page
    teams = client.get(reverse("outreach:teams")).content.decode()
    assert "Tim Danggen Timur" in teams and "Tim Tanjung Luar" not in teams
    login(client, users["camat"])
    page = client.get(reverse("outreach:index")).content.decode()
    assert "Tim Pancor" in page and activity_a.place in page
    assert "Pasar Tanjung Luar" not in page
    cal = client.get(reverse("outreach:calendar")).content.decode()
    assert reverse("outreach:activity_detail", args=[a2.pk]) in cal
    assert reverse("outreach:activity_detail", args=[activity_b.pk]) not in cal


def test_export_rows_stay_inside_scope(client, users, team_a, team_b, activity_a, activity_b):
    login(client, users["camat"])
    url = reverse("outreach:report_export", args=["csv"])
    # «CSV untuk Excel» splits on `;`; the plain CSV on `,`.
    response = client.get(url, {"pemisah": "titikkoma"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    plain = client.get(url).content.decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(plain))) == rows
    codes = {r[0] for r in rows[1:] if r}
    assert testing.VILLAGE_A in codes
    assert all(c.startswith(testing.KECAMATAN_A) for c in codes)
    row_a = next(r for r in rows if r and r[0] == testing.VILLAGE_A)
    assert row_a[4] == "1"  # activities


def test_xlsx_export_is_formula_safe(client, users, team_a):
    from openpyxl import load_workbook

    Area.objects.filter(code=testing.VILLAGE_A).update(name='=HYPERLINK("http://x","klik")')
    login(client, users["admin_kabupaten"])
    response = client.get(reverse("outreach:report_export", args=["xlsx"]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Per kecamatan", "Per desa"]
    cells = {c.value: c.data_type for c in book["Per desa"]["B"][1:]}
    assert cells['=HYPERLINK("http://x","klik")'] == "s"  # a text cell, as typed
    cells = [c for ws in book for row in ws.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    assert book["Per kecamatan"].max_row == 22  # header + 21 kecamatan


@pytest.mark.parametrize("role", ["camat", "viewer"])
def test_read_only_roles_cannot_change_anything(client, users, team_a, activity_a, role):
    login(client, users[role])
    worker = testing.make_worker(testing.VILLAGE_A)
    forbidden = [
        ("get", reverse("outreach:team_create")),
        ("get", reverse("outreach:activity_create")),
        ("get", reverse("outreach:activity_edit", args=[activity_a.pk])),
        ("get", reverse("outreach:team_edit", args=[team_a.pk])),
        ("get", reverse("outreach:member_create", args=[team_a.pk])),
        ("get", reverse("outreach:target_create")),
    ]
    for method, url in forbidden:
        assert getattr(client, method)(url).status_code == 403, url
    response = client.post(
        reverse("outreach:activity_detail", args=[activity_a.pk]), {"workers": [worker.pk]}
    )
    assert response.status_code == 403
    assert not ActivityRegistration.objects.exists()
    assert client.get(reverse("outreach:activity_detail", args=[activity_a.pk])).status_code == 200


def test_operator_forms_a_team_and_adds_a_member(client, users, lotim):
    login(client, users["operator_desa"])
    form = client.get(reverse("outreach:team_create")).content.decode()
    assert testing.VILLAGE_B not in form  # only villages in scope are offered
    response = client.post(
        reverse("outreach:team_create"),
        {
            "village": testing.VILLAGE_A,
            "name": "Tim Jamsostek Danggen Timur",
            "decree_number": "141/3/DT/2026",
            "decree_date": "2026-01-05",
            "is_active": "on",
        },
    )
    team = Team.objects.get(name="Tim Jamsostek Danggen Timur")
    assert response.url == reverse("outreach:team_detail", args=[team.pk])
    assert team.created_by == users["operator_desa"]
    response = client.post(
        reverse("outreach:member_create", args=[team.pk]),
        {"name": "Lalu Ahmad", "role": "ketua", "phone": "+62 812-3456-7890", "is_active": "on"},
    )
    assert response.status_code == 302, response.context["form"].errors
    assert TeamMember.objects.get(team=team).phone == "081234567890"


def test_operator_cannot_form_a_team_in_another_village(client, users, lotim):
    login(client, users["operator_desa"])
    response = client.post(
        reverse("outreach:team_create"), {"village": testing.VILLAGE_B, "name": "Tim Liar"}
    )
    assert response.status_code == 200
    assert "Pilih pilihan yang valid" in response.content.decode() or response.context[
        "form"
    ].errors.get("village")
    assert not Team.objects.filter(name="Tim Liar").exists()


def test_team_form_messages(client, users, lotim):
    login(client, users["operator_desa"])
    response = client.post(
        reverse("outreach:team_create"),
        {"village": testing.VILLAGE_A, "name": "Tim", "decree_number": "141/1/2026"},
    )
    assert "Isi tanggal SK karena nomor SK sudah diisi." in response.content.decode()
    response = client.post(
        reverse(
            "outreach:member_create",
            args=[Team.objects.create(village_id=testing.VILLAGE_A, name="T").pk],
        ),
        {"name": "X", "role": "anggota", "phone": "12345"},
    )
    assert "Nomor HP tidak valid" in response.content.decode()


def test_phone_is_masked_for_roles_without_personal_data(client, users, team_a):
    url = reverse("outreach:team_detail", args=[team_a.pk])
    login(client, users["operator_desa"])
    assert "081234567890" in client.get(url).content.decode()
    for role in ("camat", "viewer"):
        login(client, users[role])
        page = client.get(url).content.decode()
        assert "081234567890" not in page, role
        assert services.mask_phone("081234567890") in page, role


def test_operator_logs_activity_with_photo_stored_privately(client, users, team_a, settings):
    login(client, users["operator_desa"])
    photo = io.BytesIO(image_bytes("PNG"))
    photo.name = "Foto Baiq Rahma.png"
    response = client.post(
        reverse("outreach:activity_create"),
        {
            "team": team_a.pk,
            "date": "2026-01-10",
            "kind": "farmer_group",
            "place": "Poktan Tunas Harapan",
            "attendees": "35",
            "notes": "Penjelasan JKK/JKM",
            "photo": photo,
        },
    )
    activity = Activity.objects.get(place="Poktan Tunas Harapan")
    assert response.url == reverse("outreach:activity_detail", args=[activity.pk])
    assert activity.village_id == testing.VILLAGE_A
    assert activity.photo_content_type == "image/png"
    assert re.fullmatch(r"outreach/photos/[0-9a-f]{32}\.png", activity.photo.name)
    stored = Path(settings.MEDIA_ROOT) / activity.photo.name
    assert stored.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    served = client.get(reverse("outreach:activity_photo", args=[activity.pk]))
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content)[:4] == b"\x89PNG"
    assert "Baiq" not in served["Content-Disposition"]
    # History is kept for activities (personal data may appear in notes and photos).
    assert activity.history.count() == 1


def test_bad_photo_is_refused_and_nothing_saved(client, users, team_a):
    login(client, users["operator_desa"])
    fake = io.BytesIO(b"\xff\xd8\xff\xe0 this is not a jpeg" * 10)
    fake.name = "foto.jpg"
    response = client.post(
        reverse("outreach:activity_create"),
        {
            "team": team_a.pk,
            "date": "2026-01-10",
            "kind": "mosque",
            "place": "Masjid",
            "attendees": "10",
            "photo": fake,
        },
    )
    assert response.status_code == 200
    assert "bukan gambar JPEG yang utuh" in response.content.decode()
    assert not Activity.objects.exists()


def test_activity_in_the_future_is_refused(client, users, team_a):
    login(client, users["operator_desa"])
    response = client.post(
        reverse("outreach:activity_create"),
        {"team": team_a.pk, "date": "2999-01-01", "kind": "mosque", "place": "M", "attendees": 1},
    )
    assert "tidak boleh di masa depan" in response.content.decode()


def test_activity_of_another_village_team_cannot_be_created(client, users, team_b):
    login(client, users["operator_desa"])
    response = client.post(
        reverse("outreach:activity_create"),
        {"team": team_b.pk, "date": "2026-01-10", "kind": "mosque", "place": "M", "attendees": 1},
    )
    assert response.status_code == 200
    assert not Activity.objects.exists()


def test_attribution_through_the_activity_page(client, users, activity_a):
    mine = testing.make_worker(testing.VILLAGE_A, name="Inaq Sumiati")
    other = testing.make_worker(testing.VILLAGE_B, name="Amaq Rumi")
    login(client, users["operator_desa"])
    page = client.get(reverse("outreach:activity_detail", args=[activity_a.pk])).content.decode()
    assert "Inaq Sumiati" in page and "Amaq Rumi" not in page
    # A forged id of another village's worker is rejected by the scoped choices.
    response = client.post(
        reverse("outreach:activity_detail", args=[activity_a.pk]), {"workers": [other.pk]}
    )
    assert response.status_code == 200
    assert not ActivityRegistration.objects.exists()
    response = client.post(
        reverse("outreach:activity_detail", args=[activity_a.pk]), {"workers": [mine.pk]}
    )
    assert response.status_code == 302
    assert ActivityRegistration.objects.get().worker == mine
    page = client.get(reverse("outreach:activity_detail", args=[activity_a.pk])).content.decode()
    assert re.search(r'id="yield">1<', page)
    client.post(reverse("outreach:activity_unattribute", args=[activity_a.pk, mine.pk]))
    assert not ActivityRegistration.objects.exists()


def test_candidate_nik_masked_for_petugas_not_needed_but_for_viewer(client, users, activity_a):
    worker = testing.make_worker(testing.VILLAGE_A)
    services.attribute(activity_a, [worker])
    url = reverse("outreach:activity_detail", args=[activity_a.pk])
    login(client, users["viewer"])
    page = client.get(url).content.decode()
    assert worker.nik not in page and worker.nik[-4:] in page
    login(client, users["operator_desa"])
    assert worker.nik in client.get(url).content.decode()


def test_worklist_section_for_camat_and_admin_only(users, team_a):
    from lindung.core import worklists
    from lindung.outreach.providers import inactive_villages_section

    assert any(p is inactive_villages_section for _, p in worklists.PROVIDERS)
    make_activity(team_a, days_ago=31)
    selong = Area.objects.get(code=testing.KECAMATAN_A)
    [section] = inactive_villages_section(users["camat"], selong)
    assert section["key"] == "outreach-inactive"
    assert len(section["rows"]) == 10  # the rest behind "Lihat semua"
    assert section["more_url"].endswith(f"?wilayah={testing.KECAMATAN_A}")
    assert section["count"] == Area.objects.villages().within(testing.KECAMATAN_A).count()
    regency = Area.objects.get(code=testing.REGENCY)
    assert inactive_villages_section(users["admin_kabupaten"], regency)[0]["count"] == 254
    village = Area.objects.get(code=testing.VILLAGE_A)
    assert inactive_villages_section(users["operator_desa"], village) == []
    assert inactive_villages_section(users["viewer"], regency) == []
    # A camat never gets another kecamatan's list, even if asked for it.
    assert (
        inactive_villages_section(users["camat"], Area.objects.get(code=testing.KECAMATAN_B)) == []
    )


def test_flags_page_lists_quiet_villages(client, users, team_a):
    make_activity(team_a, days_ago=31)
    login(client, users["camat"])
    row = f'?wilayah={testing.VILLAGE_A}">Desa Danggen Timur</a>'
    page = client.get(reverse("outreach:flags")).content.decode()
    assert row in page
    make_activity(team_a, days_ago=29)
    page = client.get(reverse("outreach:flags")).content.decode()
    assert row not in page


def test_report_levels_and_paritrana_section(client, users, activity_a):
    login(client, users["admin_kabupaten"])
    page = client.get(reverse("outreach:report")).content.decode()
    assert "Per kecamatan" in page and "Sakra Timur" in page
    assert "Bahan dossier Paritrana" in page
    login(client, users["camat"])
    page = client.get(reverse("outreach:report") + "?start=2026-02-01&end=2026-01-01").content
    assert "Tanggal awal harus sebelum tanggal akhir." in page.decode()


def test_calendar_prev_next_links(client, users, activity_a):
    login(client, users["operator_desa"])
    page = client.get(reverse("outreach:calendar") + "?bulan=2026-01").content.decode()
    assert "bulan=2025-12" in page and "bulan=2026-02" in page
    assert client.get(reverse("outreach:calendar") + "?bulan=rusak").status_code == 200


def test_admin_sets_a_target_and_sees_progress(client, users, team_a):
    login(client, users["admin_kabupaten"])
    response = client.post(
        reverse("outreach:target_create"),
        {
            "village": testing.VILLAGE_A,
            "year": 2026,
            "activities_target": 10,
            "registrations_target": 40,
        },
    )
    assert response.status_code == 302
    duplicate = client.post(
        reverse("outreach:target_create"),
        {
            "village": testing.VILLAGE_A,
            "year": 2026,
            "activities_target": 1,
            "registrations_target": 1,
        },
    )
    assert "sudah ada" in duplicate.content.decode()
    assert OutreachTarget.objects.count() == 1
    login(client, users["operator_desa"])
    assert client.get(reverse("outreach:target_create")).status_code == 403
    assert (
        "Danggen Timur" in client.get(reverse("outreach:targets") + "?tahun=2026").content.decode()
    )


def test_team_history_and_nav(client, users, team_a):
    login(client, users["operator_desa"])
    client.post(
        reverse("outreach:team_edit", args=[team_a.pk]),
        {"name": "Tim Baru", "decree_number": "", "decree_date": "", "is_active": ""},
    )
    team_a.refresh_from_db()
    assert team_a.name == "Tim Baru" and team_a.village_id == testing.VILLAGE_A
    assert not team_a.is_active
    assert team_a.history.count() == 2
    teams_page = client.get(reverse("outreach:teams")).content.decode()
    assert "<summary>Sosialisasi</summary>" in teams_page
    login(client, users["admin_kabupaten"])
    history = client.get(reverse("audit:history", args=["outreach", "team", team_a.pk]))
    assert history.status_code == 200


def test_anonymous_is_sent_to_login(client, team_a, activity_a):
    for url in (
        reverse("outreach:index"),
        reverse("outreach:activity_photo", args=[activity_a.pk]),
    ):
        assert client.get(url).status_code == 302


def test_photo_can_be_replaced_and_removed(client, users, activity_a, settings):
    login(client, users["operator_desa"])
    url = reverse("outreach:activity_edit", args=[activity_a.pk])
    fields = {
        "team": activity_a.team_id,
        "date": activity_a.date.isoformat(),
        "kind": activity_a.kind,
        "place": activity_a.place,
        "attendees": activity_a.attendees,
    }
    photo = io.BytesIO(image_bytes("WEBP"))
    photo.name = "a.webp"
    assert client.post(url, {**fields, "photo": photo}).status_code == 302
    activity_a.refresh_from_db()
    stored = Path(settings.MEDIA_ROOT) / activity_a.photo.name
    assert stored.exists() and activity_a.photo_content_type == "image/webp"
    assert client.post(url, {**fields, "remove_photo": "1"}).status_code == 302
    activity_a.refresh_from_db()
    assert not activity_a.photo and not stored.exists()
    photo_url = reverse("outreach:activity_photo", args=[activity_a.pk])
    assert client.get(photo_url).status_code == 404
