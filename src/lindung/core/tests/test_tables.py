"""Table columns: each shows a value for a user; personal data only through accounts.masking."""

import datetime as dt
from types import SimpleNamespace

from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from hypothesis import given
from hypothesis import strategies as st

from lindung.accounts import masking
from lindung.core.formatting import format_date
from lindung.core.tables import (
    BadgeColumn,
    BirthColumn,
    Column,
    DateColumn,
    LinkColumn,
    MoneyColumn,
    NikColumn,
    PhoneColumn,
    Table,
    TemplateColumn,
    esc,
)

FULL = SimpleNamespace(sees_personal_data=True)
MASKED = SimpleNamespace(sees_personal_data=False)
TODAY = dt.date(2026, 12, 4)


class PersonTable(Table):
    name = Column("Nama", sort_key="nama")
    nik = NikColumn("NIK")
    phone = PhoneColumn("HP")
    birth_date = BirthColumn("Tgl lahir", today=lambda: TODAY, sort_key="lahir")
    income = MoneyColumn("Penghasilan")
    seen = DateColumn("Dilihat")
    village = Column("Desa", "village.name")
    status = BadgeColumn("Status", styles={"aktif": "ok"}, default="warn")


def person(**over):
    fields = {
        "name": "Inaq <b>Sahnan</b>",
        "nik": "5203075403850012",
        "phone": "081234567890",
        "birth_date": dt.date(1985, 3, 14),
        "income": 1_500_000,
        "seen": dt.date(2026, 11, 24),
        "village": SimpleNamespace(name="Danggen Timur"),
        "status": "aktif",
    }
    fields.update(over)
    return SimpleNamespace(**fields)


def cells(user, **over):
    table = PersonTable([person(**over)], user)
    return {c.name: cell.html for c, cell in zip(table.columns, table.rows[0], strict=True)}


def test_full_roles_see_personal_data_and_masked_roles_do_not():
    full, masked = cells(FULL), cells(MASKED)
    assert "5203075403850012" in full["nik"] and full["phone"] == "081234567890"
    assert full["birth_date"] == "14 Mar 1985"
    assert "5203075403850012" not in masked["nik"]
    assert masking.mask_nik("5203075403850012") in masked["nik"]
    assert masked["phone"] == masking.mask_phone("081234567890")
    assert masked["birth_date"] == "41 tahun" and "1985" not in masked["birth_date"]


def test_headers_name_the_age_for_masked_roles_and_carry_sort_keys():
    full = PersonTable([], FULL).headers
    masked = PersonTable([], MASKED).headers
    assert [h.label for h in full][3] == "Tgl lahir" and [h.label for h in masked][3] == "Umur"
    assert [h.sort_key for h in full][:4] == ["nama", None, None, "lahir"]


def test_values_are_formatted_and_escaped():
    shown = cells(FULL)
    assert shown["name"] == "Inaq &lt;b&gt;Sahnan&lt;/b&gt;"
    assert shown["income"] == "Rp1.500.000" and shown["seen"] == "24 Nov 2026"
    assert shown["village"] == "Danggen Timur"
    assert shown["status"] == '<span class="badge ok">aktif</span>'
    assert cells(FULL, status="menunggak")["status"] == '<span class="badge warn">menunggak</span>'


def test_missing_values_show_a_dash():
    shown = cells(MASKED, nik="", phone="", birth_date=None, income=None, seen=None, village=None)
    assert {shown[k] for k in ("nik", "phone", "birth_date", "income", "seen", "village")} == {"-"}


def test_template_column_escapes_and_knows_the_user():
    column = TemplateColumn("X", "{{ record.name }}{% if user.sees_personal_data %}!{% endif %}")
    column.__set_name__(Table, "x")
    assert column.html(person(), FULL) == "Inaq &lt;b&gt;Sahnan&lt;/b&gt;!"
    assert column.html(person(), MASKED) == "Inaq &lt;b&gt;Sahnan&lt;/b&gt;"


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY))
def test_masked_birth_is_never_the_date(birth):
    shown = cells(MASKED, birth_date=birth)["birth_date"]
    assert shown == f"{masking.age_on(birth, TODAY)} tahun"
    assert format_date(birth) not in shown


# Cells are escaped by tables.esc rather than Django's conditional_escape (a list page's CPU):
# the same output for every kind of value, and the body the same as Django would build it.
_values = st.one_of(
    st.text(),
    st.integers(),
    st.text().map(mark_safe),
    st.text().map(lambda s: gettext_lazy(s) if s else s),
)


@given(_values)
def test_esc_is_djangos_conditional_escape(value):
    assert esc(value) == conditional_escape(value)


class LinkTable(PersonTable):
    link = LinkColumn("Lihat", "name", url_name="workers:detail")


@given(
    st.lists(
        st.fixed_dictionaries(
            {"name": st.text(), "status": st.text(), "nik": st.text(max_size=20)}
        ),
        max_size=4,
    )
)
def test_body_is_the_rows_as_django_would_write_them(rows):
    records = [person(pk=i + 1, **row) for i, row in enumerate(rows)]
    for user in (FULL, MASKED):
        table = LinkTable(records, user)
        expected = "".join(
            "<tr>"
            + "".join(
                format_html('<td class="{}">{}</td>', cell.css, cell.html)
                if cell.css
                else format_html("<td>{}</td>", cell.html)
                for cell in row
            )
            + "</tr>\n"
            for row in table.rows
        )
        assert table.body == expected
        for record, row in zip(records, table.rows, strict=True):
            link = format_html(
                '<a href="{}">{}</a>',
                reverse("workers:detail", args=[record.pk]),
                conditional_escape(record.name or "-"),
            )
            assert row[-1].html == link
