"""Lifecycle transitions, payments and the lapse rule."""

import datetime as dt
from unittest import mock

import pytest
from django.core.exceptions import ValidationError

from lindung.enrollment import services
from lindung.enrollment.models import EndReason, Membership, MembershipStatus, MembershipTransition
from lindung.enrollment.services import ALLOWED, TransitionError, apply_lapse_rules
from lindung.enrollment.tariffs import LapseRule
from lindung.workers import testing

S = MembershipStatus
TODAY = dt.date(2026, 11, 24)


@pytest.fixture(autouse=True)
def fixed_today():
    with mock.patch.object(services, "_today", return_value=TODAY):
        yield


@pytest.fixture
def petugas(roles):
    return roles["petugas_bpjs"]


def make_membership(by, status=S.DIDATA, **fields):
    worker = testing.make_worker()
    m = services.enrol(worker, by=by, declared_income=1_000_000)
    if fields:
        Membership.objects.filter(pk=m.pk).update(**fields)
    if status != S.DIDATA:
        Membership.objects.filter(pk=m.pk).update(status=status)
    m.refresh_from_db()
    return m


def active_membership(by, paid_until=dt.date(2026, 11, 30), start=dt.date(2026, 1, 1)):
    return make_membership(by, S.AKTIF, paid_until=paid_until, coverage_start=start)


def test_enrol_records_didata_with_who(petugas):
    worker = testing.make_worker()
    m = services.enrol(worker, by=petugas, declared_income=1_500_000, funding_type="DANA_DESA")
    assert (m.status, m.village_id, m.funding_type) == (S.DIDATA, worker.village_id, "DANA_DESA")
    t = m.transitions.get()
    assert (t.from_status, t.to_status, t.by) == ("", S.DIDATA, petugas)


def test_enrol_refuses_second_open_membership(petugas):
    worker = testing.make_worker()
    services.enrol(worker, by=petugas, declared_income=1_000_000)
    with pytest.raises(ValidationError, match="masih berjalan"):
        services.enrol(worker, by=petugas, declared_income=1_000_000)


def test_enrol_allowed_again_after_berakhir(petugas):
    worker = testing.make_worker()
    m = services.enrol(worker, by=petugas, declared_income=1_000_000)
    services.transition(m, S.BERAKHIR, by=petugas, end_reason=EndReason.MENGUNDURKAN_DIRI)
    assert services.enrol(worker, by=petugas, declared_income=1_000_000).pk != m.pk


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"declared_income": 0}, "lebih dari Rp0"),
        ({"declared_income": 1_000_000, "payment_period_months": 2}, "1, 3, 6, 12"),
        ({"declared_income": 1_000_000, "funding_type": "APBN"}, "tidak dikenal"),
    ],
)
def test_enrol_validation(petugas, kwargs, message):
    with pytest.raises(ValidationError, match=message):
        services.enrol(testing.make_worker(), by=petugas, **kwargs)


def test_enrol_refuses_deceased(petugas):
    worker = testing.make_worker(deceased_date=dt.date(2026, 1, 1))
    with pytest.raises(ValidationError, match="meninggal"):
        services.enrol(worker, by=petugas, declared_income=1_000_000)


ALL_PAIRS = [(a, b) for a in S.values for b in S.values]


@pytest.mark.parametrize("from_status,to_status", ALL_PAIRS)
def test_every_transition_legal_or_refused(petugas, from_status, to_status):
    m = make_membership(
        petugas,
        from_status,
        paid_until=dt.date(2026, 12, 31),
        coverage_start=dt.date(2026, 1, 1),
    )
    before = m.transitions.count()
    reason = EndReason.PINDAH if to_status == S.BERAKHIR else ""
    if to_status in ALLOWED[from_status]:
        out = services.transition(m, to_status, by=petugas, end_reason=reason, note="uji")
        assert out.status == to_status
        last = out.transitions.last()
        assert (last.from_status, last.to_status, last.by, last.note) == (
            from_status,
            to_status,
            petugas,
            "uji",
        )
        assert out.version == m.version + 1
    else:
        with pytest.raises(TransitionError) as exc:
            services.transition(m, to_status, by=petugas, end_reason=reason)
        text = exc.value.messages[0]
        assert str(S(from_status).label) in text and str(S(to_status).label) in text
        m.refresh_from_db()
        assert m.status == from_status and m.transitions.count() == before


def test_happy_path_to_active(petugas):
    m = make_membership(petugas)
    services.transition(m, S.DIVERIFIKASI, by=petugas)
    services.transition(m, S.DIAJUKAN, by=petugas)
    with pytest.raises(TransitionError, match="pembayaran iuran pertama"):
        services.transition(m, S.AKTIF, by=petugas)
    services.record_payment(m, months=3, paid_on=TODAY, by=petugas)
    m.refresh_from_db()
    assert m.paid_until == dt.date(2027, 1, 31)  # Nov, Dec, Jan
    m = services.transition(m, S.AKTIF, by=petugas, kpj="12345678901")
    assert (m.coverage_start, m.kpj, m.bpjs_registered) == (TODAY, "12345678901", True)
    assert Membership.objects.active_on(TODAY).filter(pk=m.pk).exists()
    assert [t.to_status for t in m.transitions.all()] == [
        S.DIDATA,
        S.DIVERIFIKASI,
        S.DIAJUKAN,
        S.AKTIF,
    ]


def test_berakhir_needs_reason_and_sets_end(petugas):
    m = active_membership(petugas)
    with pytest.raises(TransitionError, match="alasan berakhir"):
        services.transition(m, S.BERAKHIR, by=petugas)
    m = services.transition(m, S.BERAKHIR, by=petugas, end_reason=EndReason.PINDAH)
    assert (m.end_reason, m.coverage_end) == (EndReason.PINDAH, TODAY)
    assert m.transitions.last().end_reason == EndReason.PINDAH
    with pytest.raises(TransitionError, match="sudah berakhir"):
        services.transition(m, S.AKTIF, by=petugas)


def test_death_ends_on_death_date(petugas):
    m = active_membership(petugas)
    m.worker.deceased_date = dt.date(2026, 11, 2)
    m.worker.save()
    m = services.transition(m, S.BERAKHIR, by=petugas, end_reason=EndReason.MENINGGAL)
    assert m.coverage_end == dt.date(2026, 11, 2)


def test_reason_only_when_ending(petugas):
    m = make_membership(petugas)
    with pytest.raises(TransitionError, match="hanya diisi"):
        services.transition(m, S.DIVERIFIKASI, by=petugas, end_reason=EndReason.PINDAH)


def test_transition_error_is_a_validation_error():
    assert issubclass(TransitionError, ValidationError)


def test_payment_continues_from_paid_until_and_prices_discount(petugas):
    m = active_membership(petugas, paid_until=dt.date(2026, 10, 31))
    p = services.record_payment(m, months=6, paid_on=TODAY, by=petugas)
    # Nov, Dec 2026 under PP 50/2025 (Rp8.400), Jan..Apr 2027 full.
    assert (p.period_start, p.period_end) == (dt.date(2026, 11, 1), dt.date(2027, 4, 30))
    assert p.amount == p.expected_amount == 2 * 8_400 + 4 * 16_800
    assert p.by == petugas and p.funding_type == "MANDIRI"
    m.refresh_from_db()
    assert m.paid_until == dt.date(2027, 4, 30)


def test_payment_for_apbd_is_full_price(petugas):
    m = active_membership(petugas, paid_until=dt.date(2026, 10, 31))
    Membership.objects.filter(pk=m.pk).update(funding_type="APBD")
    p = services.record_payment(m, months=3, paid_on=TODAY, by=petugas)
    assert p.expected_amount == 3 * 16_800


def test_payment_amount_override_kept_beside_expected(petugas):
    m = active_membership(petugas, paid_until=dt.date(2026, 10, 31))
    p = services.record_payment(m, months=1, paid_on=TODAY, by=petugas, amount=16_800)
    assert (p.amount, p.expected_amount) == (16_800, 8_400)


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"months": 2}, "1, 3, 6, 12"),
        ({"months": 1, "amount": -5}, "negatif"),
        ({"months": 1, "paid_on": dt.date(2026, 12, 1)}, "masa depan"),
    ],
)
def test_payment_validation(petugas, kwargs, message):
    m = active_membership(petugas)
    kwargs.setdefault("paid_on", TODAY)
    with pytest.raises(ValidationError, match=message):
        services.record_payment(m, by=petugas, **kwargs)


def test_payment_refused_for_ended_membership(petugas):
    m = make_membership(petugas, S.BERAKHIR)
    with pytest.raises(ValidationError, match="tidak dapat dicatat"):
        services.record_payment(m, months=1, paid_on=TODAY, by=petugas)


@pytest.mark.parametrize("status", [S.DIDATA, S.DIVERIFIKASI])
def test_first_contribution_recorded_with_the_registration(petugas, status):
    """The village pays the first months when it registers; status stays until BPJS acts."""
    m = make_membership(petugas, status)
    payment = services.record_payment(m, months=3, paid_on=TODAY, by=petugas)
    m.refresh_from_db()
    assert payment.period_start == TODAY.replace(day=1)
    assert m.paid_until == payment.period_end and m.status == status


def test_paying_arrears_reactivates(petugas):
    m = make_membership(
        petugas, S.MENUNGGAK, paid_until=dt.date(2026, 9, 30), coverage_start=dt.date(2026, 1, 1)
    )
    services.record_payment(m, months=1, paid_on=TODAY, by=petugas)  # October only
    m.refresh_from_db()
    assert m.status == S.MENUNGGAK
    services.record_payment(m, months=3, paid_on=TODAY, by=petugas)  # Nov..Jan
    m.refresh_from_db()
    assert m.status == S.AKTIF and m.paid_until == dt.date(2027, 1, 31)
    assert m.transitions.last().note == "Tunggakan dibayar"


# Lapse rule: paid until 31 Jul 2026, deadline the 15th, more than 3 unpaid months ends it.
@pytest.mark.parametrize(
    "today,expected",
    [
        (dt.date(2026, 8, 15), S.AKTIF),  # August due by 15 Aug
        (dt.date(2026, 8, 16), S.MENUNGGAK),
        (dt.date(2026, 10, 31), S.MENUNGGAK),  # Aug, Sep, Oct unpaid: 3 months
        (dt.date(2026, 11, 1), S.BERAKHIR),  # a 4th month begins unpaid
    ],
)
def test_lapse_rule_dates(petugas, today, expected):
    m = active_membership(petugas, paid_until=dt.date(2026, 7, 31))
    apply_lapse_rules(today)
    m.refresh_from_db()
    assert m.status == expected
    if expected == S.BERAKHIR:
        assert (m.end_reason, m.coverage_end) == (EndReason.TUNGGAKAN, dt.date(2026, 7, 31))
        assert "22/PERDIR.02/072022" in m.transitions.last().note


def test_lapse_rule_is_data(petugas):
    LapseRule.objects.filter(code="perdir-22-2022").update(max_unpaid_months=6)
    m = active_membership(petugas, paid_until=dt.date(2026, 7, 31))
    apply_lapse_rules(dt.date(2026, 11, 1))
    m.refresh_from_db()
    assert m.status == S.MENUNGGAK


def test_lapse_ignores_paid_and_pre_active(petugas):
    paid = active_membership(petugas, paid_until=dt.date(2026, 12, 31))
    pending = make_membership(petugas, S.DIAJUKAN, paid_until=dt.date(2026, 1, 31))
    result = apply_lapse_rules(TODAY)
    assert (result.to_menunggak, result.to_berakhir) == (0, 0)
    paid.refresh_from_db()
    pending.refresh_from_db()
    assert (paid.status, pending.status) == (S.AKTIF, S.DIAJUKAN)
    assert MembershipTransition.objects.filter(membership=paid).count() == 1


def test_lapse_command(petugas, capsys):
    from django.core.management import call_command

    m = active_membership(petugas, paid_until=dt.date(2026, 7, 31))
    call_command("apply_lapse_rules", "--date", "2026-08-20")
    assert "Menunggak: 1; berakhir karena tunggakan: 0" in capsys.readouterr().out
    m.refresh_from_db()
    assert m.status == S.MENUNGGAK
