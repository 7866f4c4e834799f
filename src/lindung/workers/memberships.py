"""What the worker list needs to know of memberships, handed over by the enrollment app when
it starts (enrollment builds on workers, so workers never imports it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet


@dataclass(frozen=True)
class MembershipLookup:
    statuses: list[tuple[str, str]]  # (value, label) of a membership's status
    of_worker: Callable[[], QuerySet]  # memberships of the worker at OuterRef("pk")


_registered: list[MembershipLookup] = []


def register(lookup: MembershipLookup) -> None:
    _registered[:] = [lookup]


def lookup() -> MembershipLookup | None:
    """None when no app keeps memberships: the list then has no membership filters."""
    return _registered[0] if _registered else None
