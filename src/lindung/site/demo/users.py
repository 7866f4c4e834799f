"""One demo login per role, all with the same documented demo password.

Demo accounts are recognised by their e-mail domain (`@demo.lindung.invalid`, a reserved
top-level domain). A real account that happens to use a demo username is never touched,
and its password is never reset or printed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from lindung.accounts.models import Role, User

DEMO_PASSWORD = "Lombok-Timur-2026"
DEMO_EMAIL_DOMAIN = "demo.lindung.invalid"
DEMO_VILLAGE = "52.03.07.2012"  # Danggen Timur, the one desa (not kelurahan) in Selong


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    area: str
    full_name: str


ACCOUNTS = (
    DemoAccount("admin", Role.ADMIN_KABUPATEN, "52.03", "Admin Disnakertrans"),
    DemoAccount("bpjs", Role.PETUGAS_BPJS, "52.03", "Petugas BPJS Cabang Selong"),
    DemoAccount("camat.selong", Role.CAMAT, "52.03.07", "Staf Kecamatan Selong"),
    DemoAccount("desa.danggentimur", Role.OPERATOR_DESA, DEMO_VILLAGE, "Operator Danggen Timur"),
    DemoAccount("pengamat", Role.VIEWER, "52.03", "Pengamat Dinas Pertanian"),
)


@dataclass(frozen=True)
class Login:
    user: User
    is_demo: bool  # False: a real account with this username exists and was left alone

    @property
    def password(self) -> str | None:
        return DEMO_PASSWORD if self.is_demo else None


def is_demo_user(user: User) -> bool:
    return user.email.endswith("@" + DEMO_EMAIL_DOMAIN)


@transaction.atomic
def ensure_demo_users() -> list[Login]:
    """Create or refresh the demo accounts; idempotent (one account per username)."""
    logins = []
    # One hash for all demo accounts: they share the password anyway, and each hash costs
    # about half a second by design.
    encoded = make_password(DEMO_PASSWORD)
    for account in ACCOUNTS:
        user = User.objects.filter(username=account.username).first()
        if user is not None and not is_demo_user(user):
            logins.append(Login(user, is_demo=False))
            continue
        user = user or User(username=account.username)
        first, _, last = account.full_name.partition(" ")
        user.first_name, user.last_name = first, last
        user.email = f"{account.username}@{DEMO_EMAIL_DOMAIN}"
        user.role = account.role
        user.area_id = account.area
        user.is_active = True
        validate_password(DEMO_PASSWORD, user)
        user.password = encoded
        user.save()
        logins.append(Login(user, is_demo=True))
    return logins
