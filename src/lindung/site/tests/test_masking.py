"""The one masking policy: nothing a masked role is shown or exported together rebuilds a NIK
or a phone number."""

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from lindung.accounts import masking
from lindung.workers import testing
from lindung.workers.nik import compose_nik

digits = st.text(alphabet="0123456789", min_size=16, max_size=16)


@given(digits)
def test_a_masked_nik_keeps_only_the_region_digits(nik):
    masked = masking.mask_nik(nik)
    assert len(masked) == 16
    assert masked[:6] == nik[:6]
    assert set(masked[6:]) == {"*"}


@given(st.text(alphabet="0123456789+", min_size=0, max_size=16))
def test_a_masked_phone_hides_at_least_a_third(phone):
    masked = masking.mask_phone(phone)
    assert len(masked) == len(phone)
    assert masked.count("*") * 3 >= len(phone)
    assert all(m in ("*", p) for m, p in zip(masked, phone, strict=True))


@given(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2000, 12, 31)).filter(
        lambda d: (d.month, d.day) != (2, 29)
    ),
    st.integers(min_value=1, max_value=90),
)
def test_age_turns_on_the_birthday(born, years):
    birthday = born.replace(year=born.year + years)
    assert masking.age_on(born, birthday) == years
    assert masking.age_on(born, birthday - dt.timedelta(days=1)) == years - 1
    assert masking.age_on(born, born) == 0


def test_full_roles_see_values_unchanged_and_masked_roles_do_not(users):
    nik, phone, born = "5203075403850007", "081234567890", dt.date(1985, 3, 14)
    today = dt.date(2026, 12, 4)
    for role, user in users.items():
        if user.sees_personal_data:
            assert masking.nik_for(user, nik) == nik, role
            assert masking.phone_for(user, phone) == phone, role
            assert masking.birth_for(user, born, today) == born, role
        else:
            assert masking.nik_for(user, nik) == "520307**********", role
            assert masking.phone_for(user, phone) == "0812*****890", role
            assert masking.birth_for(user, born, today) == 41, role


def rebuild(shown_nik: str, birth: str, sex: str) -> str | None:
    """An attacker's best effort: fill the NIK's date digits from a birth date column; the
    NIK is rebuilt when no hidden digit is left."""
    digits = list(shown_nik)
    try:
        born = dt.date.fromisoformat(str(birth))
    except ValueError:
        born = None
    if born is not None and len(digits) == 16:
        day = born.day + (40 if sex.startswith("P") else 0)
        digits[6:12] = f"{day:02d}{born.month:02d}{born.year % 100:02d}"
    rebuilt = "".join(digits)
    return rebuilt if "*" not in rebuilt else None


@pytest.fixture
def registry(users):
    people = []
    for serial in range(1, 121):
        born = dt.date(1960, 1, 1) + dt.timedelta(days=serial * 113)
        sex = "P" if serial % 2 else "L"
        village = testing.VILLAGE_A if serial % 3 else testing.VILLAGE_A2
        people.append(
            testing.make_worker(
                village,
                nik=compose_nik(testing.KECAMATAN_A, born, sex, serial),
                birth_date=born,
                sex=sex,
                phone=f"0812{serial:08d}",
            )  # fmt: skip
        )
    return people


def _csv_rows(content: bytes) -> list[dict]:
    text = content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def _xlsx_rows(content: bytes) -> list[dict]:
    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def _bearer(user) -> dict:
    from lindung.accounts.tokens import issue_token

    _, raw = issue_token(user, "uji")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.mark.parametrize("role", ["viewer", "camat"])
def test_no_nik_or_phone_is_rebuilt_from_a_masked_export_or_the_api(client, users, registry, role):
    user = users[role]
    client.force_login(user)
    niks = {w.nik for w in registry}
    phones = {w.phone for w in registry}
    csv_rows = _csv_rows(b"".join(client.get(reverse("workers:export_csv")).streaming_content))
    xlsx_rows = _xlsx_rows(client.get(reverse("workers:export_xlsx")).content)
    api = client.get("/api/v1/workers/?limit=500", **_bearer(user)).json()
    api_rows = api["results"] if isinstance(api, dict) else api
    assert len(csv_rows) == len(xlsx_rows) == len(registry)
    assert len(api_rows) >= 50
    rebuilt = set()
    for row in csv_rows + xlsx_rows:
        assert "Tanggal lahir" not in row and row["Umur (tahun)"] not in (None, "")
        rebuilt.add(rebuild(row["NIK"], row.get("Tanggal lahir", ""), row["Jenis kelamin"]))
        assert str(row["Nomor HP"]) not in phones
    for item in api_rows:
        assert item["birth_date"] is None and item["age"] is not None
        rebuilt.add(rebuild(item["nik"], item.get("birth_date") or "", item["sex"]))
        assert item["phone"] not in phones
    assert not (rebuilt & niks)


def test_the_attack_does_rebuild_from_a_full_roles_columns(client, users, registry):
    """The same attacker on what an operator desa may see: the check above is not vacuous."""
    client.force_login(users["admin_kabupaten"])
    rows = _csv_rows(b"".join(client.get(reverse("workers:export_csv")).streaming_content))
    # The NIK's region digits with its serial (what the earlier mask left visible) and the
    # birth date column rebuild every NIK.
    six = [r["NIK"][:6] + "*" * 6 + r["NIK"][-4:] for r in rows]
    rebuilt = {
        rebuild(s, r["Tanggal lahir"], r["Jenis kelamin"]) for s, r in zip(six, rows, strict=True)
    }
    assert rebuilt >= {w.nik for w in registry}
