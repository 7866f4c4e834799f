import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given, settings
from hypothesis import strategies as st

from lindung.outreach.conf import DEFAULT_PHOTO_MAX_BYTES
from lindung.outreach.photos import check_photo

from .conftest import image_bytes


def upload(data: bytes, name: str = "foto.jpg", content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.mark.parametrize(
    "fmt,content_type,ext",
    [("JPEG", "image/jpeg", "jpg"), ("PNG", "image/png", "png"), ("WEBP", "image/webp", "webp")],
)
def test_real_images_are_accepted_with_type_from_content(fmt, content_type, ext):
    # The browser's name and type are lies on purpose: only the bytes count.
    checked = check_photo(upload(image_bytes(fmt), name="x.gif", content_type="text/plain"))
    assert checked.content_type == content_type
    assert checked.extension == ext
    assert checked.storage_name.endswith("." + ext)
    stem = checked.storage_name.split(".")[0]
    assert len(stem) == 32 and all(c in "0123456789abcdef" for c in stem)


def test_storage_name_is_random_and_never_the_upload_name():
    checked = check_photo(upload(image_bytes(), name="KTP Baiq Rahma 5203074105900001.jpg"))
    names = {checked.storage_name for _ in range(5)}
    assert len(names) == 5
    assert all("Baiq" not in n and "5203074105900001" not in n for n in names)
    assert all(n.endswith(".jpg") and len(n) == len("0" * 32 + ".jpg") for n in names)


@pytest.mark.parametrize(
    "data",
    [
        b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
        b"MZ\x90\x00\x03\x00\x00\x00",
    ],
)
def test_wrong_type_is_refused(data):
    with pytest.raises(ValidationError) as info:
        check_photo(upload(data))
    assert info.value.code == "photo_type"
    assert "JPEG, PNG atau WebP" in info.value.messages[0]


def test_fake_jpeg_with_valid_magic_bytes_is_refused():
    fake = b"\xff\xd8\xff\xe0" + b"<?php system($_GET['c']); ?>" * 20
    with pytest.raises(ValidationError) as info:
        check_photo(upload(fake))
    assert info.value.code == "photo_corrupt"


def test_png_disguised_as_jpeg_header_is_refused():
    # JPEG magic on top of PNG content: the signature says JPEG, Pillow finds no JPEG.
    with pytest.raises(ValidationError) as info:
        check_photo(upload(b"\xff\xd8\xff" + image_bytes("PNG")))
    assert info.value.code == "photo_corrupt"


def test_truncated_jpeg_is_refused():
    data = image_bytes("JPEG", size=(64, 64))
    with pytest.raises(ValidationError) as info:
        check_photo(upload(data[: len(data) // 2]))
    assert info.value.code == "photo_corrupt"


def test_default_limit_is_5_mb():
    assert DEFAULT_PHOTO_MAX_BYTES == 5 * 1024 * 1024


def test_too_big_is_refused_before_parsing(settings):
    data = image_bytes()
    settings.LINDUNG_OUTREACH_PHOTO_MAX_BYTES = len(data) - 1
    with pytest.raises(ValidationError) as info:
        check_photo(upload(data))
    assert info.value.code == "photo_too_big"
    settings.LINDUNG_OUTREACH_PHOTO_MAX_BYTES = len(data)
    assert check_photo(upload(data)).content_type == "image/jpeg"


def test_file_over_5_mb_is_refused():
    data = b"\xff\xd8\xff\xe0" + b"\x00" * (5 * 1024 * 1024)
    with pytest.raises(ValidationError) as info:
        check_photo(upload(data))
    assert info.value.code == "photo_too_big"
    assert "Maksimal 5 MB" in info.value.messages[0]


@settings(max_examples=60, deadline=None)
@given(
    prefix=st.sampled_from([b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"RIFF\x00\x00\x00\x00WEBP"]),
    body=st.binary(max_size=512),
)
def test_random_bytes_behind_an_image_signature_are_never_accepted(prefix, body):
    with pytest.raises(ValidationError):
        check_photo(upload(prefix + body))
