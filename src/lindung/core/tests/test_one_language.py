"""One language: a browser that prefers English still gets the whole app in Indonesian, because
no complete English catalogue exists (a mix of both was served before)."""

import pytest


@pytest.mark.parametrize("accept", ["en", "en-US,en;q=0.9", "nl, en;q=0.5"])
def test_accept_language_never_switches_the_language(client, users, accept):
    client.force_login(users["admin_kabupaten"])
    body = client.get("/", HTTP_ACCEPT_LANGUAGE=accept).content.decode()
    assert '<html lang="id">' in body
    # Django's own catalogue (the admin's login page): Indonesian, not English.
    body = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE=accept).content.decode()
    assert '<html lang="id"' in body
    assert "Log in" not in body and "Masuk" in body


def test_no_language_switch_url(client, db):
    assert client.post("/i18n/setlang/", {"language": "en"}).status_code == 404
