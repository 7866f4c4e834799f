"""Property-based run of every API operation from the live OpenAPI schema: no 5xx, ever."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from lindung.accounts.tokens import issue_token
from lindung.enrollment.models import Membership
from lindung.workers import testing
from lindung.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(autouse=True)
def keep_test_connection():
    """Calls go straight to the WSGI app, so Django's request signals would close the database
    connection after each call (on PostgreSQL: the test transaction with it). Django's own test
    client disconnects the same handler."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):  # noqa: F811 - the rate limit is tested in test_rate_limit
    settings.LINDUNG_API_USER_RATE = "1000000/m"
    settings.LINDUNG_API_ANON_RATE = "1000000/m"


@pytest.fixture
def api_headers(db):
    testing.load_lombok_timur()
    worker = testing.make_worker(testing.VILLAGE_A)
    Membership.objects.create(worker=worker, village_id=worker.village_id, declared_income=10**6)
    user = testing.make_user("admin_kabupaten", testing.REGENCY)
    _, raw = issue_token(user, "schemathesis")
    return {"Authorization": f"Bearer {raw}"}


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_server_errors(case, api_headers):
    response = case.call(headers=api_headers)
    case.validate_response(response, checks=(not_a_server_error,))


@pytest.fixture
def operator_headers(db):
    """A village operator: every endpoint must also hold up for the narrowest scope."""
    testing.load_lombok_timur()
    inside = testing.make_worker(testing.VILLAGE_A)
    outside = testing.make_worker(testing.VILLAGE_B)
    for worker in (inside, outside):
        Membership.objects.create(
            worker=worker, village_id=worker.village_id, declared_income=10**6
        )
    user = testing.make_user("operator_desa", testing.VILLAGE_A)
    _, raw = issue_token(user, "schemathesis-desa")
    return {"Authorization": f"Bearer {raw}"}


@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_server_errors_as_village_operator(case, operator_headers):
    response = case.call(headers=operator_headers)
    case.validate_response(response, checks=(not_a_server_error,))
