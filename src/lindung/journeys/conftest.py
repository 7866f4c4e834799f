"""Journeys: a person's day driven in Debian's chromium, by clicks alone (the browser fixtures
come from src/lindung/conftest.py, shared with the apps' browser tests).

Each journey signs in at the login page, then only clicks links and buttons a person can see;
`Journey` refuses any typed URL after the login. Every step leaves a screenshot in
test-artifacts/journeys/<journey>/<viewport>/ so a person can follow the path afterwards.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lindung.core import testing

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "journeys"
VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}


class TypedUrl(AssertionError):
    pass


class Journey:
    def __init__(self, page, name: str, size: str):
        self.page = page
        self.size = size
        self.folder = ARTIFACTS / name / size
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.png"):
            old.unlink()
        self.steps = 0
        self._goto = page.goto
        page.goto = self._refuse  # after login a person only clicks
        # Every step also proves the Content-Security-Policy refused nothing on the way.
        self.csp_refused = testing.watch_csp(page)

    @property
    def phone(self) -> bool:
        return self.size == "phone"

    def _refuse(self, *args, **kwargs):
        raise TypedUrl(f"journeys proceed by clicks only, not by typing {args[0]!r}")

    def login(self, user, password: str = testing.PASSWORD) -> None:
        self._goto("/masuk/")
        self.step("masuk")
        self.page.fill("#id_username", user.username)
        self.page.fill("#id_password", password)
        self.page.click("button[type=submit]")
        self.page.wait_for_url(lambda url: "/masuk/" not in url)
        self.step("beranda")

    def step(self, label: str) -> None:
        self.steps += 1
        slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
        self.page.screenshot(path=self.folder / f"{self.steps:02d}-{slug}.png", full_page=True)
        assert self.csp_refused == [], "\n".join(self.csp_refused[:10])

    def menu(self, group: str | None, item: str) -> None:
        """Open a menu entry the way a person does: the phone's Menu button, the group, the item."""
        page = self.page
        if self.phone:
            page.click("button.menu-toggle")
        nav = page.locator("nav.mainnav")
        if group:
            nav.locator("summary", has_text=re.compile(rf"^{re.escape(group)}$")).click()
            nav.locator("details[open] a", has_text=re.compile(rf"^{re.escape(item)}$")).click()
        else:
            nav.get_by_role("link", name=item, exact=True).click()
        page.wait_for_load_state()
        self.step(item)

    def click(self, text: str, *, role: str = "link", within: str = "main") -> None:
        """Click the visible link or button with exactly this text."""
        target = self.page.locator(within).get_by_role(role, name=text, exact=True).first
        target.scroll_into_view_if_needed()
        target.click()
        self.page.wait_for_load_state()

    def button(self, text: str, within: str = "main") -> None:
        self.click(text, role="button", within=within)

    def text(self, selector: str = "main") -> str:
        return self.page.locator(selector).inner_text()

    def assert_no_overflow(self, selector: str) -> None:
        """Nothing in these boxes is wider than its box (amounts spilling out of cards)."""
        spill = self.page.eval_on_selector_all(
            selector,
            "els => els.filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText)",
        )
        assert spill == [], f"overflowing at {self.size}: {spill}"
        # An amount broken over two lines ("Rp85.379.60" / "0") is as unreadable as one spilling.
        broken = self.page.eval_on_selector_all(
            selector,
            """els => els.filter(e => /^Rp[0-9.]+$/.test(e.innerText.trim())).filter(e => {
                 const range = document.createRange();
                 range.selectNodeContents(e);
                 const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
                 return tops.size > 1;
               }).map(e => e.innerText)""",
        )
        assert broken == [], f"amounts broken over lines at {self.size}: {broken}"


@pytest.fixture
def journey(_playwright_browser, live_server):
    contexts = []

    def start(name: str, size: str = "desktop") -> Journey:
        context = _playwright_browser.new_context(
            base_url=live_server.url, locale="id-ID", accept_downloads=True, **VIEWPORTS[size]
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20000)
        return Journey(page, name, size)

    yield start
    for context in contexts:
        context.close()
