"""Benefit computation (docs/domain.md): a pure function of facts and a RuleBook.

Every component carries the rule versions it used, so a paid amount can always be traced
back to the regulation and effective date that produced it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from lindung.core.formatting import format_rupiah
from lindung.core.months import add_months_clamped

from .models import ClaimType, JkkOutcome, JkmWaitingVariant, SchoolLevel
from .models import Relationship as R
from .rules import MissingRule, RuleBook, RuleValue, age_on

# Where a component goes when nobody is entitled (PP 44/2015 Pasal 40(2)c).
KIND_SANTUNAN = "santunan"
KIND_PEMAKAMAN = "pemakaman"
KIND_STMB = "stmb"


@dataclass(frozen=True)
class MembershipFacts:
    coverage_start: dt.date | None
    paid_until: dt.date | None
    coverage_end: dt.date | None
    declared_income: int
    # The bracket income contributions were paid on (tariff tables); None = declared income.
    contribution_income: int | None = None

    @classmethod
    def of(cls, membership, on: dt.date | None = None) -> MembershipFacts:
        declared = int(membership.declared_income or 0)
        base = None
        if on is not None:
            from lindung.enrollment.tariffs import TariffMissing, contribution_base

            try:
                base = contribution_base(declared, on)
            except TariffMissing:
                base = None
        return cls(
            membership.coverage_start,
            membership.paid_until,
            membership.coverage_end,
            declared,
            base,
        )

    @property
    def benefit_income(self) -> int:
        """Income that income-linked benefits multiply: what contributions were paid on."""
        if self.contribution_income is None:
            return self.declared_income
        return self.contribution_income

    def covered_on(self, day: dt.date) -> bool:
        return (
            self.coverage_start is not None
            and self.paid_until is not None
            and self.coverage_start <= day <= self.paid_until
            and (self.coverage_end is None or day <= self.coverage_end)
        )

    def contribution_months(self, until: dt.date) -> int:
        """Whole months from the start of cover to min(paid_until, until)."""
        if self.coverage_start is None or self.paid_until is None:
            return 0
        end = min(self.paid_until, until)
        months = (end.year - self.coverage_start.year) * 12 + end.month - self.coverage_start.month
        if end.day < self.coverage_start.day:
            months -= 1
        return max(months, 0)


@dataclass(frozen=True)
class Component:
    code: str
    label: str
    amount: int
    kind: str
    rules: tuple[dict, ...]


@dataclass(frozen=True)
class ChildLike:
    name: str
    birth_date: dt.date | None
    is_married: bool
    is_working: bool
    school_level: str


@dataclass(frozen=True)
class ScholarshipLine:
    name: str
    entitled: bool
    level: str
    yearly_amount: int
    max_years: int
    reason: str
    rules: tuple[dict, ...] = ()


@dataclass
class BenefitResult:
    claim_type: str
    event_date: dt.date
    covered: bool = True
    components: list[Component] = field(default_factory=list)
    scholarships: list[ScholarshipLine] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(c.amount for c in self.components)

    def total_for(self, kinds: Iterable[str]) -> int:
        kinds = set(kinds)
        return sum(c.amount for c in self.components if c.kind in kinds)

    @property
    def rule_versions(self) -> list[dict]:
        seen: dict[tuple, dict] = {}
        for comp in self.components:
            for ref in comp.rules:
                seen[(ref["code"], ref["effective_from"])] = ref
        for line in self.scholarships:
            for ref in line.rules:
                seen[(ref["code"], ref["effective_from"])] = ref
        return list(seen.values())

    def to_json(self) -> dict:
        return {
            "claim_type": self.claim_type,
            "event_date": self.event_date.isoformat(),
            "covered": self.covered,
            "total": self.total,
            "components": [
                {
                    "code": c.code,
                    "label": c.label,
                    "amount": c.amount,
                    "kind": c.kind,
                    "rules": list(c.rules),
                }
                for c in self.components
            ],
            "scholarships": [
                {
                    "name": s.name,
                    "entitled": s.entitled,
                    "level": s.level,
                    "yearly_amount": s.yearly_amount,
                    "max_years": s.max_years,
                    "reason": s.reason,
                }
                for s in self.scholarships
            ],
            "notes": self.notes,
            "warnings": self.warnings,
            "rule_versions": self.rule_versions,
        }


def _money(value: Decimal) -> int:
    return int(value.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def _comp(code: str, label: str, amount, kind: str, *rules: RuleValue) -> Component:
    return Component(code, label, _money(Decimal(amount)), kind, tuple(r.ref() for r in rules))


def compute_benefit(
    subject,
    event_date: dt.date | None = None,
    *,
    claim_type: str | None = None,
    jkk_outcome: str = "",
    stmb_start: dt.date | None = None,
    stmb_end: dt.date | None = None,
    children: Iterable[ChildLike] = (),
    as_of: dt.date | None = None,
    waiting_variant: str | None = None,
    rules: RuleBook | None = None,
) -> BenefitResult:
    """Benefit of a claim (or of a membership for a hypothetical event), without side effects.

    `subject` is a Claim (its own facts are used unless overridden) or a Membership.
    `as_of` is the date scholarship eligibility (age, rates) is judged on; default today.
    `waiting_variant` defaults to the current ClaimsSettings value.
    """
    from .models import Claim, ClaimsSettings

    if isinstance(subject, Claim):
        claim = subject
        membership = claim.membership
        event_date = event_date or claim.event_date
        claim_type = claim_type or claim.claim_type
        jkk_outcome = jkk_outcome or claim.jkk_outcome
        stmb_start = stmb_start or claim.stmb_start
        stmb_end = stmb_end or claim.stmb_end
        if not children and claim.pk:
            children = [h for h in claim.heirs.all() if h.relationship == R.ANAK]
    else:
        membership = subject
    if event_date is None or claim_type is None:
        raise ValueError("event_date and claim_type are required for a membership")
    rules = rules or RuleBook.load()
    if waiting_variant is None:
        waiting_variant = ClaimsSettings.current().jkm_waiting_variant
    facts = MembershipFacts.of(membership, event_date)
    return compute(
        facts,
        claim_type,
        event_date,
        rules,
        jkk_outcome=jkk_outcome,
        stmb_start=stmb_start,
        stmb_end=stmb_end,
        children=children,
        as_of=as_of or dt.date.today(),
        waiting_variant=waiting_variant,
    )


def compute(
    facts: MembershipFacts,
    claim_type: str,
    event_date: dt.date,
    rules: RuleBook,
    *,
    jkk_outcome: str = "",
    stmb_start: dt.date | None = None,
    stmb_end: dt.date | None = None,
    children: Iterable[ChildLike] = (),
    as_of: dt.date,
    waiting_variant: str,
) -> BenefitResult:
    result = BenefitResult(claim_type, event_date)
    if claim_type == ClaimType.JHT:
        result.notes.append(
            "Saldo JHT (iuran dan hasil pengembangan) ditetapkan oleh BPJS Ketenagakerjaan; "
            "isi jumlahnya saat mencatat pembayaran."
        )
        return result
    if not facts.covered_on(event_date):
        result.covered = False
        result.warnings.append(
            "Peserta tidak terlindungi pada tanggal kejadian (di luar masa mulai perlindungan "
            "sampai tanggal iuran terbayar); manfaat tidak dapat dihitung."
        )
        return result
    try:
        if claim_type == ClaimType.JKM:
            _jkm(result, facts, event_date, rules, waiting_variant)
            _scholarship_jkm(result, facts, event_date, rules, children, as_of)
        elif claim_type == ClaimType.JKK:
            _jkk(result, facts, event_date, rules, jkk_outcome, stmb_start, stmb_end)
            if jkk_outcome == JkkOutcome.MENINGGAL:
                result.notes.append(
                    "Beasiswa JKK: syarat masa iuran minimal belum ditetapkan dalam aturan "
                    "yang tercatat di Lindung."
                )
                result.scholarships = scholarship_lines(children, as_of, rules)
    except MissingRule as exc:
        result.warnings.append(str(exc))
    return result


def _jkm(result, facts, event_date, rules: RuleBook, variant: str) -> None:
    waiting = rules.find("jkm_waiting_months", event_date)
    if (
        waiting is not None
        and facts.coverage_start
        and event_date < add_months_clamped(facts.coverage_start, waiting.as_int)
    ):
        result.warnings.append(
            f"Kepesertaan kurang dari {waiting.as_int} bulan saat meninggal "
            f"({waiting.regulation}): "
            "hanya manfaat masa tunggu yang dibayar. Rincian mengikuti pengaturan "
            f"'{JkmWaitingVariant(variant).label}' — sesuai pengaturan admin kabupaten."
        )
        if variant == JkmWaitingVariant.PEMAKAMAN:
            funeral = rules.get("jkm_waiting_funeral_only", event_date)
            result.components.append(
                _comp(
                    "jkm_pemakaman",
                    "Biaya pemakaman (masa tunggu)",
                    funeral.value,
                    KIND_PEMAKAMAN,
                    waiting,
                    funeral,
                )
            )
        else:
            lump = rules.get("jkm_waiting_lump_sum", event_date)
            funeral = rules.get("jkm_waiting_funeral", event_date)
            result.components += [
                _comp(
                    "jkm_santunan",
                    "Santunan kematian (masa tunggu)",
                    lump.value,
                    KIND_SANTUNAN,
                    waiting,
                    lump,
                ),
                _comp(
                    "jkm_pemakaman",
                    "Biaya pemakaman (masa tunggu)",
                    funeral.value,
                    KIND_PEMAKAMAN,
                    waiting,
                    funeral,
                ),
            ]
        return
    lump = rules.get("jkm_lump_sum", event_date)
    periodic = rules.get("jkm_periodic", event_date)
    funeral = rules.get("jkm_funeral", event_date)
    result.components += [
        _comp("jkm_sekaligus", "Santunan sekaligus", lump.value, KIND_SANTUNAN, lump),
        _comp(
            "jkm_berkala",
            "Santunan berkala (24 bulan, dibayar sekaligus)",
            periodic.value,
            KIND_SANTUNAN,
            periodic,
        ),
        _comp("jkm_pemakaman", "Biaya pemakaman", funeral.value, KIND_PEMAKAMAN, funeral),
    ]


def _scholarship_jkm(result, facts, event_date, rules: RuleBook, children, as_of) -> None:
    children = list(children)
    minimum = rules.find("jkm_scholarship_min_months", event_date)
    months = facts.contribution_months(event_date)
    if minimum is None:
        return
    if months < minimum.as_int:
        if children:
            result.notes.append(
                f"Beasiswa JKM tidak berlaku: masa iuran {months} bulan, minimal "
                f"{minimum.as_int} bulan ({minimum.regulation})."
            )
        result.scholarships = [
            ScholarshipLine(
                c.name,
                False,
                c.school_level,
                0,
                0,
                f"Masa iuran kurang dari {minimum.as_int} bulan.",
                (minimum.ref(),),
            )
            for c in children
        ]
        return
    result.scholarships = scholarship_lines(children, as_of, rules, extra=(minimum,))


def scholarship_lines(
    children: Iterable[ChildLike], as_of: dt.date, rules: RuleBook, extra: tuple = ()
) -> list[ScholarshipLine]:
    """Up to the maximum number of children, in order of birth (eldest first)."""
    children = list(children)
    if not children:
        return []
    max_children = rules.get("scholarship_max_children", as_of)
    max_age = rules.get("scholarship_max_age", as_of)
    refs = tuple(r.ref() for r in (max_children, max_age, *extra))
    lines: list[ScholarshipLine] = []
    eligible = []
    for child in children:
        reason = None
        if child.birth_date is None:
            reason = "Tanggal lahir anak belum diisi."
        elif age_on(child.birth_date, as_of) >= max_age.as_int:
            reason = f"Sudah berusia {max_age.as_int} tahun ({max_age.regulation})."
        elif child.is_married:
            reason = "Sudah menikah."
        elif child.is_working:
            reason = "Sudah bekerja."
        if reason:
            lines.append(ScholarshipLine(child.name, False, child.school_level, 0, 0, reason, refs))
        else:
            eligible.append(child)
    eligible.sort(key=lambda c: c.birth_date)
    for index, child in enumerate(eligible):
        if index >= max_children.as_int:
            lines.append(
                ScholarshipLine(
                    child.name,
                    False,
                    child.school_level,
                    0,
                    0,
                    f"Melebihi batas {max_children.as_int} anak ({max_children.regulation}).",
                    refs,
                )
            )
            continue
        rate = rules.scholarship(child.school_level, as_of)
        if child.school_level in ("", SchoolLevel.BELUM_SEKOLAH):
            reason = "Berhak; beasiswa mulai dibayar saat anak masuk sekolah."
            lines.append(ScholarshipLine(child.name, True, child.school_level, 0, 0, reason, refs))
        elif child.school_level == SchoolLevel.TIDAK_SEKOLAH or rate is None:
            reason = (
                "Berhak, tetapi tidak sedang bersekolah/pelatihan."
                if child.school_level == SchoolLevel.TIDAK_SEKOLAH
                else "Tarif beasiswa untuk jenjang ini belum berlaku pada tanggal tersebut."
            )
            lines.append(ScholarshipLine(child.name, True, child.school_level, 0, 0, reason, refs))
        else:
            rate_ref = {
                "code": f"beasiswa_{rate.level}",
                "value": str(rate.yearly_amount),
                "effective_from": rate.effective_from.isoformat(),
                "regulation": rate.regulation,
            }
            lines.append(
                ScholarshipLine(
                    child.name,
                    True,
                    child.school_level,
                    rate.yearly_amount,
                    rate.max_years,
                    f"Dibayar per tahun, diajukan setiap tahun; paling lama {rate.max_years} tahun "
                    "di jenjang ini.",
                    (*refs, rate_ref),
                )
            )
    return lines


def _jkk(result, facts, event_date, rules: RuleBook, outcome, stmb_start, stmb_end) -> None:
    income = Decimal(facts.declared_income)
    if outcome == JkkOutcome.MENINGGAL:
        # Death from a work accident: a multiple of the income contributions were paid on
        # (the bracket income, not a lower declared one), plus the fixed periodic and funeral
        # amounts of the same annex, each a dated rule.
        base = Decimal(facts.benefit_income)
        multiplier = rules.get("jkk_death_multiplier", event_date)
        result.components.append(
            _comp(
                "jkk_meninggal",
                f"Santunan kematian {multiplier.as_int} × penghasilan dasar iuran "
                f"{format_rupiah(int(base))}",
                base * multiplier.value,
                KIND_SANTUNAN,
                multiplier,
            )
        )
        periodic = rules.find("jkk_death_periodic", event_date)
        if periodic is not None:
            result.components.append(
                _comp(
                    "jkk_berkala",
                    "Santunan berkala 24 bulan (dibayar sekaligus)",
                    periodic.value,
                    KIND_SANTUNAN,
                    periodic,
                )
            )
        funeral = rules.find("jkk_death_funeral", event_date)
        if funeral is not None:
            result.components.append(
                _comp("jkk_pemakaman", "Biaya pemakaman", funeral.value, KIND_PEMAKAMAN, funeral)
            )
        return
    if outcome == JkkOutcome.STMB:
        if not stmb_start or not stmb_end or stmb_end < stmb_start:
            result.warnings.append("Isi tanggal mulai dan akhir STMB untuk menghitung santunan.")
            return
        full_months = rules.get("jkk_stmb_full_months", event_date)
        full_pct = rules.get("jkk_stmb_full_pct", event_date)
        after_pct = rules.get("jkk_stmb_after_pct", event_date)
        days_per_month = rules.get("jkk_stmb_days_per_month", event_date)
        boundary = add_months_clamped(stmb_start, full_months.as_int)
        total_days = (stmb_end - stmb_start).days + 1
        full_days = min(total_days, (boundary - stmb_start).days)
        after_days = total_days - full_days
        daily = income / days_per_month.value
        result.components.append(
            _comp(
                "jkk_stmb_penuh",
                f"STMB {full_days} hari × {full_pct.value.normalize()}% (12 bulan pertama)",
                daily * full_days * full_pct.value / 100,
                KIND_STMB,
                full_months,
                full_pct,
                days_per_month,
            )
        )
        if after_days > 0:
            result.components.append(
                _comp(
                    "jkk_stmb_lanjutan",
                    f"STMB {after_days} hari × {after_pct.value.normalize()}% (setelah 12 bulan)",
                    daily * after_days * after_pct.value / 100,
                    KIND_STMB,
                    full_months,
                    after_pct,
                    days_per_month,
                )
            )
        return
    result.notes.append(
        "Perawatan medis dibayar BPJS Ketenagakerjaan langsung ke fasilitas kesehatan sesuai "
        "kebutuhan medis, tanpa batas biaya."
    )


def jkk_claim_deadline(event_date: dt.date, rules: RuleBook) -> tuple[dt.date, RuleValue]:
    window = rules.get("jkk_claim_window_years", event_date)
    return add_months_clamped(event_date, 12 * window.as_int), window
