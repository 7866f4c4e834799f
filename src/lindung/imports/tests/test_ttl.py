"""A combined place and date of birth column (TTL): recognised, split, place kept."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lindung.imports.columns import guess_mapping
from lindung.imports.forms import MappingForm
from lindung.imports.normalise import MONTHS, parse_date, split_ttl
from lindung.imports.services import run_import
from lindung.workers.models import Worker

from .helpers import HEADER, csv_bytes, person, xlsx_bytes

TODAY = dt.date(2026, 11, 24)
TTL_HEADERS = [
    "TTL", "T.T.L", "Tempat/Tgl Lahir", "TEMPAT/TGL LAHIR", "Tempat, Tanggal Lahir",
    "Tempat / Tgl. Lahir", "Tempat & Tgl Lahir", "Tmpt/Tgl. Lahir", "tempat,tgl lahir",
    "Tempat/ Tanggal Lahir", "TEMPAT TANGGAL LAHIR",
]  # fmt: skip


@pytest.mark.parametrize("header", TTL_HEADERS)
def test_ttl_headers_are_recognised_and_stand_in_for_the_birth_date(header):
    mapping = guess_mapping(["NIK", "Nama", header, "Desa"])
    assert mapping.columns == {"nik": 0, "name": 1, "birth_ttl": 2, "village": 3}
    assert mapping.missing == []


def test_a_place_of_birth_column_is_not_taken_for_the_date():
    mapping = guess_mapping(["NIK", "Nama", "Tempat Lahir", "Desa"])
    assert mapping.columns["birthplace"] == 2
    assert mapping.missing == ["birth_date"]


# Every date style parse_date reads, written from a date.
_NAMES = {n: [k for k, v in MONTHS.items() if v == n] for n in range(1, 13)}
STYLES = [
    lambda d, _m: d.strftime("%d-%m-%Y"),
    lambda d, _m: d.strftime("%d/%m/%Y"),
    lambda d, _m: d.strftime("%d.%m.%Y"),
    lambda d, _m: f"{d.day}-{d.month}-{d.year}",
    lambda d, _m: d.isoformat(),
    lambda d, _m: d.isoformat() + " 00:00:00",
    lambda d, m: f"{d.day} {m} {d.year}",
    lambda d, m: f"{d.day:02d}-{m}-{d.year}",
    lambda d, _m: d.strftime("%d-%m-%y"),
]
place_text = st.text(
    st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ .'"), max_size=25
).map(lambda s: " ".join(s.split()).strip(" .'"))


@given(
    born=st.dates(dt.date(1930, 1, 1), dt.date(2010, 12, 31)),
    style=st.sampled_from(range(len(STYLES))),
    month_name=st.integers(0, 10),
    place=place_text,
    separator=st.sampled_from([", ", ",", " ", "  ", " / ", "/", " - ", "; "]),
    case=st.sampled_from([str, str.upper, str.lower, str.title]),
)
def test_ttl_gives_the_date_in_every_style_with_or_without_place(
    born, style, month_name, place, separator, case
):
    names = _NAMES[born.month]
    date_text = STYLES[style](born, names[month_name % len(names)])
    cell = case(f"{place}{separator}{date_text}" if place else date_text)
    got_place, got_date = split_ttl(cell)
    assert parse_date(got_date, TODAY) == parse_date(date_text.lower(), TODAY)
    assert parse_date(got_date, TODAY) is not None
    assert got_place == case(place)


@given(st.text(max_size=60))
def test_split_ttl_never_raises_and_keeps_unreadable_cells_whole(text):
    place, date_text = split_ttl(text)
    if parse_date(date_text) is None:
        assert place == "" and date_text == " ".join(text.split())
    else:
        assert len(place) <= 100


def test_a_date_cell_in_the_ttl_column_has_no_place():
    assert split_ttl("1985-08-12") == ("", "1985-08-12")
    assert split_ttl("Selong 31-02-1985") == ("", "Selong 31-02-1985")


TTL_HEADER = [h if h != "Tgl Lahir" else "TEMPAT/TGL LAHIR" for h in HEADER]


def _ttl_rows(ttls):
    rows = []
    for serial, ttl in enumerate(ttls, start=300):
        row = person(birth=dt.date(1985, 8, 12), serial=serial)
        row["TEMPAT/TGL LAHIR"] = ttl
        rows.append(row)
    return rows


@pytest.mark.usefixtures("setup_import")
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_ttl_column_imports_date_and_keeps_the_place(kind):
    ttls = ["Selong, 12 Agustus 1985", "LOTIM, 12-08-1985", "1985-08-12", "selong 12/08/1985"]
    rows = _ttl_rows([*ttls, "Selong, kemarin"])
    build = csv_bytes if kind == "csv" else xlsx_bytes
    outcome, _ = run_import(f"d.{kind}", build(rows, header=TTL_HEADER), commit=True, today=TODAY)
    assert [(p.row, p.column, p.code) for p in outcome.errors] == [
        (6, "TEMPAT/TGL LAHIR", "birthdate_invalid")
    ]
    assert "Selong, kemarin" in outcome.errors[0].message
    stored = dict(Worker.objects.values_list("nik", "birthplace"))
    assert [stored[r["NIK"]] for r in rows[:4]] == ["Selong", "LOTIM", "", "selong"]
    assert set(Worker.objects.values_list("birth_date", flat=True)) == {dt.date(1985, 8, 12)}


@pytest.mark.usefixtures("setup_import")
def test_a_date_column_of_its_own_wins_over_the_ttl_date():
    header = [*HEADER, "TTL"]
    row = person(birth=dt.date(1985, 8, 12), serial=400, TTL="Pancor, 01-01-1990")
    outcome, _ = run_import("d.csv", csv_bytes([row], header=header), commit=True, today=TODAY)
    assert outcome.errors == []
    worker = Worker.objects.get()
    assert (worker.birth_date, worker.birthplace) == (dt.date(1985, 8, 12), "Pancor")


def test_mapping_form_accepts_a_ttl_column_instead_of_the_birth_date():
    headers = ["NIK", "Nama", "Tempat/Tgl Lahir", "Desa"]
    data = {"nik": "0", "name": "1", "birth_ttl": "2", "village": "3"}
    form = MappingForm(data, headers=headers, initial_mapping={})
    assert form.is_valid(), form.errors
    assert form.mapping() == {"nik": 0, "name": 1, "birth_ttl": 2, "village": 3}
    form = MappingForm({**data, "birth_ttl": ""}, headers=headers, initial_mapping={})
    assert not form.is_valid()
    assert "Tempat/Tgl Lahir" in str(form.errors["birth_date"])


@pytest.mark.usefixtures("setup_import")
def test_the_preview_shows_the_whole_ttl_cell_for_date_and_place():
    rows = _ttl_rows(["Selong, 12 Agustus 1985"])
    outcome, _ = run_import("d.csv", csv_bytes(rows, header=TTL_HEADER), today=TODAY)
    fields = {f["field"]: f for f in outcome.readings[0]["fields"]}
    assert fields["birth_date"]["raw"] == "Selong, 12 Agustus 1985"
    assert fields["birth_date"]["value"] == "1985-08-12"
    assert fields["birthplace"]["raw"] == "Selong, 12 Agustus 1985"
    assert fields["birthplace"]["value"] == "Selong"
    assert fields["birth_date"]["label"] == "TEMPAT/TGL LAHIR"
