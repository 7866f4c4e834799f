"""Two-step verification (TOTP app codes plus one-time recovery codes) via django-otp."""

from __future__ import annotations

from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.db import transaction
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import TWO_FACTOR_ROLES, User

RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "Aplikasi autentikator"
RECOVERY_DEVICE_NAME = "Kode pemulihan"


def eligible(user: User) -> bool:
    """Roles holding regency-wide personal data are offered (or required) a second step."""
    return user.is_authenticated and (user.is_superuser or user.role in TWO_FACTOR_ROLES)


def enrolled(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_device(user: User) -> TOTPDevice:
    """The unconfirmed app device of an enrolment in progress (created on first visit)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The key as people type it into an app: base32 in groups of four."""
    raw = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


@transaction.atomic
def confirm(device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the app with its first code; returns fresh recovery codes, or None if wrong."""
    if device.confirmed or not device.verify_token(code.strip().replace(" ", "")):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return new_recovery_codes(device.user)


@transaction.atomic
def new_recovery_codes(user: User) -> list[str]:
    """Replace the recovery codes; each code works once. Only their text is shown, once."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def verify(user: User, code: str):
    """The device that accepts `code` (six digits from the app, or a recovery code), or None.
    Each device throttles repeated wrong codes itself."""
    code = code.strip().replace(" ", "").lower()
    if not code:
        return None
    kind = TOTPDevice if code.isdigit() else StaticDevice
    with transaction.atomic():
        for device in devices_for_user(user, for_verify=True):
            if isinstance(device, kind) and device.verify_token(code):
                return device
    return None


def backing_off(user: User) -> bool:
    """True while repeated wrong codes make a device refuse codes for a while (the wait doubles
    after each failure: 1 s, 2 s, 4 s...)."""
    return any(not d.verify_is_allowed()[0] for d in devices_for_user(user))


@transaction.atomic
def disable(user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
