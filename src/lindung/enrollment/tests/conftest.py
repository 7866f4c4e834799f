"""Light fixtures: only the areas the tests touch, so parametrised tests stay fast."""

import pytest

from lindung.accounts.models import User
from lindung.areas.models import Area
from lindung.core import testing

# (code, name, kind) — names as in the Kemendagri 2025 fixture (the Kemendagri 2025 list).
AREAS = [
    ("52", "Nusa Tenggara Barat", "provinsi"),
    ("52.03", "Kabupaten Lombok Timur", "kabupaten"),
    ("52.03.07", "Selong", "kecamatan"),
    ("52.03.07.2012", "Danggen Timur", "desa"),
    ("52.03.07.1001", "Pancor", "kelurahan"),
    ("52.03.01", "Keruak", "kecamatan"),
    ("52.03.01.2001", "Tanjung Luar", "desa"),
]


@pytest.fixture
def two_kecamatan(db):
    Area.objects.bulk_create(
        [
            Area(
                code=code,
                name=name,
                kind=kind,
                level=code.count(".") + 1,
                parent_id=code.rsplit(".", 1)[0] if "." in code else None,
            )
            for code, name, kind in AREAS
        ]
    )


def quick_user(role: str, area_code: str) -> User:
    """Like testing.make_user but without password hashing (tests log in with force_login)."""
    user = User(username=f"{role}-{area_code}", role=role, area_id=area_code)
    user.set_unusable_password()
    user.save()
    return user


@pytest.fixture
def roles(two_kecamatan):
    """One user per role inside area A (like `users`), plus the operator of village B."""
    return {
        "admin_kabupaten": quick_user("admin_kabupaten", testing.REGENCY),
        "petugas_bpjs": quick_user("petugas_bpjs", testing.REGENCY),
        "camat": quick_user("camat", testing.KECAMATAN_A),
        "operator_desa": quick_user("operator_desa", testing.VILLAGE_A),
        "viewer": quick_user("viewer", testing.REGENCY),
        "other_operator": quick_user("operator_desa", testing.VILLAGE_B),
    }


@pytest.fixture(autouse=True)
def plain_http(settings):
    # Production defaults (HTTPS redirect) apply when DEBUG is off; the test client speaks HTTP.
    settings.SECURE_SSL_REDIRECT = False
