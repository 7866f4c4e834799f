"""Builders for tests (and nothing else): users per role, the shared view-test mixins.

Domain-free (core is the base layer): builders of workers and areas are in
`lindung.workers.testing`, which re-exports everything here.
"""

from __future__ import annotations

import itertools

import hypothesis
from hypothesis import strategies as st

from lindung.accounts.models import Role, User

PASSWORD = "uji-Lindung-2026!"
_serials = itertools.count(1)

# Two villages in different kecamatan of Lombok Timur, and one in the same kecamatan as the first.
VILLAGE_A = "52.03.07.2012"  # Danggen Timur, Selong
VILLAGE_A2 = "52.03.07.1001"  # Pancor, Selong
VILLAGE_B = "52.03.01.2001"  # Tanjung Luar, Keruak
KECAMATAN_A = "52.03.07"
KECAMATAN_B = "52.03.01"
REGENCY = "52.03"


def make_user(role: str, area_code: str | None, username: str | None = None) -> User:
    username = username or f"{role}-{(area_code or 'none').replace('.', '')}-{next(_serials)}"
    user = User(username=username, role=role, area_id=area_code, first_name=username)
    user.set_password(PASSWORD)
    user.save()
    return user


def role_users() -> dict[str, User]:
    """One user per role, each bound to the natural area for that role, inside area A."""
    return {
        Role.ADMIN_KABUPATEN: make_user(Role.ADMIN_KABUPATEN, REGENCY),
        Role.PETUGAS_BPJS: make_user(Role.PETUGAS_BPJS, REGENCY),
        Role.CAMAT: make_user(Role.CAMAT, KECAMATAN_A),
        Role.OPERATOR_DESA: make_user(Role.OPERATOR_DESA, VILLAGE_A),
        Role.VIEWER: make_user(Role.VIEWER, REGENCY),
    }


# --- view test mixins --------------------------------------------------------------------------
# Pytest classes an app's view tests inherit, declaring the URLs and how to build a record in a
# village; each check is then written once here (like NetBox's ViewTestCases). They use the
# `users` fixture of src/lindung/conftest.py.

BAD_FILTER_VALUES = (
    "-1",
    "0",
    "10000",
    "99999999999999999999",
    "-99999999999999999999",
    "abc",
    "2026-13",
    "1e9",
    "' OR 1=1 --",
    "%",
    "\x00",
    "9" * 60,
    "52.03.01",
    "52.99",
)


def snapshot(record) -> dict | None:
    """Every stored field of a record, to prove a refused request changed nothing."""
    return type(record).objects.filter(pk=record.pk).values().first()


class ScopedRecordTests:
    """Declare `record_urls` (paths with `{pk}` opened by GET), optionally `record_post_urls`
    (POST-only actions) and `list_url`, and `make_record(village_code)`; `record_label(record)`
    is what the list shows of a record (default `str(record)`)."""

    record_urls: tuple[str, ...] = ()
    record_post_urls: tuple[str, ...] = ()
    edit_urls: tuple[str, ...] = ()
    list_url: str = ""
    post_data: dict = {}

    def make_record(self, village_code: str):
        raise NotImplementedError

    def record_label(self, record) -> str:
        return str(record)

    def test_record_in_another_village_is_404(self, client, users):
        mine, other = self.make_record(VILLAGE_A), self.make_record(VILLAGE_B)
        for role in (Role.OPERATOR_DESA, Role.CAMAT):
            client.force_login(users[role])
            for url in self.record_urls:
                # A read-only role meets 403 on its own record's edit page, never 404.
                expected = 200 if users[role].can_edit or url not in self.edit_urls else 403
                assert client.get(url.format(pk=mine.pk)).status_code == expected, (role, url)
                assert client.get(url.format(pk=other.pk)).status_code == 404, (role, url)
        client.force_login(users[Role.OPERATOR_DESA])
        before = snapshot(other)
        for url in self.record_post_urls:
            response = client.post(url.format(pk=other.pk), self.post_data)
            assert response.status_code == 404, url
        assert snapshot(other) == before

    def test_list_shows_only_the_users_area(self, client, users):
        if not self.list_url:
            return
        mine, other = self.make_record(VILLAGE_A), self.make_record(VILLAGE_B)
        client.force_login(users[Role.OPERATOR_DESA])
        body = client.get(self.list_url).content.decode()
        assert self.record_label(mine) in body
        assert self.record_label(other) not in body
        client.force_login(users[Role.ADMIN_KABUPATEN])
        body = client.get(self.list_url).content.decode()
        assert self.record_label(mine) in body and self.record_label(other) in body


class ReadOnlyRoleTests:
    """Declare `edit_urls` (GET pages that change data: create, edit; `{pk}` allowed),
    `edit_post_urls` (POST-only changes and deletes) and `make_record(village_code)`.
    Camat and viewer see the record but get 403 with the Indonesian reason; nothing changes."""

    edit_urls: tuple[str, ...] = ()
    edit_post_urls: tuple[str, ...] = ()
    post_data: dict = {}

    def make_record(self, village_code: str):
        raise NotImplementedError

    def test_read_only_roles_get_403(self, client, users):
        record = self.make_record(VILLAGE_A)
        before = snapshot(record)
        for role in (Role.CAMAT, Role.VIEWER):
            client.force_login(users[role])
            for url in self.edit_urls:
                response = client.get(url.format(pk=record.pk))
                assert response.status_code == 403, (role, url)
                assert "hanya dapat melihat" in response.content.decode(), (role, url)
                response = client.post(url.format(pk=record.pk), self.post_data)
                assert response.status_code == 403, (role, url)
            for url in self.edit_post_urls:
                assert client.post(url.format(pk=record.pk), self.post_data).status_code == 403
        assert snapshot(record) == before


class MaskedPersonalDataTests:
    """Declare `masked_urls` (pages showing a person; `{pk}` is the record's) and
    `make_record(village_code)`; `person(record)` is the worker (or heir) shown.
    Camat and viewer never see the full NIK, phone or birth date; the other roles do."""

    masked_urls: tuple[str, ...] = ()
    shows_phone = True
    shows_birth_date = True

    def make_record(self, village_code: str):
        raise NotImplementedError

    def person(self, record):
        return getattr(record, "worker", None) or record

    def test_masked_roles_never_see_full_personal_data(self, client, users):
        from lindung.accounts.masking import mask_nik
        from lindung.core.formatting import format_date

        record = self.make_record(VILLAGE_A)
        person = self.person(record)
        assert person.nik and (person.phone or not self.shows_phone)
        secrets = [person.nik, format_date(person.birth_date), person.birth_date.isoformat()]
        if person.phone:
            secrets.append(person.phone)
        for role in (Role.CAMAT, Role.VIEWER):
            client.force_login(users[role])
            for url in self.masked_urls:
                body = client.get(url.format(pk=record.pk)).content.decode()
                for secret in secrets:
                    assert secret not in body, (role, url, secret)
                assert mask_nik(person.nik) in body, (role, url)
        client.force_login(users[Role.ADMIN_KABUPATEN])
        for url in self.masked_urls:
            body = client.get(url.format(pk=record.pk)).content.decode()
            assert person.nik in body, url
            if self.shows_phone and person.phone:
                assert person.phone in body, url
            if self.shows_birth_date:
                assert format_date(person.birth_date) in body, url


class ListFilterTests:
    """Declare `filter_urls`: list pages whose query parameters (the view's FilterForm fields,
    `page` and `urut`) must never give anything but the page, whatever their value. A value
    the form refuses is named in a warning above the list."""

    filter_urls: tuple[str, ...] = ()
    filter_role = Role.ADMIN_KABUPATEN

    def params_of(self, url: str) -> list[str]:
        from django.urls import resolve

        view = getattr(resolve(url.split("?")[0]).func, "view_class", None)
        form_class = getattr(view, "filter_form_class", None)
        fields = list(form_class.base_fields) if form_class else []
        return [*fields, "page", "urut"]

    def test_every_parameter_has_a_form(self):
        from django.urls import resolve

        for url in self.filter_urls:
            view = getattr(resolve(url).func, "view_class", None)
            assert getattr(view, "filter_form_class", None) is not None, url

    def test_bad_filter_values_never_fail(self, client, users):
        client.force_login(users[self.filter_role])
        for url in self.filter_urls:
            for name in self.params_of(url):
                for value in BAD_FILTER_VALUES:
                    response = client.get(url, {name: value})
                    assert response.status_code == 200, (url, name, value)

    @hypothesis.given(data=st.data())
    @hypothesis.settings(
        max_examples=25,
        deadline=None,
        # Fixtures only log in; every subclass (a page) runs the same mixin method.
        suppress_health_check=[
            hypothesis.HealthCheck.function_scoped_fixture,
            hypothesis.HealthCheck.differing_executors,
        ],
    )
    def test_any_parameter_values_never_fail(self, client, users, data):
        client.force_login(users[self.filter_role])
        url = data.draw(st.sampled_from(self.filter_urls)) if self.filter_urls else None
        if url is None:
            return
        text = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
        numbers = st.integers(min_value=-(10**30), max_value=10**30).map(str)
        params = data.draw(
            st.dictionaries(st.sampled_from(self.params_of(url)), text | numbers, max_size=4)
        )
        assert client.get(url, params).status_code == 200, (url, params)

    def test_overflowing_number_is_a_warning(self, client, users):
        from django.urls import resolve

        client.force_login(users[self.filter_role])
        for url in self.filter_urls:
            form_class = resolve(url).func.view_class.filter_form_class
            for name, field in form_class.base_fields.items():
                if type(field).__name__ in ("CharField",):
                    continue  # free text: any value is a search, not an error
                response = client.get(url, {name: "99999999999999999999"})
                assert response.status_code == 200
                # The field's own warning: a page may carry others (e.g. the two-factor prompt).
                warnings = [
                    str(m) for m in response.context["messages"] if m.level_tag == "warning"
                ]
                label = str(field.label or name)
                assert any(w.startswith(label) for w in warnings), (url, name, warnings)


def watch_csp(page) -> list[str]:
    """Chromium reports each refusal on the console ("...violates the following Content
    Security Policy directive..."); collect them while the page is used."""
    refused: list[str] = []

    def on_console(message):
        if "Content Security Policy" in message.text:
            refused.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    return refused
