"""Versioned rule lookup: the value of a parameter on a date, with where it comes from.

A RuleBook is an in-memory snapshot of the rule tables, so benefit computation is a pure
function of (facts, rulebook) and tests can build rulebooks without a database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal


class MissingRule(LookupError):
    """No version of a rule is in force on the date asked for."""


@dataclass(frozen=True)
class RuleValue:
    code: str
    value: Decimal
    effective_from: dt.date
    regulation: str
    label: str = ""

    @property
    def as_int(self) -> int:
        return int(self.value)

    def ref(self) -> dict:
        """A JSON-friendly citation of this rule version."""
        return {
            "code": self.code,
            "value": str(self.value.normalize()),
            "effective_from": self.effective_from.isoformat(),
            "regulation": self.regulation,
        }


@dataclass(frozen=True)
class ScholarshipRow:
    level: str
    yearly_amount: int
    max_years: int
    effective_from: dt.date
    regulation: str


@dataclass
class RuleBook:
    params: dict[str, list[RuleValue]] = field(default_factory=dict)
    scholarships: list[ScholarshipRow] = field(default_factory=list)

    @classmethod
    def build(
        cls, params: list[RuleValue], scholarships: list[ScholarshipRow] | None = None
    ) -> RuleBook:
        book = cls()
        for p in params:
            book.params.setdefault(p.code, []).append(p)
        for versions in book.params.values():
            versions.sort(key=lambda v: v.effective_from, reverse=True)
        book.scholarships = sorted(scholarships or [], key=lambda s: s.effective_from)
        return book

    @classmethod
    def load(cls) -> RuleBook:
        from .models import BenefitParameter, ScholarshipRate

        params = [
            RuleValue(p.code, p.value, p.effective_from, p.regulation, p.label)
            for p in BenefitParameter.objects.all()
        ]
        rates = [
            ScholarshipRow(r.level, r.yearly_amount, r.max_years, r.effective_from, r.regulation)
            for r in ScholarshipRate.objects.all()
        ]
        return cls.build(params, rates)

    def get(self, code: str, on: dt.date) -> RuleValue:
        for version in self.params.get(code, []):
            if version.effective_from <= on:
                return version
        raise MissingRule(f"Aturan '{code}' belum berlaku pada {on.isoformat()}.")

    def find(self, code: str, on: dt.date) -> RuleValue | None:
        try:
            return self.get(code, on)
        except MissingRule:
            return None

    def scholarship(self, level: str, on: dt.date) -> ScholarshipRow | None:
        found = None
        for row in self.scholarships:
            if row.level == level and row.effective_from <= on:
                found = row
        return found


def age_on(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
