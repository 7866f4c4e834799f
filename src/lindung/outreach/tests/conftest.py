"""Outreach fixtures: a team and an activity in village A (Danggen Timur) and village B."""

import datetime as dt
import io

import pytest
from django.utils import timezone

from lindung.core import testing
from lindung.outreach.models import Activity, ActivityKind, Team, TeamMember


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Production defaults (HTTPS redirect, secure cookies) apply when DEBUG is off; the test
    # client and live server speak plain HTTP.
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    # Test users need no slow password hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_team(village: str, name: str = "Tim Sosialisasi", **fields) -> Team:
    return Team.objects.create(village_id=village, name=name, **fields)


def make_activity(team: Team, days_ago: int = 0, **fields) -> Activity:
    return Activity.objects.create(
        team=team,
        date=timezone.localdate() - dt.timedelta(days=days_ago),
        kind=fields.pop("kind", ActivityKind.MOSQUE),
        place=fields.pop("place", "Masjid Nurul Huda"),
        attendees=fields.pop("attendees", 40),
        **fields,
    )


def registered_days_ago(worker, days: int):
    """Move a worker's registration time back (created_at is auto_now_add)."""
    moment = timezone.now() - dt.timedelta(days=days)
    type(worker).objects.filter(pk=worker.pk).update(created_at=moment)
    worker.refresh_from_db()
    return worker


def image_bytes(fmt: str = "JPEG", size=(8, 8)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (11, 110, 79)).save(buffer, format=fmt)
    return buffer.getvalue()


@pytest.fixture
def team_a(lotim):
    team = make_team(
        testing.VILLAGE_A,
        "Tim Danggen Timur",
        decree_number="141/7/DT/2025",
        decree_date=dt.date(2025, 12, 15),
    )
    TeamMember.objects.create(team=team, name="Baiq Rahmawati", role="ketua", phone="081234567890")
    return team


@pytest.fixture
def team_b(lotim):
    return make_team(testing.VILLAGE_B, "Tim Tanjung Luar")


@pytest.fixture
def activity_a(team_a):
    return make_activity(team_a, days_ago=3)


@pytest.fixture
def activity_b(team_b):
    return make_activity(team_b, days_ago=3, place="Pasar Tanjung Luar", kind=ActivityKind.MARKET)
