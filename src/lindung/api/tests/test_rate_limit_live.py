"""Abuse limits hold exactly against parallel clients of a live (threaded) server."""

import re
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar

import pytest
from django.utils import timezone

from lindung.accounts.models import ApiToken
from lindung.accounts.tokens import issue_token

pytestmark = pytest.mark.django_db(transaction=True)


def _status(url: str, headers: dict | None = None, data: bytes | None = None, opener=None) -> int:
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with (opener or urllib.request.build_opener()).open(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _parallel(calls: int, fn) -> list[int]:
    with ThreadPoolExecutor(max_workers=24) as pool:
        return list(pool.map(lambda _: fn(), range(calls)))


def test_api_user_limit_is_exact_under_parallel_clients(live_server, users, settings):
    settings.LINDUNG_API_USER_RATE = "100/m"
    token, raw = issue_token(users["admin_kabupaten"], "paralel")
    # Marked as just used, so the requests only read (the in-memory test database refuses
    # concurrent writers, unlike the file or PostgreSQL databases of a deployment).
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    url = f"{live_server.url}/api/v1/areas/?limit=1"
    codes = _parallel(150, lambda: _status(url, {"Authorization": f"Bearer {raw}"}))
    assert codes.count(200) == 100
    assert codes.count(429) == 50


def test_api_anonymous_limit_is_exact_under_parallel_clients(live_server, users, settings):
    settings.LINDUNG_API_ANON_RATE = "20/m"
    url = f"{live_server.url}/api/v1/areas/"
    codes = _parallel(60, lambda: _status(url, {"Authorization": "Bearer tebakan"}))
    assert codes.count(401) == 20
    assert codes.count(429) == 40


def test_password_spraying_limit_is_exact_under_parallel_clients(live_server, users, settings):
    settings.LINDUNG_LOGIN_IP_RATE = "10/15m"
    # django-axes records each failure in the database; the in-memory test database refuses
    # concurrent writers ("table is locked"), which a file or PostgreSQL database does not.
    # This test is about the per-address count, so axes is left out of it.
    settings.AXES_ENABLED = False
    names = iter(f"tebakan{i}" for i in range(40))

    def attempt() -> int:
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        with opener.open(f"{live_server.url}/masuk/", timeout=60) as page:
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.read().decode())
        body = urllib.parse.urlencode(
            {"username": next(names), "password": "salah", "csrfmiddlewaretoken": token[1]}
        ).encode()
        return _status(
            f"{live_server.url}/masuk/", {"Referer": f"{live_server.url}/masuk/"}, body, opener
        )

    codes = _parallel(40, attempt)
    assert codes.count(200) == 10  # refused with "wrong password": the password was checked
    assert codes.count(429) == 30  # refused before any check
