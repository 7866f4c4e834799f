"""Who receives a death benefit: PP 44/2015 Pasal 40(2) order of priority.

The order itself is the structure of the article, so it is written here with its citation;
anything that changed over time (the notarial-will requirement) is a versioned rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from .models import Relationship as R
from .rules import RuleBook


class HeirLike(Protocol):
    pk: int | None
    name: str
    relationship: str
    notarial_will: bool
    court_ruling: str


@dataclass(frozen=True)
class PriorityGroup:
    rank: int
    relationships: frozenset[str]
    basis: str


PRIORITY: tuple[PriorityGroup, ...] = (
    PriorityGroup(
        1,
        frozenset({R.JANDA, R.DUDA, R.ANAK}),
        "PP 44/2015 Pasal 40 ayat (2) huruf a: janda, duda, atau anak",
    ),
    PriorityGroup(
        2,
        frozenset({R.ORANG_TUA, R.KAKEK_NENEK, R.CUCU}),
        "Pasal 40 ayat (2) huruf b angka 1: keturunan sedarah garis lurus ke atas dan ke bawah "
        "sampai derajat kedua",
    ),
    PriorityGroup(
        3, frozenset({R.SAUDARA_KANDUNG}), "Pasal 40 ayat (2) huruf b angka 2: saudara kandung"
    ),
    PriorityGroup(4, frozenset({R.MERTUA}), "Pasal 40 ayat (2) huruf b angka 3: mertua"),
    PriorityGroup(
        5,
        frozenset({R.PENERIMA_WASIAT}),
        "Pasal 40 ayat (2) huruf b angka 4: pihak yang ditunjuk dalam wasiat",
    ),
    PriorityGroup(
        6,
        frozenset({R.LAINNYA}),
        "Permenaker 1/2025: ahli waris di luar daftar dengan penetapan pengadilan",
    ),
)
FALLBACK_BASIS = (
    "Pasal 40 ayat (2) huruf c: tanpa ahli waris dan wasiat, biaya pemakaman dibayar kepada pihak "
    "yang mengurus pemakaman; santunan sekaligus dan berkala masuk Dana Jaminan Sosial"
)


@dataclass(frozen=True)
class HeirVerdict:
    heir: HeirLike
    entitled: bool
    reason: str


@dataclass
class HeirDecision:
    verdicts: list[HeirVerdict] = field(default_factory=list)
    group: PriorityGroup | None = None
    # True when nobody is entitled: lump sum and periodic go to the Dana Jaminan Sosial.
    to_social_security_fund: bool = False
    funeral_arrangers: list[HeirLike] = field(default_factory=list)

    @property
    def entitled(self) -> list[HeirVerdict]:
        return [v for v in self.verdicts if v.entitled]

    @property
    def excluded(self) -> list[HeirVerdict]:
        return [v for v in self.verdicts if not v.entitled]

    def verdict_for(self, heir: HeirLike) -> HeirVerdict | None:
        for v in self.verdicts:
            if v.heir is heir or (heir.pk is not None and v.heir.pk == heir.pk):
                return v
        return None

    def may_receive(self, heir: HeirLike) -> tuple[bool, str]:
        """Whether `heir` may be the recorded recipient, and why (or why not)."""
        if self.to_social_security_fund and heir.relationship == R.PENGURUS_PEMAKAMAN:
            return True, "Menerima biaya pemakaman saja. " + FALLBACK_BASIS
        verdict = self.verdict_for(heir)
        if verdict is None:
            return False, "Ahli waris ini bukan bagian dari klaim ini."
        return verdict.entitled, verdict.reason


def _blocker(heir: HeirLike, event_date: dt.date, rules: RuleBook) -> str | None:
    """Why a heir of an otherwise eligible group cannot be counted (missing legal proof)."""
    if heir.relationship == R.PENERIMA_WASIAT:
        notarial = rules.find("heir_will_notarial_required", event_date)
        if notarial is not None and notarial.value and not heir.notarial_will:
            return (
                f"Wasiat harus berupa akta notaris ({notarial.regulation}); "
                "wasiat di bawah tangan tidak dapat diterima."
            )
    if heir.relationship == R.LAINNYA and not heir.court_ruling.strip():
        return (
            "Ahli waris di luar daftar peraturan memerlukan penetapan ahli waris dari pengadilan."
        )
    return None


def entitled_heirs(
    heirs: Iterable[HeirLike], *, event_date: dt.date | None = None, rules: RuleBook | None = None
) -> HeirDecision:
    """Apply the order of priority: only the first group with a valid member is entitled.

    `rules` defaults to the rule tables in the database (for the notarial-will requirement).
    """
    event_date = event_date or dt.date.today()
    rules = rules if rules is not None else RuleBook.load()
    heirs = list(heirs)
    decision = HeirDecision()
    blocked = {id(h): _blocker(h, event_date, rules) for h in heirs}
    for group in PRIORITY:
        members = [h for h in heirs if h.relationship in group.relationships]
        if any(blocked[id(h)] is None for h in members):
            decision.group = group
            break
    for heir in heirs:
        if heir.relationship == R.PENGURUS_PEMAKAMAN:
            decision.verdicts.append(
                HeirVerdict(heir, False, "Pengurus pemakaman bukan ahli waris.")
            )
            continue
        if blocked[id(heir)]:
            decision.verdicts.append(HeirVerdict(heir, False, blocked[id(heir)]))
            continue
        group = next(g for g in PRIORITY if heir.relationship in g.relationships)
        if decision.group is not None and group.rank == decision.group.rank:
            decision.verdicts.append(HeirVerdict(heir, True, group.basis))
        else:
            above = decision.group.basis if decision.group else ""
            decision.verdicts.append(
                HeirVerdict(
                    heir, False, f"Terhalang oleh ahli waris prioritas lebih tinggi ({above})."
                )
            )
    if decision.group is None:
        decision.to_social_security_fund = True
        decision.funeral_arrangers = [h for h in heirs if h.relationship == R.PENGURUS_PEMAKAMAN]
    return decision
