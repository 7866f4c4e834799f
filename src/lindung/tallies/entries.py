"""What one membership or worker adds to its village's tallies (pure functions of its facts).

A record's facts are read from the database (`membership_facts`, `worker_facts`); `entries()`
turns them into (key, day) pairs. The tallies of a village are the counts of those pairs over
its records, so an update is "entries after the write minus entries before it".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import NamedTuple

from django.db.models import Max, Q

from lindung.enrollment.models import PRE_ACTIVE, Membership, MembershipStatus
from lindung.workers.models import Worker

from .models import NO_DAY

S = MembershipStatus
ENDED = (S.BERAKHIR, S.NONAKTIF)
EARLIEST = dt.date(1, 1, 1)

# Keys (short: they are stored on every row).
STATUS = "status:"  # + status, undated: the registration pipeline
EXPIRES = "aktif_paid"  # status aktif, by paid-until day: lapsing within N days
ACTIVE_FROM = "act_from"  # protected from this day ...
ACTIVE_TO = "act_to"  # ... to this day: active on d = #to >= d - #from > d
HORIZON = "horizon"  # not ended, alive: paid or committed until this day (renewals due)
DEAD_NO_CLAIM = "dead_noclaim"  # protected when they died, no death claim: by day of death
WORKERS = "workers"
WORKERS_FLAGGED = "workers_flag"


class MembershipFacts(NamedTuple):
    village: str
    status: str
    start: dt.date | None
    paid: dt.date | None
    end: dt.date | None
    deceased: dt.date | None
    committed_to: dt.date | None  # last month of its live funding commitments
    death_claim: bool  # the worker has a death claim (JKM or fatal JKK), on any membership


class WorkerFacts(NamedTuple):
    village: str
    flagged: bool


Entry = tuple[str, str, dt.date]  # village, key, day


def membership_entries(f: MembershipFacts) -> list[Entry]:
    out: list[tuple[str, dt.date]] = [(STATUS + f.status, NO_DAY)]
    if f.status == S.AKTIF and f.paid is not None:
        out.append((EXPIRES, f.paid))
    counted = f.status not in PRE_ACTIVE and f.start is not None and f.paid is not None
    if counted:
        last = f.paid if f.end is None else min(f.paid, f.end)
        if f.start <= last:
            out += [(ACTIVE_FROM, f.start), (ACTIVE_TO, last)]
        if (
            f.deceased is not None
            and not f.death_claim
            and f.start <= f.deceased <= f.paid
            and (f.end is None or f.end >= f.deceased)
        ):
            out.append((DEAD_NO_CLAIM, f.deceased))
    if f.status not in ENDED and f.deceased is None:
        out.append((HORIZON, max(f.paid or EARLIEST, f.committed_to or EARLIEST)))
    return [(f.village, key, day) for key, day in out]


def worker_entries(f: WorkerFacts) -> list[Entry]:
    out = [(f.village, WORKERS, NO_DAY)]
    if f.flagged:
        out.append((f.village, WORKERS_FLAGGED, NO_DAY))
    return out


def death_claims():
    from lindung.claims.models import Claim, ClaimType, JkkOutcome

    return Claim.objects.filter(
        Q(claim_type=ClaimType.JKM) | Q(claim_type=ClaimType.JKK, jkk_outcome=JkkOutcome.MENINGGAL)
    )


def membership_facts(where: Q) -> dict[int, MembershipFacts]:
    """Facts of the memberships matching `where`, as the database holds them now."""
    from lindung.funding.models import LIVE_STATUSES, Commitment

    rows = list(
        Membership.objects.filter(where).values_list(
            "pk",
            "village_id",
            "status",
            "coverage_start",
            "paid_until",
            "coverage_end",
            "worker_id",
            "worker__deceased_date",
        )
    )
    if not rows:
        return {}
    ids = [r[0] for r in rows]
    committed: dict[int, dt.date] = {}
    dead_workers = [r[6] for r in rows if r[7] is not None]
    claimed: set[int] = set()
    for part in _parts(ids):
        committed.update(
            Commitment.objects.filter(membership_id__in=part, status__in=LIVE_STATUSES)
            .values("membership_id")
            .annotate(last=Max("end_month"))
            .values_list("membership_id", "last")
        )
    for part in _parts(dead_workers):
        claimed.update(
            death_claims()
            .filter(membership__worker_id__in=part)
            .values_list("membership__worker_id", flat=True)
        )
    return {
        pk: MembershipFacts(
            village, status, start, paid, end, deceased, committed.get(pk), worker in claimed
        )
        for pk, village, status, start, paid, end, worker, deceased in rows
    }


def worker_facts(where: Q) -> dict[int, WorkerFacts]:
    return {
        pk: WorkerFacts(village, bool(flags))
        for pk, village, flags in Worker.objects.filter(where).values_list(
            "pk", "village_id", "verification_flags"
        )
    }


def _parts(ids: list[int], size: int = 900) -> Iterable[list[int]]:
    # Under SQLite's limit of bound parameters per statement.
    for i in range(0, len(ids), size):
        yield ids[i : i + size]
