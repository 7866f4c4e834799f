"""May this worker be enrolled under this funding scheme on this date? With the reasons why.

The rules are rows of `EligibilityRule` with an effective period (reference §3, §5); the
rule for the funding type wins over the general rule (empty funding type).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from lindung.core.formatting import format_date

from .models import EligibilityOverride, EligibilityRule, Worker


@dataclass(frozen=True)
class Eligibility:
    funding_type: str
    on: dt.date
    eligible: bool
    reasons: list[str] = field(default_factory=list)  # why not (empty when eligible)
    passed: list[str] = field(default_factory=list)  # what was checked and held
    rule: EligibilityRule | None = None

    @property
    def label(self) -> str:
        return _funding_label(self.funding_type)

    @property
    def summary(self) -> str:
        if self.eligible:
            return "Memenuhi syarat: " + "; ".join(self.passed) + "."
        return "Tidak memenuhi syarat: " + "; ".join(self.reasons) + "."


def rule_for(funding_type: str, on: dt.date) -> EligibilityRule | None:
    """The rule in force on `on`: the scheme's own, else the general one; latest start wins."""
    in_force = (
        EligibilityRule.objects.filter(effective_from__lte=on)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
        .filter(funding_type__in=[funding_type, ""])
        .prefetch_related("allowed_sectors")
    )
    rules = sorted(in_force, key=lambda r: (r.funding_type == funding_type, r.effective_from))
    return rules[-1] if rules else None


def _funding_label(funding_type: str) -> str:
    from lindung.workers.funding_types import FundingType

    try:
        return str(FundingType(funding_type).label)
    except ValueError:
        return funding_type


_LOOKUP = object()


def evaluate(
    worker: Worker,
    funding_type: str,
    on: dt.date,
    *,
    regency_code: str | None = None,
    rule=_LOOKUP,
) -> Eligibility:
    """`rule` may be passed when checking many workers against the same rule."""
    regency = regency_code or settings.LINDUNG_REGENCY_CODE
    rule = rule_for(funding_type, on) if rule is _LOOKUP else rule
    label = _funding_label(funding_type)
    if rule is None:
        return Eligibility(
            funding_type,
            on,
            False,
            [f"belum ada aturan kelayakan untuk {label} yang berlaku pada {format_date(on)}"],
        )
    reasons: list[str] = []
    passed: list[str] = []
    if worker.deceased_date and worker.deceased_date <= on:
        reasons.append(f"pekerja meninggal pada {format_date(worker.deceased_date)}")
    age = worker.age_on(on)
    if rule.min_age is not None and age < rule.min_age:
        reasons.append(f"usia {age} tahun, di bawah usia minimum {rule.min_age} tahun")
    elif rule.max_age is not None and age > rule.max_age:
        reasons.append(f"usia {age} tahun, melebihi usia maksimum {rule.max_age} tahun")
    else:
        limit = f"{rule.min_age or 0}–{rule.max_age}" if rule.max_age else f"≥ {rule.min_age or 0}"
        passed.append(f"usia {age} tahun ({limit})")
    if rule.requires_residency:
        village = worker.village_id or ""
        if village == regency or village.startswith(regency + "."):
            passed.append("berdomisili di kabupaten")
        else:
            reasons.append(f"domisili di luar kabupaten ({village}); {label} mensyaratkan domisili")
    allowed = list(rule.allowed_sectors.all())
    if allowed:
        if worker.sector_id in {s.pk for s in allowed}:
            passed.append(f"sektor {worker.sector.name} termasuk sasaran {label}")
        else:
            names = ", ".join(s.name for s in allowed)
            reasons.append(
                f"sektor {worker.sector.name} bukan sasaran {label} (yang boleh: {names})"
            )
    return Eligibility(funding_type, on, not reasons, reasons, passed, rule)


def evaluate_all(worker: Worker, on: dt.date) -> list[Eligibility]:
    from lindung.workers.funding_types import FundingType

    return [evaluate(worker, ft, on) for ft in FundingType.values]


# --- enforcement ------------------------------------------------------------------------------

# Roles that may let a worker through with a written reason (regency staff and the branch).
OVERRIDE_ROLES = {"admin_kabupaten", "petugas_bpjs"}


class NotEligible(ValidationError):
    """The rules refuse this worker for this source; the message says why, for the user."""


def can_override(user) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or getattr(user, "role", "") in OVERRIDE_ROLES)


def has_override(worker: Worker, funding_type: str) -> bool:
    return EligibilityOverride.objects.filter(worker=worker, funding_type=funding_type).exists()


def enforce(
    worker: Worker,
    funding_type: str,
    on: dt.date,
    *,
    step: str,
    by=None,
    override_reason: str = "",
) -> Eligibility:
    """Apply the dated rules, or raise NotEligible. An earlier override for the same worker and
    source holds; a new one needs an authorised user and a reason, and is recorded."""
    result = evaluate(worker, funding_type, on)
    if result.eligible or has_override(worker, funding_type):
        return result
    reason = (override_reason or "").strip()
    if reason and can_override(by):
        EligibilityOverride.objects.create(
            worker=worker,
            funding_type=funding_type,
            step=step[:40],
            failed_checks="; ".join(result.reasons),
            reason=reason,
            by=by,
        )
        return result
    message = _("%(name)s tidak memenuhi syarat %(label)s: %(why)s.") % {
        "name": worker.name,
        "label": result.label,
        "why": "; ".join(result.reasons),
    }
    if reason:
        message += " " + _(
            "Hanya admin kabupaten atau petugas BPJS yang dapat memberi pengecualian."
        )
    else:
        message += " " + _(
            "Bila tetap perlu didaftarkan, admin kabupaten atau petugas BPJS dapat memberi "
            "pengecualian dengan alasan tertulis."
        )
    raise NotEligible(message)
