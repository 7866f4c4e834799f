"""Properties of the one NIK validator."""

import datetime as dt

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from lindung.accounts.masking import mask_nik
from lindung.workers.nik import clean_nik, compose_nik, parse_nik

TODAY = dt.date(2026, 11, 24)
LOTIM = "52.03.07"

births = st.dates(min_value=dt.date(1927, 1, 1), max_value=TODAY)
sexes = st.sampled_from(["L", "P"])
serials = st.integers(min_value=1, max_value=9999)
# Regions known to the Kemendagri list: NTB regencies and a few others.
regions = st.sampled_from(["52.03.07", "52.03.09", "52.01.01", "52.71.01", "31.71.01", "11.01.01"])


def parse(raw, **kw):
    return parse_nik(raw, today=TODAY, **kw)


@given(region=regions, born=births, sex=sexes, serial=serials)
def test_compose_then_parse_round_trips(region, born, sex, serial):
    nik = compose_nik(region, born, sex, serial)
    result = parse(nik)
    assert result.ok, result.codes()
    assert result.nik == nik
    assert result.birth_date == born
    assert result.sex == sex
    assert result.region_code == region
    assert result.codes() == []


@given(born=births, serial=serials)
def test_women_have_day_plus_40(born, serial):
    woman = compose_nik(LOTIM, born, "P", serial)
    man = compose_nik(LOTIM, born, "L", serial)
    assert int(woman[6:8]) == born.day + 40
    assert int(man[6:8]) == born.day
    assert parse(woman).sex == "P" and parse(man).sex == "L"
    assert parse(woman).birth_date == parse(man).birth_date == born


@given(yy=st.integers(0, 99), sex=sexes)
def test_29_february_only_in_leap_years(yy, sex):
    day = 29 + (40 if sex == "P" else 0)
    result = parse(f"520307{day:02d}02{yy:02d}0001")
    century = 2000 if 2000 + yy <= TODAY.year else 1900
    year = century + yy
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    if leap:
        assert result.ok and result.birth_date == dt.date(year, 2, 29)
    else:
        assert "nik_date" in result.codes()


def test_29_february_a_century_back():
    # '0224' on 1 Feb 2024 can only be 1924 (a leap year); '0200' in Jan 2000 would need 1900.
    assert parse_nik("5203072902240001", today=dt.date(2024, 2, 1)).birth_date == dt.date(
        1924, 2, 29
    )
    assert "nik_date" in parse_nik("5203072902000001", today=dt.date(2000, 1, 15)).codes()


@given(day=st.sampled_from([0, 32, 35, 40, 72, 80, 99]), month=st.integers(1, 12))
def test_impossible_days_are_rejected(day, month):
    result = parse(f"520307{day:02d}{month:02d}850001")
    assert result.codes()[0] == "nik_date"
    assert not result.ok


@given(month=st.sampled_from([0, 13, 20, 99]), day=st.integers(1, 28))
def test_impossible_months_are_rejected(month, day):
    assert "nik_date" in parse(f"520307{day:02d}{month:02d}850001").codes()


@given(born=births, sex=sexes)
def test_serial_0000_is_rejected(born, sex):
    nik = compose_nik(LOTIM, born, sex, 1)[:12] + "0000"
    result = parse(nik)
    assert "nik_serial" in result.codes()
    assert not result.ok
    assert "Teks" in result.errors[0].message  # tells the operator how to avoid Excel damage


@given(born=births, sex=sexes, serial=serials)
def test_excel_number_loses_the_last_digit(born, sex, serial):
    nik = compose_nik(LOTIM, born, sex, serial)
    as_excel_float = float(nik[:15] + "0")  # what Excel keeps of a 16-digit number
    result = parse(as_excel_float)
    assert result.codes() == ["nik_scientific"]
    assert "Teks" in result.errors[0].message
    # Scientific notation as displayed by Excel, in both locales.
    shown = f"{as_excel_float:.5E}"
    assert parse(shown).codes() == ["nik_scientific"]
    assert parse(shown.replace(".", ",")).codes() == ["nik_scientific"]
    # A float-converted string such as '5203071403850000.0'.
    assert parse(nik[:15] + "0.0").codes() == ["nik_scientific"]


@given(born=births, sex=sexes, serial=serials)
def test_exact_numbers_are_accepted(born, sex, serial):
    nik = compose_nik(LOTIM, born, sex, serial)
    assert parse(int(nik)).nik == nik
    if nik[-1] != "0":
        assert parse(nik + ".0").nik == nik  # a script wrote the float, nothing was lost
        assert parse(float(nik)).nik == nik


@given(
    born=births,
    sex=sexes,
    serial=serials,
    seps=st.lists(st.sampled_from([" ", ".", "-", "\u00a0"]), min_size=0, max_size=5),
)
def test_separators_and_leading_apostrophe_are_removed(born, sex, serial, seps):
    nik = compose_nik(LOTIM, born, sex, serial)
    decorated = nik
    for i, sep in enumerate(seps):
        pos = 2 + i * 3
        decorated = decorated[:pos] + sep + decorated[pos:]
    assert clean_nik("'" + decorated) == nik
    assert parse(" '" + decorated + " ").nik == nik


@given(st.text(alphabet="0123456789", min_size=0, max_size=30).filter(lambda s: len(s) != 16))
def test_wrong_length_is_nik_format(digits):
    result = parse(digits)
    assert result.codes() == ["nik_format"]
    assert result.nik is None


@settings(max_examples=300)
@given(
    st.one_of(
        st.text(),
        st.text(alphabet="0123456789 .-'eE+,\u00a0\u0663٣", max_size=25),
        st.integers(),
        st.floats(allow_nan=True, allow_infinity=True),
        st.none(),
        st.booleans(),
        st.dates(),
        st.binary(max_size=20),
    )
)
def test_junk_never_raises(raw):
    result = parse(raw)
    assert result.ok == (result.nik is not None and not result.errors)
    if result.nik is not None:
        assert len(result.nik) == 16 and result.nik.isascii() and result.nik.isdigit()
    else:
        assert result.errors
    for issue in result.issues:
        assert issue.message and issue.severity in {"error", "warning"}


@given(born=births, sex=sexes, serial=serials, other=births)
def test_entered_birth_date_and_sex_mismatches_are_warnings(born, sex, serial, other):
    nik = compose_nik(LOTIM, born, sex, serial)
    assume(other != born)
    flipped = "P" if sex == "L" else "L"
    result = parse(nik, entered_birth_date=other, entered_sex=flipped)
    assert result.ok  # imported, but flagged for verification
    assert set(result.codes()) == {"nik_birthdate_mismatch", "nik_sex_mismatch"}
    assert all(i.severity == "warning" for i in result.issues)
    assert parse(nik, entered_birth_date=born, entered_sex=sex).codes() == []


def test_unknown_region_and_other_regency_are_warnings_only():
    unknown = parse("9999991403850001")
    assert unknown.ok and unknown.codes() == ["nik_region_unknown"]
    # Lenek residents may carry Aikmel's kecamatan code; an unknown kecamatan in 52.03 is fine.
    assert parse("5203991403850001").codes() == []
    elsewhere = parse("5201011403850001", domicile_code="52.03.07.2012")
    assert elsewhere.ok and elsewhere.codes() == ["nik_region_elsewhere"]
    assert parse("5203091403850001", domicile_code="52.03.21.2001").codes() == []


def test_messages_are_specific():
    assert "5.20307E+15" in parse("5.20307E+15").errors[0].message
    assert "ditemukan: 12345" in parse("12345").errors[0].message
    assert "kosong" in parse("").errors[0].message
    mismatch = parse("5203075403850001", entered_sex="L")
    assert "laki-laki" in mismatch.warnings[0].message
    assert "perempuan" in mismatch.warnings[0].message


@pytest.mark.parametrize(
    "value,expected",
    [("5203071403850001", "520307**********"), ("123", "***")],
)
def test_mask(value, expected):
    assert mask_nik(value) == expected


@given(born=births, sex=sexes, serial=serials)
def test_mask_hides_birth_date_digits(born, sex, serial):
    nik = compose_nik(LOTIM, born, sex, serial)
    masked = mask_nik(nik)
    assert len(masked) == 16 and masked[6:12] == "******"
