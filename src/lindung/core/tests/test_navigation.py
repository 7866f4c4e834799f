"""The menu: grouped by task, and no entry leads a role to a page it cannot use."""

import pytest

from lindung.accounts.models import Role
from lindung.core import testing
from lindung.core.navigation import GROUPS, groups_for, items_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_every_menu_entry_opens_for_the_role(client, users, role):
    user = users[role]
    client.force_login(user)
    entries = items_for(user)
    assert entries, "every role has a menu"
    for entry in entries:
        response = client.get(entry["url"], follow=True)
        assert response.status_code == 200, (role, entry["url"], response.status_code)


def test_menu_is_grouped_by_task_in_order(users):
    groups = groups_for(users[Role.ADMIN_KABUPATEN])
    keys = [g["key"] for g in groups]
    assert keys[0] == ""  # Beranda and Daftar kerja stand alone at the top
    assert [g["items"][0]["name"] for g in groups][:1] == ["home"]
    assert keys[1:] == list(GROUPS)  # the admin sees every group, in the declared order


def test_viewer_menu_has_no_editing_entries(users):
    names = {e["name"] for e in items_for(users[Role.VIEWER])}
    assert "imports:index" not in names
    assert "audit:access_log" not in names and "person_search" not in names


def test_village_operator_sees_own_village_rank(client, users):
    """The menu's «Peringkat desa» used to answer 404 for a village operator."""
    client.force_login(users[Role.OPERATOR_DESA])
    response = client.get("/cakupan/peringkat/", follow=True)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Danggen Timur" in text and "peringkat" in text.lower()


def test_base_page_renders_groups_and_phone_toggle(client, users):
    client.force_login(users[Role.CAMAT])
    html = client.get("/").content.decode()
    assert 'class="menu-toggle"' in html
    assert html.count('class="navgroup"') == len(groups_for(users[Role.CAMAT])) - 1
    assert testing.KECAMATAN_A  # camat is bound to Selong


def test_every_menu_page_has_a_plain_title(client, users):
    """A page's <title> is a few words, never a fragment of the page (a broken block once put
    a whole table there)."""
    import re

    user = users[Role.ADMIN_KABUPATEN]
    client.force_login(user)
    for entry in items_for(user):
        html = client.get(entry["url"], follow=True).content.decode()
        title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
        assert "<" not in title and len(title) < 120, (entry["url"], title[:200])
