"""Activity photo checks: only real JPEG/PNG/WebP images under the size limit are kept.

The browser's file name and Content-Type are never trusted: the type comes from the file's
first bytes (magic numbers) and Pillow must be able to parse the whole image as that type.
"""

from __future__ import annotations

import io
import re
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .conf import photo_max_bytes

# (magic-bytes test, Pillow format name, content type, file extension)
_SIGNATURES = (
    (lambda b: b[:3] == b"\xff\xd8\xff", "JPEG", "image/jpeg", "jpg"),
    (lambda b: b[:8] == b"\x89PNG\r\n\x1a\n", "PNG", "image/png", "png"),
    (lambda b: b[:4] == b"RIFF" and b[8:12] == b"WEBP", "WEBP", "image/webp", "webp"),
)


@dataclass(frozen=True)
class CheckedPhoto:
    content: bytes
    content_type: str
    extension: str

    @property
    def storage_name(self) -> str:
        """A random name: the uploader's file name may carry personal data or path tricks."""
        return f"{uuid.uuid4().hex}.{self.extension}"


def sniff(head: bytes) -> tuple[str, str, str] | None:
    for test, fmt, content_type, ext in _SIGNATURES:
        if test(head):
            return fmt, content_type, ext
    return None


def check_photo(upload) -> CheckedPhoto:
    """Validate an uploaded file; raise ValidationError with an Indonesian message."""
    limit = photo_max_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ValidationError(
            _("Foto terlalu besar (%(size)s MB). Maksimal %(limit)s MB.")
            % {"size": _mb(size), "limit": _mb(limit)},
            code="photo_too_big",
        )
    upload.seek(0)
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise ValidationError(
            _("Foto terlalu besar. Maksimal %(limit)s MB.") % {"limit": _mb(limit)},
            code="photo_too_big",
        )
    found = sniff(content[:16])
    if found is None:
        raise ValidationError(
            _("Jenis berkas tidak didukung. Unggah foto JPEG, PNG atau WebP."),
            code="photo_type",
        )
    fmt, content_type, ext = found
    size = _pixel_size(content)
    if size is None or size[0] * size[1] > MAX_PIXELS:
        limit = MAX_PIXELS // 1_000_000
        raise ValidationError(
            _("Foto terlalu besar: lebih dari %(max)s juta piksel.") % {"max": limit}
            if size is None
            else _("Foto terlalu besar: %(w)s x %(h)s piksel (maksimal %(max)s juta piksel).")
            % {"w": _count(size[0]), "h": _count(size[1]), "max": limit},
            code="photo_too_many_pixels",
        )
    if not _parses_in_child(content, fmt):
        raise ValidationError(
            _("Berkas bukan gambar %(fmt)s yang utuh (rusak atau hanya menyamar sebagai foto).")
            % {"fmt": fmt},
            code="photo_corrupt",
        )
    if _has_passenger(content, fmt):
        raise ValidationError(
            _(
                "Berkas ditolak: selain gambar %(fmt)s, berkas ini membawa data lain (skrip, "
                "halaman web atau arsip). Unggah foto asli dari kamera atau ponsel."
            )
            % {"fmt": fmt},
            code="photo_polyglot",
        )
    return CheckedPhoto(content=content, content_type=content_type, extension=ext)


# A 50-megapixel phone photo decodes to 150 MB; more is a decompression bomb, not a photo.
MAX_PIXELS = 60_000_000
_PASSENGERS = re.compile(rb"<script|<html|<\?php|<svg|<iframe|PK\x03\x04", re.IGNORECASE)
_END = {"JPEG": b"\xff\xd9", "PNG": b"IEND\xaeB`\x82"}


def _has_passenger(content: bytes, fmt: str) -> bool:
    """A polyglot: markup or an archive inside the image, or bytes after its end marker."""
    if _PASSENGERS.search(content):
        return True
    end = _END.get(fmt)
    if end is not None:
        return not content.rstrip(b"\x00\r\n ").endswith(end)
    # WebP: the RIFF header states the file length.
    return int.from_bytes(content[4:8], "little") + 8 < len(content.rstrip(b"\x00"))


def _pixel_size(content: bytes) -> tuple[int, int] | None:
    """Width and height from the header only (Pillow reads no pixels in open()); None when
    Pillow itself calls it a decompression bomb, (0, 0) when it is no image at all."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(content)) as image:
            return image.size
    except Image.DecompressionBombError:
        return None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return 0, 0


def _parses_in_child(content: bytes, fmt: str) -> bool:
    """Decode the pixels in a memory-limited child process: a decoder bug refuses the photo."""
    from lindung.core.sandbox import ReaderCrashed, run

    try:
        return run(_pillow_parses, content, fmt)
    except ReaderCrashed:
        return False


def _pillow_parses(content: bytes, fmt: str) -> bool:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(content)) as image:
            if image.format != fmt:
                return False
            image.verify()
        # verify() checks structure only; loading decodes the pixels (catches truncated data).
        with Image.open(io.BytesIO(content)) as image:
            image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return False
    return True


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f}".replace(".", ",").replace(",0", "")


def _count(n: int) -> str:
    return f"{n:,}".replace(",", ".")
