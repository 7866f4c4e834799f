"""Reference data remembered per process until it changes anywhere.

Pickers of list filters (a regency's ~275 areas, the sectors) are built on every list page
from tables that change only when an admin edits them. Each process keeps what it built under
a token held in the shared cache; a change writes a new token (`Remembered.changed`, connected
to the model's signals, and called by bulk loaders that send none), and a process whose token
differs builds again. A lost token (the file cache culls entries) is replaced by a new one,
which also rebuilds.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from django.core.cache import cache

T = TypeVar("T")


class Remembered(Generic[T]):
    def __init__(self, name: str):
        self.token_key = f"lindung:remembered:{name}"
        self._kept: dict[Hashable, tuple[str, T]] = {}

    def changed(self, **signal_kwargs) -> None:
        cache.set(self.token_key, uuid.uuid4().hex, None)

    def _token(self) -> str:
        token = cache.get(self.token_key)
        if token is None:
            token = uuid.uuid4().hex
            cache.set(self.token_key, token, None)
        return token

    def get(self, key: Hashable, build: Callable[[], T]) -> T:
        """What `build()` gave for `key` since the last change, or a new build."""
        token = self._token()
        kept = self._kept.get(key)
        if kept is not None and kept[0] == token:
            return kept[1]
        value = build()
        self._kept[key] = (token, value)
        return value
