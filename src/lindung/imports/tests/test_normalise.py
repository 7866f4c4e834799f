"""Property tests for the normalisers: dates, rupiah, phone numbers, village names, headers."""

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lindung.imports.columns import guess_mapping
from lindung.imports.lookups import VillageIndex
from lindung.imports.normalise import (
    EXCEL_EPOCH,
    area_key,
    parse_date,
    parse_income,
    parse_phone,
    parse_sex,
)

dates = st.dates(min_value=dt.date(1910, 1, 1), max_value=dt.date(2025, 12, 31))


@given(dates, st.sampled_from(["%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%d", "%Y/%m/%d"]))
def test_dates_in_every_written_form(day, fmt):
    assert parse_date(day.strftime(fmt)) == day


@given(dates)
def test_unpadded_and_excel_serial_dates(day):
    assert parse_date(f"{day.day}-{day.month}-{day.year}") == day
    serial = (day - EXCEL_EPOCH).days
    assert parse_date(str(serial)) == day
    assert parse_date(f"{serial}.0") == day


MONTH_NAMES = "Januari Februari Maret April Mei Juni Juli Agustus September Oktober Nopember "
MONTH_NAMES = (MONTH_NAMES + "Desember").split(" ")


@given(dates, st.sampled_from([str.lower, str.upper, str.title]))
def test_indonesian_month_names(day, case):
    assert parse_date(f"{day.day} {case(MONTH_NAMES[day.month - 1])} {day.year}") == day


@given(st.text(alphabet="abcxyz!?# ", max_size=12))
def test_text_is_never_a_date(text):
    assert parse_date(text) is None


def _dotted(n: int) -> str:
    return f"{n:,}".replace(",", ".")


@given(st.integers(min_value=0, max_value=50_000_000))
def test_rupiah_in_the_ways_villages_write_it(amount):
    for text in (
        f"Rp {_dotted(amount)}", f"Rp{_dotted(amount)},-", f"{amount:,}", str(amount),
        f"IDR {_dotted(amount)},00", f"Rp. {_dotted(amount)}/bulan",
    ):  # fmt: skip
        assert parse_income(text) == (amount, True), text


@given(st.integers(min_value=1, max_value=99), st.integers(min_value=0, max_value=9))
def test_rupiah_short_forms(whole, tenth):
    assert parse_income(f"{whole},{tenth} jt") == (whole * 1_000_000 + tenth * 100_000, True)
    assert parse_income(f"{whole}rb") == (whole * 1000, True)
    assert parse_income(f"{whole} juta") == (whole * 1_000_000, True)


@given(st.text(alphabet="abcdefghij", min_size=1, max_size=10))
def test_words_are_not_income(text):
    assert parse_income(text) == (None, False)


mobile = st.from_regex(r"8[1-9][0-9]{7,10}", fullmatch=True)


@given(mobile)
def test_mobile_numbers_become_plus62(national):
    expected = "+62" + national
    spaced = f"0{national[:3]}-{national[3:7]}-{national[7:]}"
    bracketed = f"(0{national[:3]}) {national[3:]}"
    for text in (f"0{national}", f"62{national}", f"+62 {national}", national, spaced,
                 bracketed, f"0062{national}", f"{national}.0"):  # fmt: skip
        assert parse_phone(text) == (expected, True), text


@given(st.from_regex(r"[0-9]{1,6}", fullmatch=True))
def test_too_short_numbers_are_invalid(digits):
    assert parse_phone(digits) == (None, False)


@given(st.sampled_from(["L", "l", "Lk", "Laki-laki", "LAKI LAKI", "pria", "L."]))
def test_sex_male(text):
    assert parse_sex(text) == "L"


@given(st.sampled_from(["P", "p", "Pr", "Perempuan", "WANITA", "w"]))
def test_sex_female(text):
    assert parse_sex(text) == "P"


prefixes = st.sampled_from(["", "Desa ", "Ds. ", "ds ", "DESA", "Kel. ", "Kelurahan ", "kel"])


@given(
    prefixes,
    st.sampled_from(["danggen timur", "DANGGEN TIMUR", "Danggen  Timur", " danggen-timur "]),
)
def test_village_prefixes_case_and_spacing(prefix, name):
    assert area_key(prefix + " " + name) == "danggen timur"


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    prefixes,
    st.sampled_from(["Pancor", "PANCOR", " pancor "]),
    st.sampled_from(["", "Selong", "Kec. Selong", None]),
)
def test_village_index_matches_within_kecamatan(lotim, prefix, name, kecamatan):
    index = VillageIndex("52.03")
    assert index.match(prefix + " " + name, kecamatan).code == "52.03.07.1001"
    assert index.match(prefix + " " + name, "Keruak").problem == "village_unknown"


def test_headers_villages_use_are_recognised():
    headers = ["No", "No. KTP", "Nama", "Jenis Kelamin", "Tanggal Lahir", "Desa", "Kecamatan",
               "Pekerjaan", "Penghasilan", "No HP"]  # fmt: skip
    mapping = guess_mapping(headers)
    assert mapping.columns == {
        "nik": 1, "name": 2, "sex": 3, "birth_date": 4, "village": 5, "kecamatan": 6,
        "sector": 7, "income": 8, "phone": 9,
    }  # fmt: skip
    assert mapping.unsure == {}
    other = guess_mapping(["NIK", "Nama Lengkap", "L/P", "Tgl Lahir", "Desa/Kelurahan"])
    assert other.missing == [] and other.unsure == {}


def test_misspelled_header_is_a_guess_that_needs_a_human():
    mapping = guess_mapping(["NIK", "Nama", "Tangal Lahr", "Desa"])
    assert mapping.unsure == {"birth_date": 2}
    assert "birth_date" in mapping.missing
