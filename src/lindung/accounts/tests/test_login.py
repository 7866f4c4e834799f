import pytest
from django.contrib.auth import get_user
from django.test import RequestFactory, override_settings

from lindung.core import testing


def test_login_page_in_indonesian(client, db):
    page = client.get("/masuk/")
    assert page.status_code == 200
    assert "Masuk ke Lindung" in page.content.decode()


def test_login_and_home(client, users):
    ok = client.post("/masuk/", {"username": users["camat"].username, "password": testing.PASSWORD})
    assert ok.status_code == 302
    home = client.get("/")
    assert "Selong" in home.content.decode()


def test_anonymous_is_sent_to_login(client, db):
    response = client.get("/pekerja/")
    assert response.status_code in (302, 404)
    assert client.get("/").url.startswith("/masuk/")


@override_settings(AXES_FAILURE_LIMIT=3)
def test_failed_logins_are_throttled(client, users):
    name = users["viewer"].username
    for _ in range(3):
        client.post("/masuk/", {"username": name, "password": "salah"}, REMOTE_ADDR="10.9.9.9")
    locked = client.post(
        "/masuk/", {"username": name, "password": testing.PASSWORD}, REMOTE_ADDR="10.9.9.9"
    )
    assert locked.status_code == 429
    assert "Terlalu banyak percobaan" in locked.content.decode()


def test_password_rules(db):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ["12345678901", "password123", "pendek"]:
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password("Sakra-Timur-7810-aman")


def test_csrf_is_enforced(db):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/masuk/", {"username": "x", "password": "y"}).status_code == 403


def test_signed_in_user_comes_with_their_area(client, users, django_assert_num_queries):
    """The header shows the user's area on every page: it is loaded with the user, not by a
    query of its own."""
    camat = users["camat"]
    client.post("/masuk/", {"username": camat.username, "password": testing.PASSWORD})
    request = RequestFactory().get("/")
    request.session = client.session
    user = get_user(request)  # as AuthenticationMiddleware loads it
    expected = camat.area.name
    with django_assert_num_queries(0):
        assert user.area.name == expected


def test_a_deactivated_user_is_signed_out(client, users):
    viewer = users["viewer"]
    client.force_login(viewer)
    viewer.is_active = False
    viewer.save(update_fields=["is_active"])
    assert client.get("/").url.startswith("/masuk/")
