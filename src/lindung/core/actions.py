"""Next-step actions on record pages. Domain apps register providers for a kind of record
("worker", ...); the record's page shows whatever the providers offer the user, so a page never
imports the apps that act on its record."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Action:
    label: str
    url: str
    style: str = ""  # "", "secondary" or "danger": the button's look
    hint: str = ""


ActionProvider = Callable[[object, object], list[Action]]
_PROVIDERS: dict[str, list[tuple[int, ActionProvider]]] = {}


def register(kind: str, provider: ActionProvider, order: int = 50) -> None:
    entries = _PROVIDERS.setdefault(kind, [])
    if all(existing is not provider for _, existing in entries):
        entries.append((order, provider))
        entries.sort(key=lambda entry: entry[0])


def actions_for(kind: str, record, user) -> list[Action]:
    return [action for _, provider in _PROVIDERS.get(kind, []) for action in provider(record, user)]
