"""Crawl the app as a person would (following links from the home page) and collect every page
and download, for checks that must hold everywhere: values never localised, no internal notes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

SKIP_PREFIXES = ("/keluar/", "/admin/", "/static/", "/media/", "/api/")


@dataclass
class Page:
    url: str
    content_type: str
    body: bytes
    text: str = ""  # visible text (HTML) or decoded text (CSV)
    attrs: list[tuple[str, str, str]] = field(default_factory=list)  # (tag, name, value)
    links: list[str] = field(default_factory=list)


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.attrs: list[tuple[str, str, str]] = []
        self.links: list[str] = []
        self.text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style"}:
            self._skip += 1
        for name, value in attrs:
            if value is not None:
                self.attrs.append((tag, name, value))
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if href.startswith("/") or href.startswith("?"):
                self.links.append(href)

    def handle_endtag(self, tag):
        if tag in {"script", "style"} and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


def parse(url: str, response) -> Page:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    page = Page(url=url, content_type=response.get("Content-Type", ""), body=body)
    if "html" in page.content_type:
        parser = _Parser()
        parser.feed(body.decode("utf-8", "replace"))
        page.attrs, page.text = parser.attrs, " ".join(parser.text)
        base = urlsplit(url).path
        page.links = [base + href if href.startswith("?") else href for href in parser.links]
    elif "csv" in page.content_type or "json" in page.content_type:
        page.text = body.decode("utf-8-sig", "replace")
    elif "spreadsheetml" in page.content_type:
        import io

        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(body), read_only=True)
        page.text = " ".join(
            str(v) for ws in book for row in ws.iter_rows(values_only=True) for v in row if v
        )
    return page


def shape(url: str) -> str:
    """One visit per kind of page: ids become N, query values are dropped (keys kept)."""
    parts = urlsplit(url)
    path = re.sub(r"/\d+(?=/)", "/N", parts.path)
    keys = sorted({k for k, _ in parse_qsl(parts.query)} - {"page"})
    return path + "?" + "&".join(keys)


def crawl(client, start: str = "/", limit: int = 400) -> Iterator[Page]:
    seen: set[str] = set()
    queue = [start]
    while queue and len(seen) < limit:
        url = queue.pop(0)
        key = shape(url)
        if key in seen or url.startswith(SKIP_PREFIXES):
            continue
        seen.add(key)
        response = client.get(url)
        if response.status_code != 200:
            continue
        page = parse(url, response)
        yield page
        queue.extend(link.split("#")[0] for link in page.links)
