"""Finding the membership a row of an outside list (BPJS, field forms) is about.

Exact NIK first, then exact KPJ, then a fuzzy fallback that is only ever a suggestion
("dicocokkan kira-kira") for a person to confirm:
  * NIK one digit (or one adjacent swap) off, similar name and the same birth date; or
  * the same birth date and a very similar name, within the row's village when it names one,
    else anywhere in the user's area (BPJS lists carry no Kemendagri village code).
Only memberships inside the importing user's area are candidates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from lindung.accounts.scoping import scoped
from lindung.enrollment.models import Membership, MembershipStatus
from lindung.imports.dedup import nik_distance, similarity

# Name similarity (0-100, rapidfuzz) needed next to a one-digit-off NIK / with no NIK help.
NAME_WITH_NIK = 85
NAME_ALONE = 92


class Match:
    EXACT = "nik"
    KPJ = "kpj"
    FUZZY = "kira_kira"
    AMBIGUOUS = "ganda"
    NONE = "tidak_cocok"


LABELS = {
    Match.EXACT: "Cocok NIK",
    Match.KPJ: "Cocok KPJ",
    Match.FUZZY: "Dicocokkan kira-kira",
    Match.AMBIGUOUS: "Lebih dari satu kemungkinan",
    Match.NONE: "Tidak ditemukan",
}


@dataclass
class Found:
    kind: str
    membership: Membership | None = None
    reason: str = ""
    candidates: tuple[int, ...] = ()


def _prefer(memberships: list[Membership]) -> Membership:
    """An open membership before an ended one; the newest first."""
    return sorted(
        memberships,
        key=lambda m: (m.status != MembershipStatus.BERAKHIR, m.created_at, m.pk),
        reverse=True,
    )[0]


class MembershipIndex:
    def __init__(self, user, niks: set[str], kpjs: set[str], births: set[dt.date]):
        base = scoped(Membership.objects.select_related("worker", "village"), user)
        self.by_nik: dict[str, list[Membership]] = {}
        for m in base.filter(worker__nik__in=niks):
            self.by_nik.setdefault(m.worker.nik, []).append(m)
        self.by_kpj: dict[str, list[Membership]] = {}
        for m in base.filter(kpj__in=[k for k in kpjs if k]):
            self.by_kpj.setdefault(m.kpj, []).append(m)
        self.by_birth: dict[dt.date, list[Membership]] = {}
        for m in base.filter(worker__birth_date__in=births).exclude(
            status=MembershipStatus.BERAKHIR
        ):
            self.by_birth.setdefault(m.worker.birth_date, []).append(m)

    def find(
        self,
        nik: str,
        kpj: str,
        name: str,
        birth: dt.date | None,
        village: str = "",
    ) -> Found:
        if nik and nik in self.by_nik:
            return Found(Match.EXACT, _prefer(self.by_nik[nik]))
        if kpj and kpj in self.by_kpj:
            found = self.by_kpj[kpj]
            if len({m.worker_id for m in found}) == 1:
                return Found(Match.KPJ, _prefer(found))
            return Found(Match.AMBIGUOUS, candidates=tuple(m.pk for m in found))
        if birth is None or not name:
            return Found(Match.NONE)
        near_nik: list[tuple[Membership, str]] = []
        same_name: list[tuple[Membership, str]] = []
        for m in self.by_birth.get(birth, []):
            score = similarity(name, m.worker.name)
            if nik and len(nik) == 16 and nik_distance(nik, m.worker.nik) == 1:
                if score >= NAME_WITH_NIK:
                    near_nik.append(
                        (m, f"NIK beda satu digit ({m.worker.nik}), nama mirip {score}%")
                    )
            elif (not village or m.village_id == village) and score >= NAME_ALONE:
                where = "desa sama" if village else f"desa {m.village.name}"
                same_name.append((m, f"nama mirip {score}%, tanggal lahir sama, {where}"))
        # A one-digit-off NIK is stronger evidence than a similar name alone.
        hits = near_nik or same_name
        if len(hits) == 1:
            return Found(Match.FUZZY, hits[0][0], hits[0][1])
        if len(hits) > 1:
            return Found(Match.AMBIGUOUS, candidates=tuple(m.pk for m, _ in hits))
        return Found(Match.NONE)
