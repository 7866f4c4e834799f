"""Every GET page of every app, with any value for any query parameter it reads: never a 500,
and for a village operator and a camat never a NIK or name from outside their area.

The parameters of a page are the fields of its filter form (the view's `filter_form_class`),
the names its own forms and links send, and the names pages commonly read. Values come from
hypothesis: numbers out of range and overflowing, junk text, dates that do not exist, area codes
outside the user's area, repeated keys. Path arguments are filled from records the user can
see: the pk of a record of the view's model (BY_PK or the view's own `model`), the user's own
area code, the table and format of an area download. One test walks the three roles, so the
demo data is built once."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

import hypothesis
import pytest
from django.urls import resolve, reverse
from django.urls.exceptions import NoReverseMatch
from hypothesis import strategies as st

from lindung.accounts.models import User
from lindung.accounts.scoping import scoped
from lindung.areas.models import AreaLevel
from lindung.core.generic import ScopedListView
from lindung.core.testing import BAD_FILTER_VALUES
from lindung.workers import testing as worker_testing

from .test_access_matrix import (  # noqa: F401
    BY_AREA_FMT,
    BY_PK,
    _app_routes,
    _foreign_niks,
    world,
)

pytestmark = pytest.mark.usefixtures("world")

COMMON = ("tahun", "bulan", "halaman", "page", "urut", "wilayah", "q", "s", "nik", "format")
COMMON += ("pemisah", "status", "desa", "jenis", "periode", "dari", "sampai", "alasan")
# Pages a GET changes nothing on but that answer with a redirect or a file by design.
NOT_PAGES = {"logout", "login", "set_language"}
VALUES = st.one_of(
    st.sampled_from(BAD_FILTER_VALUES),
    st.sampled_from(("52.03.01", "52.03.01.2001", "99.99", "52", "2025-02-30", "2026-W60")),
    st.sampled_from(("99999999999999999999", "-1", "0", "1e400", "NaN", "١٢", "２０２６")),
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


EVERY_NAME_AT_ONCE = ("-1", "99999999999999999999", "52.99")
ROLES = ("admin", "camat.selong", "desa.danggentimur")
# A worker with a name found nowhere else, in a kecamatan neither scoped role covers.
OUTSIDER_NAME = "Zulkarnain Luarwilayah"


def _view_class(url: str):
    return getattr(resolve(url).func, "view_class", None)


def _record_pk(name: str, route: str, user) -> dict | None:
    """The path arguments of a record page, from a record the user can see (None: no record)."""
    from django.apps import apps

    kwargs = {}
    for kind, kwarg in re.findall(r"<(?:(\w+):)?(\w+)>", route):
        if kwarg == "code":
            kwargs[kwarg] = user.area_id
        elif kwarg in BY_AREA_FMT.get(name, {}):
            kwargs[kwarg] = BY_AREA_FMT[name][kwarg]
        elif kind == "int" and "pk_label" not in kwargs:
            model = apps.get_model(BY_PK[name]) if name in BY_PK else None
            if model is None:
                probe = re.sub(r"<int:\w+>", "1", "/" + route)
                view = _view_class(probe) if "<" not in probe else None
                model = getattr(view, "model", None)
            if model is None:
                return None
            record = scoped(model.objects.all(), user).order_by("pk").first()
            if record is None:
                return None
            kwargs[kwarg] = record.pk
            kwargs["pk_label"] = True
        else:
            return None
    kwargs.pop("pk_label", None)
    return kwargs


def _pages(user) -> list[str]:
    """Every parameterless GET route, and every record or area page whose path arguments can
    be filled from what the user can see."""
    urls = []
    for route, name in _app_routes():
        if name in NOT_PAGES:
            continue
        if "<" not in route:
            urls.append("/" + route)
            continue
        kwargs = _record_pk(name, route, user)
        if kwargs is None:
            continue
        try:
            urls.append(reverse(name, kwargs=kwargs))
        except NoReverseMatch:
            continue
    return urls


def _walk(client, user, examples: int) -> tuple[int, list[str], list[str]]:
    client.force_login(user)
    scoped_role = user.area.level in {AreaLevel.DESA, AreaLevel.KECAMATAN}
    foreign = (_foreign_niks(user) | {OUTSIDER_NAME}) if scoped_role else set()
    failures, leaks, walked = [], [], 0
    for url in _pages(user):
        first = client.get(url)
        if first.status_code == 405:
            continue
        if first.status_code >= 500:
            failures.append(f"{url} -> {first.status_code}")
            continue
        body = _text(first) if first.status_code == 200 else ""
        names = sorted(_form_fields(url) | _names_in(body) | set(COMMON))
        walked += 1

        _probe(client, url, names, examples, foreign, failures, leaks)()
    return walked, failures, leaks


def _probe(client, url, names, examples, foreign, failures, leaks):
    """A hypothesis run over one page's parameters; what goes wrong is collected, not raised,
    so one run reports every failing page. Besides the random examples, every parameter at
    once with each value of EVERY_NAME_AT_ONCE: a few examples per page would often miss the
    one parameter a page breaks on."""

    @hypothesis.given(st.lists(st.tuples(st.sampled_from(names), VALUES), max_size=4))
    @hypothesis.settings(max_examples=examples, deadline=None, database=None)
    def any_parameters(pairs):
        try:
            response = client.get(url, data=_multi(pairs))
        except Exception as exc:  # the test client re-raises what would be a 500
            failures.append(f"{url} {_short(pairs)} -> {type(exc).__name__}: {exc}")
            return
        if response.status_code >= 500:
            failures.append(f"{url} {_short(pairs)} -> {response.status_code}")
            return
        if foreign and response.status_code == 200:
            text = _text(response)
            leaks.extend(f"{url} {pairs!r}: {nik}" for nik in foreign if nik in text)

    for value in EVERY_NAME_AT_ONCE:
        any_parameters = hypothesis.example([(name, value) for name in names])(any_parameters)
    return any_parameters


def _short(pairs: list[tuple[str, str]]) -> str:
    """The query of a failure, short enough to read when every parameter was sent."""
    text = repr(pairs)
    return text if len(text) <= 160 else text[:150] + f"… ({len(pairs)} parameters)"


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


@pytest.fixture
def outsider(request):
    """A member with a unique name outside both scoped roles' kecamatan (52.03.07)."""
    request.getfixturevalue("world")  # after the demo data (imported fixture, named once)
    from lindung.areas.models import Area
    from lindung.enrollment.models import Membership

    village = (
        Area.objects.filter(level=AreaLevel.DESA)
        .exclude(code__startswith="52.03.07")
        .filter(code__startswith="52.03.")
        .order_by("code")
        .first()
    )
    worker = worker_testing.make_worker(village.code, name=OUTSIDER_NAME)
    Membership.objects.create(
        worker=worker, village_id=village.code, status="AKTIF", declared_income=1_000_000
    )
    return worker


def test_no_parameter_value_breaks_a_page_or_leaks(client, outsider):
    """Admin, camat and village operator: the failures of every page are listed at once."""
    # The marker is on a page the admin sees, so a scoped role finding it would be a leak.
    client.force_login(User.objects.get(username="admin"))
    assert (
        OUTSIDER_NAME in client.get(reverse("workers:list"), {"q": "Zulkarnain"}).content.decode()
    )
    report = []
    for username, examples in zip(ROLES, (3, 2, 2), strict=True):
        user = User.objects.get(username=username)
        walked, failures, leaks = _walk(client, user, examples=examples)
        print(f"{username}: {walked} pages walked, {len(failures)} failures, {len(leaks)} leaks")
        assert walked > 40, (username, walked)
        report += [f"[{username}] {line}" for line in failures[:40] + leaks[:40]]
    assert report == [], "\n".join(report)


def test_every_list_page_declares_its_filter_form(client):
    """A page that shows a paginated list, or is a ScopedListView, reads its parameters
    through a filter form and shows it (`filter_form` in its context)."""
    admin = User.objects.get(username="admin")
    client.force_login(admin)
    missing, lists = [], 0
    for url in _pages(admin):
        response = client.get(url)
        context = getattr(response, "context", None)
        if response.status_code != 200 or context is None:
            continue
        page = context.get("page") if "page" in context else None
        view = _view_class(url)
        is_list = hasattr(page, "paginator") or (
            view is not None and issubclass(view, ScopedListView)
        )
        lists += is_list
        if is_list and context.get("filter_form") is None:
            missing.append(url)
    assert lists > 10
    assert missing == [], "\n".join(missing)
