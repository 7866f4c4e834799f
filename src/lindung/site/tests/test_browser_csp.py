"""Chromium enforces the Content-Security-Policy: on the main page of every menu group (and the
API docs), for the roles that see most, no script or style is refused. The journeys check the
same at every step (journeys/conftest.py)."""

from io import StringIO

import pytest
from django.core.management import call_command

from lindung.accounts.models import User
from lindung.core.testing import watch_csp
from lindung.outreach.models import Team
from lindung.site.demo.users import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _menu_urls(page) -> list[str]:
    links = page.locator("nav.mainnav a, .usermenu a")
    return sorted({links.nth(i).get_attribute("href") for i in range(links.count())})


@pytest.mark.parametrize("username", ["admin", "camat.selong"])
def test_no_csp_violation_on_the_menu_pages(page, browser_login, username):
    call_command("demo", "--workers", "150", "--seed", "3", stdout=StringIO(), stderr=StringIO())
    refused = watch_csp(page)
    user = User.objects.get(username=username)
    extra = []
    if username == "admin":  # also the API docs and Django's admin site (its own scripts)
        User.objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
        team = Team.objects.order_by("pk").first()
        extra = [
            "/api/v1/docs",
            "/admin/",
            "/admin/outreach/team/",
            f"/admin/outreach/team/{team.pk}/change/",
        ]
    browser_login(user, DEMO_PASSWORD)
    urls = _menu_urls(page)
    assert len(urls) > 8, urls
    for url in [*urls, *extra]:
        page.goto(url)
        page.wait_for_load_state("load")
    if extra:
        # the API docs really ran their script (Swagger UI draws the operations), and the admin
        # pages were the admin's own, not a redirect
        page.goto("/api/v1/docs")
        page.locator(".opblock").first.wait_for()
        page.goto("/admin/outreach/team/")
        assert page.locator("#result_list").count() == 1
    assert refused == [], "\n".join(refused[:20])


def test_the_watch_sees_a_refused_inline_script(page, live_server):
    """The console text the check relies on is what chromium prints for a refusal."""
    refused = watch_csp(page)
    page.goto("/masuk/")
    with page.expect_console_message(lambda m: "Content Security Policy" in m.text):
        page.evaluate(
            "() => { const s = document.createElement('style'); s.textContent = 'body{}';"
            " document.head.appendChild(s); }"
        )
    assert refused and "style-src" in refused[0]
