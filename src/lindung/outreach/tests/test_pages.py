"""The socialisation pages through the shared view-test mixins (scope, read-only roles, masking,
filters), and every page's query parameters with arbitrary values: never a 500, never a row of
another village."""

from __future__ import annotations

import hypothesis
import pytest
from django.urls import URLResolver, get_resolver, reverse
from hypothesis import strategies as st

from lindung.core.testing import BAD_FILTER_VALUES
from lindung.outreach.models import ActivityRegistration, OutreachTarget, TeamMember
from lindung.workers import testing

from .conftest import make_activity, make_team

BASE = "/sosialisasi/"


def _activity_in(village_code: str):
    team = make_team(village_code, f"Tim Uji {village_code}")
    activity = make_activity(team, days_ago=2, place=f"Balai Uji {village_code}")
    worker = testing.make_worker(village_code, phone="081234567890")
    ActivityRegistration.objects.create(activity=activity, worker=worker)
    return activity


class TestActivityPages(
    testing.ScopedRecordTests,
    testing.ReadOnlyRoleTests,
    testing.MaskedPersonalDataTests,
    testing.ListFilterTests,
):
    record_urls = (BASE + "kegiatan/{pk}/", BASE + "kegiatan/{pk}/ubah/")
    record_post_urls = (
        BASE + "kegiatan/{pk}/",
        BASE + "kegiatan/{pk}/ubah/",
        BASE + "kegiatan/{pk}/lepas/1/",
    )
    list_url = BASE
    edit_urls = (BASE + "kegiatan/baru/", BASE + "kegiatan/{pk}/ubah/")
    edit_post_urls = (BASE + "kegiatan/{pk}/", BASE + "kegiatan/{pk}/lepas/1/")
    post_data = {"place": "Diubah", "attendees": "1", "kind": "mosque", "workers": ["1"]}
    masked_urls = (BASE + "kegiatan/{pk}/",)
    shows_phone = shows_birth_date = False
    filter_urls = (
        BASE,
        BASE + "kalender/",
        BASE + "laporan/",
        BASE + "desa-tanpa-kegiatan/",
        BASE + "target/",
    )

    def make_record(self, village_code):
        return _activity_in(village_code)

    def person(self, activity):
        return activity.registrations.get().worker

    def record_label(self, activity):
        return activity.place


class TestTeamPages(testing.ScopedRecordTests, testing.ReadOnlyRoleTests, testing.ListFilterTests):
    record_urls = (
        BASE + "tim/{pk}/",
        BASE + "tim/{pk}/ubah/",
        BASE + "tim/{pk}/anggota/baru/",
    )
    record_post_urls = (BASE + "tim/{pk}/ubah/", BASE + "tim/{pk}/anggota/baru/")
    list_url = BASE + "tim/"
    edit_urls = (BASE + "tim/baru/", BASE + "tim/{pk}/ubah/", BASE + "tim/{pk}/anggota/baru/")
    post_data = {"name": "Diubah", "role": "anggota", "village": testing.VILLAGE_A}
    filter_urls = (BASE + "tim/",)

    def make_record(self, village_code):
        team = make_team(village_code, f"Tim Uji {village_code}")
        TeamMember.objects.create(team=team, name="Lalu Uji", role="ketua", phone="081234567891")
        return team

    def record_label(self, team):
        return team.name


class TestMemberPages(testing.ScopedRecordTests, testing.ReadOnlyRoleTests):
    record_urls = edit_urls = (BASE + "anggota/{pk}/ubah/",)
    record_post_urls = (BASE + "anggota/{pk}/ubah/",)
    post_data = {"name": "Diubah", "role": "anggota"}

    def make_record(self, village_code):
        team = make_team(village_code, f"Tim Uji {village_code}")
        return TeamMember.objects.create(team=team, name="Lalu Uji", role="ketua")


# --- any value for any parameter ------------------------------------------------------------

# Names pages commonly read, besides each page's own filter form fields.
COMMON = ("wilayah", "bulan", "tahun", "halaman", "page", "jenis", "status", "start", "end")
COMMON += ("tim", "pemisah", "urut", "format", "q")
VALUES = st.one_of(
    st.sampled_from(BAD_FILTER_VALUES),
    st.sampled_from(
        (
            testing.VILLAGE_B,
            testing.KECAMATAN_B,
            "52.03.07.2999",
            "2026-02-30",
            "9999-12",
            "9999-12-31",
            "0001-01-01",
            "2026-W60",
            "titikkoma",
            "nonaktif",
        )
    ),
    st.integers().map(str),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=12),
)


def _get_routes() -> list[tuple[str, str]]:
    """(route, name) of every outreach page."""
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace == "outreach":
            return [(str(p.pattern), p.name) for p in entry.url_patterns]
    raise AssertionError("no outreach routes")


@pytest.fixture
def outreach_world(team_a, team_b, activity_a, activity_b):
    target = OutreachTarget.objects.create(
        village_id=testing.VILLAGE_A, year=2026, activities_target=4, registrations_target=9
    )
    return {
        "pk": {
            "activity_detail": activity_a.pk,
            "activity_edit": activity_a.pk,
            "activity_photo": activity_a.pk,
            "team_detail": team_a.pk,
            "team_edit": team_a.pk,
            "member_edit": team_a.members.first().pk,
            "target_edit": target.pk,
        },
        "team_pk": {"member_create": team_a.pk},
        "foreign": [team_b.name, activity_b.place],
    }


def _urls(world) -> list[str]:
    urls = []
    for route, name in _get_routes():
        if name == "activity_unattribute":
            continue  # POST only
        if name == "report_export":
            urls += [reverse(f"outreach:{name}", args=[fmt]) for fmt in ("csv", "xlsx", "pdf")]
        elif "<int:team_pk>" in route:
            urls.append(reverse(f"outreach:{name}", kwargs={"team_pk": world["team_pk"][name]}))
        elif "<int:pk>" in route:
            urls.append(reverse(f"outreach:{name}", kwargs={"pk": world["pk"][name]}))
        else:
            urls.append(reverse(f"outreach:{name}"))
    return urls


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def _probe(client, url: str, names: list[str], foreign: list[str], failures: list[str]):
    """A hypothesis run over one page's parameters; what goes wrong is collected, so one run
    names every failing page."""

    @hypothesis.given(st.lists(st.tuples(st.sampled_from(names), VALUES), max_size=4))
    @hypothesis.settings(max_examples=30, deadline=None, database=None)
    def any_parameters(pairs):
        data: dict[str, list[str]] = {}
        for name, value in pairs:
            data.setdefault(name, []).append(value.replace("\x00", ""))
        try:
            response = client.get(url, data)
        except Exception as exc:  # the test client re-raises what would be a 500
            failures.append(f"{url} {pairs!r}: {type(exc).__name__}: {exc}")
            return
        if response.status_code >= 500:
            failures.append(f"{url} {pairs!r}: {response.status_code}")
        elif response.status_code == 200:
            body = _body(response)
            failures.extend(f"{url} {pairs!r}: shows {f}" for f in foreign if f in body)

    return any_parameters


@pytest.mark.parametrize("role", ["operator_desa", "admin_kabupaten", "viewer"])
def test_any_value_of_any_parameter_on_every_page(client, users, outreach_world, role):
    from django.urls import resolve

    client.force_login(users[role])
    foreign = outreach_world["foreign"] if role == "operator_desa" else []
    failures: list[str] = []
    urls = _urls(outreach_world)
    assert len(urls) >= 18
    for url in urls:
        form = getattr(resolve(url).func.view_class, "filter_form_class", None)
        names = sorted(set(COMMON) | set(form.base_fields if form else ()))
        _probe(client, url, names, foreign, failures)()
    assert failures == [], "\n".join(failures[:20])


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("targets", {"tahun": "-1"}),
        ("targets", {"tahun": "10000"}),
        ("targets", {"tahun": "99999999999999999999"}),
        ("calendar", {"bulan": "2026-13"}),
        ("calendar", {"bulan": "99999999999999999999"}),
        ("calendar", {"bulan": "9999-12"}),
        ("index", {"page": "-5"}),
        ("index", {"jenis": "bukan-jenis"}),
        ("teams", {"status": "hilang"}),
        ("flags", {"page": "99999999999999999999"}),
        ("report", {"start": "9999-12-31"}),
        ("report", {"wilayah": "52.99"}),
    ],
)
def test_bad_value_is_a_warning_and_the_default_applies(client, users, team_a, name, params):
    client.force_login(users["admin_kabupaten"])
    url = reverse(f"outreach:{name}")
    response = client.get(url, params)
    assert response.status_code == 200
    assert '<li class="msg warning">' in response.content.decode()
    default = client.get(url)
    assert response.context["area"] == default.context["area"]
    for key in ("year", "month_start", "start", "end", "kind", "status"):
        if key in default.context:
            assert response.context[key] == default.context[key], key


def test_calendar_month_and_target_year_are_read(client, users, team_a):
    client.force_login(users["admin_kabupaten"])
    page = client.get(reverse("outreach:calendar"), {"bulan": "2024-02"})
    assert page.context["month_start"].isoformat() == "2024-02-01"
    assert '<li class="msg warning">' not in page.content.decode()
    page = client.get(reverse("outreach:targets"), {"tahun": "2027"})
    assert page.context["year"] == 2027
    assert "Target sosialisasi 2027" in page.content.decode()


def test_target_table_shows_progress_and_edit_link_for_admins_only(client, users, activity_a):
    from django.utils import timezone

    target = OutreachTarget.objects.create(
        village_id=testing.VILLAGE_A,
        year=timezone.localdate().year,
        activities_target=4,
        registrations_target=9,
        note="Catatan uji",
    )
    edit = reverse("outreach:target_edit", args=[target.pk])
    client.force_login(users["admin_kabupaten"])
    body = client.get(reverse("outreach:targets")).content.decode()
    assert "1 / 4 (" in body and "0 / 9 (" in body and "Catatan uji" in body
    assert edit in body
    client.force_login(users["operator_desa"])
    body = client.get(reverse("outreach:targets")).content.decode()
    assert "1 / 4 (" in body and edit not in body


def test_flags_table_links_each_quiet_village(client, users, activity_a):
    client.force_login(users["camat"])
    body = client.get(reverse("outreach:flags")).content.decode()
    assert f'?wilayah={testing.VILLAGE_A2}">' in body
    assert f'?wilayah={testing.VILLAGE_A}">' not in body  # it had an activity 3 days ago
    assert "belum pernah" in body


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_report_download_is_logged_with_its_area(client, users, activity_a, activity_b, fmt):
    from lindung.audit.models import AccessLog

    client.force_login(users["camat"])
    response = client.get(reverse("outreach:report_export", args=[fmt]))
    assert response.status_code == 200
    assert f"sosialisasi-{testing.KECAMATAN_A}-" in response["Content-Disposition"]
    log = AccessLog.objects.get()
    assert log.action == "export" and log.record_count == 1  # activity_b is in Keruak
    assert log.user == users["camat"] and log.area_code == testing.KECAMATAN_A


@pytest.mark.parametrize(
    ("params", "text"),
    [
        ({"start": "2026-02-01", "end": "2026-01-01"}, "Tanggal awal harus sebelum tanggal akhir."),
        ({"start": "2019-01-01", "end": "2026-01-01"}, "Periode laporan paling panjang 5 tahun."),
        ({"start": "kemarin"}, "Dari:"),
        ({"end": "9999-12-31"}, "Sampai:"),
    ],
)
def test_report_download_with_a_bad_period_goes_back_to_the_report(client, users, params, text):
    from lindung.audit.models import AccessLog

    client.force_login(users["camat"])
    response = client.get(reverse("outreach:report_export", args=["csv"]), params, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("outreach:report") + "?")
    assert text in response.content.decode()
    assert not AccessLog.objects.exists()
