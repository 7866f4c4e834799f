"""Builders for claims tests: protected memberships and claims in a village."""

import datetime as dt

import pytest

from lindung.claims.models import Claim, ClaimStatus
from lindung.claims.rules import RuleBook
from lindung.enrollment.models import Membership, MembershipStatus
from lindung.workers import testing


def make_membership(
    village=testing.VILLAGE_A,
    *,
    start=dt.date(2020, 1, 1),
    paid_until=dt.date(2030, 12, 31),
    income=2_000_000,
    worker=None,
    **kw,
):
    worker = worker or testing.make_worker(village)
    return Membership.objects.create(
        worker=worker,
        village_id=worker.village_id,
        status=kw.pop("status", MembershipStatus.AKTIF),
        declared_income=income,
        coverage_start=start,
        paid_until=paid_until,
        **kw,
    )


def make_claim(membership=None, *, claim_type="JKM", event=dt.date(2025, 6, 1), **kw):
    membership = membership or make_membership()
    return Claim.objects.create(
        membership=membership,
        claim_type=claim_type,
        event_date=event,
        report_date=kw.pop("report_date", event + dt.timedelta(days=5)),
        status=kw.pop("status", ClaimStatus.DILAPORKAN),
        **kw,
    )


@pytest.fixture(autouse=True)
def _plain_http(settings):
    # Production defaults (HTTPS redirect, secure cookies) apply when DEBUG is off; the test
    # client speaks plain HTTP.
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    # PBKDF2 costs ~1 s per test user on a loaded CI machine; hashing strength is not under test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def rules(db):
    return RuleBook.load()
