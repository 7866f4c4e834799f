"""Claim lifecycle: dilaporkan -> berkas lengkap -> diverifikasi -> dibayar, or ditolak.

Every change goes through here so that illegal moves are refused with a message a person can
act on, and every move leaves a ClaimTransition row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from lindung.accounts.models import Role
from lindung.core.formatting import format_date

from .benefits import KIND_PEMAKAMAN, compute_benefit, jkk_claim_deadline
from .heirs import entitled_heirs
from .models import (
    Claim,
    ClaimDocument,
    ClaimStatus,
    ClaimTransition,
    ClaimType,
    DocumentCondition,
    DocumentRequirement,
    Heir,
    JkkOutcome,
)
from .models import Relationship as R
from .rules import RuleBook

S = ClaimStatus

NEXT: dict[str, tuple[str, ...]] = {
    S.DILAPORKAN: (S.BERKAS_LENGKAP, S.DITOLAK),
    S.BERKAS_LENGKAP: (S.DIVERIFIKASI, S.DILAPORKAN, S.DITOLAK),
    S.DIVERIFIKASI: (S.DIBAYAR, S.DITOLAK),
    S.DIBAYAR: (),
    S.DITOLAK: (),
}
# Verifying, rejecting and paying are the branch's (or the regency admin's) decisions.
BRANCH_STEPS = {S.DIVERIFIKASI, S.DIBAYAR, S.DITOLAK}
BRANCH_ROLES = {Role.PETUGAS_BPJS, Role.ADMIN_KABUPATEN}


class ClaimError(ValueError):
    """A refused action; the message is shown to the user as is."""


def may_decide(user) -> bool:
    return bool(user.is_superuser or user.role in BRANCH_ROLES)


def allowed_next(claim: Claim, user) -> list[str]:
    if not user.can_edit:
        return []
    return [s for s in NEXT[claim.status] if s not in BRANCH_STEPS or may_decide(user)]


# --- documents -------------------------------------------------------------------------------


def required_documents(claim: Claim) -> list[DocumentRequirement]:
    """Checklist lines in force on the report date that apply to this claim's facts."""
    from django.db.models import Q

    reqs = DocumentRequirement.objects.filter(
        claim_type=claim.claim_type, effective_from__lte=claim.report_date
    ).filter(Q(effective_to__isnull=True) | Q(effective_to__gt=claim.report_date))
    recipient = claim.recipient.relationship if claim.recipient_id else ""
    heirs = {h.relationship for h in claim.heirs.all()}
    wanted = {DocumentCondition.ALWAYS}
    if claim.is_death:
        wanted.add(DocumentCondition.DEATH)
    elif claim.claim_type == ClaimType.JKK:
        wanted.add(DocumentCondition.ACCIDENT)
    if recipient in (R.JANDA, R.DUDA):
        wanted.add(DocumentCondition.SPOUSE)
    if recipient == R.PENERIMA_WASIAT or (not recipient and R.PENERIMA_WASIAT in heirs):
        wanted.add(DocumentCondition.WILL)
    if recipient == R.LAINNYA or (not recipient and R.LAINNYA in heirs):
        wanted.add(DocumentCondition.COURT)
    return [r for r in reqs.order_by("order", "code") if r.condition in wanted]


def checklist(claim: Claim) -> list[dict]:
    ticked = {d.requirement_id: d for d in claim.documents.select_related("received_by")}
    return [{"requirement": r, "received": ticked.get(r.pk)} for r in required_documents(claim)]


def missing_documents(claim: Claim) -> list[DocumentRequirement]:
    return [row["requirement"] for row in checklist(claim) if row["received"] is None]


def set_documents(claim: Claim, user, received_ids: set[int]) -> None:
    if claim.is_closed or claim.status == S.DIVERIFIKASI:
        raise ClaimError("Daftar berkas tidak dapat diubah setelah klaim diverifikasi.")
    valid = {r.pk for r in required_documents(claim)}
    unknown = received_ids - valid
    if unknown:
        raise ClaimError("Dokumen yang dipilih tidak termasuk daftar berkas klaim ini.")
    with transaction.atomic():
        claim.documents.filter(requirement_id__in=valid - received_ids).delete()
        have = set(claim.documents.values_list("requirement_id", flat=True))
        ClaimDocument.objects.bulk_create(
            [
                ClaimDocument(claim=claim, requirement_id=i, received_by=user)
                for i in sorted(received_ids - have)
            ]
        )


# --- heirs and recipient ---------------------------------------------------------------------


def heir_decision(claim: Claim, rules: RuleBook | None = None):
    return entitled_heirs(
        list(claim.heirs.all()), event_date=claim.event_date, rules=rules or RuleBook.load()
    )


def set_recipient(claim: Claim, heir: Heir | None, user) -> None:
    if claim.status not in (S.DILAPORKAN, S.BERKAS_LENGKAP):
        raise ClaimError("Penerima hanya dapat diubah sebelum klaim diverifikasi.")
    if heir is not None:
        if heir.claim_id != claim.pk:
            raise ClaimError("Ahli waris ini bukan bagian dari klaim ini.")
        if claim.is_death:
            ok, reason = heir_decision(claim).may_receive(heir)
            if not ok:
                raise ClaimError(f"{heir.name} tidak berhak menerima manfaat: {reason}")
    claim.recipient = heir
    claim.save(update_fields=["recipient", "updated_at"])


def delete_heir(heir: Heir) -> None:
    """Remove an heir; a claim that named them as recipient has none until another is chosen."""
    claim = heir.claim
    with transaction.atomic():
        if claim.recipient_id == heir.pk:
            claim.recipient = None
            claim.save(update_fields=["recipient", "updated_at"])
        heir.delete()


# --- transitions -----------------------------------------------------------------------------


def _record(claim: Claim, old: str, user, note: str = "") -> None:
    ClaimTransition.objects.create(
        claim=claim, from_status=old, to_status=claim.status, by=user, note=note[:500]
    )


def transition(
    claim: Claim, to_status: str, user, *, reason: str = "", on: dt.date | None = None
) -> None:
    """Move a claim one step. Payment uses record_payment (it needs an amount and a date)."""
    on = on or dt.date.today()
    labels = dict(S.choices)
    if to_status not in labels:
        raise ClaimError("Status tujuan tidak dikenal.")
    if to_status not in NEXT[claim.status]:
        raise ClaimError(
            f"Status '{labels[claim.status]}' tidak dapat diubah menjadi '{labels[to_status]}'."
        )
    if not user.can_edit:
        raise ClaimError("Peran Anda hanya dapat melihat klaim.")
    if to_status in BRANCH_STEPS and not may_decide(user):
        raise ClaimError(
            f"Hanya petugas BPJS atau admin kabupaten yang dapat menetapkan '{labels[to_status]}'."
        )
    if to_status == S.DIBAYAR:
        raise ClaimError("Gunakan formulir pencatatan pembayaran (tanggal dan jumlah).")
    old = claim.status
    fields = ["status", "updated_at"]
    if to_status == S.BERKAS_LENGKAP:
        missing = missing_documents(claim)
        if missing:
            names = ", ".join(r.label for r in missing)
            raise ClaimError(f"Berkas belum lengkap. Belum diterima: {names}.")
        claim.complete_date = on
        fields.append("complete_date")
    elif to_status == S.DILAPORKAN:
        claim.complete_date = None
        fields.append("complete_date")
    elif to_status == S.DIVERIFIKASI:
        fields += _verify(claim)
    elif to_status == S.DITOLAK:
        if not reason.strip():
            raise ClaimError("Alasan penolakan wajib diisi.")
        claim.rejection_reason = reason.strip()[:500]
        fields.append("rejection_reason")
    claim.status = to_status
    with transaction.atomic():
        claim.save(update_fields=fields)
        _record(claim, old, user, reason)


def _verify(claim: Claim) -> list[str]:
    rules = RuleBook.load()
    result = compute_benefit(claim, rules=rules)
    if claim.claim_type != ClaimType.JHT and not result.covered:
        raise ClaimError(result.warnings[0])
    if claim.is_death:
        if claim.recipient_id is None:
            raise ClaimError("Pilih penerima manfaat dari daftar ahli waris sebelum verifikasi.")
        decision = heir_decision(claim, rules)
        ok, reason = decision.may_receive(claim.recipient)
        if not ok:
            raise ClaimError(f"Penerima yang dipilih tidak berhak: {reason}")
        payable = (
            result.total_for([KIND_PEMAKAMAN]) if decision.to_social_security_fund else result.total
        )
    else:
        payable = result.total
    data = result.to_json()
    data["payable"] = payable
    claim.amount_computed = payable
    claim.computation = data
    return ["amount_computed", "computation"]


# --- payment ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Delay:
    deadline: dt.date
    days_late: int
    penalty: int
    rate_pct: Decimal
    regulation: str


def add_working_days(day: dt.date, n: int) -> dt.date:
    """Monday-Friday only; public holidays are not in the system yet (see README)."""
    while n > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def payment_delay(
    amount: int, complete_date: dt.date, paid_date: dt.date, rules: RuleBook
) -> Delay:
    """Deadline = complete file + N working days; each calendar day after costs X% of benefit."""
    days = rules.get("payment_deadline_working_days", complete_date)
    rate = rules.get("late_penalty_pct_per_day", complete_date)
    deadline = add_working_days(complete_date, days.as_int)
    late = max((paid_date - deadline).days, 0)
    penalty = (Decimal(amount) * rate.value / 100 * late).quantize(Decimal("1"), ROUND_HALF_UP)
    basis = (
        days.regulation
        if days.regulation == rate.regulation
        else (f"{days.regulation}; {rate.regulation}")
    )
    return Delay(deadline, late, int(penalty), rate.value, basis)


def record_payment(
    claim: Claim, user, *, paid_date: dt.date, amount: int, today: dt.date | None = None
) -> Delay:
    today = today or dt.date.today()
    if claim.status != S.DIVERIFIKASI:
        raise ClaimError("Pembayaran hanya dapat dicatat untuk klaim yang sudah diverifikasi.")
    if not may_decide(user):
        raise ClaimError("Hanya petugas BPJS atau admin kabupaten yang dapat mencatat pembayaran.")
    if amount <= 0:
        raise ClaimError("Jumlah dibayar harus lebih dari nol.")
    if paid_date > today:
        raise ClaimError("Tanggal bayar tidak boleh di masa depan.")
    if claim.complete_date and paid_date < claim.complete_date:
        raise ClaimError("Tanggal bayar tidak boleh sebelum tanggal berkas lengkap.")
    delay = payment_delay(amount, claim.complete_date or paid_date, paid_date, RuleBook.load())
    old = claim.status
    claim.status = S.DIBAYAR
    claim.paid_date = paid_date
    claim.amount_paid = amount
    claim.delay_penalty = delay.penalty
    with transaction.atomic():
        claim.save(
            update_fields=["status", "paid_date", "amount_paid", "delay_penalty", "updated_at"]
        )
        _record(claim, old, user, f"Dibayar {amount} pada {paid_date.isoformat()}")
    return delay


# --- creation --------------------------------------------------------------------------------


def check_new_claim(
    claim_type: str,
    event_date: dt.date,
    report_date: dt.date,
    jkk_outcome: str,
    today: dt.date | None = None,
) -> list[str]:
    """Problems with the facts of a new claim, as messages (empty list = fine)."""
    today = today or dt.date.today()
    errors = []
    if event_date > today:
        errors.append("Tanggal kejadian tidak boleh di masa depan.")
    if report_date > today:
        errors.append("Tanggal lapor tidak boleh di masa depan.")
    if report_date < event_date:
        errors.append("Tanggal lapor tidak boleh sebelum tanggal kejadian.")
    if claim_type == ClaimType.JKK:
        if not jkk_outcome:
            errors.append("Pilih akibat kecelakaan kerja.")
        try:
            deadline, window = jkk_claim_deadline(event_date, RuleBook.load())
        except LookupError:
            deadline = None
        if deadline and report_date > deadline:
            errors.append(
                f"Klaim JKK lewat batas {window.as_int} tahun sejak kecelakaan "
                f"({window.regulation}); batas terakhir {format_date(deadline)}."
            )
    elif jkk_outcome:
        errors.append("Akibat kecelakaan hanya diisi untuk klaim JKK.")
    return errors


def create_claim(membership, user, **fields) -> Claim:
    """Save a new claim; a death claim also records the worker's date of death if missing."""
    with transaction.atomic():
        claim = Claim.objects.create(membership=membership, created_by=user, **fields)
        _record(claim, "", user, "Klaim dilaporkan")
        worker = membership.worker
        if claim.is_death and worker.deceased_date is None:
            from lindung.workers.services import mark_deceased

            mark_deceased(worker, claim.event_date, user)
    return claim


__all__ = [
    "ClaimError",
    "JkkOutcome",
    "allowed_next",
    "checklist",
    "create_claim",
    "record_payment",
    "set_documents",
    "set_recipient",
    "transition",
]
