"""Hostile photos of the corpus: refused with a clear message, nothing stored."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lindung.core.tests.hostile_corpus import PHOTOS
from lindung.outreach.models import Activity
from lindung.outreach.photos import check_photo

from .conftest import image_bytes

EXPECTED = {
    "huge_image.png": ("photo_too_many_pixels", "juta piksel"),
    "svg_photo.jpg": ("photo_type", "JPEG, PNG atau WebP"),
    "polyglot_html.jpg": ("photo_polyglot", "membawa data lain"),
    "polyglot_zip.jpg": ("photo_polyglot", "membawa data lain"),
}


def test_every_photo_of_the_corpus_is_expected():
    assert set(EXPECTED) == set(PHOTOS)


@pytest.mark.parametrize("name", sorted(PHOTOS))
def test_hostile_photo_is_refused(name):
    with pytest.raises(ValidationError) as info:
        check_photo(SimpleUploadedFile(name, PHOTOS[name](), content_type="image/jpeg"))
    code, words = EXPECTED[name]
    assert info.value.code == code
    assert words in info.value.messages[0]


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_real_photos_are_not_taken_for_polyglots(fmt):
    assert check_photo(SimpleUploadedFile("f", image_bytes(fmt))).content_type.startswith("image/")


def test_hostile_photos_through_the_activity_form_store_nothing(client, users, team_a):
    client.force_login(users["operator_desa"])
    for name, build in PHOTOS.items():
        photo = io.BytesIO(build())
        photo.name = name
        response = client.post(
            reverse("outreach:activity_create"),
            {
                "team": team_a.pk,
                "date": "2026-01-10",
                "kind": "mosque",
                "place": "Masjid",
                "attendees": "10",
                "photo": photo,
            },
        )
        assert response.status_code == 200, name
        assert EXPECTED[name][1] in response.content.decode(), name
        assert not Activity.objects.exists()


def test_too_many_pixels_below_pillows_own_bomb_limit_is_refused_with_its_size():
    from lindung.core.tests.hostile_corpus import _png

    with pytest.raises(ValidationError) as info:
        check_photo(SimpleUploadedFile("besar.png", _png(9_000, 8_000)))
    assert info.value.code == "photo_too_many_pixels"
    assert "9.000 x 8.000 piksel (maksimal 60 juta piksel)" in info.value.messages[0]
