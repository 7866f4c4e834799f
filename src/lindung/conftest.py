"""Fixtures shared by every app's tests."""

import os
import threading

import pytest
from hypothesis import settings as hypothesis_settings

from lindung.workers import testing

# Examples are checked for what they produce, not how fast: on a shared 2-core machine one page
# render can exceed hypothesis's default 200 ms deadline and fail an unrelated test.
hypothesis_settings.register_profile("lindung", deadline=None)
hypothesis_settings.load_profile("lindung")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Transactional tests (browser, backup) flush every table afterwards, which would also wipe
    the reference data seeded by migrations (sectors, tariffs, benefit rules). Serialized
    rollback restores it, so test order never matters."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if (
            marker
            and marker.kwargs.get("transaction")
            and not marker.kwargs.get("serialized_rollback")
        ):
            item.add_marker(
                pytest.mark.django_db(**{**marker.kwargs, "serialized_rollback": True}),
                append=False,
            )

    # Transactional tests run last (pytest-django's order); among them the browser tests go
    # first: a live server started after another transactional test's flush was seen to miss
    # the restored reference data.
    def rank(item) -> tuple[int, int]:
        marker = item.get_closest_marker("django_db")
        transactional = bool(marker and marker.kwargs.get("transaction"))
        return (int(transactional), 0 if item.get_closest_marker("browser") else 1)

    items.sort(key=rank)
    # `make test` runs the suite in two processes (LINDUNG_TESTS=other, then =transactional):
    # in one long process, transactional tests were seen to start without the reference data.
    part = os.environ.get("LINDUNG_TESTS")
    if part in {"other", "transactional"}:
        keep = [i for i in items if bool(rank(i)[0]) == (part == "transactional")]
        deselected = [i for i in items if i not in keep]
        if deselected:
            config.hook.pytest_deselected(items=deselected)
        items[:] = keep


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    # Test databases roll back, so ids and the data generation repeat between tests.
    from django.core.cache import caches

    for cache in caches.all():  # the figures and the abuse-limit counters
        cache.clear()
    # A count that took over a second on a loaded machine would otherwise be served stale
    # after a write; test_figures switches the background recount on where it is tested.
    settings.LINDUNG_FIGURES_BACKGROUND = False


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2 with production iterations costs ~1 s per user on a busy 2-core machine.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def lotim(db):
    """Areas of Kabupaten Lombok Timur (and its province) loaded from the committed fixture."""
    testing.load_lombok_timur()


@pytest.fixture
def users(lotim):
    return testing.role_users()


@pytest.fixture
def other_village_operator(lotim):
    return testing.make_user("operator_desa", testing.VILLAGE_B)


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def _playwright_browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread; the ORM calls made by
    # tests between page actions are still synchronous, so Django's async guard must be relaxed.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


class _RequestsInFlight:
    """Counts the live server's requests between request_started and request_finished."""

    def __init__(self):
        self.count = 0
        self.idle = threading.Condition()

    def started(self, **kwargs):
        with self.idle:
            self.count += 1

    def finished(self, **kwargs):
        with self.idle:
            self.count -= 1
            self.idle.notify_all()

    def wait_until_idle(self, timeout: float = 15.0) -> bool:
        with self.idle:
            return self.idle.wait_for(lambda: self.count <= 0, timeout=timeout)


@pytest.fixture
def page(_playwright_browser, live_server):
    """A fresh browser page; `page.base_url` is the live server. Use `browser_login` to sign in."""
    from django.core.signals import request_finished, request_started

    in_flight = _RequestsInFlight()
    request_started.connect(in_flight.started)
    request_finished.connect(in_flight.finished)
    context = _playwright_browser.new_context(base_url=live_server.url, locale="id-ID")
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    context.close()
    # A request the closed page left running on the live server (a fetch, a redirect) would
    # otherwise meet the flush of the test database: on SQLite in memory the flush then fails
    # with the table locked.
    in_flight.wait_until_idle()
    request_started.disconnect(in_flight.started)
    request_finished.disconnect(in_flight.finished)


@pytest.fixture
def browser_login(page):
    def login(user, password: str = testing.PASSWORD):
        page.goto("/masuk/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/masuk/" not in url)
        return page

    return login


@pytest.fixture
def screenshot_dir():
    """Screenshots land in test-artifacts/ (ignored by git) so a person can look at them."""
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path
