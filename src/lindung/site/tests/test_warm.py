"""The nightly warm-up counts the day's figures of users above village level."""

from io import StringIO

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from lindung.accounts.models import Role
from lindung.areas.services import home_area_for
from lindung.core.home import home_cards
from lindung.core.worklists import sections_for
from lindung.site.warm import users_to_warm, warm_figures
from lindung.workers import testing


def queries_of_a_visit(user) -> int:
    area = home_area_for(user)
    with CaptureQueriesContext(connection) as ctx:
        home_cards(user, area)
        sections_for(user, area)
    return len(ctx.captured_queries)


def test_regency_and_kecamatan_users_are_warmed_village_users_are_not(users):
    inactive = testing.make_user(Role.ADMIN_KABUPATEN, testing.REGENCY)
    inactive.is_active = False
    inactive.save()
    testing.make_worker(testing.VILLAGE_A)
    chosen = {u.username for u in users_to_warm()}
    assert chosen == {
        users[Role.ADMIN_KABUPATEN].username,
        users[Role.PETUGAS_BPJS].username,
        users[Role.CAMAT].username,
        users[Role.VIEWER].username,
    }
    warmed = warm_figures()
    assert {w.username for w in warmed} == chosen
    assert all(w.seconds >= 0 for w in warmed)
    assert queries_of_a_visit(users[Role.ADMIN_KABUPATEN]) == 0
    assert queries_of_a_visit(users[Role.CAMAT]) == 0
    assert queries_of_a_visit(users[Role.OPERATOR_DESA]) > 0


def test_figures_are_counted_in_the_site_language(users, settings):
    admin = users[Role.ADMIN_KABUPATEN]
    with translation.override("en"):  # whatever the command's own language
        warm_figures([admin])
    with translation.override(settings.LANGUAGE_CODE):
        assert queries_of_a_visit(admin) == 0
    with translation.override("en"):
        assert queries_of_a_visit(admin) > 0


def test_command_reports_each_user(users):
    out = StringIO()
    call_command("warm_figures", stdout=out)
    text = out.getvalue()
    assert f"{users[Role.CAMAT].username} ({testing.KECAMATAN_A})" in text
    assert users[Role.OPERATOR_DESA].username not in text
    assert "Angka dihitung untuk 4 pengguna" in text
