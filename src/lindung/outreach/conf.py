"""App settings, overridable in Django settings; read at call time so tests can override them."""

from django.conf import settings

DEFAULT_PHOTO_MAX_BYTES = 5 * 1024 * 1024


def photo_max_bytes() -> int:
    return int(getattr(settings, "LINDUNG_OUTREACH_PHOTO_MAX_BYTES", DEFAULT_PHOTO_MAX_BYTES))
