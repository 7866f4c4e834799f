"""Versioned BPU contribution tariffs and the one function that prices a month of cover.

Every rupiah figure lives in the tables below (seeded by migration 0002 from
docs/domain.md); nothing here hard-codes a rate. Use
`monthly_contribution()` / `period_cost()` everywhere a contribution is shown or charged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from lindung.core.formatting import format_month
from lindung.core.months import add_months_clamped, month_start

# ---------------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------------


class TariffVersion(models.Model):
    """One set of BPU rates, valid for contribution months in [effective_from, effective_to]."""

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=150)
    effective_from = models.DateField(_("berlaku mulai"))
    effective_to = models.DateField(_("berlaku sampai"), null=True, blank=True)
    regulation = models.CharField(_("dasar hukum"), max_length=255)
    jkk_percent = models.DecimalField(
        _("JKK (% dari penghasilan nominal)"), max_digits=5, decimal_places=2
    )
    jkm_flat = models.PositiveIntegerField(_("JKM per bulan (Rp)"))
    jht_percent = models.DecimalField(
        _("JHT (% dari penghasilan nominal)"), max_digits=5, decimal_places=2
    )
    brackets_complete = models.BooleanField(
        _("tabel penghasilan lengkap"),
        default=False,
        help_text=_("Centang hanya setelah semua baris Lampiran II diisi dari PDF resminya."),
    )
    note = models.TextField(_("catatan"), blank=True)
    source = models.CharField(_("sumber"), max_length=255, blank=True)

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("versi tarif iuran")
        verbose_name_plural = _("versi tarif iuran")

    def __str__(self) -> str:
        return self.name

    def covers(self, month: dt.date) -> bool:
        return self.effective_from <= month and (
            self.effective_to is None or month <= self.effective_to
        )


class IncomeBracket(models.Model):
    """A row of Lampiran II: declared incomes in [lower, upper] pay on `nominal_income`."""

    tariff = models.ForeignKey(TariffVersion, on_delete=models.CASCADE, related_name="brackets")
    lower = models.PositiveBigIntegerField(_("penghasilan dari (Rp)"))
    upper = models.PositiveBigIntegerField(_("penghasilan sampai (Rp)"), null=True, blank=True)
    nominal_income = models.PositiveBigIntegerField(_("penghasilan nominal dasar iuran (Rp)"))

    class Meta:
        ordering = ["tariff", "lower"]
        verbose_name = _("jenjang penghasilan")
        verbose_name_plural = _("jenjang penghasilan")
        constraints = [
            models.UniqueConstraint(fields=["tariff", "lower"], name="bracket_unique_lower"),
        ]

    def __str__(self) -> str:
        return f"{self.lower}–{self.upper or '…'} → {self.nominal_income}"

    def clean(self) -> None:
        if self.upper is not None and self.upper < self.lower:
            raise ValidationError(_("Batas atas harus lebih besar dari batas bawah."))


class SectorScope(models.TextChoices):
    ALL = "all", _("Semua BPU")
    TRANSPORT = "transport", _("Hanya sektor transportasi")
    NON_TRANSPORT = "non_transport", _("Selain sektor transportasi")


class DiscountProgramme(models.Model):
    """A temporary cut of the JKK+JKM contribution (JHT is never discounted)."""

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=150)
    regulation = models.CharField(_("dasar hukum"), max_length=255)
    percent = models.DecimalField(_("potongan (%)"), max_digits=5, decimal_places=2)
    first_month = models.DateField(_("bulan iuran pertama"))
    last_month = models.DateField(_("bulan iuran terakhir"))
    sector_scope = models.CharField(
        _("cakupan sektor"), max_length=16, choices=SectorScope.choices, default=SectorScope.ALL
    )
    transport_sector_codes = models.JSONField(
        _("kode sektor yang dihitung transportasi"), default=list, blank=True
    )
    excluded_funding_types = models.JSONField(
        _("sumber dana yang dikecualikan"), default=list, blank=True
    )
    requires_paid_up_before = models.BooleanField(
        _("syarat: iuran sebelum periode sudah lunas"), default=False
    )
    condition_note = models.TextField(_("syarat dan catatan"), blank=True)
    open_question = models.TextField(_("pertanyaan terbuka"), blank=True)
    source = models.CharField(_("sumber"), max_length=255, blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["-first_month", "code"]
        verbose_name = _("program keringanan iuran")
        verbose_name_plural = _("program keringanan iuran")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.last_month < self.first_month:
            raise ValidationError(_("Bulan terakhir tidak boleh sebelum bulan pertama."))

    def applies(
        self, month: dt.date, funding_type: str, transport: bool, paid_up_before: bool
    ) -> bool:
        if not self.is_active:
            return False
        if not (month_start(self.first_month) <= month <= month_start(self.last_month)):
            return False
        if funding_type in (self.excluded_funding_types or []):
            return False
        if self.sector_scope == SectorScope.TRANSPORT and not transport:
            return False
        if self.sector_scope == SectorScope.NON_TRANSPORT and transport:
            return False
        return not (self.requires_paid_up_before and not paid_up_before)


class RejoinPolicy(models.TextChoices):
    RESTART = "restart", _("Daftar ulang dari nol (masa kepesertaan mulai lagi)")
    CONTINUE = "continue", _("Boleh melanjutkan kepesertaan lama")


class LapseRule(models.Model):
    """Payment periods, deadline and when unpaid membership ends."""

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    effective_from = models.DateField(_("berlaku mulai"))
    regulation = models.CharField(_("dasar hukum"), max_length=255)
    payment_periods = models.JSONField(_("periode bayar yang boleh (bulan)"), default=list)
    payment_deadline_day = models.PositiveSmallIntegerField(
        _("batas bayar (tanggal pada bulan iuran)")
    )
    max_unpaid_months = models.PositiveSmallIntegerField(
        _("maksimal bulan menunggak sebelum berakhir")
    )
    rejoin_policy = models.CharField(
        _("aturan bergabung kembali"), max_length=10, choices=RejoinPolicy.choices
    )
    open_question = models.TextField(_("pertanyaan terbuka"), blank=True)
    source = models.CharField(_("sumber"), max_length=255, blank=True)

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("aturan tunggakan")
        verbose_name_plural = _("aturan tunggakan")

    def __str__(self) -> str:
        return self.code

    def clean(self) -> None:
        # Only "start again" is applied (a returning worker gets a new membership and tenure
        # restarts); saying "continue" here would state a rule the app does not follow.
        if self.rejoin_policy and self.rejoin_policy != RejoinPolicy.RESTART:
            raise ValidationError(
                {
                    "rejoin_policy": _(
                        "Lindung baru menjalankan aturan «daftar ulang dari nol». Pilihan "
                        "«melanjutkan kepesertaan lama» perlu dikonfirmasi Kantor Cabang dan "
                        "dibangun dahulu (lihat docs/domain.md)."
                    )
                }
            )


class TariffMissing(ValidationError):
    """No tariff or lapse rule covers the requested month."""


def lapse_rule_on(day: dt.date) -> LapseRule:
    rule = LapseRule.objects.filter(effective_from__lte=day).order_by("-effective_from").first()
    if rule is None:
        raise TariffMissing(_("Belum ada aturan tunggakan yang berlaku pada tanggal ini."))
    return rule


# ---------------------------------------------------------------------------------------------
# Computation (pure once the tables are loaded)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bracket:
    lower: int
    upper: int | None
    nominal_income: int


@dataclass(frozen=True)
class Rates:
    code: str
    name: str
    regulation: str
    effective_from: dt.date
    effective_to: dt.date | None
    jkk_percent: Decimal
    jkm_flat: int
    jht_percent: Decimal
    brackets_complete: bool
    brackets: tuple[Bracket, ...]

    def covers(self, month: dt.date) -> bool:
        return self.effective_from <= month and (
            self.effective_to is None or month <= self.effective_to
        )


@dataclass(frozen=True)
class TariffTables:
    """A snapshot of the tables so that pricing many months or people costs two queries."""

    rates: tuple[Rates, ...]
    discounts: tuple[DiscountProgramme, ...]


@dataclass(frozen=True)
class Contribution:
    month: dt.date
    nominal_income: int
    jkk: int
    jkm: int
    jht: int
    discount: int
    total: int
    tariff_code: str
    tariff_regulation: str
    discount_code: str = ""
    discount_regulation: str = ""
    discount_percent: Decimal = Decimal(0)
    # True when the income lies above the seeded brackets of an incomplete Lampiran II table,
    # so the declared income itself was used as the nominal base.
    estimated: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def gross(self) -> int:
        return self.jkk + self.jkm + self.jht


def load_tables() -> TariffTables:
    rates = []
    for version in TariffVersion.objects.prefetch_related("brackets").order_by("effective_from"):
        brackets = tuple(
            Bracket(b.lower, b.upper, b.nominal_income)
            for b in sorted(version.brackets.all(), key=lambda b: b.lower)
        )
        rates.append(
            Rates(
                code=version.code,
                name=version.name,
                regulation=version.regulation,
                effective_from=version.effective_from,
                effective_to=version.effective_to,
                jkk_percent=version.jkk_percent,
                jkm_flat=version.jkm_flat,
                jht_percent=version.jht_percent,
                brackets_complete=version.brackets_complete,
                brackets=brackets,
            )
        )
    discounts = tuple(DiscountProgramme.objects.filter(is_active=True))
    return TariffTables(rates=tuple(rates), discounts=discounts)


def percent_of(amount: int, percent: Decimal) -> int:
    return int((Decimal(amount) * percent / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _rates_for(tables: TariffTables, month: dt.date) -> Rates:
    matches = [r for r in tables.rates if r.covers(month)]
    if not matches:
        raise TariffMissing(
            _("Belum ada tabel tarif iuran untuk bulan %(month)s.") % {"month": format_month(month)}
        )
    return max(matches, key=lambda r: r.effective_from)


def nominal_income_for(rates: Rates, income: int) -> tuple[int, bool]:
    """The Lampiran II base income for a declared income, and whether it is an estimate."""
    if not rates.brackets:
        return income, True
    lowest = rates.brackets[0]
    if income < lowest.lower:
        return lowest.nominal_income, False
    for bracket in rates.brackets:
        if bracket.lower <= income and (bracket.upper is None or income <= bracket.upper):
            return bracket.nominal_income, False
    # Above every seeded row. With the official table incomplete, 1% of the declared income is
    # the stated principle (§1.1); never go below the highest known nominal.
    return max(income, rates.brackets[-1].nominal_income), not rates.brackets_complete


def compute_contribution(
    tables: TariffTables,
    income: int,
    on: dt.date,
    *,
    with_jht: bool = False,
    funding_type: str = "MANDIRI",
    transport: bool = False,
    paid_up_before: bool = True,
) -> Contribution:
    if income < 0:
        raise ValidationError(_("Penghasilan tidak boleh negatif."))
    month = month_start(on)
    rates = _rates_for(tables, month)
    nominal, estimated = nominal_income_for(rates, income)
    jkk = percent_of(nominal, rates.jkk_percent)
    jkm = rates.jkm_flat
    jht = percent_of(nominal, rates.jht_percent) if with_jht else 0

    # Programmes do not stack: the largest one that applies wins.
    candidates = [
        p for p in tables.discounts if p.applies(month, funding_type, transport, paid_up_before)
    ]
    best = max(candidates, key=lambda p: (p.percent, p.code), default=None)
    discount = 0
    if best is not None:
        discount = percent_of(jkk, best.percent) + percent_of(jkm, best.percent)
    notes: list[str] = []
    if estimated:
        notes.append(
            str(
                _(
                    "Perkiraan: tabel jenjang Lampiran II belum lengkap, dasar iuran memakai "
                    "penghasilan yang dilaporkan."
                )
            )
        )
    return Contribution(
        month=month,
        nominal_income=nominal,
        jkk=jkk,
        jkm=jkm,
        jht=jht,
        discount=discount,
        total=jkk + jkm + jht - discount,
        tariff_code=rates.code,
        tariff_regulation=rates.regulation,
        discount_code=best.code if best else "",
        discount_regulation=best.regulation if best else "",
        discount_percent=best.percent if best else Decimal(0),
        estimated=estimated,
        notes=tuple(notes),
    )


def monthly_contribution(
    income: int,
    on: dt.date,
    *,
    with_jht: bool = False,
    funding_type: str = "MANDIRI",
    transport: bool = False,
    paid_up_before: bool = True,
    tables: TariffTables | None = None,
) -> Contribution:
    """The contribution owed for the calendar month containing `on`."""
    return compute_contribution(
        tables or load_tables(),
        income,
        on,
        with_jht=with_jht,
        funding_type=funding_type,
        transport=transport,
        paid_up_before=paid_up_before,
    )


def period_breakdown(
    income: int,
    start_month: dt.date,
    months: int,
    *,
    with_jht: bool = False,
    funding_type: str = "MANDIRI",
    transport: bool = False,
    paid_up_before: bool = True,
    tables: TariffTables | None = None,
) -> list[Contribution]:
    """One Contribution per month; discount windows may open or close inside the period."""
    if months < 1:
        raise ValidationError(_("Jumlah bulan minimal 1."))
    tables = tables or load_tables()
    first = month_start(start_month)
    return [
        compute_contribution(
            tables,
            income,
            add_months_clamped(first, i),
            with_jht=with_jht,
            funding_type=funding_type,
            transport=transport,
            paid_up_before=paid_up_before,
        )
        for i in range(months)
    ]


def contribution_base(income: int, on: dt.date, tables: TariffTables | None = None) -> int:
    """The income contributions are paid on in the month of `on`: the Lampiran II bracket's
    nominal income (a member declaring Rp500.000 pays on Rp1.000.000). Benefits that are a
    multiple of income (JKK) use this same base."""
    rates = _rates_for(tables or load_tables(), month_start(on))
    return nominal_income_for(rates, int(income))[0]


def period_cost(income: int, start_month: dt.date, months: int, **kwargs) -> int:
    """Total rupiah for `months` contribution months starting at `start_month`'s month."""
    return sum(c.total for c in period_breakdown(income, start_month, months, **kwargs))


def is_transport_sector(sector_code: str | None, tables: TariffTables | None = None) -> bool:
    """Whether a worker's sector counts as transport for the sector-scoped discounts."""
    if not sector_code:
        return False
    programmes = tables.discounts if tables else DiscountProgramme.objects.all()
    return any(sector_code in (p.transport_sector_codes or []) for p in programmes)
