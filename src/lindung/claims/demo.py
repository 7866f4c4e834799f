"""Demo step: death claims for deceased demo participants, in every claim state, with heirs.

Uses the claims workflow itself (documents, recipient, verification, payment), so every demo
claim passed the same checks as a real one. About a third of the protected deaths are left
without a claim: they are the "meninggal tanpa klaim" worklist. The BPJS branch's aggregate
report for the regency is loaded too, so coverage reads like the regency's own figure.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from .models import ClaimStatus, ClaimType, Heir
from .models import Relationship as R

STATES = [
    ClaimStatus.DILAPORKAN,
    ClaimStatus.BERKAS_LENGKAP,
    ClaimStatus.DIVERIFIKASI,
    ClaimStatus.DIBAYAR,
    ClaimStatus.DITOLAK,
]
# BPJS Ketenagakerjaan Lombok Timur, active participants of every segment in January 2026 (as
# reported to the regency) against 775.960 employed (BPS 2024): about 21%.
BPJS_ACTIVE_2025 = 164_828
BPJS_PERIOD = dt.date(2026, 1, 1)
BPJS_BPU_SHARE = 0.45  # the split by segment is not published; labelled as an estimate


def _heirs(rng: random.Random, claim, worker) -> list[Heir]:
    spouse = R.JANDA if worker.sex == "L" else R.DUDA
    rows = [Heir(claim=claim, name=f"Pasangan {worker.name}", relationship=spouse)]
    for i in range(rng.randint(0, 2)):
        born = claim.event_date - dt.timedelta(days=365 * rng.randint(4, 20))
        rows.append(
            Heir(claim=claim, name=f"Anak {i + 1} {worker.name}", relationship=R.ANAK,
                 birth_date=born)
        )  # fmt: skip
    return Heir.objects.bulk_create(rows)


def demo_claims(rng: random.Random, context: dict) -> str:
    from lindung.core.formatting import format_number

    from . import workflow
    from .deceased import deceased_without_claim

    users = context.get("users") or {}
    branch = users.get("petugas_bpjs")
    admin = users.get("admin_kabupaten")
    if branch is None or admin is None:
        return "klaim: pengguna demo tidak ada, dilewati"
    today: dt.date = context.get("today") or timezone.localdate()
    protected = list(deceased_without_claim(admin, context.get("regency"), today, days=0))
    rng.shuffle(protected)
    keep_open = len(protected) // 3
    made = {s: 0 for s in STATES}
    for i, m in enumerate(protected[keep_open:]):
        state = STATES[i % len(STATES)]
        death = m.worker.deceased_date
        report = min(today, death + dt.timedelta(days=rng.randint(3, 20)))
        claim = workflow.create_claim(
            m, branch, claim_type=ClaimType.JKM, event_date=death, report_date=report
        )
        heirs = _heirs(rng, claim, m.worker)
        if state == ClaimStatus.DITOLAK:
            workflow.transition(claim, ClaimStatus.DITOLAK, branch,
                                reason="Data demo: berkas ahli waris tidak sesuai KK")  # fmt: skip
            made[state] += 1
            continue
        if state == ClaimStatus.DILAPORKAN:
            made[state] += 1
            continue
        workflow.set_recipient(claim, heirs[0], branch)
        ids = {r.pk for r in workflow.required_documents(claim)}
        workflow.set_documents(claim, branch, ids)
        complete = min(today, report + dt.timedelta(days=rng.randint(1, 10)))
        workflow.transition(claim, ClaimStatus.BERKAS_LENGKAP, branch, on=complete)
        if state != ClaimStatus.BERKAS_LENGKAP:
            workflow.transition(claim, ClaimStatus.DIVERIFIKASI, branch)
            if state == ClaimStatus.DIBAYAR:
                claim.refresh_from_db()
                paid = min(today, complete + dt.timedelta(days=rng.randint(1, 6)))
                workflow.record_payment(
                    claim, branch, paid_date=paid, amount=claim.amount_computed, today=today
                )
        made[state] += 1
    _bpjs_report(context.get("regency") or "52.03", today, admin)
    labels = dict(ClaimStatus.choices)
    detail = ", ".join(f"{labels[s].lower()} {n}" for s, n in made.items())
    return f"{format_number(sum(made.values()))} klaim JKM ({detail}); {keep_open} tanpa klaim"


def _bpjs_report(regency: str, today: dt.date, admin) -> None:
    from lindung.coverage.models import BpjsReportCount, BpjsSegment

    if regency != "52.03":
        return
    period = min(BPJS_PERIOD, dt.date(today.year, today.month, 1))
    bpu = round(BPJS_ACTIVE_2025 * BPJS_BPU_SHARE)
    note = (
        "Total 164.828 peserta aktif Januari 2026 menurut BPJS Ketenagakerjaan Lombok Timur; "
        "pembagian PU/BPU adalah perkiraan data demo (tidak dipublikasikan)"
    )
    for segment, count in ((BpjsSegment.PU, BPJS_ACTIVE_2025 - bpu), (BpjsSegment.BPU, bpu)):
        BpjsReportCount.objects.update_or_create(
            area_id=regency, period=period, segment=segment,
            defaults={"participants": count, "source_note": note, "imported_by": admin},
        )  # fmt: skip
