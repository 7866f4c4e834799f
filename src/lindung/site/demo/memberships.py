"""Demo memberships with a lifecycle that fits their dates (pure generation, no database).

Rules followed:
- §1.3: paid by month, 3, 6 or 12 months; a BPU more than 3 months unpaid is no longer
  protected, so `menunggak` means paid_until within the last 3 months and `nonaktif` longer.
- §1.1: government schemes pay the minimum package on a declared income of Rp1.000.000.
- DBHCHT pays for tobacco farmers (a share via the province), Dana Desa
  for farm labourers, APBD for marbot and guru ngaji; UMKM and MBG kitchen staff mostly
  pay themselves.
- §6.2: KPJ is 11 digits; some branches confirm registration without sharing numbers.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from lindung.core.months import add_months_to_first, month_end
from lindung.enrollment.models import EndReason, FundingType, MembershipStatus

from .people import PersonSpec, age_on

S = MembershipStatus
PROGRAMME_START = dt.date(2021, 1, 1)  # Inpres 2/2021 started the regency drives
MEMBERSHIP_SHARE = 0.88
DECEASED_SHARE = 0.006
UNINSURED_DEATH_SHARE = 0.2
MIN_DECLARED_INCOME = 1_000_000

STATUS_WEIGHTS = {
    S.DIDATA: 7,
    S.DIVERIFIKASI: 5,
    S.DIAJUKAN: 6,
    S.AKTIF: 56,
    S.MENUNGGAK: 10,
    S.NONAKTIF: 5,
    S.BERAKHIR: 11,
}
F = FundingType
FUNDING_BY_SECTOR = {
    "petani-tembakau": {F.DBHCHT: 70, F.APBD_PROVINSI: 10, F.APBD: 10, F.MANDIRI: 10},
    "buruh-tani": {F.DANA_DESA: 60, F.APBD: 15, F.MANDIRI: 15, F.CSR: 10},
    "marbot-masjid": {F.APBD: 70, F.DANA_DESA: 20, F.MANDIRI: 10},
    "guru-ngaji": {F.APBD: 70, F.DANA_DESA: 20, F.MANDIRI: 10},
    "pekerja-dapur-mbg": {F.MANDIRI: 60, F.CSR: 40},
    "nelayan": {F.APBD: 40, F.DANA_DESA: 30, F.MANDIRI: 20, F.CSR: 10},
    "pelaku-umkm": {F.MANDIRI: 60, F.APBD: 30, F.CSR: 10},
}
FUNDING_DEFAULT = {F.MANDIRI: 45, F.DANA_DESA: 30, F.APBD: 15, F.CSR: 10}
MANDIRI_PERIODS = ((1, 70), (3, 15), (6, 8), (12, 7))
END_REASONS = {
    EndReason.TUNGGAKAN: 55,
    EndReason.PINDAH: 20,
    EndReason.MENGUNDURKAN_DIRI: 15,
    EndReason.USIA: 10,
}

# Who performs each step (demo user roles; None = the system).
ACTOR = {
    S.DIDATA: "operator_desa",
    S.DIVERIFIKASI: "admin_kabupaten",
    S.DIAJUKAN: "admin_kabupaten",
    S.AKTIF: "petugas_bpjs",
}
NOTES = {
    S.DIDATA: "Didata oleh tim sosialisasi desa",
    S.DIVERIFIKASI: "NIK dan domisili dicek dengan KK",
    S.DIAJUKAN: "Dikirim ke BPJS Ketenagakerjaan Cabang Selong",
    S.AKTIF: "Terdaftar dan iuran pertama dibayar",
    S.MENUNGGAK: "Iuran belum dibayar setelah jatuh tempo",
    S.NONAKTIF: "Tidak membayar lebih dari 3 bulan",
    S.BERAKHIR: "Kepesertaan berakhir",
}


@dataclass(slots=True)
class Step:
    from_status: str
    to_status: str
    on: dt.date


@dataclass(slots=True)
class MembershipSpec:
    status: str
    funding_type: str
    payment_period_months: int
    declared_income: int
    with_jht: bool
    kpj: str
    bpjs_registered: bool | None
    coverage_start: dt.date | None
    paid_until: dt.date | None
    coverage_end: dt.date | None
    end_reason: str
    registered_on: dt.date
    steps: list[Step] = field(default_factory=list)


@dataclass(slots=True)
class Plan:
    """What happens to one person: registered when, deceased when, which membership."""

    registered_on: dt.date
    deceased_date: dt.date | None
    membership: MembershipSpec | None


def month_end_after(day: dt.date, months_ahead: int = 0) -> dt.date:
    """Last day of the month `months_ahead` after `day`'s month."""
    return month_end(add_months_to_first(day, months_ahead))


def _pick(rng: random.Random, weights: dict) -> str:
    keys = list(weights)
    return rng.choices(keys, [weights[k] for k in keys])[0]


def _days(rng: random.Random, low: int, high: int) -> dt.timedelta:
    return dt.timedelta(days=rng.randint(low, high))


class KpjNumbers:
    """Unique 11-digit KPJ strings: two digits of the registration year, nine random."""

    def __init__(self, rng: random.Random, taken: set[str] | None = None):
        self.rng = rng
        self.taken = set(taken or ())

    def new(self, year: int) -> str:
        while True:
            kpj = f"{year % 100:02d}{self.rng.randrange(10**9):09d}"
            if kpj not in self.taken:
                self.taken.add(kpj)
                return kpj


def _start_date(rng: random.Random, today: dt.date, latest: dt.date) -> dt.date:
    """Coverage start, more often recent: the regency's drives grew year by year."""
    span = (latest - PROGRAMME_START).days
    if span <= 0:
        return latest
    return PROGRAMME_START + dt.timedelta(days=int(rng.triangular(0, span, span)))


def _paid_until_active(rng: random.Random, funding: str, period: int, today: dt.date) -> dt.date:
    if funding == F.MANDIRI:
        return month_end_after(today, rng.randrange(period))
    if funding in (F.DBHCHT, F.APBD, F.APBD_PROVINSI, F.DANA_DESA):
        # Budget-year schemes pay to the end of the year (some per semester).
        if period == 6 and today.month <= 6:
            return dt.date(today.year, 6, 30)
        return dt.date(today.year, 12, 31)
    return month_end_after(today, rng.randrange(period))


def is_kelurahan(village_code: str) -> bool:
    """Kemendagri village codes: 1xxx for a kelurahan, 2xxx for a desa."""
    return village_code.rsplit(".", 1)[-1].startswith("1")


def plan_person(rng: random.Random, person: PersonSpec, today: dt.date, kpjs: KpjNumbers) -> Plan:
    age = age_on(person.birth_date, today)
    deceased = age >= 18 and rng.random() < DECEASED_SHARE * (3 if age >= 55 else 1)
    if deceased and rng.random() < UNINSURED_DEATH_SHARE:
        # The case the programme exists for: died without protection, heirs get nothing.
        return Plan(today - _days(rng, 60, 700), today - _days(rng, 3, 50), None)
    if not deceased and rng.random() >= MEMBERSHIP_SHARE:
        return Plan(today - _days(rng, 0, 400), None, None)

    funding = _pick(rng, FUNDING_BY_SECTOR.get(person.sector, FUNDING_DEFAULT))
    if funding == F.DANA_DESA and is_kelurahan(person.village):
        funding = F.APBD  # a kelurahan has no Dana Desa (UU 6/2014): dana kelurahan, APBD
    if funding == F.MANDIRI:
        period = _pick(rng, dict(MANDIRI_PERIODS))
    else:
        period = 12 if rng.random() < 0.8 else 6
    declared = MIN_DECLARED_INCOME
    if funding == F.MANDIRI and rng.random() < 0.3:
        declared = max(MIN_DECLARED_INCOME, round(person.monthly_income, -5))
    spec = MembershipSpec(
        status=S.BERAKHIR if deceased else _pick(rng, STATUS_WEIGHTS),
        funding_type=funding,
        payment_period_months=period,
        declared_income=declared,
        with_jht=funding == F.MANDIRI and rng.random() < 0.12,
        kpj="",
        bpjs_registered=None,
        coverage_start=None,
        paid_until=None,
        coverage_end=None,
        end_reason="",
        registered_on=today,
    )
    deceased_date = _fill_dates(rng, spec, today, age, deceased)
    _fill_bpjs(rng, spec, kpjs)
    _fill_steps(spec, deceased)
    return Plan(spec.registered_on, deceased_date, spec)


def _fill_dates(
    rng: random.Random, m: MembershipSpec, today: dt.date, age: int, deceased: bool
) -> dt.date | None:
    if m.status in (S.DIDATA, S.DIVERIFIKASI, S.DIAJUKAN):
        m.registered_on = today - _days(rng, 2, 90)
        return None
    status = m.status
    if status == S.AKTIF:
        m.coverage_start = _start_date(rng, today, today - dt.timedelta(days=7))
        m.paid_until = _paid_until_active(rng, m.funding_type, m.payment_period_months, today)
    elif status == S.MENUNGGAK:
        m.paid_until = month_end_after(today, -rng.randint(1, 3))
        if m.paid_until >= today:
            m.paid_until = today - dt.timedelta(days=1)
        m.coverage_start = _start_date(rng, today, m.paid_until - dt.timedelta(days=27))
    elif status == S.NONAKTIF:
        m.paid_until = month_end_after(today, -rng.randint(4, 14))
        m.coverage_start = _start_date(rng, today, m.paid_until - dt.timedelta(days=27))
    else:  # berakhir
        if deceased:
            m.end_reason = EndReason.MENINGGAL
            m.coverage_start = _start_date(rng, today, today - dt.timedelta(days=60))
            died = m.coverage_start + _days(rng, 30, max(30, (today - m.coverage_start).days - 3))
            died = min(died, today - dt.timedelta(days=3))
            # Most were protected when they died (paid through that month or later).
            m.paid_until = month_end_after(died, rng.randint(0, 5) if rng.random() < 0.85 else -2)
            m.paid_until = max(m.paid_until, month_end_after(m.coverage_start))
            m.coverage_end = died
            m.registered_on = m.coverage_start - _days(rng, 5, 40)
            return died
        reasons = dict(END_REASONS)
        if age < 58:
            reasons.pop(EndReason.USIA)
        m.end_reason = _pick(rng, reasons)
        m.coverage_start = _start_date(rng, today, today - dt.timedelta(days=200))
        m.paid_until = month_end_after(
            m.coverage_start, rng.randint(1, max(1, (today - m.coverage_start).days // 31 - 4))
        )
        if m.end_reason == EndReason.TUNGGAKAN:
            m.coverage_end = month_end_after(m.paid_until, 3)  # §1.3: >3 months unpaid ends it
        else:
            m.coverage_end = m.paid_until
        m.coverage_end = min(m.coverage_end, today - dt.timedelta(days=1))
    m.registered_on = m.coverage_start - _days(rng, 5, 40)
    return None


def _fill_bpjs(rng: random.Random, m: MembershipSpec, kpjs: KpjNumbers) -> None:
    if m.status in (S.DIDATA, S.DIVERIFIKASI):
        return
    if m.status == S.DIAJUKAN:
        m.bpjs_registered = False if rng.random() < 0.2 else None
        return
    roll = rng.random()
    if roll < 0.65:
        m.kpj = kpjs.new(m.coverage_start.year)
        m.bpjs_registered = True
    elif roll < 0.9:
        m.bpjs_registered = True


def _fill_steps(m: MembershipSpec, deceased: bool) -> None:
    path = [S.DIDATA, S.DIVERIFIKASI, S.DIAJUKAN, S.AKTIF]
    if m.status in path:
        path = path[: path.index(m.status) + 1]
    elif m.status == S.MENUNGGAK:
        path.append(S.MENUNGGAK)
    elif m.status == S.NONAKTIF:
        path += [S.MENUNGGAK, S.NONAKTIF]
    elif m.end_reason == EndReason.TUNGGAKAN:
        path += [S.MENUNGGAK, S.BERAKHIR]
    else:
        path.append(S.BERAKHIR)
    registered = m.registered_on
    # Verification and submission happen between registration and coverage start.
    span = ((m.coverage_start or registered + dt.timedelta(days=60)) - registered).days
    on = {
        S.DIDATA: registered,
        S.DIVERIFIKASI: registered + dt.timedelta(days=max(1, span // 3)),
        S.DIAJUKAN: registered + dt.timedelta(days=max(2, 2 * span // 3)),
        S.AKTIF: m.coverage_start,
        S.MENUNGGAK: m.paid_until + dt.timedelta(days=1) if m.paid_until else None,
        S.NONAKTIF: month_end_after(m.paid_until, 3) + dt.timedelta(days=1)
        if m.paid_until
        else None,
        S.BERAKHIR: m.coverage_end,
    }
    if m.status in (S.DIVERIFIKASI, S.DIAJUKAN):
        # Still waiting: the steps so far happened before today, not in the future.
        on[S.DIVERIFIKASI] = registered + dt.timedelta(days=1)
        on[S.DIAJUKAN] = registered + dt.timedelta(days=2)
    previous = ""
    last = registered
    for status in path:
        day = max(on[status] or last, last)
        m.steps.append(Step(previous, status, day))
        previous, last = status, day
