"""Every GET page of every app, with any value for any query parameter it reads: never a 500,
and for a village operator never a NIK from outside the village.

The parameters of a page are the fields of its filter form (the view's `filter_form_class`),
the names its own forms and links send, and the names pages commonly read. Values come from
hypothesis: numbers out of range and overflowing, junk text, dates that do not exist, area codes
outside the user's area, repeated keys."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

import hypothesis
import pytest
from django.urls import resolve, reverse
from hypothesis import strategies as st

from lindung.accounts.models import User
from lindung.accounts.scoping import scoped
from lindung.areas.models import AreaLevel
from lindung.core.testing import BAD_FILTER_VALUES

from .test_access_matrix import BY_PK, _app_routes, _foreign_niks, world  # noqa: F401

pytestmark = pytest.mark.usefixtures("world")

COMMON = ("tahun", "bulan", "halaman", "page", "urut", "wilayah", "q", "s", "nik", "format")
COMMON += ("pemisah", "status", "desa", "jenis", "periode", "dari", "sampai", "alasan")
# Pages a GET changes nothing on but that answer with a redirect or a file by design.
NOT_PAGES = {"logout", "login", "set_language"}
VALUES = st.one_of(
    st.sampled_from(BAD_FILTER_VALUES),
    st.sampled_from(("52.03.01", "52.03.01.2001", "99.99", "52", "2025-02-30", "2026-W60")),
    st.integers().map(str),
    st.text(max_size=12),
    st.just(""),
)


def _names_in(body: str) -> set[str]:
    """The names a page's own GET forms and links send back to pages."""
    names = set(re.findall(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"', body))
    for href in re.findall(r'href="([^"]*\?[^"]*)"', body):
        names.update(k for k, _ in parse_qsl(urlsplit(href.replace("&amp;", "&")).query))
    return names - {"csrfmiddlewaretoken"}


def _form_fields(url: str) -> set[str]:
    view = getattr(resolve(url).func, "view_class", None)
    form_class = getattr(view, "filter_form_class", None)
    return set(form_class.base_fields) if form_class else set()


def _pages(user) -> list[str]:
    """Every parameterless GET route, and every record page for a record inside the area."""
    from django.apps import apps

    urls = []
    for route, name in _app_routes():
        if name in NOT_PAGES:
            continue
        if "<" not in route:
            urls.append("/" + route)
        elif name in BY_PK:
            record = scoped(apps.get_model(BY_PK[name]).objects.all(), user).order_by("pk").first()
            if record is None:
                continue
            kwarg = route.split("<int:")[1].split(">")[0]
            urls.append(reverse(name, kwargs={kwarg: record.pk}))
    return urls


def _walk(client, user, examples: int) -> tuple[int, list[str], list[str]]:
    client.force_login(user)
    foreign = _foreign_niks(user) if user.area.level == AreaLevel.DESA else set()
    failures, leaks, walked = [], [], 0
    for url in _pages(user):
        first = client.get(url)
        if first.status_code == 405:
            continue
        assert first.status_code < 500, url
        body = _text(first) if first.status_code == 200 else ""
        names = sorted(_form_fields(url) | _names_in(body) | set(COMMON))
        walked += 1

        _probe(client, url, names, examples, foreign, failures, leaks)()
    return walked, failures, leaks


def _probe(client, url, names, examples, foreign, failures, leaks):
    """A hypothesis run over one page's parameters; what goes wrong is collected, not raised,
    so one run reports every failing page."""

    @hypothesis.given(st.lists(st.tuples(st.sampled_from(names), VALUES), max_size=4))
    @hypothesis.settings(max_examples=examples, deadline=None, database=None)
    def any_parameters(pairs):
        try:
            response = client.get(url, data=_multi(pairs))
        except Exception as exc:  # the test client re-raises what would be a 500
            failures.append(f"{url} {pairs!r} -> {type(exc).__name__}: {exc}")
            return
        if response.status_code >= 500:
            failures.append(f"{url} {pairs!r} -> {response.status_code}")
            return
        if foreign and response.status_code == 200:
            text = _text(response)
            leaks.extend(f"{url} {pairs!r}: {nik}" for nik in foreign if nik in text)

    return any_parameters


def _text(response) -> str:
    """The page, or the whole file of an export (XLSX is zipped: its NIKs are checked by the
    export tests, here it only must not fail)."""
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    return content.decode("utf-8", "replace")


def _multi(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for name, value in pairs:
        data.setdefault(name, []).append(value.replace("\x00", ""))
    return data


@pytest.mark.parametrize("username", ["admin", "desa.danggentimur"])
def test_no_parameter_value_breaks_a_page_or_leaks(client, username):
    user = User.objects.get(username=username)
    walked, failures, leaks = _walk(client, user, examples=8)
    assert walked > 40
    assert failures == [], "\n".join(failures[:20])
    assert leaks == [], "\n".join(leaks[:20])


def test_every_list_page_declares_its_filter_form(client):
    """A page that shows a paginated list reads its parameters through a filter form."""
    client.force_login(User.objects.get(username="admin"))
    missing = []
    for url in _pages(User.objects.get(username="admin")):
        response = client.get(url)
        context = getattr(response, "context", None)
        if response.status_code != 200 or context is None:
            continue
        page = context.get("page") if "page" in context else None
        if hasattr(page, "paginator") and context.get("filter_form") is None:
            missing.append(url)
    assert missing == [], "\n".join(missing)
