"""The interactive API docs load only files served by the app (no CDN), favicon included."""

import re

import pytest


@pytest.mark.django_db
def test_docs_page_loads_only_our_own_files(client):
    body = client.get("/api/v1/docs").content.decode()
    urls = re.findall(r'(?:src|href)="([^"]+)"', body)
    assert urls and all(u.startswith("/static/") for u in urls), urls
    assert "cdn" not in body.lower() and "//" not in "".join(urls)
    assert '"validatorUrl": null' in body  # the schema is never sent to validator.swagger.io
    for url in urls:
        assert client.get(url).status_code == 200, url


@pytest.mark.django_db
def test_favicon_is_ours(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].startswith("/static/")
    assert client.get(response["Location"]).status_code == 200
