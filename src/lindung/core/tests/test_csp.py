"""Content-Security-Policy: the header is on every kind of response, and the pages carry no inline
script, handler or style that the policy would block (test_every_page runs `inline_code` on every
page of its crawl; test_browser_csp watches chromium's console)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.template import Context, Template
from django.urls import include, path
from hypothesis import given
from hypothesis import strategies as st

from lindung.core.csp import HEADER


def _boom(request):
    raise RuntimeError("a view that fails")


def _plain(request):
    return HttpResponse("ok")


# The project's pages by the settings' name: core imports no app above it (pyproject.toml).
urlpatterns = [
    path("uji-gagal/", _boom),
    path("uji-polos/", _plain),
    path("", include(settings.ROOT_URLCONF)),
]

DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def _directives(header: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


def test_the_policy_allows_this_origin_only_and_nothing_inline():
    directives = _directives(HEADER)
    for name, value in DIRECTIVES.items():
        assert directives[name] == value, name
    assert "unsafe" not in HEADER and "http" not in HEADER


@pytest.mark.urls(__name__)
def test_header_on_pages_api_errors_and_static_files(client, users):
    client.raise_request_exception = False
    anonymous = {
        "/masuk/": 200,
        "/api/v1/workers/": 401,
        "/api/v1/openapi.json": 200,
        "/tidak-ada/": 404,
        "/static/lindung/app.css": 200,
        "/static/lindung/app.js": 200,
        "/uji-gagal/": 500,
        "/uji-polos/": 200,
    }
    for url, status in anonymous.items():
        response = client.get(url)
        assert response.status_code == status, url
        assert response["Content-Security-Policy"] == HEADER, url
    client.force_login(users["admin_kabupaten"])
    for url in ["/", "/pekerja/", "/api/v1/workers/", "/api/v1/docs", "/pekerja/999999999/"]:
        response = client.get(url)
        assert response.status_code in {200, 404}, url
        assert response["Content-Security-Policy"] == HEADER, url


# --- no inline code in what the server sends ------------------------------------------------

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b", re.I)


def inline_code(page) -> list[str]:
    """What the policy would block on a crawled HTML page (lindung.core.tests.crawl.Page)."""
    found = [
        f'<{tag} {name}="{value[:60]}">'
        for tag, name, value in page.attrs
        if name == "style" or (name.startswith("on") and name.isalpha())
    ]
    text = page.body.decode("utf-8", "replace")
    found += [f"inline {m.group(0)[:60]}" for m in INLINE_SCRIPT.finditer(text)]
    found += [f"inline {m.group(0)}" for m in INLINE_STYLE.finditer(text)]
    return found


def test_inline_code_finds_each_form_the_policy_blocks():
    from .crawl import Page

    page = Page(url="/", content_type="text/html", body=b"")
    page.attrs = [
        ("span", "style", "width:40%"),
        ("select", "onchange", "this.form.submit()"),
        ("div", "data-colour", "#fff"),
        ("select", "data-autosubmit", ""),
    ]
    page.body = (
        b"<style>.x{}</style><script>alert(1)</script><script src='/static/a.js'></script>"
        b'<script type="application/json" id="d">{}</script>'
    )
    assert len(inline_code(page)) == 4


PDF_TEMPLATES = "/pdf/"  # WeasyPrint renders these to PDF on the server; no browser sees them


def test_no_template_has_inline_script_handler_or_style():
    root = Path(__file__).resolve().parents[2]
    handler = re.compile(r"\son[a-z]+=[\"']")
    offenders = []
    for template in root.rglob("templates/**/*.html"):
        if PDF_TEMPLATES in str(template):
            continue
        text = template.read_text(encoding="utf-8")
        for pattern in (handler, re.compile(r"\sstyle=[\"']"), INLINE_STYLE, INLINE_SCRIPT):
            offenders += [f"{template.relative_to(root)}: {m}" for m in pattern.findall(text)]
    assert offenders == []


# --- progress bars in 5% steps -------------------------------------------------------------


def _lebar(value) -> str:
    return Template("{% load lindung %}{{ v|lebar }}").render(Context({"v": value}))


@given(st.one_of(st.floats(allow_nan=True), st.integers(), st.text(), st.none()))
def test_progress_width_is_always_one_of_the_css_classes(value):
    assert _lebar(value) in {f"w{n}" for n in range(0, 101, 5)}


def test_progress_width_rounds_to_the_nearest_step_and_clamps():
    values = (0, 2.4, 2.6, 37, 99, 100, 250, -3, "57.5", "x", float("inf"), float("-inf"))
    assert [_lebar(v) for v in values] == [
        "w0",
        "w0",
        "w5",
        "w35",
        "w100",
        "w100",
        "w100",
        "w0",
        "w60",
        "w0",
        "w100",
        "w0",
    ]
    css = (Path(__file__).resolve().parents[1] / "static/lindung/app.css").read_text()
    for n in range(0, 101, 5):
        assert f".progress > .w{n} {{ width:{n}%; }}" in css
