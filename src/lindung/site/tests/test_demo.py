"""`lindung demo`: what lands in the database, logins, --if-empty, plug-in steps."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from lindung.accounts.models import Role, User
from lindung.areas.models import Area
from lindung.core.demo import registry
from lindung.enrollment.models import Membership, MembershipTransition
from lindung.site.demo import services
from lindung.site.demo.users import DEMO_PASSWORD, ensure_demo_users
from lindung.workers.models import Worker
from lindung.workers.nik import parse_nik

TODAY = dt.date(2026, 3, 10)


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    # Each run sets five demo passwords; the production hasher takes about a second each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def own_registry(monkeypatch):
    """Only the steps a test registers run; other apps' steps are tested in their apps."""
    monkeypatch.setattr(registry, "_STEPS", {})


def demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_demo_fills_the_database_and_prints_logins(db):
    assert not Area.objects.exists()  # loads Lombok Timur itself
    out = demo("--workers", "300", "--seed", "4", "--today", TODAY.isoformat())
    assert Worker.objects.count() == 300
    assert Worker.objects.values("village").distinct().count() == 254
    assert 240 <= Membership.objects.count() <= 290
    assert Worker.history.count() == 300
    assert Membership.history.count() == Membership.objects.count()
    assert "300 pekerja" in out
    for username in ("admin", "bpjs", "camat.selong", "desa.danggentimur", "pengamat"):
        assert username in out
    assert DEMO_PASSWORD in out


def test_rows_are_consistent(db):
    demo("--workers", "300", "--seed", "5", "--today", TODAY.isoformat())
    for w in Worker.objects.all():
        result = parse_nik(w.nik, today=TODAY, entered_birth_date=w.birth_date, entered_sex=w.sex)
        assert result.ok and not result.warnings, (w.nik, result.issues)
        assert w.village.level == 4 and w.village_id.startswith("52.03.")
        assert w.version == 1 and w.verification_flags == []
        assert w.created_at.date() <= TODAY or w.created_at.date() <= dt.date.today()
    for m in Membership.objects.select_related("worker").prefetch_related("transitions"):
        assert m.village_id == m.worker.village_id
        path = [(t.from_status, t.to_status) for t in m.transitions.all()]
        assert path[0] == ("", "didata") and path[-1][1] == m.status
        times = [t.at for t in m.transitions.all()]
        assert times == sorted(times) and times[0] >= m.created_at
    active = Membership.objects.active_on(TODAY)
    assert set(active.values_list("status", flat=True)) == {"aktif"}
    assert active.count() == Membership.objects.filter(status="aktif").count()
    history = Worker.objects.first().history.get()
    assert history.history_type == "+" and history.history_date == history.created_at


def test_same_seed_gives_the_same_people(db):
    def snapshot():
        return list(
            Worker.objects.order_by("nik").values_list(
                "nik", "name", "village_id", "sector__code", "monthly_income", "phone"
            )
        )

    demo("--workers", "200", "--seed", "9", "--today", TODAY.isoformat())
    first = snapshot()
    statuses = sorted(Membership.objects.values_list("worker__nik", "status", "paid_until"))
    MembershipTransition.objects.all().delete()
    Membership.objects.all().delete()
    Worker.objects.all().delete()
    demo("--workers", "200", "--seed", "9", "--today", TODAY.isoformat())
    assert snapshot() == first
    assert sorted(Membership.objects.values_list("worker__nik", "status", "paid_until")) == (
        statuses
    )


def test_second_run_adds_new_people_without_nik_clashes(db):
    demo("--workers", "150", "--seed", "1", "--today", TODAY.isoformat(), "--no-history")
    demo("--workers", "150", "--seed", "1", "--today", TODAY.isoformat(), "--no-history")
    assert Worker.objects.count() == 300
    assert Worker.history.count() == 0
    kpjs = [k for k in Membership.objects.values_list("kpj", flat=True) if k]
    assert len(kpjs) == len(set(kpjs))


def test_if_empty_skips_but_still_prints_logins(db):
    demo("--workers", "50", "--seed", "2")
    out = demo("--if-empty", "--workers", "500", "--seed", "2")
    assert Worker.objects.count() == 50
    assert "tidak dibuat ulang" in out
    assert "camat.selong" in out and DEMO_PASSWORD in out
    assert User.objects.filter(email__endswith="@demo.lindung.invalid").count() == 5


def test_if_empty_on_empty_database_generates(db):
    demo("--if-empty", "--workers", "40", "--seed", "2")
    assert Worker.objects.count() == 40


def test_demo_logins_work_with_the_printed_password(client, db):
    demo("--workers", "20", "--seed", "1")
    demo("--workers", "0", "--seed", "1")  # a re-run keeps one account per username
    expected = {
        "admin": (Role.ADMIN_KABUPATEN, "52.03"),
        "bpjs": (Role.PETUGAS_BPJS, "52.03"),
        "camat.selong": (Role.CAMAT, "52.03.07"),
        "desa.danggentimur": (Role.OPERATOR_DESA, "52.03.07.2012"),
        "pengamat": (Role.VIEWER, "52.03"),
    }
    assert User.objects.count() == 5
    for username, (role, area) in expected.items():
        user = User.objects.get(username=username)
        assert (user.role, user.area_id) == (role, area)
        response = client.post("/masuk/", {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, username
        client.logout()
    wrong = client.post("/masuk/", {"username": "admin", "password": "bukan-sandinya-2026"})
    assert wrong.status_code != 302


def test_a_real_account_with_a_demo_username_is_left_alone(db, lotim):
    real = User(username="admin", role=Role.ADMIN_KABUPATEN, area_id="52.03", email="x@lotim.go.id")
    real.set_password("Rahasia-Kantor-123")
    real.save()
    logins = {login.user.username: login for login in ensure_demo_users()}
    real.refresh_from_db()
    assert real.check_password("Rahasia-Kantor-123")
    assert logins["admin"].password is None and logins["bpjs"].password == DEMO_PASSWORD
    out = demo("--if-empty", "--workers", "0")
    admin_line = next(line for line in out.splitlines() if line.startswith("admin "))
    assert DEMO_PASSWORD not in admin_line and "Rahasia" not in out


def test_registered_steps_run_in_order_with_context(db):
    calls = []

    def late(rng, context):
        calls.append(("late", rng.random()))
        return "langkah akhir"

    def early(rng, context):
        calls.append(("early", rng.random()))
        context["from_early"] = True
        assert context["workers_created"] == 30 == len(context["worker_ids"])
        assert Worker.objects.filter(pk__in=context["worker_ids"]).count() == 30
        assert sorted(context["workers"].values_list("pk", flat=True)) == context["worker_ids"]
        assert context["memberships"].count() == len(context["membership_ids"])
        assert Membership.objects.filter(pk__in=context["membership_ids"]).count() == len(
            context["membership_ids"]
        )
        assert context["seed"] == 6 and context["today"] == TODAY
        assert context["users"][Role.PETUGAS_BPJS].username == "bpjs"
        assert len(context["villages"]) == 254
        return None

    registry.register("z-late", late, order=90)
    registry.register("a-early", early, order=10)
    registry.register("a-early", early, order=10)  # a second ready() must not add it twice
    out = demo("--workers", "30", "--seed", "6", "--today", TODAY.isoformat())
    assert [name for name, _ in calls] == ["early", "late"]
    assert "z-late: langkah akhir" in out
    first = [value for _, value in calls]
    # Each step's random numbers depend only on the seed and its own name.
    calls.clear()
    registry.unregister("z-late")
    Membership.objects.all().delete()
    Worker.objects.all().delete()
    demo("--workers", "30", "--seed", "6", "--today", TODAY.isoformat())
    assert [value for _, value in calls] == first[:1]


def test_failing_step_rolls_everything_back(db):
    def broken(rng, context):
        raise RuntimeError("langkah gagal")

    registry.register("broken", broken)
    with pytest.raises(RuntimeError):
        services.generate(25, 1, today=TODAY)
    assert not Worker.objects.exists() and not User.objects.exists()


def test_database_error_in_a_step_surfaces_as_itself(db):
    from django.db import IntegrityError

    def clash(rng, context):
        User.objects.create(username="admin")  # the demo admin already exists

    registry.register("clash", clash)
    with pytest.raises(IntegrityError):
        services.generate(10, 1, today=TODAY)
    assert not Worker.objects.exists()


def test_negative_worker_count_is_refused(db):
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        demo("--workers", "-5")


def test_created_queryset_handles_gaps(db, lotim):
    from lindung.workers import testing

    workers = [testing.make_worker() for _ in range(4)]
    ids = [w.pk for w in workers]
    assert services.created_queryset(Worker, ids).count() == 4
    gap = [ids[0], ids[2], ids[3]]
    assert sorted(services.created_queryset(Worker, gap).values_list("pk", flat=True)) == gap
    assert not services.created_queryset(Worker, []).exists()


def test_steps_can_be_skipped_by_name_or_all(db):
    ran = []
    registry.register("first", lambda rng, ctx: ran.append("first"), order=1)
    registry.register("second", lambda rng, ctx: ran.append("second"), order=2)
    demo("--workers", "10", "--skip-step", "first")
    assert ran == ["second"]
    ran.clear()
    demo("--workers", "10", "--no-steps")
    assert ran == []
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="tidak dikenal: nama-salah"):
        demo("--workers", "10", "--skip-step", "nama-salah")


def test_progress_reports_every_phase_to_its_total(db):
    registry.register("extra", lambda rng, ctx: None)
    seen: dict[str, tuple[int, int]] = {}
    services.generate(
        120, 3, today=TODAY, progress=lambda phase, done, total: seen.update({phase: (done, total)})
    )
    members = Membership.objects.count()
    assert seen["menyusun data"] == (120, 120)
    assert seen["pekerja"] == (120, 120)
    assert seen["kepesertaan"] == (members, members)
    assert seen["riwayat worker"] == (120, 120)
    transitions = MembershipTransition.objects.count()
    assert seen["perubahan status"] == (transitions, transitions)
    assert seen["langkah demo (extra)"] == (1, 1)
